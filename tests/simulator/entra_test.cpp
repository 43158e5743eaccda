// The simulated IMDS route and the token endpoint's client assertion checks,
// without sockets: a certificate and key made in the test sign PS256 JWTs.
#include "entra.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace sim {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kWall{std::chrono::seconds(1709287200)};
const std::int64_t kNow = 1709287200;
const std::string kAudience = "http://127.0.0.1:9/tenant/oauth2/v2.0/token";
const std::string kClientId = "11111111-2222-3333-4444-555555555555";
const std::string kForm = "application/x-www-form-urlencoded";

std::string base64url(std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) out.push_back(kAlphabet[(buffer >> (bits -= 6)) & 63]);
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 63]);
  return out;
}

// An RSA key and a self-signed certificate for it, in PEM.
struct Credential {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_RSA_gen(2048), EVP_PKEY_free};
  std::string certificate_pem;

  Credential() {
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_sign(cert.get(), key.get(), EVP_sha256());
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509(bio.get(), cert.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    certificate_pem.assign(data, static_cast<std::size_t>(size));
  }

  // header.claims.signature, PS256 with `salt` bytes of salt (RFC 7518: 32).
  std::string sign(const Json& claims, int salt = 32, const std::string& alg = "PS256") const {
    const std::string signed_part =
        base64url(Json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." + base64url(claims.dump());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* key_ctx = nullptr;
    EVP_DigestSignInit(ctx.get(), &key_ctx, EVP_sha256(), nullptr, key.get());
    EVP_PKEY_CTX_set_rsa_padding(key_ctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(key_ctx, salt);
    std::size_t size = 0;
    EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(signed_part.data()),
                   signed_part.size());
    std::string signature(size, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                   reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size());
    signature.resize(size);
    return signed_part + "." + base64url(signature);
  }
};

Json good_claims() {
  return {{"aud", kAudience}, {"iss", kClientId}, {"sub", kClientId}, {"jti", "j-1"},
          {"nbf", kNow - 5}, {"iat", kNow - 5}, {"exp", kNow + 300}};
}

OAuth2Client client_with(const Credential& credential) {
  OAuth2Client client;
  client.client_id = kClientId;
  client.scope = "api://sf-cluster/.default";
  client.client_certificate_pem = credential.certificate_pem;
  client.federated_token = "eyJhbGciOiJSUzI1NiJ9.federated.token";
  return client;
}

TEST(ClientAssertion, AcceptsAPs256JwtSignedByTheScenariosCertificate) {
  const Credential credential;
  const OAuth2Client client = client_with(credential);
  EXPECT_FALSE(assertion_problem(client, credential.sign(good_claims()), kAudience, kNow));
}

TEST(ClientAssertion, RefusesWhatEntraRefuses) {
  const Credential credential;
  const Credential other;
  const OAuth2Client client = client_with(credential);
  auto code = [&](const std::string& assertion) {
    auto problem = assertion_problem(client, assertion, kAudience, kNow);
    return problem ? problem->code : 0;
  };
  EXPECT_EQ(code(other.sign(good_claims())), 700027);  // another certificate's key
  EXPECT_EQ(code(credential.sign(good_claims(), RSA_PSS_SALTLEN_MAX)), 700027);  // OpenSSL's default salt
  EXPECT_EQ(code(credential.sign(good_claims(), 32, "RS256")), 5002738);
  Json claims = good_claims();
  claims["aud"] = "http://elsewhere/oauth2/v2.0/token";
  EXPECT_EQ(code(credential.sign(claims)), 700024);
  claims = good_claims();
  claims["sub"] = "someone-else";
  EXPECT_EQ(code(credential.sign(claims)), 700021);
  claims = good_claims();
  claims["exp"] = kNow - 1;
  EXPECT_EQ(code(credential.sign(claims)), 700024);
  EXPECT_EQ(code("not-a-jwt"), 50027);
  EXPECT_EQ(code("a.b.c!"), 50027);
}

TEST(ClientAssertion, AcceptsTheScenariosFederatedTokenAsItIs) {
  const Credential credential;
  const OAuth2Client client = client_with(credential);
  EXPECT_FALSE(assertion_problem(client, client.federated_token, kAudience, kNow));
  EXPECT_TRUE(assertion_problem(client, client.federated_token + "x", kAudience, kNow));
}

TEST(ClientAssertion, TheTokenEndpointTakesAnAssertionInsteadOfASecret) {
  const Credential credential;
  const OAuth2Client client = client_with(credential);
  TokenStore tokens("t-");
  const std::string form = "grant_type=client_credentials&client_id=" + kClientId +
                           "&scope=api%3A%2F%2Fsf-cluster%2F.default"
                           "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                           "&client_assertion=";
  AuthAnswer answer = answer_token_request(client, TokenEndpoint::v2, kForm, form + credential.sign(good_claims()),
                                           tokens, 0s, kWall, kAudience);
  ASSERT_EQ(answer.status, 200) << answer.body.dump();
  EXPECT_EQ(tokens.check(answer.body["access_token"].get<std::string>(), 1s), TokenStore::Check::live);
  answer = answer_token_request(client, TokenEndpoint::v2, kForm, form + "forged", tokens, 0s, kWall, kAudience);
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.body["error"], "invalid_client");
  // No secret in the scenario: a secret is never accepted.
  answer = answer_token_request(client, TokenEndpoint::v2, kForm,
                                "grant_type=client_credentials&client_id=" + kClientId +
                                    "&scope=api%3A%2F%2Fsf-cluster%2F.default&client_secret=",
                                tokens, 0s, kWall, kAudience);
  EXPECT_EQ(answer.status, 400);
}

TEST(Imds, DemandsTheMetadataHeader) {
  OAuth2Client client;
  client.scope = "api://sf-cluster/.default";
  TokenStore tokens("t-");
  const std::map<std::string, std::string> query = {{"api-version", "2018-02-01"}, {"resource", "api://sf-cluster"}};
  AuthAnswer answer = answer_imds_token(client, "", query, 0, tokens, 0s, kWall);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.body["error_description"], "Required metadata header not specified");
  answer = answer_imds_token(client, "true", query, 0, tokens, 0s, kWall);
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body["expires_in"], "3599");  // a string, as IMDS sends it
  EXPECT_EQ(answer.body["expires_on"], std::to_string(kNow + 3599));
  EXPECT_EQ(tokens.check(answer.body["access_token"].get<std::string>(), 1s), TokenStore::Check::live);
  EXPECT_EQ(answer_imds_token(client, "true", {{"api-version", "2018-02-01"}, {"resource", "other"}}, 0, tokens, 0s,
                              kWall).status,
            400);
  EXPECT_EQ(answer_imds_token(client, "true", {{"resource", "api://sf-cluster"}}, 0, tokens, 0s, kWall).status, 400);
  EXPECT_EQ(answer_imds_token(std::nullopt, "true", query, 0, tokens, 0s, kWall).status, 400);
}

TEST(Imds, ThrottlesTheFirstRequestsWhenTheScenarioSaysSo) {
  OAuth2Client client;
  client.scope = "api://sf-cluster/.default";
  client.imds_throttle_first = 2;
  TokenStore tokens("t-");
  const std::map<std::string, std::string> query = {{"api-version", "2018-02-01"}, {"resource", "api://sf-cluster"}};
  EXPECT_EQ(answer_imds_token(client, "true", query, 0, tokens, 0s, kWall).status, 429);
  EXPECT_EQ(answer_imds_token(client, "true", query, 1, tokens, 0s, kWall).status, 429);
  EXPECT_EQ(answer_imds_token(client, "true", query, 2, tokens, 0s, kWall).status, 200);
}

}  // namespace
}  // namespace sim
