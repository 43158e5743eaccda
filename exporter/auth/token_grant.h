// What a token endpoint is asked and what its answers mean: the OAuth 2.0
// client credentials request (RFC 6749 section 4.4) and its answers (5.1,
// 5.2), and Qumulo's session login. Pure text in, text out; no sockets.
// Nothing here ever puts a secret or a token into a message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "config/config.h"

namespace ue {

// A token, and how long it may be used, both from when it was obtained.
struct TokenGrant {
  std::string token;
  Duration refresh_after{};  // fetched again from then on
  Duration expires_after{};  // still used until then while a refresh fails
};

// The lifetime assumed when a token response has no expires_in (RFC 6749 leaves it optional).
inline constexpr Duration kDefaultTokenLifetime = std::chrono::hours(1);
// Qumulo session tokens are valid for 10 hours; the login says nothing about it.
inline constexpr Duration kQumuloSessionLifetime = std::chrono::hours(10);
// The longest expires_in believed; more is cut to this, so the arithmetic stays in range.
inline constexpr Duration kMaxTokenLifetime = std::chrono::hours(24 * 365);
// The most of an error description kept for the log.
inline constexpr std::size_t kMaxTokenErrorBytes = 300;

// When a token that lives `lifetime` is refreshed: 60 seconds, or 10% of its
// lifetime when that is less, before it expires.
Duration refresh_after_for(Duration lifetime);

// How a client credentials request proves the client: a client secret
// (RFC 6749 section 2.3.1) or a client assertion, a JWT (RFC 7523 section 2.2):
// a federated token read from a file, or one the exporter signs with its
// certificate. `value` is never put into a message.
struct ClientCredential {
  enum class Kind { secret, assertion };
  Kind kind = Kind::secret;
  std::string value;

  static ClientCredential secret(std::string client_secret) { return {Kind::secret, std::move(client_secret)}; }
  static ClientCredential assertion(std::string jwt) { return {Kind::assertion, std::move(jwt)}; }
};

inline constexpr std::string_view kJwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// The form body of a client credentials request: grant_type, client_id, the
// credential (client_secret, or client_assertion_type=jwt-bearer and
// client_assertion), scope (the scopes joined by spaces, left out when there
// are none) and the endpoint_params, each percent-encoded.
std::string client_credentials_form(const OAuth2Config& config, const ClientCredential& credential);

// A 2xx token response. Lenient where RFC 6749 allows: expires_in may be a
// number or a numeric string and defaults to kDefaultTokenLifetime, and
// token_type is checked only when present. Throws SourceError: parse for a
// body that is not JSON, schema for a missing or unusable access_token, a
// token_type other than Bearer, or an expires_in that is not positive.
TokenGrant parse_token_response(std::string_view body);

// One line for a refused token request: "HTTP 400 invalid_client: <error_description>"
// from an RFC 6749 error body, the description cut to kMaxTokenErrorBytes;
// just "HTTP 400" when the body is not one.
std::string describe_token_error(int status, std::string_view body);

// The JSON body of POST /v1/session/login.
std::string qumulo_login_body(std::string_view username, std::string_view password);
// A 2xx login answer, {"bearer_token": "..."}, renewed at 90% of a session's 10 hours.
TokenGrant parse_qumulo_login(std::string_view body);
// One line for a refused login: "HTTP 401 api_invalid_credentials_error: <description>"
// from a Qumulo error body ({"error_class", "description"}); just "HTTP 401" otherwise.
std::string describe_qumulo_login_error(int status, std::string_view body);

// `text` with every occurrence of `secret` replaced by "<redacted>": a last
// guard for messages that quote an endpoint which might echo what it was sent.
std::string redact(std::string text, std::string_view secret);

}  // namespace ue
