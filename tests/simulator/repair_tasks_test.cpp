// The simulated Repair Manager: the default scenario's three plays at set
// simulated times, the three filters, and the route over loopback HTTP.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "routes.h"
#include "world.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kEpoch{std::chrono::seconds(1709287200)};  // 2024-03-01T10:00:00Z
constexpr const char* kWalk = "Azure/PlatformUpdate/7b3c2f4e-1a9d-4c2e-9f0b-5d6e7f8a9b0c";
constexpr const char* kStuck = "POS___2f4d1c8e-5b6a-4e3f-8a7d-9c0b1e2f3a4b";
constexpr const char* kHold = "IM/Node/9a8b7c6d-5e4f-3a2b-1c0d-ef0123456789";

World default_world() { return World(load_scenario_file(UE_SIM_DEFAULT_SCENARIO), kEpoch); }

const Json* task(const Json& list, const std::string& id) {
  for (const Json& t : list)
    if (t["TaskId"] == id) return &t;
  return nullptr;
}

std::vector<std::string> ids(const Json& list) {
  std::vector<std::string> out;
  for (const Json& t : list) out.push_back(t["TaskId"]);
  return out;
}

TEST(RepairTasks, AtStartTheWalkPreparesItsFirstDomainOneTaskIsStuckAndOneHoldsTheBlockedNode) {
  const World w = default_world();
  const Json list = w.repair_tasks(0s, {});
  EXPECT_EQ(ids(list), (std::vector<std::string>{std::string(kWalk) + "/UD_0/0", kStuck, kHold}));
  const Json& walk = *task(list, std::string(kWalk) + "/UD_0/0");
  EXPECT_EQ(walk["State"], "Preparing");
  EXPECT_EQ(walk["PreparingHealthCheckState"], "InProgress");
  EXPECT_EQ(walk["Target"]["NodeNames"], (Json::array({"_Node_0", "_Node_1"})));
  EXPECT_EQ(walk["Impact"]["NodeImpactList"][0]["ImpactLevel"], "Restart");
  EXPECT_EQ(walk["History"]["CreatedUtcTimestamp"], "2024-03-01T10:00:00.000Z");
  EXPECT_EQ(walk["History"]["ApprovedUtcTimestamp"], "0001-01-01T00:00:00.000Z");

  const Json& stuck = *task(list, kStuck);
  EXPECT_EQ(stuck["State"], "Preparing");
  EXPECT_EQ(stuck["PreparingHealthCheckState"], "InProgress");
  EXPECT_EQ(stuck["History"]["PreparingHealthCheckStartUtcTimestamp"], "2024-03-01T09:40:00.000Z");

  const Json& hold = *task(list, kHold);
  EXPECT_EQ(hold["State"], "Executing");
  EXPECT_EQ(hold["Target"]["NodeNames"], (Json::array({"_Node_4"}))) << "the node fabric:/shop/orders waits on";
  const Json orders = *w.application_progress(0s, "fabric:/shop/orders", 8.2);
  EXPECT_EQ(orders["CurrentUpgradeDomainProgress"]["NodeUpgradeProgressList"][0]["NodeName"], "_Node_4");
}

TEST(RepairTasks, TheWalkGoesThroughEveryStateDomainByDomain) {
  const World w = default_world();
  const std::string first = std::string(kWalk) + "/UD_0/0";
  std::vector<std::string> states;
  for (SimTime t : {10s, 25s, 45s, 65s, 75s, 85s}) states.push_back((*task(w.repair_tasks(t, {}), first))["State"]);
  EXPECT_EQ(states, (std::vector<std::string>{"Preparing", "Approved", "Executing", "Restoring", "Restoring",
                                              "Completed"}));
  const Json at_85 = w.repair_tasks(85s, {});
  const Json& done = *task(at_85, first);
  EXPECT_EQ(done["ResultStatus"], "Succeeded");
  EXPECT_EQ(done["RestoringHealthCheckState"], "Succeeded");
  EXPECT_EQ(done["History"]["CompletedUtcTimestamp"], "2024-03-01T10:01:20.000Z");
  const Json& next = *task(at_85, std::string(kWalk) + "/UD_1/0");
  EXPECT_EQ(next["State"], "Preparing");
  EXPECT_EQ(next["Target"]["NodeNames"], (Json::array({"_Node_2", "_Node_3"})));
  EXPECT_EQ((*task(w.repair_tasks(445s, {}), std::string(kWalk) + "/UD_0/1"))["State"], "Executing")
      << "the walk loops, a run after another";
}

TEST(RepairTasks, FiltersByIdPrefixExecutorAndState) {
  const World w = default_world();
  const SimTime t = 170s;  // UD_0 and UD_1 done, UD_2 preparing
  EXPECT_EQ(ids(w.repair_tasks(t, {.task_id_prefix = "", .executor = "", .states = 64})),
            (std::vector<std::string>{std::string(kWalk) + "/UD_0/0", std::string(kWalk) + "/UD_1/0"}));
  EXPECT_EQ(ids(w.repair_tasks(t, {.task_id_prefix = "", .executor = "", .states = 63})),
            (std::vector<std::string>{std::string(kWalk) + "/UD_2/0", kStuck, kHold}));
  EXPECT_EQ(ids(w.repair_tasks(t, {.task_id_prefix = "", .executor = "", .states = 16})),
            (std::vector<std::string>{kHold}));
  EXPECT_EQ(ids(w.repair_tasks(t, {.task_id_prefix = "IM/", .executor = "", .states = 0})),
            (std::vector<std::string>{kHold}));
  EXPECT_EQ(ids(w.repair_tasks(t, {.task_id_prefix = "", .executor = "fabric:/System/MaintenanceService", .states = 0})),
            (std::vector<std::string>{kStuck}));
}

TEST(RepairTasks, AHistoryOfCompletedTasksIsListedFromTheStart) {
  const World w(parse_scenario("repair_tasks:\n  - {play: completed_history, id: old, count: 3}\n", "test.yml"), kEpoch);
  const Json completed = w.repair_tasks(0s, {.task_id_prefix = "", .executor = "", .states = 64});
  EXPECT_EQ(ids(completed), (std::vector<std::string>{"old/0", "old/1", "old/2"}));
  EXPECT_EQ(completed[2]["ResultStatus"], "Succeeded");
  EXPECT_EQ(completed[2]["History"]["CreatedUtcTimestamp"], "2024-03-01T09:50:00.000Z");
  EXPECT_EQ(completed[2]["History"]["CompletedUtcTimestamp"], "2024-03-01T09:55:00.000Z");
  EXPECT_TRUE(w.repair_tasks(0s, {.task_id_prefix = "", .executor = "", .states = 63}).empty());
}

TEST(RepairTasks, TheRouteDecodesTheIdFilterAndRejectsABadStateFilter) {
  World world = default_world();
  httplib::Server server;
  RouteOptions options;
  options.now = [] { return SimTime(170s); };
  install_routes(server, world, std::move(options));
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::yield();
  httplib::Client cli("127.0.0.1", port);
  cli.set_url_encode(false);

  auto res = cli.Get("/$/GetRepairTaskList?api-version=6.0&TaskIdFilter=IM%2FNode%2F&StateFilter=63");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(ids(Json::parse(res->body)), (std::vector<std::string>{kHold}));
  auto all = cli.Get("/$/GetRepairTaskList?api-version=6.0");
  ASSERT_TRUE(all);
  EXPECT_EQ(Json::parse(all->body).size(), 5u);
  for (const char* bad : {"abc", "128", "-1", ""}) {
    auto refused = cli.Get((std::string("/$/GetRepairTaskList?api-version=6.0&StateFilter=") + bad).c_str());
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad;
  }
  server.stop();
  thread.join();
}

}  // namespace
}  // namespace sim
