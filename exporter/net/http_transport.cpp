#include "net/http_transport.h"

#include "base/secret_file.h"
#include "log/log.h"

namespace ue {
namespace {

HttpEndpoint endpoint_with(const TargetConfig& target, const ConnectionSettings& settings) {
  HttpEndpoint endpoint = target_endpoint(target);
  endpoint.connect_ip = settings.connect_ip;
  return endpoint;
}

}  // namespace

ConnectionSettings prepare_connection(const TargetConfig& target) {
  ConnectionSettings settings;
  if (!target.bearer_token_file.empty()) settings.bearer_token = read_secret_file("bearer_token_file", target.bearer_token_file);
  settings.connect_ip = resolve_connect_ip(target_endpoint(target).url, target.tls);
  return settings;
}

HttpTransport::HttpTransport(const TargetConfig& target, const ConnectionSettings& settings,
                             std::shared_ptr<BearerTokens> tokens, RequestCounter* counter)
    : client_(endpoint_with(target, settings)),
      target_name_(target.name),
      bearer_token_(settings.bearer_token),
      tokens_(std::move(tokens)),
      counter_(counter) {}

void HttpTransport::abort() {
  client_.abort();
  if (tokens_) tokens_->abort();
}

void HttpTransport::abort_if_overdue(std::chrono::steady_clock::time_point now) {
  client_.abort_if_overdue(now);
  if (tokens_) tokens_->abort_if_overdue(now);
}

BearerToken HttpTransport::token() {
  try {
    return tokens_->token(*counter_);
  } catch (const SourceError& e) {
    // Without a token the API cannot be asked: the poll ends as if it could not connect.
    throw SourceError{Reason::connect, "no token: " + e.message};
  }
}

Answer HttpTransport::get(const std::string& path_and_query) {
  return with_token(path_and_query,
                    [&](const HttpHeaders& headers) { return client_.send("GET", path_and_query, headers); });
}

Answer HttpTransport::get_streamed(const std::string& path_and_query, const BodyChunks& chunks,
                                   std::uint64_t max_body_bytes) {
  return with_token(path_and_query, [&](const HttpHeaders& headers) {
    return client_.get_streamed(path_and_query, headers, chunks, max_body_bytes);
  });
}

Answer HttpTransport::with_token(const std::string& path_and_query,
                                 const std::function<Answer(const HttpHeaders& headers)>& send) {
  const auto send_with = [&](const std::string& bearer_token) {
    HttpHeaders headers = {{"Accept", "application/json"}};
    if (!bearer_token.empty()) headers.emplace_back("Authorization", "Bearer " + bearer_token);
    return send(headers);
  };
  if (!tokens_) return send_with(bearer_token_);
  BearerToken token = this->token();
  Answer answer = send_with(token.value);
  if (answer.status == 401 && !token.fetched && tokens_->refused(token.value)) {
    Log::debug("upstream refused the cached token; asking for a new one",
               {{"target", target_name_}, {"path", path_and_query}});
    token = this->token();
    answer = send_with(token.value);
  }
  if (answer.status != 401) tokens_->accepted(token.value);
  return answer;
}

}  // namespace ue
