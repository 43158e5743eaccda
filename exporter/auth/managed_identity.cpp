// IMDS token requests; see managed_identity.h.
#include "auth/managed_identity.h"

#include <algorithm>
#include <charconv>
#include <random>

#include "base/json_fields.h"
#include "base/url_escape.h"
#include "config/units.h"
#include "log/log.h"

namespace ue {

std::string imds_token_path(const ManagedIdentityConfig& identity, std::string_view resource) {
  std::string path = "/metadata/identity/oauth2/token?api-version=" + std::string(kImdsApiVersion) +
                     "&resource=" + escape_query_value(resource);
  if (!identity.client_id.empty()) path += "&client_id=" + escape_query_value(identity.client_id);
  else if (!identity.object_id.empty()) path += "&object_id=" + escape_query_value(identity.object_id);
  else if (!identity.resource_id.empty()) path += "&msi_res_id=" + escape_query_value(identity.resource_id);
  return path;
}

TokenGrant parse_imds_token_response(std::string_view body, double now_unix) {
  TokenGrant grant = parse_token_response(body);  // access_token, token_type, expires_in
  const Json doc = parse_json(body);
  if (find_field(doc, "expires_in")) return grant;
  if (std::optional<double> expires_on = number_field(doc, "expires_on")) {
    const double seconds = *expires_on - now_unix;
    if (!(seconds > 0)) throw SourceError{Reason::schema, "expires_on: already past"};
    const double capped = std::min(seconds, std::chrono::duration<double>(kMaxTokenLifetime).count());
    const auto lifetime = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(capped));
    grant.refresh_after = refresh_after_for(lifetime);
    grant.expires_after = lifetime;
  }
  return grant;
}

bool imds_retryable(int status) { return status == 429 || (status >= 500 && status <= 599); }

Duration imds_retry_delay(int attempt, std::string_view retry_after, double jitter) {
  int seconds = 0;
  const auto [end, error] = std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
  if (error == std::errc{} && end == retry_after.data() + retry_after.size() && seconds >= 0)
    return std::min<Duration>(std::chrono::seconds(seconds), kImdsMaxRetryDelay);
  const double base = std::chrono::duration<double>(kImdsFirstRetryDelay).count() *
                      static_cast<double>(1ULL << std::clamp(attempt, 0, 16));
  const double with_jitter = base * (1.0 + 0.25 * std::clamp(jitter, 0.0, 1.0));
  const double capped = std::min(with_jitter, std::chrono::duration<double>(kImdsMaxRetryDelay).count());
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(capped));
}

ManagedIdentitySource::ManagedIdentitySource(const TargetConfig& target, std::string resource, const Clock& clock)
    : target_(target), identity_(*target.managed_identity), resource_(std::move(resource)), clock_(clock),
      cache_(clock) {}

BearerToken ManagedIdentitySource::token(RequestCounter& counter) {
  return cache_.get([&] { return fetch(counter); });
}

void ManagedIdentitySource::abort() {
  {
    std::lock_guard lock(abort_mutex_);
    aborted_ = true;
    aborted_cv_.notify_all();
  }
  request_.abort();
}

void ManagedIdentitySource::abort_if_overdue(std::chrono::steady_clock::time_point now) {
  request_.abort_if_overdue(now);
}

bool ManagedIdentitySource::wait_before_retry(Duration delay) {
  std::unique_lock lock(abort_mutex_);
  return !aborted_cv_.wait_for(lock, delay, [&] { return aborted_; });
}

Answer ManagedIdentitySource::get(RequestCounter& counter, std::chrono::milliseconds remaining) {
  const auto endpoint = [&] {
    return HttpEndpoint{.url = identity_.parsed_endpoint,
                        .tls = std::nullopt,
                        .connect_ip = {},
                        .timeout = remaining,
                        .max_response_bytes = target_.settings.max_response_bytes};
  };
  return request_.send(endpoint, counter, kManagedIdentityEndpoint, clock_, [&](HttpClient& client) {
    return client.send("GET", imds_token_path(identity_, resource_), {{"Metadata", "true"}, {"Accept", "application/json"}});
  });
}

TokenGrant ManagedIdentitySource::fetch(RequestCounter& counter) {
  {
    std::lock_guard lock(abort_mutex_);
    aborted_ = false;
  }
  const auto deadline = std::chrono::steady_clock::now() + target_.settings.timeout;
  std::mt19937 random(std::random_device{}());
  try {
    for (int attempt = 0;; ++attempt) {
      const auto remaining =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (remaining <= std::chrono::milliseconds(0))
        throw SourceError{Reason::timeout, "instance metadata service: no token within the target's timeout"};
      Answer answer = get(counter, remaining);
      if (is_success_status(answer.status)) {
        try {
          TokenGrant grant = parse_imds_token_response(answer.body, clock_.unix_now());
          Log::debug("token obtained", {{"target", target_.name},
                                        {"endpoint", kManagedIdentityEndpoint},
                                        {"refresh_in", format_duration(grant.refresh_after)}});
          return grant;
        } catch (const SourceError& e) {
          counter.error(kManagedIdentityEndpoint, e.reason, clock_.unix_now());
          throw SourceError{e.reason, "instance metadata service answer unusable: " + e.message};
        }
      }
      const Duration delay =
          imds_retry_delay(attempt, answer.retry_after, std::uniform_real_distribution<double>(0, 1)(random));
      const bool retry = imds_retryable(answer.status) && std::chrono::steady_clock::now() + delay < deadline;
      if (!retry || !wait_before_retry(delay)) {
        counter.error(kManagedIdentityEndpoint, Reason::http_status, clock_.unix_now());
        throw SourceError{Reason::http_status,
                          "instance metadata service answered " + describe_token_error(answer.status, answer.body),
                          answer.status};
      }
      Log::debug("instance metadata service busy, retrying",
                 {{"target", target_.name}, {"status", std::to_string(answer.status)},
                  {"retry_in", format_duration(delay)}});
    }
  } catch (const SourceError& e) {
    Log::error("cannot obtain a token",
               {{"target", target_.name}, {"endpoint", kManagedIdentityEndpoint}, {"err", e.message}});
    throw;
  }
}

}  // namespace ue
