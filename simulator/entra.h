// The secretless side of the simulated Entra ID: an instance metadata
// service (IMDS) that hands out the cluster's tokens to a managed identity,
// and the checks of a client assertion sent to the token endpoint instead of
// a secret (a certificate credential's signed JWT, or a federated token).
// No sockets; the routes are in routes.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "auth.h"
#include "scenario.h"

namespace sim {

inline constexpr std::string_view kJwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R. 400 without
// `Metadata: true` (as IMDS answers), without api-version or resource, or for a resource
// other than the cluster's; 429 for the scenario's first `imds_throttle_first` requests
// (`asked_before` counts them); 400 "identity not found" when the scenario has no oauth2.
// The answer is IMDS's: every number a string, the token one the gateway accepts.
AuthAnswer answer_imds_token(const std::optional<OAuth2Client>& client, std::string_view metadata_header,
                             const std::map<std::string, std::string>& query, std::uint64_t asked_before,
                             TokenStore& tokens, Micros now, WallClock::time_point wall);

// Why an assertion is refused: Entra's AADSTS code and its description.
struct AssertionProblem {
  int code;
  std::string description;
};

// Why `assertion` does not stand for `client`, or nullopt when it does: the
// scenario's federated token, verbatim; or a JWT whose PS256 signature (PSS,
// salt 32) verifies with the scenario's certificate and whose aud is
// `audience` (the token URL asked), iss and sub the client id, exp after `now_unix`.
std::optional<AssertionProblem> assertion_problem(const OAuth2Client& client, std::string_view assertion,
                                             std::string_view audience, std::int64_t now_unix);

// Base64url without padding, decoded; nullopt for other characters.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace sim
