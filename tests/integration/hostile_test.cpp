// A hostile upstream through the built binary: malformed, oversized, slow and
// endless answers. Each must be counted under the right `reason`, lose only
// the object (or listing) it came in, and leave the exporter alive and serving.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>

#include "integration/harness.h"
#include "render/gzip.h"

namespace ue::test {
namespace {

using Json = nlohmann::json;
using Labels = std::map<std::string, std::string>;
using Framing = FakeUpstream::Framing;

const std::string kClusterPath = "/$/GetUpgradeProgress?api-version=8.2";
const std::string kAppsPath = "/Applications?api-version=6.1&ExcludeApplicationParameters=true";
const std::string kNextPage = kAppsPath + "&ContinuationToken=";
const std::string kReasons[] = {"connect", "timeout", "tls", "http_status", "parse", "schema", "too_large"};
constexpr std::size_t kMaxResponseBytes = 64 << 10;

std::string progress(const std::string& id) { return "/Applications/" + id + "/$/GetUpgradeProgress?api-version=6.0"; }

Json app(const std::string& id, const std::string& name) {
  return {{"Id", id}, {"Name", name}, {"TypeName", "T"}, {"TypeVersion", "1.0"}, {"Status", "Upgrading"}};
}
std::string page(const std::string& token, const std::vector<Json>& items) {
  return Json{{"ContinuationToken", token}, {"Items", items}}.dump();
}

Labels object(const std::string& kind, const std::string& name) {
  return {{"target", "sf"}, {"kind", kind}, {"name", name}};
}
Labels with(Labels labels, const std::string& key, const std::string& value) {
  labels[key] = value;
  return labels;
}

// A well-formed application progress body `padding` bytes longer, of text
// that compresses about as badly as real-world noise does.
std::string padded_progress(std::size_t padding) {
  Json doc = Json::parse(read_file(testdata("payloads/service_fabric/application_in_progress.json")));
  std::mt19937 random(42);
  std::string noise(padding, ' ');
  for (char& c : noise) c = "0123456789abcdef"[random() % 16];
  doc["Padding"] = noise;
  return doc.dump();
}

// The cluster and two applications; the one called "hostile" gets each test's
// hostile answer, the others show that nothing else is lost.
class HostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sf_.set_json_file(kClusterPath, testdata("payloads/service_fabric/cluster_completed_9_1.json"));
    sf_.set(kAppsPath, {200, page("", {app("good", "fabric:/good"), app("hostile", "fabric:/hostile")})});
    sf_.set_json_file(progress("good"), testdata("payloads/service_fabric/application_in_progress.json"));
  }

  // Starts the exporter; `target_extra` goes under the target's keys, `more_targets` after it.
  void start(const std::string& target_extra = "", const std::string& more_targets = "") {
    write_file(dir_.file("config.yml"),
               "global:\n  poll_interval: 300ms\n  timeout: 1s\n  max_response_bytes: 64KiB\n"
               "targets:\n  - name: sf\n    type: service_fabric\n    url: " + sf_.url() + "\n"
               "    collect: [cluster, applications]\n" + target_extra + more_targets);
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"));
  }

  void set_hostile(FakeUpstream::Reply reply) { sf_.set(progress("hostile"), std::move(reply)); }

  double errors(const std::string& metrics, const std::string& endpoint, const std::string& reason) {
    return find_value(metrics, "upgrade_exporter_request_errors_total",
                      {{"target", "sf"}, {"endpoint", endpoint}, {"reason", reason}})
        .value_or(0);
  }

  // Waits until `endpoint` has failed for `reason`, then checks that it failed
  // for no other reason and that the exporter is alive, serving and still
  // exporting the cluster (and the good application, when `good_app_listed`).
  void expect_counted_and_unharmed(const std::string& endpoint, const std::string& reason,
                                   bool good_app_listed = true, std::chrono::milliseconds timeout = 20s) {
    ASSERT_TRUE(wait_until([&] { return errors(exporter_->metrics(), endpoint, reason) >= 1; }, timeout))
        << exporter_->process().output();
    const std::string m = exporter_->metrics();
    for (const std::string& other : kReasons) {
      if (other != reason) {
        EXPECT_EQ(errors(m, endpoint, other), 0) << endpoint << " also failed for " << other;
      }
    }
    EXPECT_TRUE(exporter_->process().running());
    EXPECT_EQ(exporter_->get("/-/healthy").first, 200);
    EXPECT_EQ(find_value(m, "upgrade_phase", with(object("cluster", "sf"), "phase", "completed")), 1.0);
    if (good_app_listed) {
      ASSERT_TRUE(wait_until([&] {
        return find_value(exporter_->metrics(), "upgrade_phase",
                          with(object("application", "fabric:/good"), "phase", "rolling_forward")) == 1.0;
      }));
      EXPECT_EQ(count_samples(exporter_->metrics(), "upgrade_state", object("application", "fabric:/hostile")), 0u);
    }
  }

  TempDir dir_;
  FakeUpstream sf_;
  std::unique_ptr<Exporter> exporter_;
};

TEST_F(HostileTest, TruncatedJsonIsParse) {
  set_hostile({200, read_file(testdata("payloads/service_fabric/hostile_truncated.json"))});
  start();
  expect_counted_and_unharmed("application_upgrade", "parse");
}

TEST_F(HostileTest, JsonNested100kLevelsIsParse) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  set_hostile({200, R"({"UpgradeState":"RollingForwardInProgress","Deep":)" + deep + "}"});
  start("    max_response_bytes: 1MiB\n");  // the body is 200 KB: let the parser meet it
  expect_counted_and_unharmed("application_upgrade", "parse");
}

TEST_F(HostileTest, WrongTypesAreSchema) {
  set_hostile({200, read_file(testdata("payloads/service_fabric/hostile_state_number.json"))});
  start();
  expect_counted_and_unharmed("application_upgrade", "schema");
}

TEST_F(HostileTest, NullsEverywhereAreSchema) {
  set_hostile({200, read_file(testdata("payloads/service_fabric/hostile_nulls.json"))});
  start();
  expect_counted_and_unharmed("application_upgrade", "schema");
}

TEST_F(HostileTest, HtmlErrorPageWithStatus200IsParse) {
  FakeUpstream::Reply html{200, read_file(testdata("payloads/service_fabric/hostile_html_error_page.json"))};
  html.content_type = "text/html";
  set_hostile(html);
  start();
  expect_counted_and_unharmed("application_upgrade", "parse");
}

TEST_F(HostileTest, HugeBodyWithContentLengthIsTooLarge) {
  set_hostile({200, padded_progress(4 * kMaxResponseBytes)});
  start();
  expect_counted_and_unharmed("application_upgrade", "too_large");
}

TEST_F(HostileTest, HugeBodyWithoutLengthIsTooLarge) {
  FakeUpstream::Reply until_close{200, padded_progress(4 * kMaxResponseBytes)};
  until_close.framing = Framing::until_close;
  set_hostile(until_close);
  start();
  expect_counted_and_unharmed("application_upgrade", "too_large");
}

TEST_F(HostileTest, HugeChunkedBodyIsTooLarge) {
  FakeUpstream::Reply chunked{200, padded_progress(4 * kMaxResponseBytes)};
  chunked.framing = Framing::chunked;
  set_hostile(chunked);
  start();
  expect_counted_and_unharmed("application_upgrade", "too_large");
}

TEST_F(HostileTest, GzipBombIsTooLarge) {
  // 4 MiB of JSON whitespace in under 20 KB: only its expanded size is over the limit.
  const std::string bomb = "{" + std::string(4 << 20, ' ') + "}";
  FakeUpstream::Reply gzip{200, gzip_compress(bomb)};
  ASSERT_LT(gzip.body.size(), kMaxResponseBytes);
  gzip.content_type = "application/octet-stream";
  gzip.headers = {{"Content-Encoding", "gzip"}};
  set_hostile(gzip);
  start();
  expect_counted_and_unharmed("application_upgrade", "too_large");
}

TEST_F(HostileTest, SlowDripIsTimeoutAndDoesNotHoldThePoll) {
  FakeUpstream::Reply drip{200, read_file(testdata("payloads/service_fabric/application_in_progress.json"))};
  drip.drip = 200ms;  // never idle for a whole read timeout, so only the request deadline can end it
  set_hostile(drip);
  start();
  expect_counted_and_unharmed("application_upgrade", "timeout");
  // The whole poll (every request of it) ends soon after the 1s timeout, not after the ~4 minutes of drip.
  const auto poll = find_value(exporter_->metrics(), "upgrade_exporter_poll_duration_seconds", {{"target", "sf"}});
  ASSERT_TRUE(poll);
  EXPECT_LT(*poll, 3.0);
}

TEST_F(HostileTest, HeaderTricklingInForeverIsTimeout) {
  // A status line, then one header byte every 200 ms for as long as anyone listens.
  RawUpstream trickle([](const RawUpstream::Send& send) {
    if (!send("HTTP/1.1 200 OK\r\nX-Slow: ", 0ms)) return;
    while (send("a", 200ms)) {
    }
  });
  start("", "  - name: trickle\n    type: service_fabric\n    url: " + trickle.url() + "\n    collect: [cluster]\n");
  const Labels failed = {{"target", "trickle"}, {"endpoint", "cluster_upgrade"}, {"reason", "timeout"}};
  ASSERT_TRUE(wait_until([&] {
    return find_value(exporter_->metrics(), "upgrade_exporter_request_errors_total", failed).value_or(0) >= 1;
  })) << "connections: " << trickle.connections() << "\n" << exporter_->process().output();
  const auto poll = find_value(exporter_->metrics(), "upgrade_exporter_poll_duration_seconds", {{"target", "trickle"}});
  ASSERT_TRUE(poll);
  EXPECT_LT(*poll, 3.0);
  EXPECT_EQ(exporter_->get("/-/healthy").first, 200);
  EXPECT_EQ(find_value(exporter_->metrics(), "upgrade_phase", with(object("cluster", "sf"), "phase", "completed")),
            1.0);
}

TEST_F(HostileTest, ControlCharactersQuotesAndNewlinesAreEscaped) {
  const std::string name = "fabric:/evil\n# TYPE upgrade_state counter\n\"}\\\t\x01";
  const std::string version = "1.0\"} 1\nupgrade_fake 1\\";
  sf_.set(kAppsPath, {200, page("", {app("good", "fabric:/good"), app("evil", name)})});
  Json evil = Json::parse(read_file(testdata("payloads/service_fabric/application_in_progress.json")));
  evil["TargetApplicationTypeVersion"] = version;
  sf_.set(progress("evil"), {200, evil.dump()});
  start();
  ASSERT_TRUE(wait_until([&] {
    return find_value(exporter_->metrics(), "upgrade_phase",
                      with(object("application", name), "phase", "rolling_forward")) == 1.0;
  })) << exporter_->process().output();
  const std::string m = exporter_->metrics();
  EXPECT_EQ(find_value(m, "upgrade_info",
                       with(with(object("application", name), "target_version", version), "rolling_upgrade_mode",
                            "Monitored")),
            1.0);
  EXPECT_EQ(count_samples(m, "upgrade_fake", {}), 0u) << "a label value became a line";
  write_file(dir_.file("page.txt"), m);
  const std::string out = dir_.file("promtool.out");
  EXPECT_EQ(std::system(("promtool check metrics < " + dir_.file("page.txt") + " > " + out + " 2>&1").c_str()), 0)
      << read_file(out);
  EXPECT_EQ(read_file(out), "");
}

TEST_F(HostileTest, EndlessFreshContinuationTokensEndAsSchema) {
  sf_.set(kAppsPath, {200, page("t1", {app("good", "fabric:/good")})});
  sf_.set_prefix(kNextPage, [](const std::string& target) {
    const int n = std::stoi(target.substr(kNextPage.size() + 1));  // after "t"
    return FakeUpstream::Reply{200, page("t" + std::to_string(n + 1), {})};
  });
  start();
  // The exporter gives up after its page limit, thousands of pages: allow it time under sanitizers.
  expect_counted_and_unharmed("applications_list", "schema", /*good_app_listed=*/false, 120s);
}

TEST_F(HostileTest, RepeatedContinuationTokenIsSchema) {
  sf_.set(kAppsPath, {200, page("again", {app("good", "fabric:/good")})});
  sf_.set(kNextPage + "again", {200, page("again", {})});
  start();
  expect_counted_and_unharmed("applications_list", "schema", /*good_app_listed=*/false);
}

}  // namespace
}  // namespace ue::test
