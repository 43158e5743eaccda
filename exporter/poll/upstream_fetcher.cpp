#include "poll/upstream_fetcher.h"

#include <charconv>
#include <chrono>

#include "sources/sf_error.h"

namespace ue {

void GatewayLoad::report_overload(int retry_after_seconds) {
  overloaded_ = true;
  int longest = retry_after_seconds_.load();
  while (retry_after_seconds > longest && !retry_after_seconds_.compare_exchange_weak(longest, retry_after_seconds)) {
  }
}

std::string& UpstreamFetcher::memo(std::string_view key) {
  auto it = memo_.find(key);
  if (it == memo_.end()) it = memo_.emplace(std::string(key), std::string()).first;
  return it->second;
}

Answer UpstreamFetcher::send(std::string_view endpoint, const std::string& path_and_query, const BodyChunks* chunks,
                             std::uint64_t max_body_bytes) {
  const auto started = std::chrono::steady_clock::now();
  const auto count_request = [&] {
    metrics_.request(endpoint, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  };
  Answer answer;
  try {
    answer = chunks ? transport_.get_streamed(path_and_query, *chunks, max_body_bytes) : transport_.get(path_and_query);
  } catch (const SourceError& e) {
    count_request();
    count_error(endpoint, e.reason);
    throw;
  }
  count_request();
  return answer;
}

void UpstreamFetcher::refuse(std::string_view endpoint, const Answer& answer, bool feature_probe) {
  const int status = answer.status;
  if (status == 503 || status == 504) {
    int retry_after = 0;
    std::from_chars(answer.retry_after.data(), answer.retry_after.data() + answer.retry_after.size(), retry_after);
    load_.report_overload(retry_after);
  }
  if (feature_probe && status >= 400 && status < 500) throw FeatureAbsent{status};
  count_error(endpoint, Reason::http_status);
  throw SourceError{Reason::http_status, describe_http_status(status, answer.body), status};
}

std::string UpstreamFetcher::get_body(std::string_view endpoint, const std::string& path_and_query,
                                      bool feature_probe) {
  Answer answer = send(endpoint, path_and_query, nullptr, 0);
  if (!is_success_status(answer.status)) refuse(endpoint, answer, feature_probe);
  return std::move(answer.body);
}

void UpstreamFetcher::stream_body(std::string_view endpoint, const std::string& path_and_query, bool feature_probe,
                                  const BodyChunks& chunks, std::uint64_t max_body_bytes) {
  const Answer answer = send(endpoint, path_and_query, &chunks, max_body_bytes);
  if (!is_success_status(answer.status)) refuse(endpoint, answer, feature_probe);
}

}  // namespace ue
