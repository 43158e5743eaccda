// Secretless Entra sign-in through the real HttpUpstream against in-test
// endpoints on 127.0.0.1: a managed identity's instance metadata service
// (throttled first, then answering), and discovery of the token URL, scope and
// resource from the cluster's anonymous GetAadMetadata. The targets are built
// as structs, the way the config decoder makes them.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "config/url.h"
#include "integration/harness.h"
#include "poll/http_upstream.h"

namespace ue::test {
namespace {

const std::string kClusterPath = "/$/GetUpgradeProgress?api-version=8.2";
const std::string kMetadataPath = "/$/GetAadMetadata?api-version=6.0";
const std::string kImdsPath = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=cluster-app";
const std::string kDiscoveredTokenPath = "/tenant-9/oauth2/v2.0/token";
const std::string kToken = "tok-SECRET-imds-1";

using Reply = FakeUpstream::Reply;
using Request = FakeUpstream::Request;

class Counts final : public RequestCounter {
 public:
  void request(std::string_view endpoint, double) override {
    std::lock_guard lock(mutex_);
    ++requests_[std::string(endpoint)];
  }
  void error(std::string_view endpoint, Reason reason, double) override {
    std::lock_guard lock(mutex_);
    ++errors_[std::string(endpoint) + "/" + std::string(reason_name(reason))];
  }
  int requests(const std::string& endpoint) {
    std::lock_guard lock(mutex_);
    return requests_[endpoint];
  }
  int errors(const std::string& endpoint_reason) {
    std::lock_guard lock(mutex_);
    return errors_[endpoint_reason];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> requests_, errors_;
};

class EntraSecretlessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_.set_handler(kClusterPath, [](const Request& request) -> Reply {
      if (request.header("Authorization") != "Bearer " + kToken) return {401, R"({"Error":{"Code":"FABRIC_E_UNAUTHORIZED"}})"};
      return {200, read_file(testdata("payloads/service_fabric/cluster_completed_9_1.json"))};
    });
  }

  TargetConfig target() const {
    TargetConfig target;
    target.name = "sf";
    target.type = TargetType::service_fabric;
    target.url = upstream_.url();
    target.parsed_url = parse_url(target.url);
    target.settings.timeout = 5s;
    return target;
  }
  TargetConfig managed_identity_target(const std::string& resource) const {
    TargetConfig t = target();
    t.managed_identity = ManagedIdentityConfig{};
    t.managed_identity->resource = resource;
    t.managed_identity->endpoint = imds_.url();
    t.managed_identity->parsed_endpoint = parse_url(imds_.url());
    return t;
  }
  // Serves the cluster's GetAadMetadata, its authority on the same fake.
  void serve_aad_metadata(const std::string& type = "aad") {
    upstream_.set_handler(kMetadataPath, [this, type](const Request&) -> Reply {
      return {200, R"({"type":")" + type + R"(","metadata":{"authority":")" + upstream_.url() +
                       R"(/tenant-9","client":"c-1","cluster":"cluster-app","login":"x","redirect":"y","tenant":"tenant-9"}})"};
    });
  }
  Answer get_cluster(const TargetConfig& t) {
    std::vector<std::unique_ptr<Transport>> transports = upstream_client_.open(t, 1, counts_);
    return transports.at(0)->get(kClusterPath);
  }
  std::vector<Request> received(const FakeUpstream& fake, const std::string& path) const {
    std::vector<Request> found;
    for (const Request& r : fake.received())
      if (r.target == path) found.push_back(r);
    return found;
  }

  TempDir dir_;
  std::atomic<int> throttled_left_{1};
  FakeUpstream upstream_;  // the cluster, and the discovered token endpoint
  FakeUpstream imds_;
  Counts counts_;
  HttpUpstream upstream_client_;
};

TEST_F(EntraSecretlessTest, ImdsThrottlingIsRetriedAndItsTokenUsed) {
  imds_.set_handler(kImdsPath, [this](const Request& request) -> Reply {
    if (request.header("Metadata") != "true") return {400, R"({"error":"invalid_request"})"};
    if (throttled_left_-- > 0) return {429, R"({"error":"too_many_requests"})", 0ms, {}, {}, "application/json", {{"Retry-After", "0"}}};
    return {200, R"({"access_token":")" + kToken + R"(","expires_in":"86399","expires_on":"1900000000",)"
                 R"("not_before":"1700000000","resource":"cluster-app","token_type":"Bearer"})"};
  });
  const Answer answer = get_cluster(managed_identity_target("cluster-app"));
  EXPECT_EQ(answer.status, 200);
  const std::vector<Request> asked = received(imds_, kImdsPath);
  ASSERT_EQ(asked.size(), 2u);
  for (const Request& r : asked) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.header("Metadata"), "true");
  }
  EXPECT_EQ(counts_.requests("managed_identity"), 2);
  // The token is cached: the next poll asks nobody.
  EXPECT_EQ(get_cluster(managed_identity_target("cluster-app")).status, 200);
  EXPECT_EQ(received(imds_, kImdsPath).size(), 2u);
}

TEST_F(EntraSecretlessTest, ImdsServerErrorsAreRetriedWithBackoff) {
  throttled_left_ = 0;
  std::atomic<int> failures_left{2};
  imds_.set_handler(kImdsPath, [&](const Request&) -> Reply {
    if (failures_left-- > 0) return {503, "busy"};
    return {200, R"({"access_token":")" + kToken + R"(","expires_in":"3600","token_type":"Bearer"})"};
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(get_cluster(managed_identity_target("cluster-app")).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1500ms);  // 0.5 s, then 1 s
  EXPECT_EQ(received(imds_, kImdsPath).size(), 3u);
}

TEST_F(EntraSecretlessTest, ImdsThrottlingPastTheTimeoutFailsTheTarget) {
  imds_.set_handler(kImdsPath, [](const Request&) -> Reply {
    return {429, "{}", 0ms, {}, {}, "application/json", {{"Retry-After", "10"}}};
  });
  TargetConfig t = managed_identity_target("cluster-app");
  t.settings.timeout = 1s;
  const auto started = std::chrono::steady_clock::now();
  try {
    get_cluster(t);
    ADD_FAILURE() << "expected no token";
  } catch (const SourceError& e) {
    EXPECT_EQ(e.reason, Reason::connect);
    EXPECT_NE(e.message.find("instance metadata service answered HTTP 429"), std::string::npos) << e.message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(counts_.errors("managed_identity/http_status"), 1);
}

TEST_F(EntraSecretlessTest, DiscoveryGivesTheTokenUrlAndScope) {
  serve_aad_metadata();
  write_file(dir_.file("secret"), "sec-SECRET\n");
  upstream_.set_handler(kDiscoveredTokenPath, [](const Request& request) -> Reply {
    if (request.body.find("scope=cluster-app%2F.default") == std::string::npos) return {400, R"({"error":"invalid_scope"})"};
    return {200, R"({"token_type":"Bearer","expires_in":3600,"access_token":")" + kToken + "\"}"};
  });
  TargetConfig t = target();
  t.oauth2 = OAuth2Config{};
  t.oauth2->client_id = "c-1";
  t.oauth2->client_secret_file = dir_.file("secret");
  EXPECT_EQ(get_cluster(t).status, 200);
  const std::vector<Request> metadata = received(upstream_, kMetadataPath);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].header("Authorization"), "");  // anonymous
  EXPECT_EQ(received(upstream_, kDiscoveredTokenPath).size(), 1u);
  EXPECT_EQ(counts_.requests("aad_metadata"), 1);
  EXPECT_EQ(counts_.requests("oauth2_token"), 1);
  // Once per config load: the next poll asks neither again ...
  EXPECT_EQ(get_cluster(t).status, 200);
  EXPECT_EQ(received(upstream_, kMetadataPath).size(), 1u);
  // ... and a reload asks the cluster again.
  upstream_client_.forget_discoveries();
  EXPECT_EQ(get_cluster(t).status, 200);
  EXPECT_EQ(received(upstream_, kMetadataPath).size(), 2u);
}

TEST_F(EntraSecretlessTest, DiscoveryGivesAManagedIdentityItsResource) {
  serve_aad_metadata();
  imds_.set_handler(kImdsPath, [](const Request&) -> Reply {
    return {200, R"({"access_token":")" + kToken + R"(","expires_in":"3600","token_type":"Bearer"})"};
  });
  EXPECT_EQ(get_cluster(managed_identity_target("")).status, 200);
  EXPECT_EQ(received(imds_, kImdsPath).size(), 1u);
}

TEST_F(EntraSecretlessTest, AClusterWithoutEntraSignInIsDown) {
  serve_aad_metadata("certificate");
  try {
    get_cluster(managed_identity_target(""));
    ADD_FAILURE() << "expected no token";
  } catch (const SourceError& e) {
    EXPECT_EQ(e.reason, Reason::connect);
    EXPECT_EQ(e.message, "no token: GetAadMetadata: type certificate: the cluster does not use Entra ID sign-in");
  }
  EXPECT_EQ(counts_.errors("aad_metadata/schema"), 1);
  EXPECT_EQ(received(imds_, kImdsPath).size(), 0u);
}

}  // namespace
}  // namespace ue::test
