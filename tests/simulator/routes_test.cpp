// The routes over real loopback HTTP: an in-process server on a free port,
// its simulated clock set by the test.
#include "routes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace sim {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const WallClock::time_point kEpoch{std::chrono::seconds(1709287200)};

class SimServer {
 public:
  explicit SimServer(Scenario scenario, RouteOptions options = {}) : world_(std::move(scenario), kEpoch) {
    options.now = [this] { return SimTime(now_.load()); };
    options.token_clock = [this] { return token_now_.load(); };
    options.faults = world_.scenario().faults;
    options.seed = world_.scenario().seed;
    install_routes(server_, world_, std::move(options));
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  }
  ~SimServer() {
    server_.stop();
    thread_.join();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_url_encode(false);  // continuation tokens go back raw
    return c;
  }
  void set_time(SimTime t) { now_ = t; }
  void set_token_time(Micros t) { token_now_ = t; }  // the real-time clock token lifetimes run on
  bool running() const { return port_ > 0 && server_.is_running(); }

 private:
  World world_;
  std::atomic<Micros> now_{Micros(0)};
  std::atomic<Micros> token_now_{Micros(0)};
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
};

Scenario default_scenario() { return load_scenario_file(UE_SIM_DEFAULT_SCENARIO); }

std::string error_code(const httplib::Result& res) {
  auto body = json::parse(res->body, nullptr, false);
  return body.is_object() && body.contains("Error") ? body["Error"]["Code"].get<std::string>() : "";
}

TEST(Routes, PagesApplicationsWithRawContinuationTokens) {
  SimServer s(default_scenario());
  ASSERT_TRUE(s.running());
  auto cli = s.client();
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    std::string path = "/Applications?api-version=6.0&MaxResults=5";
    if (!token.empty()) path += "&ContinuationToken=" + token;
    auto res = cli.Get(path.c_str());
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << path << " " << res->body;
    auto body = json::parse(res->body);
    for (const auto& item : body["Items"]) names.push_back(item["Name"]);
    token = body["ContinuationToken"];
    if (!token.empty()) {
      EXPECT_NE(token.find(':'), std::string::npos);  // characters an encoder would change
      EXPECT_NE(token.find('/'), std::string::npos);
    }
  } while (!token.empty() && ++pages < 10);
  EXPECT_EQ(pages, 2);  // three pages
  EXPECT_EQ(names.size(), 14u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
}

TEST(Routes, RejectsAReEncodedContinuationToken) {
  SimServer s(default_scenario());
  auto cli = s.client();
  auto raw = cli.Get("/Applications?api-version=6.0&MaxResults=5&ContinuationToken=fabric:/inventory/sync");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 200);
  for (const char* token : {"fabric%3A%2Finventory%2Fsync", "fabric:%2Finventory%2Fsync", "fabric:/nothing/here"}) {
    auto res = cli.Get((std::string("/Applications?api-version=6.0&MaxResults=5&ContinuationToken=") + token).c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << token;
    EXPECT_EQ(error_code(res), "E_INVALIDARG") << token;
  }
}

TEST(Routes, ParsesTheQueryLikeTheGateway) {
  auto q = raw_query("/Applications?api-version=6.0&api-version=9.9&ContinuationToken=fabric:/a%2Fb&x=a=b&Flag&MaxResults=");
  EXPECT_EQ(q["api-version"], "6.0");                   // the first one wins
  EXPECT_EQ(q["ContinuationToken"], "fabric:/a%2Fb");   // not decoded
  EXPECT_FALSE(q.contains("x"));                        // a value holding '=' is ignored
  EXPECT_FALSE(q.contains("Flag"));
  EXPECT_EQ(q["MaxResults"], "");
  EXPECT_TRUE(raw_query("/Applications").empty());
  EXPECT_FALSE(raw_query("/a?Api-Version=6.0").contains("api-version"));  // names are case-sensitive
}

TEST(Routes, AcceptsTheRuntimesApiVersions) {
  EXPECT_EQ(parse_api_version("6.0"), 6.0);
  EXPECT_EQ(parse_api_version("6.0-preview"), 6.0);
  EXPECT_EQ(parse_api_version("8.2"), 8.2);
  EXPECT_EQ(parse_api_version("10.1"), 10.1);
  EXPECT_EQ(parse_api_version("1.0"), 1.0);
  for (const char* bad : {"10.2", "0.9", "6", "", "abc", "6.0.1", ".5", "6.0-beta"}) EXPECT_FALSE(parse_api_version(bad)) << bad;
}

TEST(Routes, EveryServiceFabricRouteNeedsAnApiVersion) {
  SimServer s(default_scenario());
  auto cli = s.client();
  for (const char* path : {"/$/GetUpgradeProgress", "/$/GetClusterConfigurationUpgradeStatus", "/Applications",
                           "/Applications/shop~cart/$/GetUpgradeProgress", "/Resources/Applications",
                           "/Resources/Applications/storefront/$/GetUpgradeProgress", "/ComposeDeployments",
                           "/ComposeDeployments/storefront-compose/$/GetUpgradeProgress"}) {
    for (std::string query : {"", "?api-version=", "?api-version=11.0", "?API-VERSION=6.0"}) {
      auto res = cli.Get((path + query).c_str());
      ASSERT_TRUE(res) << path;
      EXPECT_EQ(res->status, 400) << path << query;
      EXPECT_EQ(error_code(res), "E_INVALIDARG") << path << query;
    }
    auto ok = cli.Get((std::string(path) + "?api-version=6.0").c_str());
    EXPECT_EQ(ok->status, 200) << path;
  }
  auto post = cli.Post("/$/StartClusterConfigurationUpgrade", R"({"ClusterConfig": "{}"})", "application/json");
  EXPECT_EQ(post->status, 400);
  EXPECT_EQ(error_code(post), "E_INVALIDARG");
}

TEST(Routes, UnknownNamesAre404FabricErrors) {
  SimServer s(default_scenario());
  auto cli = s.client();
  auto app = cli.Get("/Applications/shop~nope/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(app->status, 404);
  EXPECT_EQ(error_code(app), "FABRIC_E_APPLICATION_NOT_FOUND");
  auto resource = cli.Get("/Resources/Applications/nope/$/GetUpgradeProgress?api-version=7.0");
  EXPECT_EQ(resource->status, 404);
  EXPECT_EQ(error_code(resource), "FABRIC_E_APPLICATION_NOT_FOUND");
  auto compose = cli.Get("/ComposeDeployments/nope/$/GetUpgradeProgress?api-version=6.0-preview");
  EXPECT_EQ(compose->status, 404);
  EXPECT_EQ(error_code(compose), "FABRIC_E_COMPOSE_DEPLOYMENT_NOT_FOUND");
}

TEST(Routes, StatsCountRequestsAndPeakConcurrency) {
  RouteOptions options;
  options.latency = 300ms;  // long enough for the three requests below to overlap
  SimServer s(default_scenario(), options);
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i)
    clients.emplace_back([&] { s.client().Get("/nowhere"); });  // a 404 is counted and leaves too
  for (auto& c : clients) c.join();
  auto stats = json::parse(s.client().Get("/-/stats")->body);
  EXPECT_EQ(stats["requests"], 3);
  EXPECT_EQ(stats["in_flight"], 0);
  EXPECT_GE(stats["max_in_flight"], 2);
  EXPECT_LE(stats["max_in_flight"], 3);
}

TEST(Routes, ApplicationIdsWithTildesAndSlashesBothResolve) {
  SimServer s(default_scenario());
  auto cli = s.client();
  for (const char* id : {"shop~payments~api", "shop/payments/api"}) {
    auto res = cli.Get((std::string("/Applications/") + id + "/$/GetUpgradeProgress?api-version=6.0").c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << id;
    EXPECT_EQ(json::parse(res->body)["Name"], "fabric:/shop/payments/api");
  }
  auto listing = json::parse(cli.Get("/Applications?api-version=3.0")->body);  // pre-6.0 Ids use '/'
  EXPECT_EQ(listing["Items"][0]["Id"], "analytics/ingest");
}

TEST(Routes, StartClusterConfigurationUpgradeAnswers202Then409) {
  SimServer s(default_scenario());
  auto cli = s.client();
  const char* path = "/$/StartClusterConfigurationUpgrade?api-version=6.0";
  s.set_time(100s);  // the scripted configuration upgrade is resting
  auto bad = cli.Post(path, R"({"ClusterConfig": "{}", "MaxPercentUnhealthyNodes": 150})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(error_code(bad), "E_INVALIDARG");
  EXPECT_EQ(cli.Post(path, "", "application/json")->status, 400);
  auto accepted = cli.Post(path, R"({"ClusterConfig": "{\"ClusterConfigurationVersion\": \"5.0\"}",
                                      "UpgradeDomainTimeoutInSeconds": "PT0H10M0S"})",
                           "application/json");
  EXPECT_EQ(accepted->status, 202);
  EXPECT_EQ(accepted->body, "");
  auto conflict = cli.Post(path, R"({"ClusterConfig": "{}"})", "application/json");
  EXPECT_EQ(conflict->status, 409);
  EXPECT_EQ(error_code(conflict), "FABRIC_E_FABRIC_UPGRADE_IN_PROGRESS");
  s.set_time(101s);
  auto status = json::parse(cli.Get("/$/GetClusterConfigurationUpgradeStatus?api-version=6.0")->body);
  EXPECT_EQ(status["UpgradeState"], "RollingForwardInProgress");
  EXPECT_EQ(status["ConfigVersion"], "5.0");
}

TEST(Routes, QumuloChecksTheBearerToken) {
  Scenario scenario = default_scenario();
  scenario.qumulo.bearer_token = "access-v1:t0ken";
  SimServer s(scenario);
  auto cli = s.client();
  for (const char* path : {"/v3/upgrade/status", "/v1/shutdown/reboot/status", "/v2/upgrade/blocked"}) {
    auto none = cli.Get(path);
    EXPECT_EQ(none->status, 401) << path;
    EXPECT_EQ(json::parse(none->body)["error_class"], "http_unauthorized_error");
    EXPECT_EQ(cli.Get(path, {{"Authorization", "Bearer wrong"}})->status, 401) << path;
    EXPECT_EQ(cli.Get(path, {{"Authorization", "access-v1:t0ken"}})->status, 401) << path;
    EXPECT_EQ(cli.Get(path, {{"Authorization", "Bearer access-v1:t0ken"}})->status, 200) << path;
  }
  EXPECT_EQ(cli.Post("/v2/upgrade/commit", "", "application/json")->status, 401);
  EXPECT_EQ(cli.Get("/v1/version")->status, 200);  // no authentication
}

Scenario secured_scenario() {
  Scenario scenario = default_scenario();
  scenario.oauth2 = OAuth2Client{"demo-client", "demo-secret", "api://sf-cluster/.default", 2min, "demo-tenant"};
  scenario.qumulo.login = QumuloLogin{"monitoring", "demo-password", 10h};
  return scenario;
}

constexpr const char* kTokenForm =
    "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret"
    "&scope=api%3A%2F%2Fsf-cluster%2F.default";

// A fresh access token from the token endpoint, as an Authorization header.
httplib::Headers access_token(httplib::Client& cli) {
  auto answer = cli.Post("/t/oauth2/v2.0/token", kTokenForm, "application/x-www-form-urlencoded");
  return {{"Authorization", "Bearer " + json::parse(answer->body)["access_token"].get<std::string>()}};
}

TEST(Routes, TokenEndpointIssuesTokensEveryServiceFabricRouteNeeds) {
  SimServer s(secured_scenario());
  auto cli = s.client();
  const std::vector<std::string> routes = {
      "/$/GetUpgradeProgress", "/$/GetClusterConfigurationUpgradeStatus", "/Applications",
      "/Applications/shop~cart/$/GetUpgradeProgress", "/Resources/Applications",
      "/Resources/Applications/storefront/$/GetUpgradeProgress", "/ComposeDeployments",
      "/ComposeDeployments/storefront-compose/$/GetUpgradeProgress"};
  for (const auto& route : routes) {
    auto path = route + "?api-version=6.0";
    auto none = cli.Get(path.c_str());
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401) << path;
    EXPECT_EQ(error_code(none), "FABRIC_E_SERVER_AUTHENTICATION_FAILED") << path;
    EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(cli.Get(path.c_str(), {{"Authorization", "Bearer sim-access-forged"}})->status, 401) << path;
  }
  auto post = cli.Post("/$/StartClusterConfigurationUpgrade?api-version=6.0", R"({"ClusterConfig": "{}"})",
                       "application/json");
  EXPECT_EQ(post->status, 401);

  // With or without the tenant in the path.
  for (const char* endpoint : {"/demo-tenant/oauth2/v2.0/token", "/oauth2/v2.0/token"}) {
    auto answer = cli.Post(endpoint, kTokenForm, "application/x-www-form-urlencoded");
    ASSERT_EQ(answer->status, 200) << endpoint << " " << answer->body;
    EXPECT_EQ(answer->get_header_value("Cache-Control"), "no-store, no-cache");
    auto body = json::parse(answer->body);
    EXPECT_EQ(body["expires_in"], 120);
    httplib::Headers bearer = {{"Authorization", "Bearer " + body["access_token"].get<std::string>()}};
    for (const auto& route : routes) {
      auto path = route + "?api-version=6.0";
      EXPECT_EQ(cli.Get(path.c_str(), bearer)->status, 200) << path;
    }
  }
  // A bad api-version is still a 400, once authenticated.
  auto bearer = access_token(cli);
  EXPECT_EQ(cli.Get("/Applications?api-version=99.0", bearer)->status, 400);
  // Qumulo's routes do not take Service Fabric's tokens.
  EXPECT_EQ(cli.Get("/v3/upgrade/status", bearer)->status, 401);
}

TEST(Routes, AccessTokensExpireOnTheRealClockNotTheSimulatedOne) {
  SimServer s(secured_scenario());
  auto cli = s.client();
  auto bearer = access_token(cli);
  s.set_time(1h);  // simulated time races ahead (--speed): the token stays good
  EXPECT_EQ(cli.Get("/$/GetUpgradeProgress?api-version=6.0", bearer)->status, 200);
  s.set_token_time(119s);
  EXPECT_EQ(cli.Get("/$/GetUpgradeProgress?api-version=6.0", bearer)->status, 200);
  s.set_token_time(120s);
  auto expired = cli.Get("/$/GetUpgradeProgress?api-version=6.0", bearer);
  EXPECT_EQ(expired->status, 401);
  EXPECT_NE(json::parse(expired->body)["Error"]["Message"].get<std::string>().find("expired"), std::string::npos);
}

TEST(Routes, TokenEndpointErrorsAreRfc6749Bodies) {
  SimServer s(secured_scenario());
  auto cli = s.client();
  // `first` overrides the good form's field of the same name (the first occurrence wins).
  auto refused = [&](const std::string& first) {
    auto res = cli.Post("/t/oauth2/v2.0/token", first + "&" + kTokenForm, "application/x-www-form-urlencoded");
    EXPECT_EQ(res->status, 400) << first;
    return json::parse(res->body);
  };
  auto secret = refused("client_secret=wrong");
  EXPECT_EQ(secret["error"], "invalid_client");
  std::string description = secret["error_description"];
  EXPECT_TRUE(description.starts_with("AADSTS7000215: Invalid client secret provided.")) << description;
  EXPECT_EQ(refused("scope=api://other/.default")["error"], "invalid_resource");
  EXPECT_EQ(refused("scope=api://sf-cluster")["error"], "invalid_scope");
  EXPECT_EQ(refused("grant_type=password")["error"], "unsupported_grant_type");
  // The v1 endpoint wants a resource.
  auto v1 = cli.Post("/t/oauth2/token",
                     "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret"
                     "&resource=api://sf-cluster",
                     "application/x-www-form-urlencoded");
  EXPECT_EQ(v1->status, 200) << v1->body;
  EXPECT_EQ(cli.Get("/$/GetUpgradeProgress?api-version=6.0",
                    {{"Authorization", "Bearer " + json::parse(v1->body)["access_token"].get<std::string>()}})->status,
            200);
}

TEST(Routes, AadMetadataIsAnonymousAndPointsAtTheTokenEndpoint) {
  SimServer secured(secured_scenario());
  auto res = secured.client().Get("/$/GetAadMetadata?api-version=6.0");
  ASSERT_EQ(res->status, 200);
  auto body = json::parse(res->body);
  EXPECT_EQ(body["type"], "aad");
  EXPECT_EQ(body["metadata"]["cluster"], "api://sf-cluster");
  EXPECT_EQ(body["metadata"]["tenant"], "demo-tenant");
  EXPECT_TRUE(body["metadata"]["authority"].get<std::string>().ends_with("/demo-tenant"));
  EXPECT_EQ(secured.client().Get("/$/GetAadMetadata")->status, 400);  // still needs an api-version
  SimServer open(default_scenario());
  EXPECT_EQ(json::parse(open.client().Get("/$/GetAadMetadata?api-version=6.0")->body)["type"], "");
}

TEST(Routes, QumuloLoginIssuesSessionTokensBesideTheAccessToken) {
  Scenario scenario = secured_scenario();
  scenario.qumulo.bearer_token = "access-v1:t0ken";
  SimServer s(scenario);
  auto cli = s.client();
  EXPECT_EQ(cli.Get("/v3/upgrade/status")->status, 401);
  auto refused = cli.Post("/v1/session/login", R"({"username": "monitoring", "password": "nope"})", "application/json");
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(json::parse(refused->body)["error_class"], "http_unauthorized_error");
  EXPECT_EQ(cli.Post("/v1/session/login", "{}", "application/json")->status, 400);

  s.set_token_time(1min);
  auto login = cli.Post("/v1/session/login", R"({"username": "monitoring", "password": "demo-password"})",
                        "application/json");
  ASSERT_EQ(login->status, 200) << login->body;
  std::string session = json::parse(login->body)["bearer_token"];
  EXPECT_TRUE(session.starts_with("session-v1:"));
  for (const char* path : {"/v3/upgrade/status", "/v1/shutdown/reboot/status", "/v2/upgrade/blocked"})
    EXPECT_EQ(cli.Get(path, {{"Authorization", "Bearer " + session}})->status, 200) << path;
  EXPECT_EQ(cli.Get("/v3/upgrade/status", {{"Authorization", "Bearer access-v1:t0ken"}})->status, 200);
  // Service Fabric does not take Qumulo sessions.
  EXPECT_EQ(cli.Get("/$/GetUpgradeProgress?api-version=6.0", {{"Authorization", "Bearer " + session}})->status, 401);

  s.set_token_time(1min + 10h);  // sessions last 10 hours
  EXPECT_EQ(cli.Get("/v3/upgrade/status", {{"Authorization", "Bearer " + session}})->status, 401);
  EXPECT_EQ(cli.Get("/v3/upgrade/status", {{"Authorization", "Bearer access-v1:t0ken"}})->status, 200);
}

TEST(Routes, QumuloLoginIsDownDuringTheRebootToo) {
  SimServer s(secured_scenario());
  s.set_time(160s);
  auto cli = s.client();
  EXPECT_EQ(cli.Post("/v1/session/login", R"({"username": "monitoring", "password": "demo-password"})",
                     "application/json")->status,
            503);
}

TEST(Routes, StatsCountTokenRequestsLoginsAndRefusals) {
  SimServer s(secured_scenario());
  auto cli = s.client();
  cli.Post("/t/oauth2/v2.0/token", kTokenForm, "application/x-www-form-urlencoded");
  cli.Post("/t/oauth2/v2.0/token", "grant_type=password", "application/x-www-form-urlencoded");
  cli.Post("/v1/session/login", R"({"username": "monitoring", "password": "demo-password"})", "application/json");
  cli.Get("/$/GetUpgradeProgress?api-version=6.0");
  cli.Get("/v3/upgrade/status");
  auto stats = json::parse(cli.Get("/-/stats")->body);
  EXPECT_EQ(stats["requests"], 5);
  EXPECT_EQ(stats["oauth2_token_requests"], 2);
  EXPECT_EQ(stats["qumulo_login_requests"], 1);
  EXPECT_EQ(stats["unauthorized"], 2);
}

TEST(Routes, ImdsDemandsMetadataThrottlesFirstAndIssuesTokensTheGatewayAccepts) {
  Scenario scenario = secured_scenario();
  scenario.oauth2->imds_throttle_first = 1;
  SimServer s(scenario);
  auto cli = s.client();
  const std::string path = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api%3A%2F%2Fsf-cluster";
  EXPECT_EQ(cli.Get(path)->status, 400);  // no Metadata: true, as IMDS answers
  EXPECT_EQ(cli.Get(path, {{"Metadata", "true"}})->status, 429);
  auto answer = cli.Get(path, {{"Metadata", "true"}});
  ASSERT_EQ(answer->status, 200);
  const json body = json::parse(answer->body);
  EXPECT_EQ(body["expires_in"], "120");
  const httplib::Headers bearer = {{"Authorization", "Bearer " + body["access_token"].get<std::string>()}};
  EXPECT_EQ(cli.Get("/$/GetUpgradeProgress?api-version=6.0", bearer)->status, 200);
  EXPECT_EQ(json::parse(cli.Get("/-/stats")->body)["imds_token_requests"], 3);
}

TEST(Routes, QumuloApiIsDownDuringTheReboot) {
  SimServer s(default_scenario());
  auto cli = s.client();
  s.set_time(160s);
  for (const char* path : {"/v3/upgrade/status", "/v1/version", "/v1/shutdown/reboot/status", "/v2/upgrade/blocked"})
    EXPECT_EQ(cli.Get(path)->status, 503) << path;
  s.set_time(170s);
  auto status = cli.Get("/v3/upgrade/status");
  EXPECT_EQ(status->status, 200);
  EXPECT_EQ(json::parse(status->body)["state"], "UPGRADE_STATE_REBOOTING");
}

TEST(Routes, QumuloSaysWhyUpgradesAreBlocked) {
  SimServer s(default_scenario());
  auto cli = s.client();
  s.set_time(100s);  // PREPARED, commit blocked
  auto blocked = cli.Get("/v2/upgrade/blocked");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->status, 200);
  EXPECT_EQ(blocked->get_header_value("Content-Type"), "application/json");
  const std::string reason = "The cluster is degraded: the restriper is reprotecting data after a drive failure.";
  EXPECT_EQ(json::parse(blocked->body),
            (json{{"is_blocked", true}, {"cluster_degraded", true}, {"blocked_reason", reason}}));
  s.set_time(5s);
  EXPECT_EQ(json::parse(cli.Get("/v2/upgrade/blocked")->body)["is_blocked"], false);
}

TEST(Routes, QumuloPrepareAndCommit) {
  SimServer s(default_scenario());
  auto cli = s.client();
  s.set_time(5s);  // idle
  EXPECT_EQ(cli.Post("/v2/upgrade/commit", "", "application/json")->status, 409);
  EXPECT_EQ(cli.Post("/v2/upgrade/prepare", R"({"auto_commit": false})", "application/json")->status, 400);
  auto prepared = cli.Post("/v2/upgrade/prepare", R"({"image_path": "/upgrade/qumulo_core_7.4.0.qimg"})", "application/json");
  EXPECT_EQ(prepared->status, 202);
  EXPECT_EQ(prepared->body, "{}");
  EXPECT_EQ(cli.Post("/v2/upgrade/prepare", R"({"image_path": "/x"})", "application/json")->status, 409);
  s.set_time(1h);
  EXPECT_EQ(json::parse(cli.Get("/v3/upgrade/status")->body)["state"], "UPGRADE_STATE_PREPARED");
  EXPECT_EQ(cli.Post("/v2/upgrade/commit", "", "application/json")->status, 202);
  s.set_time(1h + 1s);
  EXPECT_EQ(json::parse(cli.Get("/v3/upgrade/status")->body)["state"], "UPGRADE_STATE_COMMITTING");
}

TEST(Routes, EveryBodyParsesAsJson) {
  Scenario scenario = default_scenario();
  add_generated_applications(scenario, 30, 5);
  SimServer s(scenario);
  auto cli = s.client();
  std::vector<std::string> paths = {"/$/GetUpgradeProgress?api-version=6.0",
                                    "/$/GetUpgradeProgress?api-version=8.2",
                                    "/$/GetClusterConfigurationUpgradeStatus?api-version=6.0",
                                    "/Applications?api-version=1.0",
                                    "/Applications?api-version=6.1&ExcludeApplicationParameters=true",
                                    "/Resources/Applications?api-version=6.4-preview",
                                    "/ComposeDeployments?api-version=6.0-preview",
                                    "/v3/upgrade/status",
                                    "/v2/upgrade/status",
                                    "/v1/shutdown/reboot/status",
                                    "/v2/upgrade/blocked",
                                    "/v1/version"};
  for (const auto& o : scenario.objects) {
    switch (o.kind) {
      case Kind::application:
        for (const char* api : {"6.0", "8.2"})
          paths.push_back("/Applications/" + application_id(o.name) + "/$/GetUpgradeProgress?api-version=" + api);
        break;
      case Kind::application_resource:
        paths.push_back("/Resources/Applications/" + o.name + "/$/GetUpgradeProgress?api-version=7.0");
        break;
      case Kind::compose_deployment:
        paths.push_back("/ComposeDeployments/" + o.name + "/$/GetUpgradeProgress?api-version=6.0-preview");
        break;
      default: break;
    }
  }
  size_t bodies = 0;
  for (SimTime t = 0s; t <= 200s; t += 10s) {
    s.set_time(t);
    for (const auto& path : paths) {
      auto res = cli.Get(path.c_str());
      ASSERT_TRUE(res) << path;
      if (res->status == 503 && path.starts_with("/v")) continue;  // the Qumulo reboot outage
      ASSERT_EQ(res->status, 200) << path << " at " << t.count();
      EXPECT_TRUE(res->get_header_value("Content-Type").starts_with("application/json")) << path;
      EXPECT_FALSE(json::parse(res->body, nullptr, false).is_discarded()) << path << ": " << res->body;
      ++bodies;
    }
  }
  EXPECT_GT(bodies, 1000u);
}

Scenario faulty(std::vector<FaultKind> kinds, Micros slow_delay = 3s) {
  Scenario s = default_scenario();
  s.faults.rate = 1;
  s.faults.kinds = std::move(kinds);
  s.faults.slow_delay = slow_delay;
  return s;
}

TEST(Routes, InjectsBusyErrorAndTruncatedFaultsIntoProgressRequests) {
  {
    SimServer s(faulty({FaultKind::busy}));
    auto cli = s.client();
    auto res = cli.Get("/$/GetUpgradeProgress?api-version=6.0");
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(error_code(res), "FABRIC_E_SERVICE_TOO_BUSY");
    EXPECT_EQ(cli.Get("/Applications?api-version=6.0")->status, 200);  // listings are left alone
    EXPECT_EQ(cli.Get("/v3/upgrade/status")->status, 503);
    EXPECT_EQ(cli.Get("/v2/upgrade/blocked")->status, 503);
  }
  {
    SimServer s(faulty({FaultKind::error}));
    auto res = s.client().Get("/Applications/shop~cart/$/GetUpgradeProgress?api-version=6.0");
    EXPECT_EQ(res->status, 500);
    EXPECT_EQ(error_code(res), "E_FAIL");
  }
  {
    SimServer s(faulty({FaultKind::truncated}));
    auto res = s.client().Get("/ComposeDeployments/storefront-compose/$/GetUpgradeProgress?api-version=6.0");
    EXPECT_EQ(res->status, 200);
    EXPECT_TRUE(json::parse(res->body, nullptr, false).is_discarded());
    EXPECT_GT(res->body.size(), 100u);
  }
}

TEST(Routes, SlowFaultsAndLatencyDelayTheAnswer) {
  SimServer slow(faulty({FaultKind::slow}, 80ms));
  auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(slow.client().Get("/$/GetUpgradeProgress?api-version=6.0")->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 80ms);

  RouteOptions options;
  options.latency = 40ms;
  SimServer delayed(default_scenario(), options);
  begin = std::chrono::steady_clock::now();
  EXPECT_EQ(delayed.client().Get("/v1/version")->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 40ms);
}

TEST(Routes, FaultsAreReproducibleFromTheSeed) {
  Faults faults;
  faults.rate = 0.3;
  auto sequence = [&](std::uint64_t seed) {
    FaultInjector injector(faults, seed);
    std::string out;
    for (int i = 0; i < 1000; ++i) {
      auto f = injector.draw(i % 2 ? "/$/GetUpgradeProgress" : "/v3/upgrade/status");
      out += f ? fault_name(*f)[0] : '.';
    }
    return out;
  };
  std::string a = sequence(7);
  EXPECT_EQ(a, sequence(7));
  EXPECT_NE(a, sequence(8));
  auto faulted = std::count_if(a.begin(), a.end(), [](char c) { return c != '.'; });
  EXPECT_GT(faulted, 220);
  EXPECT_LT(faulted, 380);
  for (char kind : {'b', 'e', 't', 's'}) EXPECT_NE(a.find(kind), std::string::npos);
}

TEST(Routes, StopperWakesSleepers) {
  auto stopper = std::make_shared<Stopper>();
  std::thread sleeper([&] { EXPECT_FALSE(stopper->sleep_for(std::chrono::hours(1))); });
  stopper->stop();
  sleeper.join();
  EXPECT_FALSE(stopper->sleep_for(1s));  // stays stopped
}

}  // namespace
}  // namespace sim
