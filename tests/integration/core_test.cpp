// The built exporter against recorded payloads served over loopback: every
// metric of the README's reference for the cluster, cluster_config and qumulo kinds.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>

#include "integration/harness.h"

namespace ue::test {
namespace {

const std::string kClusterPath = "/$/GetUpgradeProgress?api-version=8.2";
const std::string kConfigPath = "/$/GetClusterConfigurationUpgradeStatus?api-version=6.0";
const std::string kAppsPath = "/Applications?api-version=6.1&ExcludeApplicationParameters=true";
const std::string kComposePath = "/ComposeDeployments?api-version=6.0-preview";
const std::string kQumuloPath = "/v3/upgrade/status";
const std::string kRebootPath = "/v1/shutdown/reboot/status";
const std::string kBlockedPath = "/v2/upgrade/blocked";
const std::string kEmptyPage = R"({"ContinuationToken":"","Items":[]})";

using Labels = std::map<std::string, std::string>;

Labels id(const std::string& target, const std::string& kind) {
  return {{"target", target}, {"kind", kind}, {"name", target}};
}
Labels with(Labels labels, const std::string& key, const std::string& value) {
  labels[key] = value;
  return labels;
}

// A Service Fabric upstream with one cluster upgrade in progress and nothing else.
void serve_cluster(FakeUpstream& sf) {
  sf.set_json_file(kClusterPath, testdata("integration/cluster_rolling_forward.json"));
  sf.set_json_file(kConfigPath, testdata("payloads/service_fabric/cluster_config_status.json"));
  sf.set(kAppsPath, {200, kEmptyPage});
  sf.set(kComposePath, {200, kEmptyPage});
  // /Resources/Applications is left unserved (404): a cluster without the resource model.
}

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serve_cluster(sf_);
    qumulo_.set_json_file(kQumuloPath, testdata("payloads/qumulo/upgrade_status_preparing.json"));
    qumulo_.set_json_file(kRebootPath, testdata("integration/reboot_in_progress.json"));
    qumulo_.set_json_file(kBlockedPath, testdata("payloads/qumulo/upgrade_blocked.json"));
    write_file(dir_.file("token"), "access-v1:s3cr3t-t0ken\n");
    write_file(dir_.file("config.yml"), "global:\n  poll_interval: 200ms\n  idle_poll_interval: 1h\n"
                                        "targets:\n"
                                        "  - name: sf\n    type: service_fabric\n    url: " + sf_.url() + "\n"
                                        "  - name: nas\n    type: qumulo\n    url: " + qumulo_.url() + "\n"
                                        "    bearer_token_file: " + dir_.file("token") + "\n");
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"));
    ASSERT_TRUE(wait_until([&] {
      auto m = exporter_->metrics();
      return find_value(m, "upgrade_exporter_target_up", {{"target", "sf"}}) == 1.0 &&
             find_value(m, "upgrade_exporter_target_up", {{"target", "nas"}}) == 1.0;
    })) << exporter_->process().output();
    metrics_ = exporter_->metrics();
  }

  std::optional<double> value(const std::string& name, const Labels& labels) {
    return find_value(metrics_, name, labels);
  }

  TempDir dir_;
  FakeUpstream sf_;
  FakeUpstream qumulo_;
  std::unique_ptr<Exporter> exporter_;
  std::string metrics_;
};

TEST_F(CoreTest, ClusterUpgradeMetrics) {
  const Labels c = id("sf", "cluster");
  for (const char* state : {"Invalid", "RollingBackInProgress", "RollingBackCompleted", "RollingForwardPending",
                            "RollingForwardCompleted", "Failed"})
    EXPECT_EQ(value("upgrade_state", with(c, "state", state)), 0.0) << state;
  EXPECT_EQ(value("upgrade_state", with(c, "state", "RollingForwardInProgress")), 1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", c), 7u);
  for (const char* phase : {"idle", "rolling_back", "completed", "rolled_back", "failed"})
    EXPECT_EQ(value("upgrade_phase", with(c, "phase", phase)), 0.0) << phase;
  EXPECT_EQ(value("upgrade_phase", with(c, "phase", "rolling_forward")), 1.0);
  EXPECT_EQ(value("upgrade_in_progress", c), 1.0);
  EXPECT_EQ(value("upgrade_progress_ratio", c), 0.4);
  EXPECT_EQ(value("upgrade_domains", with(c, "state", "Pending")), 2.0);
  EXPECT_EQ(value("upgrade_domains", with(c, "state", "InProgress")), 1.0);
  EXPECT_EQ(value("upgrade_domains", with(c, "state", "Completed")), 2.0);
  EXPECT_EQ(value("upgrade_domains", with(c, "state", "Failed")), 0.0);
  EXPECT_EQ(value("upgrade_start_timestamp_seconds", c), 1795420800.0);
  EXPECT_EQ(value("upgrade_failure_timestamp_seconds", c), std::nullopt) << "sentinel timestamp means unset";
  EXPECT_EQ(value("upgrade_duration_seconds", c), 5400.0);
  EXPECT_EQ(value("upgrade_domain_duration_seconds", c), 750.5);
  EXPECT_EQ(value("upgrade_pending_safety_checks", c), 2.0);
  EXPECT_EQ(value("upgrade_nodes", with(c, "phase", "PreUpgradeSafetyCheck")), 1.0);
  EXPECT_EQ(value("upgrade_nodes", with(c, "phase", "Upgrading")), 1.0);
  EXPECT_EQ(value("upgrade_nodes", with(c, "phase", "PostUpgradeSafetyCheck")), 0.0);
  EXPECT_EQ(value("upgrade_unhealthy_evaluations", c), 1.0);
  EXPECT_EQ(value("upgrade_timeout_seconds", c), 57600.0);
  EXPECT_EQ(value("upgrade_domain_timeout_seconds", c), 10800.0);
  EXPECT_EQ(value("upgrade_health_check_phase", with(c, "phase", "WaitDuration")), 1.0);
  EXPECT_EQ(value("upgrade_health_check_phase", with(c, "phase", "StableDuration")), 0.0);
  EXPECT_EQ(value("upgrade_health_check_phase", with(c, "phase", "Retry")), 0.0);
  EXPECT_EQ(value("upgrade_info", with(with(with(c, "target_version", "10.0.1949.9590"), "rolling_upgrade_mode",
                                            "Monitored"),
                                       "failure_action", "Rollback")),
            1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_info", with(c, "failure_reason", "None")), 0u) << "None is no failure";
  // Why the domain waits: its nodes, their checks and the partitions they name.
  EXPECT_EQ(value("upgrade_node_info", with(with(c, "node", "_nt1_4"), "phase", "PreUpgradeSafetyCheck")), 1.0);
  EXPECT_EQ(value("upgrade_node_info", with(with(c, "node", "_nt1_5"), "phase", "Upgrading")), 1.0);
  EXPECT_EQ(value("upgrade_node_pending_safety_checks", with(with(c, "node", "_nt1_4"), "check", "EnsurePartitionQuorum")),
            1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_node_pending_safety_checks", with(c, "node", "_nt1_5")), 0u);
  EXPECT_EQ(value("upgrade_blocking_partition_info",
                  with(with(with(c, "node", "_nt1_4"), "check", "WaitForPrimarySwap"), "partition_id",
                       "9a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")),
            1.0);
  EXPECT_EQ(value("upgrade_unhealthy_evaluations_by_kind", with(c, "evaluation_kind", "UpgradeDomainNodes")), 1.0);
  EXPECT_EQ(value("upgrade_health_check_wait_seconds", c), 300.0);
  EXPECT_EQ(value("upgrade_health_check_stable_seconds", c), 300.0);
  EXPECT_EQ(value("upgrade_health_check_retry_timeout_seconds", c), 9000.0);
  EXPECT_EQ(value("upgrade_replica_set_check_timeout_seconds", c), std::nullopt) << "4294967295 is infinite";
  EXPECT_EQ(value("upgrade_estimated_completion_timestamp_seconds", c), 1795420800.0 + 5400 / 0.4);
  auto transition = value("upgrade_last_transition_timestamp_seconds", c);
  ASSERT_TRUE(transition);
  EXPECT_GT(*transition, 1.7e9);
  EXPECT_EQ(count_samples(metrics_, "upgrade_replicas", c), 0u) << "replicas belong to application resources";
}

TEST_F(CoreTest, ClusterConfigUpgradeMetrics) {
  const Labels c = id("sf", "cluster_config");
  EXPECT_EQ(value("upgrade_state", with(c, "state", "RollingBackInProgress")), 1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", c), 7u);
  EXPECT_EQ(value("upgrade_phase", with(c, "phase", "rolling_back")), 1.0);
  EXPECT_EQ(value("upgrade_in_progress", c), 1.0);
  EXPECT_EQ(value("upgrade_progress_ratio", c), std::nullopt);
  EXPECT_EQ(value("upgrade_config_progress_status", c), 4.0);
  EXPECT_EQ(value("upgrade_info", with(c, "target_version", "3")), 1.0);
  EXPECT_TRUE(value("upgrade_last_transition_timestamp_seconds", c));
}

TEST_F(CoreTest, QumuloUpgradeMetrics) {
  const Labels q = id("nas", "qumulo");
  for (const char* state : {"UPGRADE_STATE_IDLE", "UPGRADE_STATE_PREPARED", "UPGRADE_STATE_COMMITTING",
                            "UPGRADE_STATE_COMMITTED", "UPGRADE_STATE_REBOOTING"})
    EXPECT_EQ(value("upgrade_state", with(q, "state", state)), 0.0) << state;
  EXPECT_EQ(value("upgrade_state", with(q, "state", "UPGRADE_STATE_PREPARING")), 1.0);
  EXPECT_EQ(value("upgrade_phase", with(q, "phase", "rolling_forward")), 1.0);
  EXPECT_EQ(value("upgrade_in_progress", q), 1.0);
  EXPECT_EQ(value("upgrade_progress_ratio", q), 0.42);
  EXPECT_EQ(value("upgrade_info", with(with(with(q, "target_version", "7.2.0"), "upgrade_type",
                                            "SOFTWARE_AND_PLATFORM"), "auto_commit", "true")),
            1.0);
  EXPECT_EQ(value("upgrade_reboot_state", with(q, "state", "REBOOT_IN_PROGRESS")), 1.0);
  EXPECT_EQ(value("upgrade_reboot_state", with(q, "state", "REBOOT_IDLE")), 0.0);
  EXPECT_EQ(value("upgrade_reboot_nodes", q), 4.0);
  EXPECT_EQ(value("upgrade_reboot_rebooted_nodes", q), 1.0);
  EXPECT_EQ(value("upgrade_blocked", q), 1.0);
  EXPECT_EQ(value("upgrade_cluster_degraded", q), 1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_info",
                          with(q, "blocked_reason", "Node 3 is offline; the cluster must be fully healthy to upgrade")),
            1u);
  EXPECT_EQ(count_samples(metrics_, "upgrade_domains", q), 0u) << "Qumulo has no upgrade domains";
  // The access token goes upstream as a bearer token, and nowhere else.
  auto auth = qumulo_.request_headers("Authorization");
  ASSERT_FALSE(auth.empty());
  EXPECT_EQ(auth.front(), "Bearer access-v1:s3cr3t-t0ken");
  EXPECT_EQ(metrics_.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(exporter_->process().output().find("s3cr3t"), std::string::npos);
}

TEST_F(CoreTest, SelfMetrics) {
  EXPECT_GE(value("upgrade_exporter_requests_total", {{"target", "sf"}, {"endpoint", "cluster_upgrade"}}), 1.0);
  EXPECT_GE(value("upgrade_exporter_requests_total", {{"target", "nas"}, {"endpoint", "qumulo_upgrade_status"}}),
            1.0);
  EXPECT_EQ(value("upgrade_exporter_request_errors_total",
                  {{"target", "sf"}, {"endpoint", "cluster_upgrade"}, {"reason", "http_status"}}),
            0.0);
  EXPECT_GE(value("upgrade_exporter_request_duration_seconds_count", {{"target", "sf"}, {"endpoint", "cluster_upgrade"}}),
            1.0);
  EXPECT_TRUE(value("upgrade_exporter_poll_duration_seconds", {{"target", "sf"}}));
  EXPECT_GT(value("upgrade_exporter_last_success_timestamp_seconds", {{"target", "sf"}}).value_or(0), 1.7e9);
  EXPECT_EQ(value("upgrade_exporter_objects", {{"target", "sf"}, {"kind", "cluster"}}), 1.0);
  EXPECT_EQ(value("upgrade_exporter_objects", {{"target", "sf"}, {"kind", "application"}}), 0.0);
  EXPECT_EQ(value("upgrade_exporter_objects", {{"target", "nas"}, {"kind", "qumulo"}}), 1.0);
  EXPECT_EQ(value("upgrade_exporter_config_reload_success", {}), 1.0);
  EXPECT_EQ(value("upgrade_exporter_build_info", {}), 1.0);
  // A cluster without the resource model: the kind is skipped quietly and the target stays up.
  EXPECT_EQ(value("upgrade_exporter_request_errors_total",
                  {{"target", "sf"}, {"endpoint", "application_resources_list"}, {"reason", "http_status"}})
                .value_or(0),
            0.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", {{"kind", "application_resource"}}), 0u);
}

TEST_F(CoreTest, PromtoolFindsNothingToReport) {
  const std::string page = dir_.file("page.txt");
  write_file(page, metrics_);
  const std::string out = dir_.file("promtool.out");
  int rc = std::system(("promtool check metrics < " + page + " > " + out + " 2>&1").c_str());
  EXPECT_EQ(rc, 0) << read_file(out);
  EXPECT_EQ(read_file(out), "");
}

TEST_F(CoreTest, GzipIsTheSamePage) {
  auto zipped = http_request(exporter_->port(), "/metrics",
                             {.headers = {{"Accept-Encoding", "gzip"}}, .decompress = false});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(zipped->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  auto both = http_request(exporter_->port(), "/metrics", {.headers = {{"Accept-Encoding", "gzip"}}});
  auto plain = http_request(exporter_->port(), "/metrics");
  ASSERT_TRUE(both && plain);
  EXPECT_LT(zipped->body.size(), plain->body.size() / 3);
  EXPECT_NE(both->body.find("upgrade_state{"), std::string::npos);
}

TEST_F(CoreTest, TransitionMovesOnlyWhenSomethingChanges) {
  const Labels c = id("sf", "cluster");
  auto first = value("upgrade_last_transition_timestamp_seconds", c);
  ASSERT_TRUE(first);
  // Several more polls of the same payload leave it where it was.
  auto polls = sf_.count(kClusterPath);
  ASSERT_TRUE(wait_until([&] { return sf_.count(kClusterPath) >= polls + 3; }));
  metrics_ = exporter_->metrics();
  EXPECT_EQ(value("upgrade_last_transition_timestamp_seconds", c), first);
  // A new state moves it.
  sf_.set_json_file(kClusterPath, testdata("payloads/service_fabric/cluster_completed_9_1.json"));
  ASSERT_TRUE(wait_until([&] {
    return find_value(exporter_->metrics(), "upgrade_phase", with(c, "phase", "completed")) == 1.0;
  }));
  metrics_ = exporter_->metrics();
  EXPECT_GT(value("upgrade_last_transition_timestamp_seconds", c).value_or(0), *first);
  EXPECT_EQ(value("upgrade_progress_ratio", c), 1.0);
  EXPECT_EQ(value("upgrade_in_progress", c), 0.0);
  EXPECT_EQ(value("upgrade_estimated_completion_timestamp_seconds", c), std::nullopt);
}

TEST_F(CoreTest, QumuloUnreachableWhileCommittingIsNotAFailure) {
  const Labels q = id("nas", "qumulo");
  qumulo_.set(kQumuloPath, {200, R"({"state":"UPGRADE_STATE_COMMITTING","progress":null,"settings":null,"error_info":null})"});
  ASSERT_TRUE(wait_until([&] {
    return find_value(exporter_->metrics(), "upgrade_state", with(q, "state", "UPGRADE_STATE_COMMITTING")) == 1.0;
  }));
  qumulo_.set(kQumuloPath, {503, "<html>Service Unavailable</html>"});
  ASSERT_TRUE(wait_until(
      [&] { return find_value(exporter_->metrics(), "upgrade_exporter_target_up", {{"target", "nas"}}) == 0.0; }));
  metrics_ = exporter_->metrics();
  EXPECT_EQ(value("upgrade_phase", with(q, "phase", "rolling_forward")), 1.0) << "last known values are kept";
  EXPECT_EQ(value("upgrade_phase", with(q, "phase", "failed")), 0.0);
  EXPECT_GE(value("upgrade_exporter_request_errors_total",
                  {{"target", "nas"}, {"endpoint", "qumulo_upgrade_status"}, {"reason", "http_status"}}),
            1.0);
}

TEST_F(CoreTest, LifecycleEndpoints) {
  EXPECT_EQ(exporter_->get("/-/healthy").first, 200);
  EXPECT_EQ(exporter_->get("/-/ready").first, 200);
  auto [status, landing] = exporter_->get("/");
  EXPECT_EQ(status, 200);
  EXPECT_NE(landing.find("href=\"/metrics\""), std::string::npos);
  EXPECT_EQ(exporter_->get("/nope").first, 404);
}

TEST_F(CoreTest, SigtermStopsWithinASecond) {
  exporter_->process().signal(SIGTERM);
  EXPECT_EQ(exporter_->process().wait_exit(std::chrono::milliseconds(1000)), 0);
}

// As with any Go exporter: a port already taken is an error at start, not a
// second process that the kernel hands every other scrape to.
TEST_F(CoreTest, PortInUseIsAnError) {
  const std::string address = "127.0.0.1:" + std::to_string(exporter_->port());
  Process second(exporter_binary(), {"--config.file=" + dir_.file("config.yml"), "--web.listen-address=" + address});
  EXPECT_EQ(second.wait_exit(std::chrono::seconds(5)), 1);
  EXPECT_NE(second.output().find("cannot listen on " + address), std::string::npos) << second.output();
}

TEST(CoreTls, HttpsWithClientCertificateAndServerName) {
  TempDir dir;
  make_test_pki(dir.path());
  FakeUpstream sf(dir.file("server.pem"), dir.file("server.key"), dir.file("ca.pem"));
  serve_cluster(sf);
  write_file(dir.file("config.yml"),
             "global:\n  poll_interval: 200ms\n"
             "targets:\n"
             "  - name: secure\n    type: service_fabric\n    url: " + sf.url() + "\n"
             "    collect: [cluster]\n"
             "    tls:\n      ca_file: " + dir.file("ca.pem") + "\n      cert_file: " + dir.file("client.pem") +
             "\n      key_file: " + dir.file("client.key") + "\n      server_name: sf.test\n"
             "  - name: no-client-cert\n    type: service_fabric\n    url: " + sf.url() + "\n"
             "    collect: [cluster]\n"
             "    tls:\n      ca_file: " + dir.file("ca.pem") + "\n");
  Exporter exporter(dir.file("config.yml"));
  ASSERT_TRUE(wait_until([&] {
    auto m = exporter.metrics();
    return find_value(m, "upgrade_exporter_target_up", {{"target", "secure"}}) == 1.0 &&
           find_value(m, "upgrade_exporter_request_errors_total",
                      {{"target", "no-client-cert"}, {"endpoint", "cluster_upgrade"}, {"reason", "tls"}})
                   .value_or(0) +
                   find_value(m, "upgrade_exporter_request_errors_total",
                              {{"target", "no-client-cert"}, {"endpoint", "cluster_upgrade"}, {"reason", "connect"}})
                       .value_or(0) >=
               1.0;
  })) << exporter.process().output();
  auto m = exporter.metrics();
  EXPECT_EQ(find_value(m, "upgrade_state", {{"target", "secure"}, {"kind", "cluster"}, {"state", "RollingForwardInProgress"}}), 1.0);
  EXPECT_EQ(find_value(m, "upgrade_exporter_target_up", {{"target", "no-client-cert"}}), 0.0);
}

TEST(CoreCommandLine, HelpAndVersionExitZero) {
  Process help(exporter_binary(), {"--help"});
  EXPECT_EQ(help.wait_exit(std::chrono::seconds(5)), 0);
  Process version(exporter_binary(), {"--version"});
  EXPECT_EQ(version.wait_exit(std::chrono::seconds(5)), 0);
}

TEST(CoreCommandLine, BadFlagIsOneLineAndExitOne) {
  Process bad(exporter_binary(), {"--web.listen-adress=:1"});
  EXPECT_EQ(bad.wait_exit(std::chrono::seconds(5)), 1);
  EXPECT_EQ(bad.output(), "upgrade_exporter: error: unknown flag --web.listen-adress, try --help\n");
  Process level(exporter_binary(), {"--log.level=loud"});
  EXPECT_EQ(level.wait_exit(std::chrono::seconds(5)), 1);
  EXPECT_NE(level.output().find("--log.level must be one of debug, info, warn, error"), std::string::npos);
}

TEST(CoreCommandLine, BadConfigIsOneLineNamingFileAndKey) {
  TempDir dir;
  write_file(dir.file("bad.yml"), "global:\n  poll_interval: 5x\n");
  Process bad(exporter_binary(), {"--config.file=" + dir.file("bad.yml")});
  EXPECT_EQ(bad.wait_exit(std::chrono::seconds(5)), 1);
  std::string out = bad.output();
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_NE(out.find(dir.file("bad.yml") + ":2:"), std::string::npos) << out;
  EXPECT_NE(out.find("poll_interval"), std::string::npos) << out;
}

}  // namespace
}  // namespace ue::test
