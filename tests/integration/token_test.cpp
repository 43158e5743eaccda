// Tokens the exporter obtains itself, against an in-test token endpoint and
// gateway on 127.0.0.1: an OAuth2 client credentials grant (Entra ID's
// shape) and a Qumulo session login. A token is fetched once and reused,
// refreshed before it expires, replaced once after a 401; a refusing or slow
// token endpoint makes the target down with a clear log line; a rotated
// secret is used at the next fetch; and no secret or token ever shows in the
// logs (at debug level), on /metrics or on /.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <set>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "integration/harness.h"
#include "unit/x509_test_util.h"

namespace ue::test {
namespace {

const std::string kClusterPath = "/$/GetUpgradeProgress?api-version=8.2";
const std::string kTokenPath = "/tenant-1/oauth2/v2.0/token";
const std::string kClientId = "0d5e4f2a-client-id";
const std::string kSecret = "sec-7c1f-SECRET-client";
const std::string kRotatedSecret = "sec-99ab-SECRET-rotated";
const std::string kTokenPrefix = "tok-SECRET-";  // every token handed out starts with it
const std::string kQumuloPath = "/v3/upgrade/status";
const std::string kLoginPath = "/v1/session/login";
const std::string kPassword = "pw-42e1-SECRET-qumulo";
// Federated tokens as the kubelet projects them (JWTs: no character needs encoding in a form).
const std::string kAssertion = "eyJhbGciOiJSUzI1NiJ9.SECRET-federated-1.c2ln";
const std::string kRotatedAssertion = "eyJhbGciOiJSUzI1NiJ9.SECRET-federated-2.c2ln";
const std::string kJwtBearer = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";

using Reply = FakeUpstream::Reply;
using Request = FakeUpstream::Request;

// The value of `name` in a form body ("" when absent); values are left encoded.
std::string form_field(const std::string& body, const std::string& name) {
  const std::string key = name + "=";
  for (std::size_t start = 0; start <= body.size();) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    if (body.compare(start, key.size(), key) == 0) return body.substr(start + key.size(), end - start - key.size());
    start = end + 1;
  }
  return {};
}

// base64url without padding, decoded ("" when it is not).
std::string from_base64url(std::string text) {
  for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  const std::size_t padding = (4 - text.size() % 4) % 4;
  text.append(padding, '=');
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return {};
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

// True when `jwt` is a PS256 assertion (32-byte salt) signed by `certificate`'s key, for `audience`.
bool signed_assertion_for(const std::string& jwt, X509* certificate, const std::string& audience) {
  const std::size_t first = jwt.find('.'), second = jwt.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return false;
  const auto claims = nlohmann::json::parse(from_base64url(jwt.substr(first + 1, second - first - 1)), nullptr, false);
  if (!claims.is_object() || claims.value("aud", "") != audience) return false;
  const std::string signature = from_base64url(jwt.substr(second + 1));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_context = nullptr;
  return EVP_DigestVerifyInit(context.get(), &key_context, EVP_sha256(), nullptr, X509_get0_pubkey(certificate)) == 1 &&
         EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, 32) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(jwt.data()), second) == 1;
}

// Hands out tokens, and accepts at the gateway only tokens it handed out,
// that have not expired or been revoked.
class TokenAuthority {
 public:
  struct Issued {
    std::chrono::steady_clock::time_point at;
    std::chrono::milliseconds lifetime;
  };

  std::string issue(std::chrono::milliseconds lifetime) {
    std::lock_guard lock(mutex_);
    std::string token = kTokenPrefix + std::to_string(++issued_count_);
    issued_[token] = {std::chrono::steady_clock::now(), lifetime};
    return token;
  }
  bool valid(const std::string& authorization) const {
    std::lock_guard lock(mutex_);
    const std::string prefix = "Bearer ";
    if (authorization.rfind(prefix, 0) != 0) return false;
    auto it = issued_.find(authorization.substr(prefix.size()));
    if (refuse_all || it == issued_.end() || revoked_.count(it->first)) return false;
    return std::chrono::steady_clock::now() < it->second.at + it->second.lifetime;
  }
  void revoke_all() {
    std::lock_guard lock(mutex_);
    for (const auto& [token, issued] : issued_) revoked_.insert(token);
  }
  int issued_count() const {
    std::lock_guard lock(mutex_);
    return issued_count_;
  }
  // Gateway requests answered 401.
  std::atomic<int> refusals{0};
  // Every token is refused, those to come included (a missing role assignment).
  std::atomic<bool> refuse_all{false};

 private:
  mutable std::mutex mutex_;
  int issued_count_ = 0;
  std::map<std::string, Issued> issued_;
  std::set<std::string> revoked_;
};

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("secret"), kSecret + "\n");
    write_file(dir_.file("password"), kPassword + "\n");
  }

  // --- the OAuth2 side ---

  void serve_oauth2() {
    upstream_.set_handler(kTokenPath, [this](const Request& request) -> Reply {
      if (request.method != "POST") return {405, R"({"error":"invalid_request"})"};
      if (!credential_accepted(request.body))
        return {401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})"};
      if (token_endpoint_refuses_)
        return {400, R"({"error":"invalid_client","error_description":"AADSTS700016: Application not found in the directory."})"};
      const std::string token = authority_.issue(std::chrono::seconds(expires_in_.load()));
      return {200, R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in_.load()) +
                       R"(,"ext_expires_in":3599,"access_token":")" + token + "\"}",
              token_endpoint_delay_};
    });
    upstream_.set_handler(kClusterPath, [this](const Request& request) -> Reply {
      if (!authority_.valid(request.header("Authorization"))) {
        ++authority_.refusals;
        return {401, R"({"Error":{"Code":"FABRIC_E_UNAUTHORIZED","Message":"Access denied"}})"};
      }
      return {200, read_file(testdata("payloads/service_fabric/cluster_completed_9_1.json"))};
    });
  }

  // A client secret, or a client assertion (RFC 7523) with no secret beside it.
  bool credential_accepted(const std::string& body) const {
    const std::string assertion = form_field(body, "client_assertion");
    if (assertion.empty()) return form_field(body, "client_secret") == *expected_secret_.load();
    if (registered_certificate_)  // a certificate credential: the signature tells
      return form_field(body, "client_assertion_type") == kJwtBearer &&
             signed_assertion_for(assertion, registered_certificate_, upstream_.url() + kTokenPath);
    return form_field(body, "client_assertion_type") == kJwtBearer && assertion == *expected_assertion_.load() &&
           body.find("client_secret") == std::string::npos;
  }

  // The token requests received, in order.
  std::vector<Request> token_requests() const {
    std::vector<Request> requests;
    for (const Request& r : upstream_.received())
      if (r.target == kTokenPath) requests.push_back(r);
    return requests;
  }

  std::string assertion_config() const {
    std::string config = oauth2_config();
    const std::string secret_line = "client_secret_file: secret";
    config.replace(config.find(secret_line), secret_line.size(), "client_assertion_file: federated-token");
    return config;
  }

  std::string certificate_config() const {
    std::string config = oauth2_config();
    const std::string secret_line = "client_secret_file: secret";
    config.replace(config.find(secret_line), secret_line.size(),
                   "client_certificate_file: client.pem\n    client_key_file: client.key");
    return config;
  }
  void use_credential(X509* certificate, EVP_PKEY* key) {
    write_file(dir_.file("client.pem"), certificate_pem(certificate));
    write_file(dir_.file("client.key"), key_pem(key));
  }

  std::string oauth2_config(const std::string& timeout = "2s") const {
    return "global:\n  poll_interval: 200ms\n  timeout: " + timeout + "\n"
           "  oauth2:\n    client_id: " + kClientId + "\n    client_secret_file: secret\n"
           "    token_url: " + upstream_.url() + kTokenPath + "\n"
           "    scopes: ['api://sf-cluster-app/.default']\n"
           "targets:\n  - name: sf\n    type: service_fabric\n    url: " + upstream_.url() + "\n"
           "    collect: [cluster]\n";
  }

  void start(const std::string& config) {
    write_file(dir_.file("config.yml"), config);
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"));
  }

  std::string metrics() {
    std::string page = exporter_->metrics();
    pages_ += page;
    return page;
  }
  std::optional<double> up(const std::string& target) {
    return find_value(metrics(), "upgrade_exporter_target_up", {{"target", target}});
  }
  double count(const std::string& name, const std::map<std::string, std::string>& labels) {
    return find_value(metrics(), name, labels).value_or(0);
  }
  double requests(const std::string& target, const std::string& endpoint) {
    return count("upgrade_exporter_requests_total", {{"target", target}, {"endpoint", endpoint}});
  }
  double errors(const std::string& target, const std::string& endpoint, const std::string& reason) {
    return count("upgrade_exporter_request_errors_total",
                 {{"target", target}, {"endpoint", endpoint}, {"reason", reason}});
  }
  std::size_t gateway_requests(const std::string& path) const { return upstream_.count(path); }

  // No secret, password or token in the logs, on /metrics, / or the API. Stops the
  // exporter first, so every log line is in.
  void expect_no_secrets() {
    pages_ += exporter_->get("/").second;
    pages_ += exporter_->get("/api/v1/upgrades").second;
    metrics();
    exporter_->process().signal(SIGTERM);
    ASSERT_TRUE(exporter_->process().wait_exit(10s));
    const std::string logs = exporter_->process().output();
    for (const std::string& secret :
         {kSecret, kRotatedSecret, kPassword, kTokenPrefix, kAssertion, kRotatedAssertion, std::string("SECRET")}) {
      EXPECT_EQ(logs.find(secret), std::string::npos) << "in the logs: " << secret << "\n" << logs;
      EXPECT_EQ(pages_.find(secret), std::string::npos) << "on a page: " << secret;
    }
  }

  TempDir dir_;
  // What the handlers read: declared before upstream_, which stops first.
  TokenAuthority authority_;
  std::atomic<int> expires_in_{3600};
  std::atomic<bool> token_endpoint_refuses_{false};
  std::atomic<bool> login_refuses_{false};
  std::chrono::milliseconds token_endpoint_delay_{0};  // set before the exporter starts
  std::string secret_storage_[2] = {kSecret, kRotatedSecret};
  std::atomic<const std::string*> expected_secret_{&secret_storage_[0]};
  std::string assertion_storage_[2] = {kAssertion, kRotatedAssertion};
  std::atomic<const std::string*> expected_assertion_{&assertion_storage_[0]};
  X509* registered_certificate_ = nullptr;  // set before the exporter starts
  FakeUpstream upstream_;
  std::unique_ptr<Exporter> exporter_;
  std::string pages_;
};

TEST_F(TokenTest, FetchedOnceAndReusedOverPolls) {
  serve_oauth2();
  start(oauth2_config());
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0 && gateway_requests(kClusterPath) >= 5; }))
      << exporter_->process().output();
  EXPECT_EQ(authority_.issued_count(), 1);
  EXPECT_EQ(authority_.refusals, 0);
  EXPECT_EQ(requests("sf", "oauth2_token"), 1.0);

  // The request as RFC 6749 section 4.4 has it: form-encoded, credentials in the body.
  std::vector<Request> token_requests;
  for (const Request& r : upstream_.received())
    if (r.target == kTokenPath) token_requests.push_back(r);
  ASSERT_EQ(token_requests.size(), 1u);
  const Request& request = token_requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(form_field(request.body, "grant_type"), "client_credentials");
  EXPECT_EQ(form_field(request.body, "client_id"), kClientId);
  EXPECT_EQ(form_field(request.body, "client_secret"), kSecret);
  EXPECT_EQ(form_field(request.body, "scope"), "api%3A%2F%2Fsf-cluster-app%2F.default");
  expect_no_secrets();
}

TEST_F(TokenTest, RefreshedBeforeItExpires) {
  expires_in_ = 2;  // refreshed 200 ms before expiry (10% of the lifetime)
  serve_oauth2();
  start(oauth2_config());
  ASSERT_TRUE(wait_until([&] { return authority_.issued_count() >= 3 && up("sf") == 1.0; }))
      << exporter_->process().output();
  // Every request carried a token that was still valid: none was refused.
  EXPECT_EQ(authority_.refusals, 0);
  EXPECT_EQ(errors("sf", "cluster_upgrade", "http_status"), 0.0);
  expect_no_secrets();
}

TEST_F(TokenTest, A401DropsTheTokenAndRetriesOnce) {
  serve_oauth2();
  start(oauth2_config());
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0 && gateway_requests(kClusterPath) >= 3; }))
      << exporter_->process().output();
  ASSERT_EQ(authority_.issued_count(), 1);

  authority_.revoke_all();  // as when the token was revoked, or the clocks disagree
  const std::size_t before = gateway_requests(kClusterPath);
  ASSERT_TRUE(wait_until([&] { return gateway_requests(kClusterPath) >= before + 4; }));
  EXPECT_EQ(authority_.issued_count(), 2);
  EXPECT_EQ(authority_.refusals, 1);  // the one refused request, sent again with the new token
  EXPECT_EQ(errors("sf", "cluster_upgrade", "http_status"), 0.0);
  EXPECT_EQ(up("sf"), 1.0);
  EXPECT_EQ(requests("sf", "oauth2_token"), 2.0);

  // A new token the gateway refuses as well is not fetched again at every request.
  authority_.refuse_all = true;
  ASSERT_TRUE(wait_until([&] { return errors("sf", "cluster_upgrade", "http_status") >= 4; }));
  EXPECT_EQ(authority_.issued_count(), 3);
  expect_no_secrets();
}

TEST_F(TokenTest, InvalidClientMakesTheTargetDownWithAClearLogLine) {
  token_endpoint_refuses_ = true;
  serve_oauth2();
  start(oauth2_config());
  ASSERT_TRUE(wait_until([&] { return errors("sf", "oauth2_token", "http_status") >= 2; }))
      << exporter_->process().output();
  EXPECT_EQ(up("sf"), 0.0);
  EXPECT_EQ(gateway_requests(kClusterPath), 0u);  // nothing is sent without a token
  EXPECT_TRUE(exporter_->process().wait_for_output(
      "msg=\"cannot obtain a token\" target=sf endpoint=oauth2_token err=\"token endpoint answered HTTP 400 "
      "invalid_client: AADSTS700016: Application not found in the directory.\""))
      << exporter_->process().output();

  // Fixed at the identity provider: the target comes back.
  token_endpoint_refuses_ = false;
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0; }));
  expect_no_secrets();
}

TEST_F(TokenTest, ASlowTokenEndpointIsBoundedByTheTimeout) {
  token_endpoint_delay_ = 30s;
  serve_oauth2();
  start(oauth2_config("300ms"));
  ASSERT_TRUE(wait_until([&] { return errors("sf", "oauth2_token", "timeout") >= 2; }, 10s))
      << exporter_->process().output();
  EXPECT_EQ(up("sf"), 0.0);
  EXPECT_EQ(gateway_requests(kClusterPath), 0u);
  expect_no_secrets();
}

TEST_F(TokenTest, ATokenRequestInFlightDoesNotHoldUpShutdown) {
  token_endpoint_delay_ = 30s;
  serve_oauth2();
  start(oauth2_config("20s"));
  ASSERT_TRUE(wait_until([&] { return upstream_.count(kTokenPath) >= 1; })) << exporter_->process().output();
  const auto stopping = std::chrono::steady_clock::now();
  exporter_->process().signal(SIGTERM);
  ASSERT_TRUE(exporter_->process().wait_exit(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 1500ms);
}

TEST_F(TokenTest, ARotatedSecretIsUsedAtTheNextFetch) {
  expires_in_ = 2;
  serve_oauth2();
  start(oauth2_config());
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0; })) << exporter_->process().output();

  write_file(dir_.file("secret"), kRotatedSecret + "\n");
  expected_secret_ = &secret_storage_[1];  // the old secret is refused from now on
  const int issued = authority_.issued_count();
  ASSERT_TRUE(wait_until([&] { return authority_.issued_count() > issued; })) << exporter_->process().output();
  bool rotated_sent = false;
  for (const Request& r : upstream_.received())
    rotated_sent |= r.target == kTokenPath && form_field(r.body, "client_secret") == kRotatedSecret;
  EXPECT_TRUE(rotated_sent);
  EXPECT_TRUE(wait_until([&] { return up("sf") == 1.0; }));
  expect_no_secrets();
}

TEST_F(TokenTest, AnEmptySecretFileMakesTheTargetDownAndNamesTheFile) {
  write_file(dir_.file("secret"), " \r\n");
  serve_oauth2();
  start(oauth2_config());
  EXPECT_TRUE(exporter_->process().wait_for_output(
      "msg=\"cannot obtain a token\" target=sf endpoint=oauth2_token err=\"client_secret_file " + dir_.file("secret") +
      " is empty\""))
      << exporter_->process().output();
  EXPECT_TRUE(wait_until([&] { return up("sf") == 0.0; }));
  EXPECT_EQ(upstream_.count(kTokenPath), 0u) << "no token request without the secret";
  EXPECT_EQ(gateway_requests(kClusterPath), 0u) << "nothing is sent without a token";

  write_file(dir_.file("secret"), kSecret + "\n");
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0; })) << exporter_->process().output();
  expect_no_secrets();
}

// --- client assertions: a federated token file, AKS workload identity ---

TEST_F(TokenTest, ARotatedFederatedTokenIsUsedAtTheNextFetch) {
  expires_in_ = 2;
  write_file(dir_.file("federated-token"), kAssertion + "\n");
  serve_oauth2();
  start(assertion_config());
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0; })) << exporter_->process().output();
  const Request first = token_requests().at(0);
  EXPECT_EQ(form_field(first.body, "grant_type"), "client_credentials");
  EXPECT_EQ(form_field(first.body, "client_id"), kClientId);
  EXPECT_EQ(form_field(first.body, "client_assertion_type"), kJwtBearer);
  EXPECT_EQ(form_field(first.body, "client_assertion"), kAssertion);
  EXPECT_EQ(first.body.find("client_secret"), std::string::npos);

  // The kubelet rewrites the file; the old token is refused from now on.
  write_file(dir_.file("federated-token"), kRotatedAssertion + "\n");
  expected_assertion_ = &assertion_storage_[1];
  const int issued = authority_.issued_count();
  ASSERT_TRUE(wait_until([&] { return authority_.issued_count() > issued; })) << exporter_->process().output();
  EXPECT_EQ(form_field(token_requests().back().body, "client_assertion"), kRotatedAssertion);
  EXPECT_TRUE(wait_until([&] { return up("sf") == 1.0; }));
  EXPECT_EQ(errors("sf", "oauth2_token", "http_status"), 0.0);
  expect_no_secrets();
}

TEST_F(TokenTest, ACertificateCredentialSignsItsAssertionAndAnUnregisteredOneIsRefused) {
  const TestPki& pki = TestPki::get();
  registered_certificate_ = pki.cert_a.get();
  use_credential(pki.cert_b.get(), pki.rsa_b.get());  // a pair of its own, not the one registered
  serve_oauth2();
  start(certificate_config());
  ASSERT_TRUE(wait_until([&] { return errors("sf", "oauth2_token", "http_status") >= 2; }))
      << exporter_->process().output();
  EXPECT_EQ(up("sf"), 0.0);
  EXPECT_EQ(gateway_requests(kClusterPath), 0u);
  const Request refused = token_requests().at(0);
  EXPECT_EQ(form_field(refused.body, "client_assertion_type"), kJwtBearer);
  EXPECT_EQ(refused.body.find("client_secret"), std::string::npos);

  // The registered pair is put in place: both files are read again at the next fetch.
  use_credential(pki.cert_a.get(), pki.rsa_a.get());
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0; })) << exporter_->process().output();
  const std::string accepted = form_field(token_requests().back().body, "client_assertion");
  EXPECT_TRUE(signed_assertion_for(accepted, pki.cert_a.get(), upstream_.url() + kTokenPath));
  expect_no_secrets();
  const std::string logs = exporter_->process().output();
  EXPECT_EQ(logs.find(accepted.substr(accepted.rfind('.') + 1)), std::string::npos) << "the signature, in the logs";
  EXPECT_EQ(logs.find("PRIVATE KEY"), std::string::npos);
}

TEST_F(TokenTest, ARefusedAssertionIsLoggedWithoutIt) {
  // An endpoint that echoes what it was sent: the assertion is cut out of the log line.
  write_file(dir_.file("federated-token"), kAssertion + "\n");
  upstream_.set_handler(kTokenPath, [](const Request&) -> Reply {
    return {401, R"({"error":"invalid_client","error_description":"AADSTS700024: Client assertion )" + kAssertion +
                     R"( is not within its valid time range."})"};
  });
  start(assertion_config());
  EXPECT_TRUE(exporter_->process().wait_for_output(
      "err=\"token endpoint answered HTTP 401 invalid_client: AADSTS700024: Client assertion <redacted> is not within "
      "its valid time range.\""))
      << exporter_->process().output();
  EXPECT_TRUE(wait_until([&] { return up("sf") == 0.0; }));
  expect_no_secrets();
}

TEST_F(TokenTest, AnEmptyFederatedTokenFileMakesTheTargetDownAndNamesTheFile) {
  write_file(dir_.file("federated-token"), "\n");
  serve_oauth2();
  start(assertion_config());
  EXPECT_TRUE(exporter_->process().wait_for_output(
      "msg=\"cannot obtain a token\" target=sf endpoint=oauth2_token err=\"client_assertion_file " +
      dir_.file("federated-token") + " is empty\""))
      << exporter_->process().output();
  EXPECT_EQ(upstream_.count(kTokenPath), 0u) << "no token request without the assertion";
  write_file(dir_.file("federated-token"), kAssertion + "\n");
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0; })) << exporter_->process().output();
  expect_no_secrets();
}

// The AKS webhook's variables, set for the exporter this test starts, unset after.
struct WebhookEnvironment {
  explicit WebhookEnvironment(const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [name, value] : values) {
      setenv(name.c_str(), value.c_str(), 1);
      names.push_back(name);
    }
  }
  ~WebhookEnvironment() {
    for (const std::string& name : names) unsetenv(name.c_str());
  }
  std::vector<std::string> names;
};

TEST_F(TokenTest, WorkloadIdentityTakesTheWebhooksVariables) {
  write_file(dir_.file("federated-token"), kAssertion + "\n");
  serve_oauth2();
  // The authority without its trailing slash, and the tenant, make kTokenPath on the in-test endpoint.
  WebhookEnvironment env({{"AZURE_CLIENT_ID", kClientId},
                          {"AZURE_TENANT_ID", "tenant-1"},
                          {"AZURE_AUTHORITY_HOST", upstream_.url()},
                          {"AZURE_FEDERATED_TOKEN_FILE", dir_.file("federated-token")}});
  start("global:\n  poll_interval: 200ms\n"
        "targets:\n  - name: sf\n    type: service_fabric\n    url: " + upstream_.url() + "\n"
        "    collect: [cluster]\n"
        "    oauth2:\n      azure_workload_identity: true\n      scopes: ['api://sf-cluster-app/.default']\n");
  ASSERT_TRUE(wait_until([&] { return up("sf") == 1.0; })) << exporter_->process().output();
  const Request first = token_requests().at(0);
  EXPECT_EQ(form_field(first.body, "client_id"), kClientId);
  EXPECT_EQ(form_field(first.body, "client_assertion"), kAssertion);
  expect_no_secrets();
}

// --- Qumulo session login ---

class QumuloLoginTest : public TokenTest {
 protected:
  void serve_qumulo() {
    upstream_.set_handler(kLoginPath, [this](const Request& request) -> Reply {
      if (request.method != "POST") return {405, "{}"};
      if (request.body != R"({"password":")" + kPassword + R"(","username":"monitoring"})" || login_refuses_)
        return {401, R"({"module":"qinternal.rest.session","error_class":"api_invalid_credentials_error",)"
                     R"("description":"Invalid username or password","stack":[],"user_visible":true})"};
      return {200, R"({"bearer_token":")" + authority_.issue(10h) + "\"}"};
    });
    upstream_.set_handler(kQumuloPath, [this](const Request& request) -> Reply {
      if (!authority_.valid(request.header("Authorization"))) {
        ++authority_.refusals;
        return {401, R"({"error_class":"need_login_error","description":"Need to log in first"})"};
      }
      return {200, read_file(testdata("payloads/qumulo/upgrade_status_preparing.json"))};
    });
  }

  std::string qumulo_config() const {
    return "global:\n  poll_interval: 200ms\n"
           "targets:\n  - name: nas\n    type: qumulo\n    url: " + upstream_.url() + "\n"
           "    qumulo_login:\n      username: monitoring\n      password_file: password\n";
  }
};

TEST_F(QumuloLoginTest, LogsInOnceRetriesAfterA401AndNeverShowsThePassword) {
  serve_qumulo();
  start(qumulo_config());
  ASSERT_TRUE(wait_until([&] { return up("nas") == 1.0 && gateway_requests(kQumuloPath) >= 4; }))
      << exporter_->process().output();
  EXPECT_EQ(authority_.issued_count(), 1);
  EXPECT_EQ(requests("nas", "qumulo_login"), 1.0);
  for (const Request& r : upstream_.received()) {
    if (r.target == kLoginPath) {
      EXPECT_EQ(r.header("Content-Type"), "application/json");
    }
  }

  // The session ended early (a restarted node): one new login, and the request goes through.
  authority_.revoke_all();
  const std::size_t before = gateway_requests(kQumuloPath);
  ASSERT_TRUE(wait_until([&] { return gateway_requests(kQumuloPath) >= before + 4; }));
  EXPECT_EQ(authority_.issued_count(), 2);
  EXPECT_EQ(authority_.refusals, 1);
  EXPECT_EQ(errors("nas", "qumulo_upgrade_status", "http_status"), 0.0);
  EXPECT_EQ(up("nas"), 1.0);
  expect_no_secrets();
}

TEST_F(QumuloLoginTest, RefusedLoginMakesTheTargetDown) {
  login_refuses_ = true;
  serve_qumulo();
  start(qumulo_config());
  ASSERT_TRUE(wait_until([&] { return errors("nas", "qumulo_login", "http_status") >= 2; }))
      << exporter_->process().output();
  EXPECT_EQ(up("nas"), 0.0);
  EXPECT_EQ(gateway_requests(kQumuloPath), 0u);
  EXPECT_TRUE(exporter_->process().wait_for_output(
      "msg=\"cannot obtain a token\" target=nas endpoint=qumulo_login err=\"session login answered HTTP 401 "
      "api_invalid_credentials_error: Invalid username or password\""))
      << exporter_->process().output();
  expect_no_secrets();
}

}  // namespace
}  // namespace ue::test
