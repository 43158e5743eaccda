// The simulated EventStore: the made-up week of past upgrades, the events of
// what the scripts play, the query's times and kinds, and the two routes over
// loopback HTTP (the store's 400s, and the 404 of a cluster without it).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <thread>

#include "event_history.h"
#include "event_play.h"
#include "event_store_routes.h"
#include "routes.h"
#include "world.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kEpoch{std::chrono::seconds(1709287200)};  // 2024-03-01T10:00:00Z
const EventQuery kWeek{.start = -kEventRetention, .end = 1h, .kinds = {}};

World default_world() { return World(load_scenario_file(UE_SIM_DEFAULT_SCENARIO), kEpoch); }

std::vector<Json> of_kind(const Json& events, const std::string& kind, const std::string& application = "") {
  std::vector<Json> out;
  for (const Json& e : events)
    if (e["Kind"] == kind && (application.empty() || e.value("ApplicationId", "") == application)) out.push_back(e);
  return out;
}

// Seconds since the epoch of a TimeStamp, fraction dropped.
std::int64_t seconds_of(const std::string& stamp) {
  std::tm tm{};
  strptime(stamp.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return static_cast<std::int64_t>(timegm(&tm)) - 1709287200;
}

TEST(EventStore, EveryScriptedObjectHasAWeekOfPastUpgradesEndingAtItsStartingVersion) {
  const World w = default_world();
  const Json cluster = w.events(EventEntity::cluster, 0s, {.start = -kEventRetention, .end = -1s, .kinds = {}});
  const auto completed = of_kind(cluster, "ClusterUpgradeCompleted");
  ASSERT_FALSE(completed.empty());
  EXPECT_EQ(completed.back()["TargetClusterVersion"], "10.0.2226.9590") << "the cluster's from_version";
  EXPECT_GE(of_kind(cluster, "ClusterUpgradeDomainCompleted").size(), 3u);
  EXPECT_LT(seconds_of(cluster.front()["TimeStamp"]), -5 * 24 * 3600) << "the history reaches back about a week";

  for (const SfObject& o : w.scenario().objects) {
    if (o.kind != Kind::application) continue;
    const std::string id = application_id(o.name);
    // Up to the run the application reports at start-up (some began before it: fabric:/shop/orders 10m before).
    const SimTime played = first_played_run(o).value_or(0s);
    const Json apps = w.events(EventEntity::applications, 0s, {.start = -kEventRetention, .end = played - 1us, .kinds = {}});
    const auto done = of_kind(apps, "ApplicationUpgradeCompleted", id);
    if (o.script.steps.empty()) {
      EXPECT_TRUE(done.empty()) << o.name << " was never upgraded";
      continue;
    }
    ASSERT_FALSE(done.empty()) << o.name;
    EXPECT_EQ(done.back()["ApplicationTypeVersion"], o.from_version) << o.name;
    EXPECT_GE(of_kind(apps, "ApplicationUpgradeDomainCompleted", id).size(), 3u) << o.name;
    const Json next = w.events(EventEntity::applications, 0s, {.start = played, .end = played, .kinds = {}});
    const auto started = of_kind(next, "ApplicationUpgradeStarted", id);
    ASSERT_EQ(started.size(), 1u) << o.name;
    EXPECT_EQ(started[0]["CurrentApplicationTypeVersion"], o.from_version) << o.name;
    EXPECT_EQ(started[0]["ApplicationTypeVersion"], o.version) << o.name;
  }
}

TEST(EventStore, ThePlayedUpgradeStartsFromTheLastPastVersionAndItsDomainsAppearAsTheyComplete) {
  const World w = default_world();
  // The cluster walks 5 domains, 25 s each, Monitored: each done 60 % in (15 s, 40 s, ...).
  const Json at_10 = w.events(EventEntity::cluster, 10s, kWeek);
  const auto started = of_kind(at_10, "ClusterUpgradeStarted");
  ASSERT_FALSE(started.empty());
  EXPECT_EQ(started.back()["CurrentClusterVersion"], "10.0.2226.9590");
  EXPECT_EQ(started.back()["TargetClusterVersion"], "10.1.1541.9590");
  EXPECT_EQ(started.back()["TimeStamp"], "2024-03-01T10:00:00.0000000Z");
  const std::size_t domains_before = of_kind(at_10, "ClusterUpgradeDomainCompleted").size();

  const Json at_20 = w.events(EventEntity::cluster, 20s, kWeek);
  const auto domains = of_kind(at_20, "ClusterUpgradeDomainCompleted");
  ASSERT_EQ(domains.size(), domains_before + 1);
  EXPECT_EQ(domains.back()["UpgradeDomains"], "(UD_0)");
  EXPECT_EQ(domains.back()["UpgradeDomainElapsedTimeInMs"], 15000.0);
  EXPECT_EQ(domains.back()["TimeStamp"], "2024-03-01T10:00:15.0000000Z");
  EXPECT_EQ(domains.back()["EventInstanceId"], started.back()["EventInstanceId"]);
  EXPECT_EQ(w.state_of(Kind::cluster, "cluster", 20s), "RollingForwardPending") << "UD_0 done, its health check on";

  const Json at_160 = w.events(EventEntity::cluster, 160s, kWeek);
  EXPECT_EQ(of_kind(at_160, "ClusterUpgradeDomainCompleted").size(), domains_before + 5);
  const auto done = of_kind(at_160, "ClusterUpgradeCompleted");
  EXPECT_EQ(done.back()["TimeStamp"], "2024-03-01T10:02:30.0000000Z");
  EXPECT_EQ(done.back()["OverallUpgradeElapsedTimeInMs"], 150000.0);
}

TEST(EventStore, APlayedRollbackNamesTheVersionItReturnsTo) {
  const World w = default_world();
  // fabric:/shop/search retries its health check until 140 s, rolls back 140-165 s.
  EXPECT_TRUE(of_kind(w.events(EventEntity::applications, 139s, kWeek), "ApplicationUpgradeRollbackStarted",
                      "shop~search")
                  .back()["TimeStamp"] != "2024-03-01T10:02:20.0000000Z");
  const Json at_170 = w.events(EventEntity::applications, 170s, kWeek);
  const Json started = of_kind(at_170, "ApplicationUpgradeRollbackStarted", "shop~search").back();
  EXPECT_EQ(started["TimeStamp"], "2024-03-01T10:02:20.0000000Z");
  EXPECT_EQ(started["ApplicationTypeVersion"], "3.8.1");
  EXPECT_EQ(started["CurrentApplicationTypeVersion"], "4.0.0");
  EXPECT_EQ(started["FailureReason"], "HealthCheck");
  const Json completed = of_kind(at_170, "ApplicationUpgradeRollbackCompleted", "shop~search").back();
  EXPECT_EQ(completed["TimeStamp"], "2024-03-01T10:02:45.0000000Z");
  EXPECT_EQ(completed["ApplicationTypeVersion"], "3.8.1");
  EXPECT_EQ(w.state_of(Kind::application, "fabric:/shop/search", 170s), "RollingBackCompleted");
}

TEST(EventStore, TheHistoryHasTheRealQuirks) {
  const World w = default_world();
  const Json all = w.events(EventEntity::cluster, 0s, kWeek);
  std::map<std::string, int> started_per_upgrade;
  for (const Json& e : of_kind(all, "ClusterUpgradeStarted")) ++started_per_upgrade[e["EventInstanceId"]];
  EXPECT_TRUE(std::any_of(started_per_upgrade.begin(), started_per_upgrade.end(), [](auto& kv) { return kv.second > 1; }))
      << "an upgrade announces itself several times";
  EXPECT_FALSE(of_kind(all, "ClusterNewHealthReport").empty()) << "unrelated kinds come without a filter";

  const std::regex fraction(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z)"), whole(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  int fractions = 0, wholes = 0;
  for (const Json& e : all) {
    const std::string stamp = e["TimeStamp"];
    fractions += std::regex_match(stamp, fraction);
    wholes += std::regex_match(stamp, whole);
    EXPECT_EQ(e["Category"], e["Kind"] == "ClusterNewHealthReport" ? "Health" : "Upgrade");
    EXPECT_TRUE(e["HasCorrelatedEvents"].is_boolean());
  }
  EXPECT_GT(fractions, 0);
  EXPECT_GT(wholes, 0);
  EXPECT_EQ(fractions + wholes, static_cast<int>(all.size()));

  // Rolled-back attempts: their events name the version they return to, the one their Started came from.
  const Json apps = w.events(EventEntity::applications, 0s, kWeek);
  const auto rollbacks = of_kind(apps, "ApplicationUpgradeRollbackCompleted");
  ASSERT_FALSE(rollbacks.empty());
  for (const Json& r : rollbacks) {
    auto start = std::find_if(apps.begin(), apps.end(), [&](const Json& e) {
      return e["Kind"] == "ApplicationUpgradeStarted" && e["EventInstanceId"] == r["EventInstanceId"];
    });
    ASSERT_NE(start, apps.end());
    EXPECT_EQ(r["ApplicationTypeVersion"], (*start)["CurrentApplicationTypeVersion"]);
  }
}

TEST(EventStore, TheQuerySelectsATimeRangeBothEndsIncludedAndKinds) {
  const World w = default_world();
  // The cluster's Started at 0 and its first domain at 15 s.
  const Json at_zero = w.events(EventEntity::cluster, 60s, {.start = 0s, .end = 0s, .kinds = {}});
  ASSERT_EQ(at_zero.size(), 1u);
  EXPECT_EQ(at_zero[0]["Kind"], "ClusterUpgradeStarted");
  EXPECT_EQ(w.events(EventEntity::cluster, 60s, {.start = 1s, .end = 14s, .kinds = {}}).size(), 0u);
  const Json domains = w.events(EventEntity::cluster, 60s, {.start = -kEventRetention, .end = 60s,
                                                            .kinds = {"ClusterUpgradeDomainCompleted"}});
  for (const Json& e : domains) EXPECT_EQ(e["Kind"], "ClusterUpgradeDomainCompleted");
  EXPECT_FALSE(domains.empty());
  EXPECT_TRUE(w.events(EventEntity::cluster, 60s, {.start = 61s, .end = 1h, .kinds = {}}).empty())
      << "nothing from the future";

  const EventKindFilter filter =
      parse_event_kind_filter("clusterupgradestarted,ClusterUpgradeCompletedEvent", EventEntity::cluster);
  EXPECT_EQ(filter.kinds, (std::vector<std::string>{"ClusterUpgradeStarted", "ClusterUpgradeCompleted"}));
  EXPECT_FALSE(filter.unknown);
  EXPECT_EQ(parse_event_kind_filter("ClusterUpgradeStarted,,", EventEntity::cluster).unknown, "");
  EXPECT_EQ(parse_event_kind_filter("ApplicationUpgradeStarted", EventEntity::cluster).unknown,
            "ApplicationUpgradeStarted");
  EXPECT_TRUE(parse_event_kind_filter(" ", EventEntity::cluster).kinds.empty());
}

TEST(EventStore, TheHistoryIsAFunctionOfTheSeed) {
  const Scenario scenario = load_scenario_file(UE_SIM_DEFAULT_SCENARIO);
  Scenario other = scenario;
  other.seed = 2;
  const World a(scenario, kEpoch), b(scenario, kEpoch), c(other, kEpoch);
  EXPECT_EQ(a.events(EventEntity::applications, 0s, kWeek), b.events(EventEntity::applications, 0s, kWeek));
  EXPECT_NE(a.events(EventEntity::applications, 0s, kWeek), c.events(EventEntity::applications, 0s, kWeek));
}

TEST(EventStore, OlderVersionsAndQueryTimes) {
  EXPECT_EQ(previous_version("5.0.0", 1), "4.9.9");
  EXPECT_EQ(previous_version("3.8.1", 1), "3.8.0");
  EXPECT_EQ(previous_version("10.0.2226.9590", 36), "10.0.2190.9590");
  EXPECT_EQ(previous_version("v1", 1), "v1-old");
  EXPECT_EQ(parse_event_query_time("2024-03-01T10:00:00Z"), Micros(1709287200LL * 1000000));
  EXPECT_EQ(parse_event_query_time("638448840000000000"), Micros(1709287200LL * 1000000)) << ".NET ticks";
  for (const char* bad : {"2024-03-01T10:00:00.5Z", "2024-03-01 10:00:00Z", "2024-02-30T10:00:00Z", "2024-03-01T10:00:00",
                          "", "-5", "2024-03-01T24:00:00Z"})
    EXPECT_FALSE(parse_event_query_time(bad)) << bad;
  EXPECT_EQ(event_timestamp(kEpoch + 1234567us, false), "2024-03-01T10:00:01.2345670Z");
  EXPECT_EQ(event_timestamp(kEpoch + 1234567us, true), "2024-03-01T10:00:01Z");
}

class EventServer {
 public:
  explicit EventServer(Scenario scenario) : world_(std::move(scenario), kEpoch) {
    RouteOptions options;
    options.now = [] { return SimTime(20s); };
    install_routes(server_, world_, std::move(options));
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~EventServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Result get(const std::string& target) {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_url_encode(false);
    return cli.Get(target.c_str());
  }

 private:
  World world_;
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
};

std::string code_of(const httplib::Result& res) { return Json::parse(res->body)["Error"]["Code"]; }

TEST(EventStoreRoutes, AnswerABareArrayAndRefuseWhatTheStoreRefuses) {
  EventServer server(load_scenario_file(UE_SIM_DEFAULT_SCENARIO));
  const std::string window = "StartTimeUtc=2024-03-01T10:00:00Z&EndTimeUtc=2024-03-01T10:00:20Z";
  auto res = server.get("/EventsStore/Cluster/Events?api-version=6.4&" + window);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  const Json events = Json::parse(res->body);
  ASSERT_TRUE(events.is_array());
  EXPECT_EQ(of_kind(events, "ClusterUpgradeDomainCompleted").size(), 1u) << "UD_0, done at 15 s";

  // Service Fabric Explorer's spelling: lower-case names, percent-encoded colons, a newer api-version.
  auto sfx = server.get("/EventsStore/Applications/Events?api-version=8.0&starttimeutc=2024-03-01T10%3A00%3A00Z"
                        "&endtimeutc=2024-03-01T10%3A00%3A20Z&EventsTypesFilter=ApplicationUpgradeDomainCompleted");
  ASSERT_TRUE(sfx);
  EXPECT_EQ(sfx->status, 200) << sfx->body;
  for (const Json& e : Json::parse(sfx->body)) EXPECT_EQ(e["Kind"], "ApplicationUpgradeDomainCompleted");
  EXPECT_FALSE(Json::parse(sfx->body).empty());

  for (const std::string& bad : std::vector<std::string>{"api-version=6.4", "api-version=6.4&StartTimeUtc=2024-03-01T10:00:00Z",
                                 "api-version=6.4&StartTimeUtc=yesterday&EndTimeUtc=2024-03-01T10:00:20Z",
                                 "api-version=6.4&StartTimeUtc=2024-03-01T10:00:00.123Z&EndTimeUtc=2024-03-01T10:00:20Z",
                                 "api-version=6.4&StartTimeUtc=2024-03-01T10:00:20Z&EndTimeUtc=2024-03-01T10:00:00Z",
                                 "api-version=6.3&" + window, "api-version=6.4-preview&" + window,
                                 "api-version=6.4&EventsTypesFilter=ClusterUpgradeBegun&" + window}) {
    auto refused = server.get("/EventsStore/Cluster/Events?" + bad);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad;
    EXPECT_EQ(code_of(refused), "E_INVALIDARG") << bad;
  }
  auto preview = server.get("/EventsStore/Cluster/Events?api-version=6.2-preview&" + window);
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->status, 200) << "the store takes 6.2-preview, as its code does";
}

TEST(EventStoreRoutes, AClusterWithoutTheEventStoreAnswers404) {
  Scenario scenario = parse_scenario("event_store: false\n", "test.yml");
  EXPECT_FALSE(scenario.event_store);
  EventServer server(std::move(scenario));
  for (const char* entity : {"Cluster", "Applications"}) {
    auto res = server.get(std::string("/EventsStore/") + entity +
                          "/Events?api-version=6.4&StartTimeUtc=2024-03-01T10:00:00Z&EndTimeUtc=2024-03-01T10:00:20Z");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_EQ(code_of(res), "FABRIC_E_SERVICE_DOES_NOT_EXIST");
  }
  EXPECT_THROW(parse_scenario("event_store: maybe\n", "test.yml"), ScenarioError);
}

}  // namespace
}  // namespace sim
