// Upgrade history through whole polls (scripted upstream, fake clock): the
// EventStore read at start over the whole window, then only what is new once
// an interval; each object carrying its history; a store that is absent or
// hostile; history from what the exporter saw; a restart and a reload.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time_formats.h"
#include "config/config.h"
#include "poll/history_poll.h"
#include "poll/target_poller.h"
#include "sources/event_store.h"
#include "unit/poll_test_util.h"

namespace ue {
namespace {

using namespace std::chrono_literals;
using test::FakeClock;
using test::ScriptedUpstream;

constexpr const char* kClusterProgress = "/$/GetUpgradeProgress?api-version=8.2";
constexpr const char* kApplications = "/Applications?api-version=6.1&ExcludeApplicationParameters=true";
constexpr const char* kOrdersProgress = "/Applications/shop~orders/$/GetUpgradeProgress?api-version=6.0";
constexpr double kWeek = 7 * 86400.0;

std::shared_ptr<const TargetConfig> target(const std::string& extra = "") {
  Config config = parse_config(R"(
targets:
  - name: sf
    type: service_fabric
    url: http://127.0.0.1:1
    collect: [cluster, applications]
    poll_interval: 30s
)" + extra,
                               "test.yml");
  return std::make_shared<const TargetConfig>(config.targets.at(0));
}

class HistoryPollTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream.set_json(kClusterProgress, R"({"UpgradeState": "RollingForwardCompleted", "CodeVersion": "2.0"})");
    upstream.set_json(kApplications,
                      R"({"ContinuationToken": "", "Items": [{"Name": "fabric:/shop/orders", "Id": "shop~orders",
                          "Status": "Ready"}]})");
    upstream.set_json(kOrdersProgress, R"({"UpgradeState": "RollingForwardCompleted"})");
  }
  void make_poller(std::shared_ptr<const TargetConfig> config = target()) {
    poller = std::make_unique<TargetPoller>(std::move(config), metrics, nullptr, upstream, clock);
  }
  // One event `ago` seconds before the test's start, with `fields` (JSON members, leading comma).
  std::string event(const std::string& kind, double ago, const std::string& fields = "") const {
    return R"({"Kind": ")" + kind + R"(", "EventInstanceId": "6513270e-269e-0d37-f2a7-4de452e6b438", "TimeStamp": ")" +
           format_rfc3339(start_unix - ago) + R"(", "Category": "Upgrade", "HasCorrelatedEvents": false)" + fields +
           "}";
  }
  // A cluster upgrade from 1.0 to 2.0 two days ago: three domains of 10, 20 and 30 minutes.
  std::string cluster_events() const {
    const std::string to = R"(, "TargetClusterVersion": "2.0")";
    return "[" + event("ClusterUpgradeStarted", 2 * 86400, R"(, "CurrentClusterVersion": "1.0")" + to) + "," +
           event("ClusterNewHealthReport", 2 * 86400 - 5) + "," +
           event("ClusterUpgradeDomainCompleted", 2 * 86400 - 600, to + R"(, "UpgradeDomainElapsedTimeInMs": 600000)") +
           "," +
           event("ClusterUpgradeDomainCompleted", 2 * 86400 - 1800, to + R"(, "UpgradeDomainElapsedTimeInMs": 1200000)") +
           "," +
           event("ClusterUpgradeDomainCompleted", 2 * 86400 - 3600, to + R"(, "UpgradeDomainElapsedTimeInMs": 1800000)") +
           "," + event("ClusterUpgradeCompleted", 2 * 86400 - 3600, to + R"(, "OverallUpgradeElapsedTimeInMs": 3600000)") +
           "]";
  }
  // fabric:/shop/orders rolled back a day ago.
  std::string application_events(const std::string& extra_element = "") const {
    const std::string app = R"(, "ApplicationId": "shop~orders", "ApplicationTypeName": "Shop")";
    return "[" + event("ApplicationUpgradeStarted", 86400, app + R"(, "ApplicationTypeVersion": "2")") + "," +
           event("ApplicationUpgradeRollbackStarted", 86400 - 60, app + R"(, "ApplicationTypeVersion": "1")") + "," +
           extra_element +
           event("ApplicationUpgradeRollbackCompleted", 86400 - 120, app + R"(, "ApplicationTypeVersion": "1")") +
           "]";
  }
  void serve_store(double start, double end, const std::string& app_extra = "") {
    upstream.set_json(cluster_events_path(start, end), cluster_events());
    upstream.set_json(application_events_path(start, end), application_events(app_extra));
  }
  std::shared_ptr<const ObjectHistory> history(Kind kind, const std::string& name) const {
    for (const auto& object : poller->view()->objects)
      if (object->kind == kind && object->name == name) return object->history;
    return nullptr;
  }
  bool self_metric(const std::string& line) const { return metrics.render().find(line) != std::string::npos; }
  std::size_t store_requests() const { return upstream.count("/EventsStore/"); }

  FakeClock clock;
  const double start_unix = clock.unix_now();
  ScriptedUpstream upstream;
  SelfMetrics metrics;
  std::unique_ptr<TargetPoller> poller;
};

TEST_F(HistoryPollTest, AtStartTheWholeWindowIsReadAndEachObjectCarriesItsHistory) {
  make_poller();
  serve_store(start_unix - kWeek, start_unix);
  poller->poll_once();
  const auto cluster = history(Kind::cluster, "sf");
  ASSERT_NE(cluster, nullptr) << "the cluster's events, which name no object, are the target's cluster object's";
  EXPECT_EQ(cluster->source, kHistoryFromEventStore);
  EXPECT_EQ(cluster->completed, 1);
  EXPECT_EQ(cluster->domain_samples, 3u);
  EXPECT_EQ(cluster->typical_domain_seconds, 1200);
  ASSERT_TRUE(cluster->last_finished);
  EXPECT_EQ(cluster->last_finished->from_version, "1.0");
  const auto orders = history(Kind::application, "fabric:/shop/orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->rolled_back, 1);
  EXPECT_TRUE(self_metric("upgrade_exporter_requests_total{endpoint=\"history\",target=\"sf\"} 2")) << metrics.render();
  EXPECT_TRUE(self_metric("upgrade_exporter_request_errors_total{endpoint=\"history\",reason=\"schema\",target=\"sf\"} 0"));
}

TEST_F(HistoryPollTest, ThenOnlyWhatIsNewOnceAnIntervalAndAnUnchangedHistoryKeepsItsPointer) {
  make_poller();
  serve_store(start_unix - kWeek, start_unix);
  poller->poll_once();
  const auto first = history(Kind::cluster, "sf");
  for (int i = 0; i < 9; ++i) {
    clock.advance(30s);
    poller->poll_once();
  }
  EXPECT_EQ(store_requests(), 2u) << "never at every poll";
  clock.advance(30s);  // 5 minutes after the first read
  serve_store(start_unix - kHistoryOverlapSeconds, clock.unix_now());
  upstream.forget_requests();
  poller->poll_once();
  EXPECT_EQ(upstream.count(cluster_events_path(start_unix - kHistoryOverlapSeconds, clock.unix_now())), 1u)
      << "from the last read's end less the overlap, to now";
  EXPECT_EQ(store_requests(), 2u);
  EXPECT_EQ(history(Kind::cluster, "sf"), first) << "the same events again: the same history, the same pointer";
  EXPECT_EQ(history(Kind::cluster, "sf")->completed, 1) << "the repeats were dropped";
}

TEST_F(HistoryPollTest, AnAbsentStoreIsCountedAndHistoryIsWhatTheExporterSaw) {
  make_poller();  // nothing scripted under /EventsStore: 404
  poller->poll_once();
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 1")) << "the upgrades were read";
  EXPECT_TRUE(self_metric(
      "upgrade_exporter_request_errors_total{endpoint=\"history\",reason=\"http_status\",target=\"sf\"} 1"))
      << metrics.render();
  const auto cluster = history(Kind::cluster, "sf");
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->source, kHistoryObserved);
  EXPECT_NE(history(Kind::application, "fabric:/shop/orders"), nullptr);

  clock.advance(30s);
  poller->poll_once();
  EXPECT_EQ(store_requests(), 1u) << "asked again at the next interval, not every poll; the first request failed";
  clock.advance(5min);
  serve_store(clock.unix_now() - kWeek, clock.unix_now());
  poller->poll_once();
  EXPECT_EQ(history(Kind::cluster, "sf")->source, kHistoryFromEventStore) << "the store is back";
  EXPECT_EQ(history(Kind::cluster, "sf")->completed, 1);
}

TEST_F(HistoryPollTest, AFailingStoreKeepsItsHistoryForMaxStalenessAnAbsentOneGivesWayAtOnce) {
  make_poller();  // max_staleness: the default 10m
  serve_store(start_unix - kWeek, start_unix);
  poller->poll_once();
  const auto from_store = history(Kind::cluster, "sf");
  auto fail_store_at_next_interval = [&](int status) {
    clock.advance(5min);
    const double since = start_unix - kHistoryOverlapSeconds, now = clock.unix_now();
    upstream.set(cluster_events_path(since, now), {status, R"({"Error": {"Code": "FABRIC_E_TIMEOUT"}})"});
    upstream.set(application_events_path(since, now), {status, "{}"});
    poller->poll_once();
  };
  fail_store_at_next_interval(503);
  EXPECT_EQ(history(Kind::cluster, "sf"), from_store) << "one bad read does not flip the history";
  fail_store_at_next_interval(503);
  EXPECT_EQ(history(Kind::cluster, "sf"), from_store) << "10 minutes since the last good read";
  fail_store_at_next_interval(503);
  EXPECT_EQ(history(Kind::cluster, "sf")->source, kHistoryObserved) << "past max_staleness";

  make_poller();
  serve_store(clock.unix_now() - kWeek, clock.unix_now());
  poller->poll_once();
  ASSERT_EQ(history(Kind::cluster, "sf")->source, kHistoryFromEventStore);
  const double read = clock.unix_now();
  clock.advance(5min);
  upstream.set(cluster_events_path(read - kHistoryOverlapSeconds, clock.unix_now()), {404, "{}"});
  poller->poll_once();
  EXPECT_EQ(history(Kind::cluster, "sf")->source, kHistoryObserved) << "a store that says it is gone, at once";
}

TEST_F(HistoryPollTest, AHostileEventIsSkippedAndCountedAndTheOthersKept) {
  make_poller();
  serve_store(start_unix - kWeek, start_unix, R"({"Kind": "ApplicationUpgradeDomainCompleted", "TimeStamp": 5},)");
  poller->poll_once();
  EXPECT_TRUE(self_metric("upgrade_exporter_request_errors_total{endpoint=\"history\",reason=\"schema\",target=\"sf\"} 1"))
      << metrics.render();
  const auto orders = history(Kind::application, "fabric:/shop/orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->source, kHistoryFromEventStore);
  EXPECT_EQ(orders->rolled_back, 1);
}

TEST_F(HistoryPollTest, DisabledHistoryReadsNoStoreAndLearnsFromWhatTheExporterSees) {
  make_poller(target("    history: {enabled: false}\n"));
  serve_store(start_unix - kWeek, start_unix);
  upstream.set_json(kOrdersProgress, R"({"UpgradeState": "RollingForwardInProgress", "TargetApplicationTypeVersion": "2",
      "UpgradeDomains": [{"Name": "UD0", "State": "Completed"}, {"Name": "UD1", "State": "InProgress"}],
      "CurrentUpgradeDomainProgress": {"DomainName": "UD1", "NodeUpgradeProgressList": []}})");
  poller->poll_once();
  upstream.set_json(kOrdersProgress, R"({"UpgradeState": "RollingForwardCompleted", "TargetApplicationTypeVersion": "2"})");
  clock.advance(30s);
  poller->poll_once();
  EXPECT_EQ(store_requests(), 0u);
  const auto orders = history(Kind::application, "fabric:/shop/orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->source, kHistoryObserved);
  EXPECT_EQ(orders->completed, 1) << "it saw the upgrade end";
}

TEST_F(HistoryPollTest, ARestartReadsTheWholeWindowAgainAndFindsTheSamePastUpgrades) {
  make_poller();
  serve_store(start_unix - kWeek, start_unix);
  poller->poll_once();
  const ObjectHistory before = *history(Kind::cluster, "sf");
  clock.advance(2min);
  make_poller();  // a new exporter process
  serve_store(clock.unix_now() - kWeek, clock.unix_now());
  poller->poll_once();
  ASSERT_NE(history(Kind::cluster, "sf"), nullptr);
  EXPECT_EQ(*history(Kind::cluster, "sf"), before);
  EXPECT_EQ(history(Kind::application, "fabric:/shop/orders")->rolled_back, 1);
}

TEST_F(HistoryPollTest, AReloadedWindowIsReadWholeAtTheNextPoll) {
  make_poller();
  serve_store(start_unix - kWeek, start_unix);
  poller->poll_once();
  poller->reconfigure(target("    history: {window: 1d, interval: 10m}\n"));
  clock.advance(30s);
  serve_store(clock.unix_now() - 86400, clock.unix_now());
  upstream.forget_requests();
  poller->poll_once();
  EXPECT_EQ(upstream.count(cluster_events_path(clock.unix_now() - 86400, clock.unix_now())), 1u)
      << "the new window, whole, at once";
  EXPECT_EQ(history(Kind::cluster, "sf")->completed, 0) << "the cluster upgrade two days ago is out of the window";
  EXPECT_EQ(history(Kind::application, "fabric:/shop/orders")->rolled_back, 1) << "a day ago: still in it";
  clock.advance(5min);
  poller->poll_once();
  EXPECT_EQ(store_requests(), 2u) << "the new interval is 10 minutes";
}

TEST_F(HistoryPollTest, QumuloTargetsCarryNoHistory) {
  Config config = parse_config("targets:\n  - name: q\n    type: qumulo\n    url: http://127.0.0.1:1\n", "test.yml");
  EXPECT_FALSE(keeps_history(config.targets.at(0)));
  EXPECT_TRUE(keeps_history(*target()));
}

}  // namespace
}  // namespace ue
