// The identity side of the simulator: an Entra ID-like OAuth2 token endpoint
// (client credentials grant), Qumulo's session login, and the tokens both hand
// out and the gateways then check. No sockets; thread-safe.
//
// Token lifetimes run on real time since start-up, never on the simulated
// clock: a client times its refresh by its own clock, so at --speed=20 a token
// that expired 20 times early would be refused before any client renews it.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

#include "json.h"
#include "scenario.h"

namespace sim {

// Random opaque tokens, each live until its expiry. An expired token is
// remembered for a while (so the gateway can say "expired"), then forgotten.
class TokenStore {
 public:
  explicit TokenStore(std::string prefix);

  std::string issue(Micros now, Micros lifetime);
  enum class Check { live, expired, unknown };
  Check check(std::string_view token, Micros now) const;

 private:
  const std::string prefix_;
  mutable std::mutex mu_;
  std::mt19937_64 random_;
  std::unordered_map<std::string, Micros> expiry_;
};

// What an identity route answers: a status and a JSON body.
struct AuthAnswer {
  int status = 200;
  Json body;
};

// Which token endpoint was asked: v2.0 takes `scope`, v1 takes `resource` (and answers numbers as strings).
enum class TokenEndpoint { v2, v1 };

// POST /[<tenant>/]oauth2/v2.0/token or /<tenant>/oauth2/token: the client credentials grant
// against the scenario's one client (none: every client is unknown). Errors are RFC 6749
// bodies with Entra's AADSTS descriptions. A client_assertion (jwt-bearer) stands in for the
// secret when entra.h's assertion_problem accepts it for `audience`, the token URL asked. `wall` stamps the error bodies and v1's expires_on.
AuthAnswer answer_token_request(const std::optional<OAuth2Client>& client, TokenEndpoint endpoint,
                                std::string_view content_type, std::string_view body, TokenStore& tokens,
                                Micros now, WallClock::time_point wall, std::string_view audience = {});

// POST /v1/session/login: {"bearer_token"} for the scenario's account, 401 otherwise
// (always, when the scenario has no login), 400 for a body that is not {"username", "password"}.
AuthAnswer answer_login(const std::optional<QumuloLogin>& login, std::string_view body, TokenStore& sessions,
                        Micros now);

// The token of an "Authorization: Bearer <token>" header (the scheme is case-insensitive); "" otherwise.
std::string_view bearer_token_of(std::string_view authorization);

}  // namespace sim
