// Where a target's tokens come from: its `oauth2` token endpoint (client
// credentials grant) or its Qumulo session login, asked over HTTP through a
// TokenCache that outlives the polls. Each request to the token endpoint is
// counted under the target's endpoint `oauth2_token` or `qumulo_login`, and a
// failure is logged with what the endpoint answered, never with the secret
// or a token.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/request_in_flight.h"
#include "auth/token_cache.h"
#include "config/config.h"
#include "net/http_client.h"
#include "net/upstream.h"

namespace ue {

inline constexpr std::string_view kOAuth2TokenEndpoint = "oauth2_token";
inline constexpr std::string_view kQumuloLoginEndpoint = "qumulo_login";

class TokenSource final : public BearerTokens {
 public:
  // Needs `target.oauth2` or `target.qumulo_login`; `clock` outlives it.
  TokenSource(const TargetConfig& target, const Clock& clock);
  // nullptr when the target has neither block.
  static std::shared_ptr<TokenSource> for_target(const TargetConfig& target, const Clock& clock);

  const TargetConfig& config() const { return target_; }

  // The token to send now, fetched when due (see TokenCache::get). Throws SourceError.
  BearerToken token(RequestCounter& counter) override;
  bool refused(const std::string& token) override { return cache_.refused(token); }
  void accepted(const std::string& token) override { cache_.accepted(token); }
  void new_poll() { cache_.new_poll(); }
  void abort() override;
  void abort_if_overdue(std::chrono::steady_clock::time_point now) override;

 private:
  TokenGrant fetch(RequestCounter& counter);
  // The answer of one request to the token endpoint, counted under `endpoint_`.
  Answer post(RequestCounter& counter, const HttpEndpoint& endpoint, const std::string& path, const std::string& body,
              const std::string& content_type);

  const TargetConfig target_;
  const std::string_view endpoint_;  // the endpoint label
  const Clock& clock_;               // dates the errors, like the upstream fetcher's
  TokenCache cache_;
  RequestInFlight request_;  // the token request being made, for abort()
};

}  // namespace ue
