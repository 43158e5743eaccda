// The client assertion a certificate credential sends instead of a client
// secret (RFC 7523 section 2.2, client_assertion_type jwt-bearer), in the
// format Microsoft Entra asks of certificate credentials today: a JWT signed
// PS256 whose header carries the certificate's x5t#S256 thumbprint.
// The assertion is a credential: never log it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/x509_credential.h"
#include "config/config.h"

namespace ue {

// How long an assertion is valid, from its iat: Entra wants 5 to 10 minutes.
// A new one is signed at every token fetch, so it is never kept that long.
inline constexpr std::int64_t kClientAssertionLifetimeSeconds = 600;

// The JWT, signed with `credential`'s key: header {"alg": "PS256", "typ":
// "JWT", "x5t#S256"}, claims {aud: `audience` (the token URL), iss and sub:
// `client_id`, jti: `jti`, nbf and iat: `now_unix`, exp: `now_unix` +
// kClientAssertionLifetimeSeconds}. PS256 is RSASSA-PSS with SHA-256, MGF1
// with SHA-256 and a 32-byte salt (RFC 7518 section 3.5). Throws SourceError
// (connect) when OpenSSL cannot sign.
std::string client_assertion_jwt(const X509Credential& credential, std::string_view client_id,
                                 std::string_view audience, std::int64_t now_unix, std::string_view jti);

// A fresh jti: 16 random bytes (RAND_bytes) as a version 4 UUID.
std::string random_jti();

// What a token fetch calls: reads both files again (load_x509_credential,
// whose SourceError it lets through), and signs an assertion with a fresh
// jti for `audience`, the token URL as configured or discovered.
std::string signed_client_assertion(const std::string& certificate_file, const std::string& key_file,
                                    std::string_view client_id, std::string_view audience, double now_unix);
// The same with `config`'s client_certificate_file, client_key_file and client_id.
std::string signed_client_assertion(const OAuth2Config& config, std::string_view audience, double now_unix);

}  // namespace ue
