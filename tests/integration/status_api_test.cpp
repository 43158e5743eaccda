// GET /, its style sheet and GET /api/v1/upgrades through the built
// binaries: the simulator plays an upgrade in progress, one waiting for an
// operator on each kind of target, a failed one and a settled one; the API
// must show them (stalled past each target's window, unless awaiting an
// operator) with the filters, refuse bad filter values, send the security
// headers on both endpoints, gzip when asked, sit behind basic auth like
// /metrics, and leave /metrics as it was (byte for byte: the unit goldens).
// The style sheet carries a strong validator and answers a matching
// If-None-Match with 304. The page's HTML itself is tested elsewhere (unit
// goldens, headless Chromium): here only its headers and link.
#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "integration/harness.h"

namespace ue::test {
namespace {

using nlohmann::json;

constexpr const char* kScenario = R"(
objects:
  - kind: application
    name: fabric:/shop/cart
    mode: Monitored
    steps:
      - {state: RollingForwardInProgress, for: 2h, progress: 40}
  - kind: application
    name: fabric:/shop/checkout
    mode: UnmonitoredManual
    steps:
      - {state: RollingForwardPending, for: forever}
  - kind: application
    name: fabric:/shop/pay
    steps:
      - {state: Failed, for: forever, failure: HealthCheck}
  - kind: application
    name: fabric:/shop/legacy
qumulo:
  auto_commit: false
  steps:
    - {state: PREPARED, for: forever}
)";

std::string gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

class StatusApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
    write_file(dir_.file("scenario.yml"), kScenario);
    simulator_ = std::make_unique<Simulator>(dir_.file("scenario.yml"));
    // sf's window is short enough to pass during the test; nas keeps global's.
    write_file(dir_.file("config.yml"), "global:\n  poll_interval: 200ms\n  stall_window: 1h\n"
                                        "targets:\n"
                                        "  - name: sf\n    type: service_fabric\n    url: " + simulator_->url() + "\n"
                                        "    collect: [cluster, applications]\n    stall_window: 1s\n"
                                        "  - name: nas\n    type: qumulo\n    url: " + simulator_->url() + "\n");
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"));
    ASSERT_TRUE(wait_until([&] {
      json doc = api();
      return doc.is_object() && doc["targets"].size() == 2 && doc["targets"][0]["polled"].get<bool>() &&
             doc["targets"][1]["polled"].get<bool>() && doc["upgrades"].size() == 6;
    })) << exporter_->process().output();
  }

  std::optional<HttpAnswer> get(const std::string& path,
                                std::vector<std::pair<std::string, std::string>> headers = {}) const {
    // The gzip tests read the bytes as sent.
    return http_request(exporter_->port(), path, {.headers = std::move(headers), .decompress = false});
  }

  // The API's document, or null when it does not answer 200 with JSON.
  json api(const std::string& query = "") const {
    auto res = get("/api/v1/upgrades" + query);
    if (!res || res->status != 200) return nullptr;
    return json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  }

  static std::vector<std::string> names(const json& doc) {
    std::vector<std::string> out;
    if (!doc.is_object() || !doc.contains("upgrades")) return out;
    for (const auto& u : doc["upgrades"])
      out.push_back(u["kind"].get<std::string>() + " " + u["name"].get<std::string>());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Simulator> simulator_;
  std::unique_ptr<Exporter> exporter_;
};

TEST_F(StatusApiTest, ShowsEveryTargetAndUpgrade) {
  json doc = api();
  EXPECT_EQ(doc["stall_window_seconds"], 3600) << "global's";
  EXPECT_EQ(doc["exporter"]["version"], UE_VERSION);
  EXPECT_GE(doc["exporter"]["uptime_seconds"].get<double>(), 0);
  EXPECT_FALSE(doc["exporter"].contains("last_reload")) << "no reload yet";

  json& sf = doc["targets"][0];
  EXPECT_EQ(sf["name"], "sf");
  EXPECT_EQ(sf["type"], "service_fabric");
  EXPECT_TRUE(sf["up"].get<bool>());
  EXPECT_TRUE(sf.contains("last_success"));
  EXPECT_EQ(sf["objects"], json({{"cluster", 1}, {"application", 4}}));
  EXPECT_EQ(sf["stall_window_seconds"], 1);
  EXPECT_EQ(doc["targets"][1]["name"], "nas");
  EXPECT_EQ(doc["targets"][1]["stall_window_seconds"], 3600) << "inherited from global";

  EXPECT_EQ(names(doc), (std::vector<std::string>{"cluster sf", "application fabric:/shop/cart",
                                                  "application fabric:/shop/checkout", "application fabric:/shop/legacy",
                                                  "application fabric:/shop/pay", "qumulo nas"}))
      << "sorted like /metrics: target, kind, name";
  json& cart = doc["upgrades"][1];
  EXPECT_EQ(cart["phase"], "rolling_forward");
  EXPECT_EQ(cart["state"], "RollingForwardInProgress");
  EXPECT_TRUE(cart["notable"].get<bool>());
  EXPECT_FALSE(cart["awaiting_operator"].get<bool>());
  EXPECT_TRUE(cart.contains("progress_ratio"));
  EXPECT_TRUE(cart.contains("start_time_unix"));
  EXPECT_TRUE(cart["start_time"].get<std::string>().ends_with("Z"));
  EXPECT_FALSE(cart["info"].contains("failure_reason")) << "Service Fabric's FailureReason None is no reason";
  json& pay = doc["upgrades"][4];
  EXPECT_EQ(pay["phase"], "failed");
  EXPECT_TRUE(pay["info"].is_object());
}

// Past sf's 1s window the held upgrade is stalled; the two waiting for an
// operator are not, however long they wait, and /metrics says why.
TEST_F(StatusApiTest, StalledPastTheTargetsWindowUnlessAwaitingAnOperator) {
  json doc;
  ASSERT_TRUE(wait_until([&] {
    doc = api();
    return doc.is_object() && doc["upgrades"].size() == 6 && doc["upgrades"][1]["stalled"].get<bool>() &&
           doc["upgrades"][2]["since_transition_seconds"].get<double>() > 1;
  })) << doc.dump();
  const json& checkout = doc["upgrades"][2];
  EXPECT_EQ(checkout["state"], "RollingForwardPending");
  EXPECT_TRUE(checkout["in_progress"].get<bool>());
  EXPECT_TRUE(checkout["awaiting_operator"].get<bool>());
  EXPECT_FALSE(checkout["stalled"].get<bool>()) << "waits for an operator";
  const json& nas = doc["upgrades"][5];
  EXPECT_EQ(nas["state"], "UPGRADE_STATE_PREPARED");
  EXPECT_TRUE(nas["awaiting_operator"].get<bool>());
  EXPECT_FALSE(nas["stalled"].get<bool>());
  EXPECT_FALSE(doc["upgrades"][0]["stalled"].get<bool>()) << "the cluster is not upgrading";

  const std::string page = exporter_->metrics();
  const auto awaiting = [&](const std::string& target, const std::string& kind, const std::string& name) {
    return find_value(page, "upgrade_awaiting_operator", {{"target", target}, {"kind", kind}, {"name", name}});
  };
  EXPECT_EQ(awaiting("sf", "application", "fabric:/shop/checkout"), 1.0);
  EXPECT_EQ(awaiting("sf", "application", "fabric:/shop/cart"), 0.0);
  EXPECT_EQ(awaiting("nas", "qumulo", "nas"), 1.0);
  const auto page_text = get("/")->body;
  EXPECT_NE(page_text.find("no change for longer than the 1 s stall window"), std::string::npos) << page_text;
}

TEST_F(StatusApiTest, FiltersByTargetKindAndPhase) {
  EXPECT_EQ(names(api("?target=nas")), std::vector<std::string>{"qumulo nas"});
  EXPECT_EQ(api("?target=nas")["targets"].size(), 1u);
  const std::vector<std::string> moving_or_failed = {"application fabric:/shop/cart",
                                                     "application fabric:/shop/checkout",
                                                     "application fabric:/shop/pay"};
  EXPECT_EQ(names(api("?kind=application&phase=failed,rolling_forward")), moving_or_failed);
  EXPECT_EQ(names(api("?phase=failed&phase=rolling_forward&kind=application")), moving_or_failed);
  EXPECT_EQ(names(api("?kind=cluster,qumulo")), (std::vector<std::string>{"cluster sf", "qumulo nas"}));
  EXPECT_TRUE(api("?target=elsewhere")["upgrades"].empty());
}

TEST_F(StatusApiTest, ABadFilterValueIsA400NamingIt) {
  for (const char* path : {"/api/v1/upgrades?kind=aplication", "/?kind=aplication"}) {
    auto res = get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path;
    EXPECT_EQ(res->get_header_value("Content-Type").rfind("text/plain", 0), 0u) << path;
    EXPECT_NE(res->body.find("unknown kind \"aplication\""), std::string::npos) << res->body;
    EXPECT_EQ(res->body.find('\n'), res->body.size() - 1) << "one line";
  }
  auto res = get("/api/v1/upgrades?phase=%3Cscript%3E%0A");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->body.find('\n'), res->body.size() - 1) << "one line: " << res->body;
}

TEST_F(StatusApiTest, BothEndpointsSendTheSecurityHeaders) {
  for (const char* path : {"/", "/?target=sf", "/?refresh=0", "/api/v1/upgrades", "/api/v1/upgrades?kind=qumulo"}) {
    auto res = get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Security-Policy"), "default-src 'none'; style-src 'self'") << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer") << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache") << path;
    const bool page = std::string(path).rfind("/api/", 0) != 0;
    EXPECT_EQ(res->get_header_value("Content-Type"), page ? "text/html; charset=utf-8" : "application/json") << path;
  }
}

TEST_F(StatusApiTest, ThePageLinksItsStyleSheetRelatively) {
  auto page = get("/?target=sf");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<link rel=\"stylesheet\" href=\"static/status.css\">"), std::string::npos);
  EXPECT_EQ(page->body.find(" style="), std::string::npos);
  auto sheet = get("/static/status.css");  // the link, resolved against the page at /
  ASSERT_TRUE(sheet);
  EXPECT_EQ(sheet->status, 200);
}

TEST_F(StatusApiTest, TheStyleSheetHasAStrongValidator) {
  auto res = get("/static/status.css");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(res->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(res->has_header("Content-Encoding"));
  EXPECT_EQ(res->body.rfind(":root{", 0), 0u) << res->body.substr(0, 80);
  const std::string etag = res->get_header_value("ETag");
  ASSERT_EQ(etag.size(), 18u) << etag;
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_EQ(get("/static/status.css")->get_header_value("ETag"), etag) << "the same bytes, the same tag";

  for (const std::string& if_none_match : {etag, "W/" + etag, std::string("*"), "\"other\", " + etag}) {
    auto cached = get("/static/status.css", {{"If-None-Match", if_none_match}});
    ASSERT_TRUE(cached) << if_none_match;
    EXPECT_EQ(cached->status, 304) << if_none_match;
    EXPECT_TRUE(cached->body.empty()) << if_none_match;
    EXPECT_EQ(cached->get_header_value("ETag"), etag) << if_none_match;
    EXPECT_EQ(cached->get_header_value("Cache-Control"), "no-cache") << if_none_match;
  }
  auto stale = get("/static/status.css", {{"If-None-Match", "\"0000000000000000\""}});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, res->body);
}

TEST_F(StatusApiTest, TheStyleSheetIsGzippedWhenAcceptedWithItsOwnValidator) {
  const std::string plain = get("/static/status.css")->body;
  const std::string plain_etag = get("/static/status.css")->get_header_value("ETag");
  auto res = get("/static/status.css", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(gunzip(res->body), plain);
  const std::string etag = res->get_header_value("ETag");
  EXPECT_NE(etag, plain_etag) << "other bytes, another strong validator";
  auto cached = get("/static/status.css", {{"Accept-Encoding", "gzip"}, {"If-None-Match", etag}});
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  auto other = get("/static/status.css", {{"If-None-Match", etag}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200) << "the gzip tag does not validate the plain bytes";
}

TEST_F(StatusApiTest, GzipWhenAccepted) {
  for (const char* path : {"/", "/?kind=application", "/api/v1/upgrades", "/api/v1/upgrades?kind=application"}) {
    auto res = get(path, {{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip") << path;
    const std::string body = gunzip(res->body);
    if (std::string(path).rfind("/api/", 0) == 0) {
      EXPECT_FALSE(json::parse(body, nullptr, false).is_discarded()) << path;
    } else {
      EXPECT_NE(body.find("<"), std::string::npos) << path;
    }
  }
  auto plain = get("/api/v1/upgrades");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
}

TEST_F(StatusApiTest, MetricsAreUnchanged) {
  const std::string page = exporter_->metrics();
  EXPECT_EQ(find_value(page, "upgrade_in_progress", {{"target", "sf"}, {"kind", "application"},
                                                     {"name", "fabric:/shop/cart"}}),
            1.0);
  EXPECT_EQ(find_value(page, "upgrade_stall_window_seconds", {{"target", "sf"}}), 1.0);
  EXPECT_EQ(find_value(page, "upgrade_stall_window_seconds", {{"target", "nas"}}), 3600.0);
  EXPECT_EQ(count_samples(page, "upgrade_stall_window_seconds", {}), 2u) << "one series per target";
  EXPECT_EQ(page.find("failure_reason=\"None\""), std::string::npos) << "Service Fabric's None is no reason";
  auto res = get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_FALSE(res->has_header("Content-Security-Policy"));
}

TEST_F(StatusApiTest, AReloadIsReported) {
  write_file(dir_.file("config.yml"), "targets: [");
  EXPECT_EQ(exporter_->post("/-/reload").first, 500);
  json doc = api();
  ASSERT_TRUE(doc["exporter"].contains("last_reload"));
  EXPECT_FALSE(doc["exporter"]["last_reload"]["success"].get<bool>());
  EXPECT_FALSE(doc["exporter"]["last_reload"]["error"].get<std::string>().empty());
  EXPECT_TRUE(doc["exporter"]["last_reload"].contains("time_unix"));
}

TEST(StatusApiAuth, PageAndApiSitBehindBasicAuthLikeMetrics) {
  TempDir dir;
  write_file(dir.file("config.yml"), "targets: []\n");
  write_file(dir.file("web.yml"), "basic_auth_users:\n  alice: " + bcrypt_hash("secret") + "\n");
  Exporter exporter(dir.file("config.yml"), {"--web.config.file=" + dir.file("web.yml")});
  for (const char* path : {"/", "/?kind=cluster", "/static/status.css", "/api/v1/upgrades",
                           "/api/v1/upgrades?kind=cluster", "/metrics"}) {
    exporter.set_basic_auth("", "");
    EXPECT_EQ(exporter.get(path).first, 401) << path;
    exporter.set_basic_auth("alice", "wrong");
    EXPECT_EQ(exporter.get(path).first, 401) << path;
    exporter.set_basic_auth("alice", "secret");
    EXPECT_EQ(exporter.get(path).first, 200) << path;
  }
}

TEST(StatusApiPaths, TelemetryAtTheRootKeepsItAndTheApiStays) {
  TempDir dir;
  write_file(dir.file("config.yml"), "targets: []\n");
  Exporter exporter(dir.file("config.yml"), {"--web.telemetry-path=/"});
  auto [status, body] = exporter.get("/");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("upgrade_exporter_build_info"), std::string::npos) << "metrics keep /";
  EXPECT_EQ(exporter.get("/api/v1/upgrades").first, 200);
  EXPECT_EQ(exporter.get("/static/status.css").first, 404) << "no page, no style sheet";
}

TEST(StatusApiPaths, TheStyleSheetPathIsLiteralAndGivesWayToTheMetrics) {
  TempDir dir;
  write_file(dir.file("config.yml"), "targets: []\n");
  Exporter plain(dir.file("config.yml"));
  EXPECT_EQ(plain.get("/static/status.css").first, 200);
  EXPECT_EQ(plain.get("/static/status_css").first, 404) << "not a pattern";
  Exporter clash(dir.file("config.yml"), {"--web.telemetry-path=/static/status.css"});
  auto [status, body] = clash.get("/static/status.css");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("upgrade_exporter_build_info"), std::string::npos) << "the metrics keep their path";
}

// A target is listed from the start, before its first poll ends: here the
// gateway takes longer than the test to answer.
TEST(StatusApiStart, ATargetIsListedWaitingBeforeItsFirstPollEnds) {
  FakeUpstream slow;
  slow.set_prefix("/", [](const std::string&) {
    return FakeUpstream::Reply{.status = 200, .body = "{}", .delay = std::chrono::seconds(20)};
  });
  TempDir dir;
  write_file(dir.file("config.yml"), "global:\n  timeout: 30s\n"
                                     "targets:\n  - name: slow\n    type: service_fabric\n    url: " + slow.url() + "\n");
  Exporter exporter(dir.file("config.yml"));
  json doc;
  ASSERT_TRUE(wait_until([&] {
    doc = json::parse(exporter.get("/api/v1/upgrades").second, nullptr, false);
    return doc.is_object() && doc["targets"].size() == 1;
  })) << doc.dump();
  EXPECT_EQ(doc["targets"][0]["name"], "slow");
  EXPECT_FALSE(doc["targets"][0]["polled"].get<bool>());
  EXPECT_TRUE(slow.requests().size() <= 1u);
}

// The stall window is configured per target now; the flag that set one for all is gone.
TEST(StatusApiFlags, ABadStallWindowExitsOneWithOneLine) {
  TempDir dir;
  write_file(dir.file("config.yml"), "global:\n  stall_window: 0s\n");
  Process bad(exporter_binary(), {"--config.file=" + dir.file("config.yml"), "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(bad.wait_exit(std::chrono::seconds(5)), 1);
  EXPECT_NE(bad.output().find("global.stall_window: must be greater than 0"), std::string::npos) << bad.output();
  EXPECT_EQ(bad.output().find('\n'), bad.output().size() - 1) << bad.output();

  Process flag(exporter_binary(), {"--web.stall-window=1h", "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(flag.wait_exit(std::chrono::seconds(5)), 1);
  EXPECT_NE(flag.output().find("unknown flag --web.stall-window"), std::string::npos) << flag.output();
}

}  // namespace
}  // namespace ue::test
