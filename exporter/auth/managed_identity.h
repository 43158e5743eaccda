// Tokens from the Azure instance metadata service (IMDS) for a target's
// `managed_identity`: GET {endpoint}/metadata/identity/oauth2/token with the
// header `Metadata: true`, through a TokenCache that outlives the polls, so
// the oauth2 rules for refresh and 401 apply. 429 and 5xx answers are retried
// with backoff (or after the Retry-After they give) while the target's
// `timeout`, which bounds the whole fetch, leaves room. Each request is
// counted under the endpoint `managed_identity`; a failure is logged with the
// status and the service's error, never with a token.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/request_in_flight.h"
#include "auth/token_cache.h"
#include "auth/token_grant.h"
#include "config/config.h"
#include "net/http_client.h"
#include "net/upstream.h"

namespace ue {

inline constexpr std::string_view kManagedIdentityEndpoint = "managed_identity";
inline constexpr std::string_view kImdsApiVersion = "2018-02-01";
// The first retry's wait; each next one doubles it, up to kImdsMaxRetryDelay.
inline constexpr Duration kImdsFirstRetryDelay = std::chrono::milliseconds(500);
inline constexpr Duration kImdsMaxRetryDelay = std::chrono::seconds(30);

// The path and query of the token request for `resource`: api-version,
// resource, and the one of client_id, object_id, msi_res_id (resource_id)
// that is set, each percent-encoded.
std::string imds_token_path(const ManagedIdentityConfig& identity, std::string_view resource);

// A 2xx IMDS answer: access_token, token_type Bearer when present, and the
// lifetime from expires_in (a string, as IMDS sends it, or a number), else
// from expires_on (Unix seconds as a string) less `now_unix`, else
// kDefaultTokenLifetime. Throws SourceError as parse_token_response does.
TokenGrant parse_imds_token_response(std::string_view body, double now_unix);

// Whether an IMDS answer is worth asking again: 429 (throttled) and 5xx.
bool imds_retryable(int status);
// The wait before retry `attempt` (0 first): Retry-After when it holds
// seconds, else kImdsFirstRetryDelay doubled per attempt, plus up to a
// quarter more by `jitter` (0..1); at most kImdsMaxRetryDelay.
Duration imds_retry_delay(int attempt, std::string_view retry_after, double jitter);

class ManagedIdentitySource final : public BearerTokens {
 public:
  // Needs `target.managed_identity`; `resource` is its resource, or the
  // discovered one. `clock` outlives it.
  ManagedIdentitySource(const TargetConfig& target, std::string resource, const Clock& clock);

  BearerToken token(RequestCounter& counter) override;
  bool refused(const std::string& token) override { return cache_.refused(token); }
  void accepted(const std::string& token) override { cache_.accepted(token); }
  void new_poll() { cache_.new_poll(); }
  void abort() override;
  void abort_if_overdue(std::chrono::steady_clock::time_point now) override;

 private:
  TokenGrant fetch(RequestCounter& counter);
  // One request, counted; `remaining` bounds it.
  Answer get(RequestCounter& counter, std::chrono::milliseconds remaining);
  // Waits `delay` unless aborted first; false when aborted.
  bool wait_before_retry(Duration delay);

  const TargetConfig target_;
  const ManagedIdentityConfig identity_;
  const std::string resource_;
  const Clock& clock_;
  TokenCache cache_;
  RequestInFlight request_;  // the metadata service request being made, for abort()
  std::mutex abort_mutex_;   // guards aborted_, which cuts a wait between retries short
  std::condition_variable aborted_cv_;
  bool aborted_ = false;
};

}  // namespace ue
