// IMDS and client assertions; see entra.h.
#include "entra.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

namespace sim {
namespace {

AuthAnswer imds_error(int status, std::string_view error, std::string_view description) {
  return {status, {{"error", error}, {"error_description", description}}};
}

// The certificate's public key verifies the signature of `signed_part` as PS256.
bool ps256_verifies(const std::string& certificate_pem, std::string_view signed_part, const std::string& signature) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(certificate_pem.data(),
                                                                static_cast<int>(certificate_pem.size())),
                                                BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(cert.get()), EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_ctx = nullptr;
  if (!key || EVP_DigestVerifyInit(ctx.get(), &key_ctx, EVP_sha256(), nullptr, key.get()) != 1) return false;
  if (EVP_PKEY_CTX_set_rsa_padding(key_ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(key_ctx, 32) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::optional<Json> json_part(std::string_view encoded) {
  std::optional<std::string> text = base64url_decode(encoded);
  if (!text) return std::nullopt;
  Json doc = Json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

std::string text_claim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '-') value = 62;
    else if (c == '_') value = 63;
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

AuthAnswer answer_imds_token(const std::optional<OAuth2Client>& client, std::string_view metadata_header,
                             const std::map<std::string, std::string>& query, std::uint64_t asked_before,
                             TokenStore& tokens, Micros now, WallClock::time_point wall) {
  if (metadata_header != "true")
    return imds_error(400, "invalid_request", "Required metadata header not specified");
  auto param = [&](const char* name) {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  };
  if (param("api-version").empty()) return imds_error(400, "invalid_request", "Required query variable 'api-version' is missing");
  if (!client) return imds_error(400, "invalid_request", "Identity not found");
  if (asked_before < client->imds_throttle_first)
    return imds_error(429, "too_many_requests", "Too many requests: retry after a while");
  const std::string resource = client->scope.substr(0, client->scope.size() - std::string_view("/.default").size());
  if (param("resource").empty()) return imds_error(400, "invalid_request", "Required audience parameter not specified");
  if (param("resource") != resource) return imds_error(400, "invalid_resource", "AADSTS500011: The resource principal was not found");
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(client->expires_in).count();
  const auto epoch = std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count();
  return {200, {{"access_token", tokens.issue(now, client->expires_in)}, {"client_id", client->client_id},
                {"expires_in", std::to_string(seconds)}, {"expires_on", std::to_string(epoch + seconds)},
                {"ext_expires_in", std::to_string(seconds)}, {"not_before", std::to_string(epoch)},
                {"resource", resource}, {"token_type", "Bearer"}}};
}

std::optional<AssertionProblem> assertion_problem(const OAuth2Client& client, std::string_view assertion,
                                             std::string_view audience, std::int64_t now_unix) {
  if (!client.federated_token.empty() && assertion == client.federated_token) return std::nullopt;
  if (client.client_certificate_pem.empty()) return AssertionProblem{700027, "Client assertion contains an invalid signature."};
  const std::size_t first = assertion.find('.');
  const std::size_t second = first == std::string_view::npos ? first : assertion.find('.', first + 1);
  if (second == std::string_view::npos) return AssertionProblem{50027, "JWT token is invalid or malformed."};
  const std::optional<Json> header = json_part(assertion.substr(0, first));
  const std::optional<Json> claims = json_part(assertion.substr(first + 1, second - first - 1));
  const std::optional<std::string> signature = base64url_decode(assertion.substr(second + 1));
  if (!header || !claims || !signature) return AssertionProblem{50027, "JWT token is invalid or malformed."};
  if (text_claim(*header, "alg") != "PS256") return AssertionProblem{5002738, "The token's alg is not PS256."};
  if (!ps256_verifies(client.client_certificate_pem, assertion.substr(0, second), *signature))
    return AssertionProblem{700027, "Client assertion contains an invalid signature."};
  if (text_claim(*claims, "aud") != audience) return AssertionProblem{700024, "Client assertion audience claim does not match."};
  if (text_claim(*claims, "iss") != client.client_id || text_claim(*claims, "sub") != client.client_id)
    return AssertionProblem{700021, "Client assertion application identifier doesn't match 'client_id' parameter."};
  auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number() || exp->get<double>() <= static_cast<double>(now_unix))
    return AssertionProblem{700024, "Client assertion is not within its valid time range."};
  return std::nullopt;
}

}  // namespace sim
