// Application-level kinds through the built binary: discovery with paging,
// raw continuation tokens, isolation of failing and slow objects, filters,
// idle scheduling, disappearance and staleness.
#include <gtest/gtest.h>

#include "integration/harness.h"

namespace ue::test {
namespace {

using Labels = std::map<std::string, std::string>;

const std::string kApps = "/Applications?api-version=6.1&ExcludeApplicationParameters=true&MaxResults=2";
// Tokens hold ':' and '/' (and a '%'), which any URL encoder would change.
const std::string kToken1 = "fabric:/shop/payments/api";
const std::string kToken2 = "fabric:/shop/cart%20service";
const std::string kResources = "/Resources/Applications?api-version=6.4-preview";
const std::string kCompose = "/ComposeDeployments?api-version=6.0-preview&MaxResults=2";

std::string progress(const std::string& id) { return "/Applications/" + id + "/$/GetUpgradeProgress?api-version=6.0"; }

std::string item(const std::string& id, const std::string& name, const std::string& status) {
  return R"({"Id":")" + id + R"(","Name":")" + name + R"(","TypeName":"T","TypeVersion":"1.0","Status":")" + status +
         R"(","Parameters":[],"HealthState":"Ok"})";
}
std::string page(const std::string& token, const std::vector<std::string>& items) {
  std::string out = R"({"ContinuationToken":")" + token + R"(","Items":[)";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]}";
}

Labels app(const std::string& name) { return {{"target", "sf"}, {"kind", "application"}, {"name", name}}; }
Labels with(Labels labels, const std::string& key, const std::string& value) {
  labels[key] = value;
  return labels;
}

class ApplicationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string sf_data = testdata("payloads/service_fabric/");
    sf_.set_json_file("/$/GetUpgradeProgress?api-version=8.2", sf_data + "cluster_completed_9_1.json");
    // Three pages: an app whose Id needs escaping, one failing, one slow, one excluded.
    sf_.set(kApps, {200, page(kToken1, {item("shop~payments~api", "fabric:/shop/payments/api", "Upgrading"),
                                        item("shop~cart%20service", "fabric:/shop/cart service", "Ready")})});
    sf_.set(kApps + "&ContinuationToken=" + kToken1,
            {200, page(kToken2, {item("failing", "fabric:/failing", "Upgrading"),
                                 item("slow", "fabric:/slow", "Upgrading")})});
    sf_.set(kApps + "&ContinuationToken=" + kToken2,
            {200, page("", {item("internal~x", "fabric:/internal/x", "Upgrading")})});
    sf_.set_json_file(progress("shop~payments~api"), sf_data + "application_in_progress.json");
    sf_.set_json_file(progress("shop~cart%20service"), sf_data + "application_never_upgraded.json");
    sf_.set(progress("failing"), {500, R"({"Error":{"Code":"E_FAIL","Message":"boom"}})"});
    sf_.set(progress("slow"), {200, read_file(sf_data + "application_in_progress.json"), 3s});
    sf_.set_json_file(progress("internal~x"), sf_data + "application_in_progress.json");
    sf_.set(kResources, {200, R"({"ContinuationToken":"","Items":[{"name":"sampleApplication","properties":{"status":"Upgrading","healthState":"Ok"}}]})"});
    sf_.set_json_file("/Resources/Applications/sampleApplication/$/GetUpgradeProgress?api-version=7.0",
                      sf_data + "application_resource_progress.json");
    sf_.set(kCompose, {200, R"({"ContinuationToken":"","Items":[{"Name":"mydeployment","ApplicationName":"fabric:/mydeployment","Status":"Upgrading","StatusDetails":""}]})"});
    sf_.set_json_file("/ComposeDeployments/mydeployment/$/GetUpgradeProgress?api-version=6.0-preview",
                      sf_data + "compose_deployment_progress.json");
  }

  // Starts the exporter and waits for `ready` (by default: every object's first read is done).
  void start(const std::string& extra = "", std::function<bool(const std::string&)> ready = nullptr) {
    write_file(dir_.file("config.yml"),
               "global:\n  poll_interval: 300ms\n  timeout: 1s\n  max_results: 2\n"
               "targets:\n  - name: sf\n    type: service_fabric\n    url: " + sf_.url() + "\n"
               "    exclude: ['^fabric:/internal/']\n" + extra);
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"));
    ASSERT_TRUE(wait_until([&] {
      auto m = exporter_->metrics();
      if (ready) return ready(m);
      return find_value(m, "upgrade_exporter_request_errors_total",
                        {{"target", "sf"}, {"endpoint", "application_upgrade"}, {"reason", "timeout"}})
                 .value_or(0) >= 1 &&
             find_value(m, "upgrade_exporter_objects", {{"target", "sf"}, {"kind", "application"}}) == 2.0;
    })) << exporter_->process().output();
    metrics_ = exporter_->metrics();
  }

  std::optional<double> value(const std::string& name, const Labels& labels) {
    return find_value(metrics_, name, labels);
  }

  TempDir dir_;
  FakeUpstream sf_;
  std::unique_ptr<Exporter> exporter_;
  std::string metrics_;
};

TEST_F(ApplicationsTest, EveryPageIsReadAndTokensGoBackRaw) {
  start();
  auto requests = sf_.requests();
  EXPECT_NE(std::find(requests.begin(), requests.end(), kApps + "&ContinuationToken=" + kToken1), requests.end());
  EXPECT_NE(std::find(requests.begin(), requests.end(), kApps + "&ContinuationToken=" + kToken2), requests.end());
  for (const auto& r : requests) {
    EXPECT_EQ(r.find("%3A"), std::string::npos) << r;
    EXPECT_EQ(r.find("%2F"), std::string::npos) << r;
    EXPECT_EQ(r.find("%2520"), std::string::npos) << "re-encoded: " << r;
  }
  // The Id that needed escaping upstream is used as the path segment as-is.
  EXPECT_GE(sf_.count(progress("shop~cart%20service")), 1u);
}

TEST_F(ApplicationsTest, ApplicationMetrics) {
  start();
  const Labels a = app("fabric:/shop/payments/api");
  EXPECT_EQ(value("upgrade_state", with(a, "state", "RollingForwardInProgress")), 1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", a), 7u);
  EXPECT_EQ(value("upgrade_phase", with(a, "phase", "rolling_forward")), 1.0);
  EXPECT_EQ(value("upgrade_in_progress", a), 1.0);
  EXPECT_EQ(value("upgrade_progress_ratio", a), 0.0);
  EXPECT_EQ(value("upgrade_domains", with(a, "state", "InProgress")), 1.0);
  EXPECT_EQ(value("upgrade_domains", with(a, "state", "Pending")), 2.0);
  EXPECT_EQ(value("upgrade_domains", with(a, "state", "Completed")), 0.0);
  EXPECT_EQ(value("upgrade_start_timestamp_seconds", a), 1628110949.882);
  EXPECT_EQ(value("upgrade_duration_seconds", a), 0.0816586);
  EXPECT_EQ(value("upgrade_unhealthy_evaluations", a), 0.0);
  EXPECT_EQ(value("upgrade_info", with(with(a, "target_version", "21.0.0"), "rolling_upgrade_mode", "Monitored")), 1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_info", with(a, "failure_reason", "None")), 0u) << "None is no failure";
  EXPECT_EQ(value("upgrade_estimated_completion_timestamp_seconds", a), std::nullopt) << "no progress yet";
  EXPECT_TRUE(value("upgrade_last_transition_timestamp_seconds", a));

  // Never upgraded: RollingForwardCompleted is completed, not in progress.
  const Labels never = app("fabric:/shop/cart service");
  EXPECT_EQ(value("upgrade_phase", with(never, "phase", "completed")), 1.0);
  EXPECT_EQ(value("upgrade_in_progress", never), 0.0);
  EXPECT_EQ(value("upgrade_progress_ratio", never), 1.0);
  EXPECT_EQ(value("upgrade_start_timestamp_seconds", never), std::nullopt);
}

TEST_F(ApplicationsTest, ResourceAndComposeMetrics) {
  start();
  const Labels r = {{"target", "sf"}, {"kind", "application_resource"}, {"name", "sampleApplication"}};
  EXPECT_EQ(value("upgrade_state", with(r, "state", "RollingForward")), 1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", r), 9u);
  EXPECT_EQ(value("upgrade_phase", with(r, "phase", "rolling_forward")), 1.0);
  EXPECT_EQ(value("upgrade_progress_ratio", r), 0.4);
  EXPECT_EQ(value("upgrade_replicas", with(with(r, "service_name", "helloWorldService"), "state", "completed")), 2.0);
  EXPECT_EQ(value("upgrade_replicas", with(with(r, "service_name", "helloWorldService"), "state", "pending")), 3.0);
  EXPECT_EQ(value("upgrade_duration_seconds", r), 252.0);
  EXPECT_EQ(value("upgrade_start_timestamp_seconds", r), 1579082531.0);
  EXPECT_EQ(value("upgrade_estimated_completion_timestamp_seconds", r), 1579082531.0 + 252 / 0.4);
  EXPECT_EQ(value("upgrade_info", with(with(r, "target_version", "2.0"), "rolling_upgrade_mode", "Monitored")), 1.0);

  const Labels c = {{"target", "sf"}, {"kind", "compose_deployment"}, {"name", "mydeployment"}};
  EXPECT_EQ(value("upgrade_state", with(c, "state", "RollingForwardInProgress")), 1.0);
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", c), 10u);
  EXPECT_EQ(value("upgrade_in_progress", c), 1.0);
  EXPECT_EQ(value("upgrade_duration_seconds", c), 192.512);
  EXPECT_EQ(value("upgrade_domain_duration_seconds", c), 41.2);
  EXPECT_EQ(value("upgrade_nodes", with(c, "phase", "Upgrading")), 1.0);
  EXPECT_EQ(value("upgrade_timeout_seconds", c), std::nullopt) << "infinite TimeSpan.MaxValue is left out";
  EXPECT_EQ(value("upgrade_domains", with(c, "state", "Pending")), std::nullopt) << "compose has no domain list";
}

TEST_F(ApplicationsTest, FailingAndSlowObjectsLoseOnlyTheirOwnValues) {
  start();
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", app("fabric:/failing")), 0u);
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", app("fabric:/slow")), 0u);
  EXPECT_GE(value("upgrade_exporter_request_errors_total",
                  {{"target", "sf"}, {"endpoint", "application_upgrade"}, {"reason", "http_status"}}),
            1.0);
  EXPECT_EQ(value("upgrade_exporter_target_up", {{"target", "sf"}}), 1.0) << "object errors do not make a target down";
  // Excluded objects are neither exported nor read.
  EXPECT_EQ(count_samples(metrics_, "upgrade_state", app("fabric:/internal/x")), 0u);
  EXPECT_EQ(sf_.count(progress("internal~x")), 0u);
}

TEST_F(ApplicationsTest, IdleObjectsAreReadOnceThenOnStatusChange) {
  start();
  const auto idle_reads = sf_.count(progress("shop~cart%20service"));
  const auto busy_reads = sf_.count(progress("shop~payments~api"));
  ASSERT_TRUE(wait_until([&] { return sf_.count(progress("shop~payments~api")) >= busy_reads + 3; }));
  EXPECT_EQ(sf_.count(progress("shop~cart%20service")), idle_reads) << "not upgrading: not re-read every poll";
  // Its listing status changes: read at once, so the start of an upgrade is caught.
  sf_.set(kApps, {200, page(kToken1, {item("shop~payments~api", "fabric:/shop/payments/api", "Upgrading"),
                                      item("shop~cart%20service", "fabric:/shop/cart service", "Upgrading")})});
  EXPECT_TRUE(wait_until([&] { return sf_.count(progress("shop~cart%20service")) > idle_reads; }));
}

TEST_F(ApplicationsTest, ObjectsGoneFromTheListingGoAtOnce) {
  start();
  sf_.set(kApps, {200, page("", {item("shop~payments~api", "fabric:/shop/payments/api", "Upgrading")})});
  EXPECT_TRUE(wait_until([&] {
    return count_samples(exporter_->metrics(), "upgrade_state", app("fabric:/shop/cart service")) == 0;
  }));
  EXPECT_EQ(find_value(exporter_->metrics(), "upgrade_exporter_objects", {{"target", "sf"}, {"kind", "application"}}),
            1.0);
}

TEST_F(ApplicationsTest, FailedListingKeepsObjectsUntilMaxStaleness) {
  start("    max_staleness: 2s\n");
  sf_.set(kApps, {503, R"({"Error":{"Code":"FABRIC_E_SERVICE_TOO_BUSY"}})"});
  ASSERT_TRUE(wait_until(
      [&] { return find_value(exporter_->metrics(), "upgrade_exporter_target_up", {{"target", "sf"}}) == 0.0; }));
  EXPECT_EQ(count_samples(exporter_->metrics(), "upgrade_state", app("fabric:/shop/cart service")), 7u)
      << "kept while fresher than max_staleness";
  EXPECT_TRUE(wait_until(
      [&] { return count_samples(exporter_->metrics(), "upgrade_state", app("fabric:/shop/cart service")) == 0; }));
}

TEST_F(ApplicationsTest, MaxObjectsDropsAndCounts) {
  start("    max_objects: 2\n", [](const std::string& m) {
    return find_value(m, "upgrade_exporter_objects_dropped_total", {{"target", "sf"}, {"kind", "application"}})
               .value_or(0) >= 2;  // the failing and the slow one; the excluded one is not counted
  });
  EXPECT_EQ(find_value(metrics_, "upgrade_exporter_objects", {{"target", "sf"}, {"kind", "application"}}), 2.0);
  EXPECT_EQ(sf_.count(progress("slow")), 0u) << "dropped objects are not read";
}

}  // namespace
}  // namespace ue::test
