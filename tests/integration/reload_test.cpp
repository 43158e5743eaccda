// Reloads through the built binary: POST /-/reload (also the bare form curl
// sends without a body) and SIGHUP swap the whole configuration; targets and
// kinds taken out vanish from /metrics at once, a changed stall window shows
// at once; a bad file keeps the running one.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "integration/harness.h"

namespace ue::test {
namespace {

const std::string kClusterPath = "/$/GetUpgradeProgress?api-version=8.2";
const std::string kConfigPath = "/$/GetClusterConfigurationUpgradeStatus?api-version=6.0";

// The status code of `request` sent as is, 0 when no answer came.
int raw_status(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buffer[512];
    for (ssize_t n; answer.find("\r\n") == std::string::npos && (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
      answer.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return answer.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(answer.substr(9, 3)) : 0;
}

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sf_.set_json_file(kClusterPath, testdata("payloads/service_fabric/cluster_completed_9_1.json"));
    sf_.set_json_file(kConfigPath, testdata("payloads/service_fabric/cluster_config_status.json"));
    write_config("a", "[cluster, cluster_config]");
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"));
    ASSERT_TRUE(wait_until([&] { return has_target("a") && has_kind("a", "cluster_config"); }))
        << exporter_->process().output();
  }

  // `extra`: more keys of the target, each line indented under it.
  void write_config(const std::string& target, const std::string& collect, const std::string& extra = "") {
    write_file(dir_.file("config.yml"), "global:\n  poll_interval: 200ms\ntargets:\n  - name: " + target +
                                            "\n    type: service_fabric\n    url: " + sf_.url() +
                                            "\n    collect: " + collect + "\n" + extra);
  }

  bool has_target(const std::string& target) {
    const std::string m = exporter_->metrics();
    return count_samples(m, "upgrade_exporter_target_up", {{"target", target}}) > 0 &&
           count_samples(m, "upgrade_phase", {{"target", target}}) > 0;
  }
  bool has_kind(const std::string& target, const std::string& kind) {
    const std::string m = exporter_->metrics();
    return count_samples(m, "upgrade_phase", {{"target", target}, {"kind", kind}}) > 0 ||
           count_samples(m, "upgrade_exporter_objects", {{"target", target}, {"kind", kind}}) > 0;
  }
  double reloads(const std::string& result) {
    return find_value(exporter_->metrics(), "upgrade_exporter_config_reloads_total", {{"result", result}}).value_or(0);
  }

  TempDir dir_;
  FakeUpstream sf_;
  std::unique_ptr<Exporter> exporter_;
};

TEST_F(ReloadTest, PostSwapsTargetsAndTheOldOneVanishes) {
  write_config("b", "[cluster]");
  EXPECT_EQ(exporter_->post("/-/reload").first, 200);
  EXPECT_TRUE(wait_until([&] { return has_target("b") && !has_target("a"); })) << exporter_->metrics();
  const std::string m = exporter_->metrics();
  EXPECT_EQ(count_samples(m, "upgrade_exporter_requests_total", {{"target", "a"}}), 0u) << "its self-metrics too";
  EXPECT_EQ(find_value(m, "upgrade_exporter_config_reload_success", {}), 1.0);
  EXPECT_EQ(reloads("success"), 1.0);
}

TEST_F(ReloadTest, BarePostWithoutBodyReloads) {
  // What `curl -X POST http://.../-/reload` sends: no Content-Length at all.
  write_config("b", "[cluster]");
  EXPECT_EQ(raw_status(exporter_->port(), "POST /-/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
            200);
  EXPECT_TRUE(wait_until([&] { return has_target("b"); }));
}

TEST_F(ReloadTest, KindTakenOutOfCollectVanishes) {
  write_config("a", "[cluster]");
  EXPECT_EQ(exporter_->post("/-/reload").first, 200);
  EXPECT_TRUE(wait_until([&] { return !has_kind("a", "cluster_config"); })) << exporter_->metrics();
  EXPECT_TRUE(has_kind("a", "cluster"));
}

TEST_F(ReloadTest, AChangedStallWindowAloneShowsAtOnce) {
  const auto series = [&] {
    return find_value(exporter_->metrics(), "upgrade_stall_window_seconds", {{"target", "a"}});
  };
  const auto in_api = [&] {
    const auto doc = nlohmann::json::parse(exporter_->get("/api/v1/upgrades").second);
    return doc["targets"][0]["stall_window_seconds"].get<double>();
  };
  EXPECT_EQ(series(), 1800.0) << "the default, with nothing configured";
  EXPECT_EQ(in_api(), 1800.0);
  // From now on a poll outlasts the test: only the reload itself can show the new window.
  sf_.set(kClusterPath, {.body = "{}", .delay = std::chrono::seconds(30)});
  const std::size_t before = sf_.count(kClusterPath);
  ASSERT_TRUE(wait_until([&] { return sf_.count(kClusterPath) > before; })) << "a poll is waiting on the upstream";

  write_config("a", "[cluster, cluster_config]", "    stall_window: 5m\n");
  EXPECT_EQ(exporter_->post("/-/reload").first, 200);
  EXPECT_EQ(series(), 300.0) << exporter_->metrics();
  EXPECT_EQ(in_api(), 300.0);
  EXPECT_EQ(count_samples(exporter_->metrics(), "upgrade_stall_window_seconds", {}), 1u);
  EXPECT_TRUE(has_kind("a", "cluster_config")) << "what was read stays";
}

TEST_F(ReloadTest, BadConfigOnSighupKeepsTheRunningOne) {
  write_file(dir_.file("config.yml"), "targets:\n  - name: a\n    type: service_fabric\n    url: ftp://nowhere\n");
  exporter_->process().signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return reloads("failure") == 1.0; })) << exporter_->process().output();
  EXPECT_EQ(find_value(exporter_->metrics(), "upgrade_exporter_config_reload_success", {}), 0.0);
  const std::size_t before = sf_.count(kClusterPath);
  EXPECT_TRUE(wait_until([&] { return sf_.count(kClusterPath) > before + 2; })) << "the old target is still polled";
  EXPECT_TRUE(has_target("a"));
  EXPECT_TRUE(exporter_->process().running());
}

}  // namespace
}  // namespace ue::test
