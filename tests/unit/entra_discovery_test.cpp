// The instance metadata service's token answer and request, its retry
// delays, and the cluster's GetAadMetadata answer and what it fills in:
// reference-shaped and hostile bodies, no socket.
#include <gtest/gtest.h>


#include "auth/managed_identity.h"
#include "auth/target_tokens.h"
#include "sources/aad_metadata.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using namespace std::chrono_literals;

// --- IMDS ---

TEST(ImdsTest, AsksForTheResourceAndTheOneIdThatIsSet) {
  ManagedIdentityConfig identity;
  EXPECT_EQ(imds_token_path(identity, "api://1d2c/x y"),
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api%3A%2F%2F1d2c%2Fx%20y");
  identity.client_id = "9a8b&c=d";
  EXPECT_EQ(imds_token_path(identity, "r"),
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=r&client_id=9a8b%26c%3Dd");
  identity = {};
  identity.object_id = "o1";
  EXPECT_EQ(imds_token_path(identity, "r"),
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=r&object_id=o1");
  identity = {};
  identity.resource_id =
      "/subscriptions/s/resourcegroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u";
  EXPECT_EQ(imds_token_path(identity, "r"),
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=r&msi_res_id=%2Fsubscriptions%2Fs%2F"
            "resourcegroups%2Fg%2Fproviders%2FMicrosoft.ManagedIdentity%2FuserAssignedIdentities%2Fu");
}

TEST(ImdsTest, ParsesTheReferenceAnswerWithStrings) {
  const TokenGrant grant = parse_imds_token_response(
      R"({"access_token":"eyJ0eXAi.abc.def","client_id":"9a8b","expires_in":"86399","expires_on":"1700086399",)"
      R"("ext_expires_in":"86399","not_before":"1700000000","resource":"1d2c","token_type":"Bearer"})",
      1700000000);
  EXPECT_EQ(grant.token, "eyJ0eXAi.abc.def");
  EXPECT_EQ(grant.expires_after, 86399s);
  EXPECT_EQ(grant.refresh_after, 86339s);
}

TEST(ImdsTest, IsLenient) {
  EXPECT_EQ(parse_imds_token_response(R"({"access_token":"t","expires_in":3600})", 0).expires_after, 3600s);
  // No expires_in: expires_on, less now.
  EXPECT_EQ(parse_imds_token_response(R"({"access_token":"t","expires_on":"1000600"})", 1000000).expires_after, 600s);
  EXPECT_EQ(parse_imds_token_response(R"({"access_token":"t"})", 0).expires_after, kDefaultTokenLifetime);
}

TEST(ImdsTest, RefusesHostileAnswers) {
  EXPECT_EQ(test::source_error([] { parse_imds_token_response("<html>", 0); }).reason, Reason::parse);
  EXPECT_EQ(test::source_error([] { parse_imds_token_response(R"([1])", 0); }).reason, Reason::schema);
  EXPECT_EQ(test::source_error([] { parse_imds_token_response(R"({"access_token":"a\r\nX-Evil: 1"})", 0); }).reason,
            Reason::schema);
  EXPECT_EQ(
      test::source_error([] { parse_imds_token_response(R"({"access_token":"t","expires_in":"-5"})", 0); }).reason,
      Reason::schema);
  EXPECT_EQ(
      test::source_error([] { parse_imds_token_response(R"({"access_token":"t","expires_in":"soon"})", 0); }).reason,
      Reason::schema);
  EXPECT_EQ(
      test::source_error([] { parse_imds_token_response(R"({"access_token":"t","expires_on":"10"})", 100); }).reason,
      Reason::schema);
  EXPECT_EQ(
      test::source_error([] { parse_imds_token_response(R"({"access_token":"t","token_type":"MAC"})", 0); }).reason,
      Reason::schema);
  const SourceError e =
      test::source_error([] { parse_imds_token_response(R"({"access_token":"sekrit","token_type":"x"})", 0); });
  EXPECT_EQ(e.message.find("sekrit"), std::string::npos);
  EXPECT_EQ(parse_imds_token_response(R"({"access_token":"t","expires_in":"1e300"})", 0).expires_after,
            kMaxTokenLifetime);
}

TEST(ImdsTest, RetriesThrottlingAndServerErrorsOnly) {
  EXPECT_TRUE(imds_retryable(429));
  EXPECT_TRUE(imds_retryable(500));
  EXPECT_TRUE(imds_retryable(503));
  EXPECT_FALSE(imds_retryable(400));
  EXPECT_FALSE(imds_retryable(404));
  EXPECT_FALSE(imds_retryable(200));
}

TEST(ImdsTest, BacksOffWithJitterOrAsRetryAfterSays) {
  EXPECT_EQ(imds_retry_delay(0, "", 0), 500ms);
  EXPECT_EQ(imds_retry_delay(1, "", 0), 1000ms);
  EXPECT_EQ(imds_retry_delay(2, "", 0), 2000ms);
  EXPECT_EQ(imds_retry_delay(0, "", 1), 625ms);
  EXPECT_EQ(imds_retry_delay(40, "", 1), kImdsMaxRetryDelay);
  EXPECT_EQ(imds_retry_delay(0, "3", 1), 3s);
  EXPECT_EQ(imds_retry_delay(0, "0", 0), 0s);
  EXPECT_EQ(imds_retry_delay(0, "99999", 0), kImdsMaxRetryDelay);
  // An HTTP date or junk: the backoff.
  EXPECT_EQ(imds_retry_delay(1, "Wed, 21 Oct 2015 07:28:00 GMT", 0), 1000ms);
  EXPECT_EQ(imds_retry_delay(1, "-4", 0), 1000ms);
}

// --- GetAadMetadata ---

TEST(AadMetadataTest, ParsesTheReferenceAnswer) {
  const AadMetadata metadata = parse_aad_metadata(test::payload("entra/get_aad_metadata.json"));
  EXPECT_EQ(metadata.authority, "https://login.microsoftonline.com/4f5e6d7c-1a2b-4c3d-9e8f-0a1b2c3d4e5f");
  EXPECT_EQ(metadata.cluster, "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a");
  EXPECT_EQ(aad_token_url(metadata),
            "https://login.microsoftonline.com/4f5e6d7c-1a2b-4c3d-9e8f-0a1b2c3d4e5f/oauth2/v2.0/token");
  EXPECT_EQ(aad_scope(metadata), "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a/.default");
}

TEST(AadMetadataTest, TakesTheTenantWhenTheAuthorityLacksIt) {
  const AadMetadata metadata = parse_aad_metadata(
      R"({"type":"aad","metadata":{"authority":"https://login.microsoftonline.com/","cluster":"c","tenant":"t1"}})");
  EXPECT_EQ(aad_token_url(metadata), "https://login.microsoftonline.com/t1/oauth2/v2.0/token");
  const AadMetadata without_tenant =
      parse_aad_metadata(R"({"type":"aad","metadata":{"authority":"http://127.0.0.1:9/t2","cluster":"c"}})");
  EXPECT_EQ(aad_token_url(without_tenant), "http://127.0.0.1:9/t2/oauth2/v2.0/token");
}

TEST(AadMetadataTest, AClusterWithoutEntraSignInIsAnError) {
  const SourceError certificate =
      test::source_error([] { parse_aad_metadata(test::payload("entra/get_aad_metadata_certificate.json")); });
  EXPECT_EQ(certificate.reason, Reason::schema);
  EXPECT_EQ(certificate.message, "type certificate: the cluster does not use Entra ID sign-in");
  // A hostile type is not quoted back.
  const SourceError hostile = test::source_error([] { parse_aad_metadata(R"({"type":"x\n<script>"})"); });
  EXPECT_EQ(hostile.message, "type: the cluster does not use Entra ID sign-in");
  EXPECT_EQ(test::source_error([] { parse_aad_metadata(R"({"metadata":{}})"); }).reason, Reason::schema);
}

TEST(AadMetadataTest, RefusesHostileAnswers) {
  EXPECT_EQ(test::source_error([] { parse_aad_metadata("not json"); }).reason, Reason::parse);
  EXPECT_EQ(test::source_error([] { parse_aad_metadata(R"([])"); }).reason, Reason::schema);
  EXPECT_EQ(test::source_error([] { parse_aad_metadata(R"({"type":"aad"})"); }).message, "metadata: missing");
  EXPECT_EQ(test::source_error([] { parse_aad_metadata(R"({"type":"aad","metadata":[]})"); }).reason, Reason::schema);
  EXPECT_EQ(test::source_error([] { parse_aad_metadata(R"({"type":"aad","metadata":{"cluster":"c"}})"); }).message,
            "metadata.authority: missing");
  EXPECT_EQ(test::source_error([] {
              parse_aad_metadata(R"({"type":"aad","metadata":{"authority":"file:///etc/passwd","cluster":"c"}})");
            }).message,
            "metadata.authority: expected an http(s) URL");
  EXPECT_EQ(test::source_error([] {
              parse_aad_metadata(R"({"type":"aad","metadata":{"authority":"https://a/t","cluster":"c d"}})");
            }).message,
            "metadata.cluster: not a usable value");
  EXPECT_EQ(test::source_error([] {
              parse_aad_metadata(R"({"type":"aad","metadata":{"authority":"https://a/t","cluster":1}})");
            }).reason,
            Reason::schema);
  const std::string long_cluster(kMaxAadMetadataField + 1, 'c');
  EXPECT_EQ(test::source_error([&] {
              parse_aad_metadata(R"({"type":"aad","metadata":{"authority":"https://a/t","cluster":")" + long_cluster +
                                 "\"}}");
            }).message,
            "metadata.cluster: not a usable value");
}

TEST(AadDiscoveryTest, FillsInOnlyWhatIsLeftOut) {
  TargetConfig target;
  target.type = TargetType::service_fabric;
  EXPECT_FALSE(needs_aad_discovery(target));
  target.oauth2 = OAuth2Config{};
  EXPECT_TRUE(needs_aad_discovery(target));
  const AadMetadata metadata{"http://127.0.0.1:8/tenant1", "tenant1", "cluster-app"};
  TargetConfig complete = with_aad_metadata(target, metadata);
  EXPECT_EQ(complete.oauth2->token_url, "http://127.0.0.1:8/tenant1/oauth2/v2.0/token");
  EXPECT_EQ(complete.oauth2->token_endpoint.port, 8);
  EXPECT_EQ(complete.oauth2->token_endpoint.base_path, "/tenant1/oauth2/v2.0/token");
  EXPECT_EQ(complete.oauth2->scopes, std::vector<std::string>{"cluster-app/.default"});
  EXPECT_FALSE(needs_aad_discovery(complete));

  target.oauth2->scopes = {"mine/.default"};
  EXPECT_EQ(with_aad_metadata(target, metadata).oauth2->scopes, std::vector<std::string>{"mine/.default"});

  // Entra's v1 endpoint: the resource is an endpoint param, and no scope may be added beside it.
  TargetConfig v1 = complete;
  v1.oauth2->scopes.clear();
  v1.oauth2->endpoint_params = {{"resource", "cluster-app"}};
  EXPECT_FALSE(needs_aad_discovery(v1));
  v1.oauth2->token_url.clear();
  EXPECT_TRUE(with_aad_metadata(v1, metadata).oauth2->scopes.empty());

  TargetConfig identity;
  identity.managed_identity = ManagedIdentityConfig{};
  EXPECT_TRUE(needs_aad_discovery(identity));
  EXPECT_EQ(with_aad_metadata(identity, metadata).managed_identity->resource, "cluster-app");
  identity.type = TargetType::qumulo;
  EXPECT_FALSE(needs_aad_discovery(identity));  // only a Service Fabric cluster can say
}

}  // namespace
}  // namespace ue
