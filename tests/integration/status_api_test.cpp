// GET / and GET /api/v1/upgrades through the built binaries: the simulator
// plays an upgrade in progress, a failed one and a settled one; the API must
// show them with the filters, refuse bad filter values, send the security
// headers on both endpoints, gzip when asked, sit behind basic auth like
// /metrics, and leave /metrics as it was (byte for byte: the unit goldens). The page's HTML itself is tested
// elsewhere (unit goldens, headless Chromium): here only its headers.
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
    name: fabric:/shop/pay
    steps:
      - {state: Failed, for: forever, failure: HealthCheck}
  - kind: application
    name: fabric:/shop/legacy
qumulo:
  steps:
    - {state: IDLE, for: forever}
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
    write_file(dir_.file("config.yml"), "global:\n  poll_interval: 200ms\n"
                                        "targets:\n"
                                        "  - name: sf\n    type: service_fabric\n    url: " + simulator_->url() + "\n"
                                        "    collect: [cluster, applications]\n"
                                        "  - name: nas\n    type: qumulo\n    url: " + simulator_->url() + "\n");
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"), std::vector<std::string>{"--web.stall-window=1h"});
    ASSERT_TRUE(wait_until([&] {
      json doc = api();
      return doc.is_object() && doc["targets"].size() == 2 && doc["targets"][0]["polled"].get<bool>() &&
             doc["targets"][1]["polled"].get<bool>() && doc["upgrades"].size() == 5;
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
  EXPECT_EQ(doc["stall_window_seconds"], 3600);
  EXPECT_EQ(doc["exporter"]["version"], UE_VERSION);
  EXPECT_GE(doc["exporter"]["uptime_seconds"].get<double>(), 0);
  EXPECT_FALSE(doc["exporter"].contains("last_reload")) << "no reload yet";

  json& sf = doc["targets"][0];
  EXPECT_EQ(sf["name"], "sf");
  EXPECT_EQ(sf["type"], "service_fabric");
  EXPECT_TRUE(sf["up"].get<bool>());
  EXPECT_TRUE(sf.contains("last_success"));
  EXPECT_EQ(sf["objects"], json({{"cluster", 1}, {"application", 3}}));
  EXPECT_EQ(doc["targets"][1]["name"], "nas");

  EXPECT_EQ(names(doc), (std::vector<std::string>{"cluster sf", "application fabric:/shop/cart",
                                                  "application fabric:/shop/legacy", "application fabric:/shop/pay",
                                                  "qumulo nas"}))
      << "sorted like /metrics: target, kind, name";
  json& cart = doc["upgrades"][1];
  EXPECT_EQ(cart["phase"], "rolling_forward");
  EXPECT_EQ(cart["state"], "RollingForwardInProgress");
  EXPECT_TRUE(cart["notable"].get<bool>());
  EXPECT_FALSE(cart["stalled"].get<bool>());
  EXPECT_TRUE(cart.contains("progress_ratio"));
  EXPECT_TRUE(cart.contains("start_time_unix"));
  EXPECT_TRUE(cart["start_time"].get<std::string>().ends_with("Z"));
  json& pay = doc["upgrades"][3];
  EXPECT_EQ(pay["phase"], "failed");
  EXPECT_TRUE(pay["info"].is_object());
}

TEST_F(StatusApiTest, FiltersByTargetKindAndPhase) {
  EXPECT_EQ(names(api("?target=nas")), std::vector<std::string>{"qumulo nas"});
  EXPECT_EQ(api("?target=nas")["targets"].size(), 1u);
  EXPECT_EQ(names(api("?kind=application&phase=failed,rolling_forward")),
            (std::vector<std::string>{"application fabric:/shop/cart", "application fabric:/shop/pay"}));
  EXPECT_EQ(names(api("?phase=failed&phase=rolling_forward&kind=application")),
            (std::vector<std::string>{"application fabric:/shop/cart", "application fabric:/shop/pay"}));
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
    EXPECT_EQ(res->get_header_value("Content-Security-Policy"), "default-src 'none'; style-src 'unsafe-inline'");
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer") << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache") << path;
    const bool page = std::string(path).rfind("/api/", 0) != 0;
    EXPECT_EQ(res->get_header_value("Content-Type"), page ? "text/html; charset=utf-8" : "application/json") << path;
  }
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
  EXPECT_EQ(page.find("stall_window"), std::string::npos) << "the stall window is the page's, not a metric";
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
  for (const char* path : {"/", "/?kind=cluster", "/api/v1/upgrades", "/api/v1/upgrades?kind=cluster", "/metrics"}) {
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

TEST(StatusApiFlags, ABadStallWindowExitsOneWithOneLine) {
  for (const char* value : {"--web.stall-window=soon", "--web.stall-window=0s"}) {
    Process p(exporter_binary(), {value, "--web.listen-address=127.0.0.1:0"});
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(5)), 1) << value;
    const std::string output = p.output();
    EXPECT_NE(output.find("--web.stall-window"), std::string::npos) << output;
    EXPECT_EQ(output.find('\n'), output.size() - 1) << output;
  }
}

}  // namespace
}  // namespace ue::test
