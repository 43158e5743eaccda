// The certificate credential's client assertion, checked the way Entra checks
// it: the JWT is split and decoded here, its header and claims read, and its
// signature verified with OpenSSL as PS256 with a salt of exactly 32 bytes
// (a signature with OpenSSL's default, longest salt would fail).
#include "auth/client_assertion.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/error.h"
#include "unit/x509_test_util.h"

namespace ue {
namespace {

using test::TestPki;

constexpr std::string_view kTokenUrl = "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token";
constexpr std::string_view kClientId = "00000000-0000-0000-0000-0000000000c1";

std::optional<std::string> base64url_decode(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    if (c == '+' || c == '/' || std::isalnum(static_cast<unsigned char>(c))) continue;
    return std::nullopt;  // padding or anything else has no place in a JWT segment
  }
  const std::size_t padding = (4 - text.size() % 4) % 4;
  text.append(padding, '=');
  std::string bytes(text.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  bytes.resize(static_cast<std::size_t>(length) - padding);
  return bytes;
}

std::vector<std::string> split_jwt(const std::string& jwt) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = jwt.find('.', start)) != std::string::npos; start = dot + 1) {
    parts.push_back(jwt.substr(start, dot - start));
  }
  parts.push_back(jwt.substr(start));
  return parts;
}

// RSASSA-PSS over `input`: SHA-256, MGF1 SHA-256, and a salt of `salt_length` exactly.
bool pss_verifies(EVP_PKEY* public_key, const std::string& input, const std::string& signature, int salt_length) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  bool ok = EVP_DigestVerifyInit(ctx, &pkey_ctx, EVP_sha256(), nullptr, public_key) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, salt_length) == 1 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(pkey_ctx, EVP_sha256()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

struct DecodedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  std::string signing_input;
  std::string signature;
};

DecodedJwt decode(const std::string& jwt) {
  const std::vector<std::string> parts = split_jwt(jwt);
  EXPECT_EQ(parts.size(), 3u) << jwt;
  DecodedJwt decoded;
  if (parts.size() != 3) return decoded;
  const auto header = base64url_decode(parts[0]);
  const auto claims = base64url_decode(parts[1]);
  const auto signature = base64url_decode(parts[2]);
  EXPECT_TRUE(header && claims && signature) << "every segment is unpadded base64url";
  if (!header || !claims || !signature) return decoded;
  decoded.header = nlohmann::json::parse(*header);
  decoded.claims = nlohmann::json::parse(*claims);
  decoded.signing_input = parts[0] + "." + parts[1];
  decoded.signature = *signature;
  return decoded;
}

std::string thumbprint_of(X509* certificate) {
  const std::string der = test::certificate_der(certificate);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(der.data(), der.size(), digest, &length, EVP_sha256(), nullptr);
  return base64url(std::string_view(reinterpret_cast<const char*>(digest), length));
}

class ClientAssertionTest : public test::ScratchDirTest {
 protected:
  // Writes pair a (or b) to the same two paths, as a renewal would.
  void write_pair(bool b = false) {
    const TestPki& pki = TestPki::get();
    cert_ = file("cert.pem", test::certificate_pem((b ? pki.cert_b : pki.cert_a).get()));
    key_ = file("key.pem", test::key_pem((b ? pki.rsa_b : pki.rsa_a).get()));
  }
  std::string sign(double now) { return signed_client_assertion(cert_, key_, kClientId, kTokenUrl, now); }

  std::string cert_, key_;
};

TEST_F(ClientAssertionTest, TheHeaderIsPs256WithTheCertificatesSha256Thumbprint) {
  write_pair();
  const DecodedJwt jwt = decode(sign(1'800'000'000));
  EXPECT_EQ(jwt.header, (nlohmann::json{{"alg", "PS256"},
                                        {"typ", "JWT"},
                                        {"x5t#S256", thumbprint_of(TestPki::get().cert_a.get())}}));
}

TEST_F(ClientAssertionTest, TheClaimsNameTheTokenUrlAndTheClientForTenMinutes) {
  write_pair();
  const DecodedJwt jwt = decode(sign(1'800'000'000.75));
  const nlohmann::json& claims = jwt.claims;
  EXPECT_EQ(claims.size(), 7u) << claims.dump();
  EXPECT_EQ(claims.at("aud"), kTokenUrl);
  EXPECT_EQ(claims.at("iss"), kClientId);
  EXPECT_EQ(claims.at("sub"), kClientId);
  EXPECT_TRUE(claims.at("jti").is_string());
  EXPECT_EQ(claims.at("iat"), 1'800'000'000) << "NumericDate: whole seconds";
  ASSERT_TRUE(claims.at("nbf").is_number_integer() && claims.at("exp").is_number_integer());
  const auto iat = claims.at("iat").get<std::int64_t>();
  EXPECT_LE(claims.at("nbf").get<std::int64_t>(), iat);
  EXPECT_LT(iat, claims.at("exp").get<std::int64_t>());
  EXPECT_LE(claims.at("exp").get<std::int64_t>(), iat + 600) << "valid at most 10 minutes";
  EXPECT_EQ(claims.at("exp").get<std::int64_t>(), iat + kClientAssertionLifetimeSeconds);
}

TEST_F(ClientAssertionTest, TheSignatureVerifiesAsPs256WithA32ByteSalt) {
  write_pair();
  const DecodedJwt jwt = decode(sign(1'800'000'000));
  EVP_PKEY* public_key = X509_get0_pubkey(TestPki::get().cert_a.get());
  EXPECT_EQ(jwt.signature.size(), 256u) << "a 2048-bit RSA signature";
  EXPECT_TRUE(pss_verifies(public_key, jwt.signing_input, jwt.signature, 32));
  EXPECT_FALSE(pss_verifies(public_key, jwt.signing_input + "x", jwt.signature, 32)) << "bound to its content";
  EXPECT_FALSE(pss_verifies(X509_get0_pubkey(TestPki::get().cert_b.get()), jwt.signing_input, jwt.signature, 32));
}

// The verifier above is strict: what OpenSSL signs by default (the longest
// salt, 222 bytes for this key) does not pass it.
TEST_F(ClientAssertionTest, TheTestsVerifierRefusesOpenSslsDefaultLongestSalt) {
  EVP_PKEY* key = TestPki::get().rsa_a.get();
  const std::string input = "header.claims";
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  ASSERT_EQ(EVP_DigestSignInit(ctx, &pkey_ctx, EVP_sha256(), nullptr, key), 1);
  EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING);
  EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_MAX);
  std::string signature(512, '\0');
  std::size_t length = signature.size();
  ASSERT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  EVP_MD_CTX_free(ctx);
  signature.resize(length);
  EXPECT_TRUE(pss_verifies(key, input, signature, RSA_PSS_SALTLEN_AUTO));
  EXPECT_FALSE(pss_verifies(key, input, signature, 32));
}

TEST_F(ClientAssertionTest, EachAssertionHasItsOwnJti) {
  write_pair();
  const std::string first = decode(sign(1'800'000'000)).claims.at("jti");
  const std::string second = decode(sign(1'800'000'000)).claims.at("jti");
  EXPECT_NE(first, second);
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(first, uuid_v4)) << first;
  EXPECT_TRUE(std::regex_match(random_jti(), uuid_v4));
}

TEST_F(ClientAssertionTest, BothFilesAreReadAgainAtEachSigning) {
  write_pair();
  const DecodedJwt before = decode(sign(1'800'000'000));
  write_pair(/*b=*/true);
  const DecodedJwt after = decode(sign(1'800'000'060));
  EXPECT_EQ(after.header.at("x5t#S256"), thumbprint_of(TestPki::get().cert_b.get()));
  EXPECT_NE(after.header.at("x5t#S256"), before.header.at("x5t#S256"));
  EXPECT_TRUE(pss_verifies(X509_get0_pubkey(TestPki::get().cert_b.get()), after.signing_input, after.signature, 32));
}

TEST_F(ClientAssertionTest, AnUnusablePairIsTheLoadersErrorAndNoAssertion) {
  write_pair();
  const std::string other_key = file("other.key", test::key_pem(TestPki::get().rsa_b.get()));
  try {
    signed_client_assertion(cert_, other_key, kClientId, kTokenUrl, 1'800'000'000);
    ADD_FAILURE() << "signed with a key that does not match";
  } catch (const SourceError& e) {
    EXPECT_EQ(e.reason, Reason::connect);
    EXPECT_EQ(e.message, "client_key_file " + other_key + " does not match client_certificate_file " + cert_);
  }
}

TEST_F(ClientAssertionTest, TheConfigOverloadReadsTheOauth2Keys) {
  write_pair();
  OAuth2Config config;
  config.client_id = std::string(kClientId);
  config.client_certificate_file = cert_;
  config.client_key_file = key_;
  const DecodedJwt jwt = decode(signed_client_assertion(config, kTokenUrl, 1'800'000'000));
  EXPECT_EQ(jwt.claims.at("iss"), kClientId);
  EXPECT_EQ(jwt.claims.at("aud"), kTokenUrl);
  EXPECT_TRUE(pss_verifies(X509_get0_pubkey(TestPki::get().cert_a.get()), jwt.signing_input, jwt.signature, 32));
}

}  // namespace
}  // namespace ue
