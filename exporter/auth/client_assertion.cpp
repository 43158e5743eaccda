#include "auth/client_assertion.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.h"

namespace ue {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

[[noreturn]] void signing_failed(std::string_view what) {
  ERR_clear_error();  // the thread's TLS code reads this queue later
  throw SourceError{Reason::connect, "cannot sign the client assertion: " + std::string(what)};
}

// Compact JSON; a client id that is not UTF-8 is written with U+FFFD rather than thrown on.
std::string compact(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// RSASSA-PSS, SHA-256, MGF1 SHA-256, salt as long as the digest. OpenSSL's
// own default salt is the longest that fits, which RFC 7518 does not allow.
std::string sign_ps256(EVP_PKEY* key, std::string_view signing_input) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) signing_failed("out of memory");
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  if (EVP_DigestSignInit(ctx.get(), &pkey_ctx, EVP_sha256(), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pkey_ctx, EVP_sha256()) != 1) {
    signing_failed("PS256 is not available for this key");
  }
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  std::size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, input, signing_input.size()) != 1) signing_failed("sizing");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, input,
                     signing_input.size()) != 1) {
    signing_failed("signing");
  }
  signature.resize(length);
  return signature;
}

}  // namespace

std::string client_assertion_jwt(const X509Credential& credential, std::string_view client_id,
                                 std::string_view audience, std::int64_t now_unix, std::string_view jti) {
  const nlohmann::json header = {{"alg", "PS256"}, {"typ", "JWT"}, {"x5t#S256", credential.thumbprint_sha256}};
  const nlohmann::json claims = {
      {"aud", std::string(audience)},
      {"iss", std::string(client_id)},
      {"sub", std::string(client_id)},
      {"jti", std::string(jti)},
      {"nbf", now_unix},
      {"iat", now_unix},
      {"exp", now_unix + kClientAssertionLifetimeSeconds},
  };
  const std::string signing_input = base64url(compact(header)) + "." + base64url(compact(claims));
  return signing_input + "." + base64url(sign_ps256(credential.key.get(), signing_input));
}

std::string random_jti() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) signing_failed("no random bytes for the jti");
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uuid;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid += '-';
    uuid += kHex[bytes[i] >> 4];
    uuid += kHex[bytes[i] & 0x0f];
  }
  return uuid;
}

std::string signed_client_assertion(const std::string& certificate_file, const std::string& key_file,
                                    std::string_view client_id, std::string_view audience, double now_unix) {
  const X509Credential credential = load_x509_credential(certificate_file, key_file);
  const auto now = static_cast<std::int64_t>(std::floor(now_unix));
  return client_assertion_jwt(credential, client_id, audience, now, random_jti());
}

std::string signed_client_assertion(const OAuth2Config& config, std::string_view audience, double now_unix) {
  return signed_client_assertion(config.client_certificate_file, config.client_key_file, config.client_id,
                                 audience, now_unix);
}

}  // namespace ue
