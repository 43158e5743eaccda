// The status page's view model (render/status_model), without HTML: which
// targets and upgrades it shows and in what order, its counts, how settled
// objects fold and where the lists stop, stalled and awaiting-operator
// upgrades, and the upgrade.info facts taken from the caption table.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "render/status_model.h"
#include "unit/view_util.h"

namespace ue {
namespace {

using test::object_view;

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z

Upgrade upgrade(Phase phase) {
  Upgrade up;
  up.phase = phase;
  up.state = std::string(phase_name(phase));
  return up;
}

std::shared_ptr<TargetView> target(std::string name, double poll_interval = 15, bool up = true) {
  auto view = std::make_shared<TargetView>();
  view->name = std::move(name);
  view->poll_interval = poll_interval;
  view->polled = true;
  view->up = up;
  return view;
}

// Adds an object to `view`; settled (idle, completed) ones last moved 40 days ago.
void add(TargetView& view, Kind kind, std::string name, Upgrade up, double last_transition = kNow - 60) {
  if (!in_progress(up.phase) && up.phase != Phase::failed && up.phase != Phase::rolled_back)
    last_transition = kNow - 40 * 86400;
  view.objects.push_back(object_view(kind, std::move(name), std::move(up), last_transition));
}

FleetView fleet_of(std::vector<std::shared_ptr<TargetView>> targets) {
  FleetView fleet;
  fleet.generated = kNow;
  fleet.started = kNow - 3600;
  for (auto& t : targets) fleet.targets.push_back(std::move(t));
  return fleet;
}

std::vector<std::string> names(const StatusModel& model) {
  std::vector<std::string> out;
  for (const UpgradeItem& item : model.upgrades) out.push_back(item.target->name + " " + item.object->name);
  return out;
}

StatusModel build(const FleetView& fleet, const StatusQuery& query = {}, StatusOptions options = {}) {
  return build_status_model(fleet, query, options);
}

// ---- ranking ----

TEST(StatusModel, StalledFirstThenByPhaseThenTargetKindAndName) {
  auto west = target("west");
  add(*west, Kind::application, "fabric:/completed", upgrade(Phase::completed));
  add(*west, Kind::application, "fabric:/forward-b", upgrade(Phase::rolling_forward));
  add(*west, Kind::application, "fabric:/forward-a", upgrade(Phase::rolling_forward));
  add(*west, Kind::application, "fabric:/rolled-back", upgrade(Phase::rolled_back));
  add(*west, Kind::cluster, "west", upgrade(Phase::rolling_forward));
  auto east = target("east");
  add(*east, Kind::application, "fabric:/failed", upgrade(Phase::failed));
  add(*east, Kind::application, "fabric:/back", upgrade(Phase::rolling_back));
  add(*east, Kind::application, "fabric:/held", upgrade(Phase::rolling_forward), kNow - 2 * 3600);
  // The completed one counts as notable: its phase changed an hour ago.
  std::const_pointer_cast<ObjectView>(west->objects[0])->phase_changed = kNow - 3600;

  const StatusModel model = build(fleet_of({west, east}));
  EXPECT_EQ(names(model), (std::vector<std::string>{
                              "east fabric:/held",         // stalled
                              "east fabric:/failed",       // failed
                              "east fabric:/back",         // rolling back
                              "west west",                 // rolling forward: west first (configuration order),
                              "west fabric:/forward-a",    // its cluster before its applications,
                              "west fabric:/forward-b",    // then by name
                              "west fabric:/rolled-back",  // rolled back
                              "west fabric:/completed",    // completed
                          }));
  EXPECT_EQ(model.upgrades[0].target_index, 1u);
  EXPECT_EQ(model.upgrades[3].target_index, 0u);
}

TEST(StatusModel, RankOrder) {
  EXPECT_LT(notable_rank(Phase::completed, true), notable_rank(Phase::failed, false)) << "stalled comes first";
  const Phase order[] = {Phase::failed,      Phase::rolling_back, Phase::rolling_forward,
                         Phase::rolled_back, Phase::completed,    Phase::idle};
  for (std::size_t i = 1; i < std::size(order); ++i)
    EXPECT_LT(notable_rank(order[i - 1], false), notable_rank(order[i], false)) << phase_name(order[i]);
}

// ---- counts ----

TEST(StatusModel, CountsEveryMatchingUpgradeAndTheTargetsDown) {
  auto up = target("up");
  add(*up, Kind::application, "a", upgrade(Phase::rolling_forward));
  add(*up, Kind::application, "b", upgrade(Phase::rolling_back), kNow - 3 * 3600);
  add(*up, Kind::application, "c", upgrade(Phase::failed));
  add(*up, Kind::application, "d", upgrade(Phase::rolled_back));
  add(*up, Kind::application, "e", upgrade(Phase::idle));
  auto waiting = target("waiting", 15, false);
  waiting->polled = false;  // not down: not polled yet
  auto down1 = target("down-1", 15, false);
  auto down2 = target("down-2", 15, false);

  const StatusModel model = build(fleet_of({up, waiting, down1, down2}));
  EXPECT_EQ(model.counts.in_progress, 2u);
  EXPECT_EQ(model.counts.stalled, 1u);
  EXPECT_EQ(model.counts.failed, 1u);
  EXPECT_EQ(model.counts.rolled_back, 1u);
  EXPECT_EQ(model.counts.targets_down, 2u);
  ASSERT_TRUE(model.counts.first_down);
  EXPECT_EQ(*model.counts.first_down, 2u);
  EXPECT_EQ(model.targets.size(), 4u);
  EXPECT_EQ(model.upgrades_total, 4u);

  const StatusModel none_down = build(fleet_of({target("up")}));
  EXPECT_EQ(none_down.counts.targets_down, 0u);
  EXPECT_FALSE(none_down.counts.first_down);
}

TEST(StatusModel, TheQuerySelectsTargetsAndObjects) {
  auto west = target("west");
  add(*west, Kind::cluster, "west", upgrade(Phase::rolling_forward));
  add(*west, Kind::application, "fabric:/a", upgrade(Phase::failed));
  add(*west, Kind::application, "fabric:/b", upgrade(Phase::idle));
  auto east = target("east", 15, false);
  add(*east, Kind::application, "fabric:/c", upgrade(Phase::failed));

  StatusQuery query;
  query.targets = {"west"};
  query.kinds = {Kind::application};
  const StatusModel model = build(fleet_of({west, east}), query);
  ASSERT_EQ(model.targets.size(), 1u);
  EXPECT_EQ(model.targets[0].target->name, "west");
  EXPECT_EQ(model.targets[0].index, 0u);
  EXPECT_EQ(names(model), std::vector<std::string>{"west fabric:/a"});
  EXPECT_EQ(model.counts.in_progress, 0u) << "the cluster is not of the kind asked for";
  EXPECT_EQ(model.counts.targets_down, 0u) << "east is not shown";
  ASSERT_EQ(model.targets[0].settled.size(), 1u);
  EXPECT_EQ(model.targets[0].settled[0].total, 1u);

  query = {};
  query.phases = {Phase::idle};
  EXPECT_TRUE(build(fleet_of({west, east}), query).upgrades.empty());
}

// ---- folding ----

TEST(StatusModel, SettledObjectsFoldIntoOneGroupPerPhaseInPhaseOrder) {
  auto west = target("west");
  add(*west, Kind::application, "fabric:/done-1", upgrade(Phase::completed));
  add(*west, Kind::application, "fabric:/idle-1", upgrade(Phase::idle));
  add(*west, Kind::application, "fabric:/moving", upgrade(Phase::rolling_forward));
  add(*west, Kind::application, "fabric:/done-2", upgrade(Phase::completed));
  add(*west, Kind::application, "fabric:/idle-2", upgrade(Phase::idle));
  auto empty = target("empty");

  const StatusModel model = build(fleet_of({west, empty}));
  ASSERT_EQ(model.targets.size(), 2u);
  const std::vector<SettledGroup>& groups = model.targets[0].settled;
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].phase, Phase::idle);
  EXPECT_EQ(groups[1].phase, Phase::completed);
  ASSERT_EQ(groups[1].rows.size(), 2u);
  EXPECT_EQ(groups[1].total, 2u);
  EXPECT_EQ(groups[1].rows[0]->name, "fabric:/done-1") << "snapshot order";
  EXPECT_EQ(groups[1].rows[1]->name, "fabric:/done-2");
  EXPECT_EQ(names(model), std::vector<std::string>{"west fabric:/moving"});
  EXPECT_TRUE(model.targets[1].settled.empty());
}

TEST(StatusModel, ASettledGroupListsAtMostkMaxSettledRowsAndCountsTheRest) {
  auto big = target("big");
  for (std::size_t i = 0; i < kMaxSettledRows + 100; ++i)
    add(*big, Kind::application, "fabric:/app-" + std::to_string(10000 + i), upgrade(Phase::idle));
  const StatusModel model = build(fleet_of({big}));
  ASSERT_EQ(model.targets[0].settled.size(), 1u);
  const SettledGroup& idle = model.targets[0].settled[0];
  EXPECT_EQ(idle.total, kMaxSettledRows + 100);
  ASSERT_EQ(idle.rows.size(), kMaxSettledRows);
  EXPECT_EQ(idle.rows.front()->name, "fabric:/app-10000");
  EXPECT_EQ(idle.rows.back()->name, "fabric:/app-" + std::to_string(10000 + kMaxSettledRows - 1));
}

TEST(StatusModel, AtMostkMaxNotableListedRankedBeforeTheCut) {
  auto big = target("big");
  for (std::size_t i = 0; i < kMaxNotable + 200; ++i)
    add(*big, Kind::application, "fabric:/failed-" + std::to_string(10000 + i), upgrade(Phase::failed));
  add(*big, Kind::application, "fabric:/zz-held", upgrade(Phase::rolling_forward), kNow - 3 * 3600);

  const StatusModel model = build(fleet_of({big}));
  EXPECT_EQ(model.upgrades.size(), kMaxNotable);
  EXPECT_EQ(model.upgrades_total, kMaxNotable + 201);
  EXPECT_EQ(model.counts.failed, kMaxNotable + 200) << "counts cover what is not listed";
  EXPECT_EQ(model.upgrades.front().object->name, "fabric:/zz-held") << "last in the snapshot, first by rank";
  EXPECT_EQ(model.upgrades.back().object->name, "fabric:/failed-" + std::to_string(10000 + kMaxNotable - 2));
}

// ---- stalled, awaiting an operator ----

TEST(StatusModel, StalledIsJudgedWithEachTargetsWindowWhichItemsCarry) {
  auto west = target("west");
  add(*west, Kind::application, "fabric:/8-min", upgrade(Phase::rolling_forward), kNow - 8 * 60);
  add(*west, Kind::application, "fabric:/5-min", upgrade(Phase::rolling_back), kNow - 5 * 60);
  add(*west, Kind::application, "fabric:/failed", upgrade(Phase::failed), kNow - 86400);
  auto east = target("east");
  add(*east, Kind::application, "fabric:/east-8-min", upgrade(Phase::rolling_forward), kNow - 8 * 60);

  EXPECT_EQ(build(fleet_of({west, east})).counts.stalled, 0u) << "30 min by default";
  west->stall_window = 5 * 60;
  const StatusModel model = build(fleet_of({west, east}));
  EXPECT_EQ(model.counts.stalled, 1u) << "5 min without a transition is not longer than 5 min; east keeps 30 min";
  ASSERT_EQ(model.upgrades.size(), 4u);
  EXPECT_EQ(model.upgrades[0].object->name, "fabric:/8-min");
  EXPECT_TRUE(model.upgrades[0].stalled);
  for (const UpgradeItem& item : model.upgrades) {
    EXPECT_EQ(item.stall_window, item.target->name == "west" ? 5 * 60 : 30 * 60) << item.object->name;
    EXPECT_EQ(item.stalled, item.object->name == "fabric:/8-min") << item.object->name << " (failed: never stalled)";
  }
}

TEST(StatusModel, AwaitingAnOperatorIsNeverStalled) {
  auto west = target("west");
  west->stall_window = 60;
  Upgrade waiting = upgrade(Phase::rolling_forward);
  waiting.awaiting_operator = true;
  add(*west, Kind::application, "fabric:/manual", waiting, kNow - 3600);
  const StatusModel model = build(fleet_of({west}));
  ASSERT_EQ(model.upgrades.size(), 1u);
  EXPECT_FALSE(model.upgrades[0].stalled);
  EXPECT_EQ(model.counts.stalled, 0u);
}

TEST(StatusModel, AwaitingOperatorComesFromTheUpgrade) {
  auto west = target("west");
  Upgrade waiting = upgrade(Phase::rolling_forward);
  waiting.awaiting_operator = true;
  add(*west, Kind::application, "fabric:/manual", waiting);
  add(*west, Kind::application, "fabric:/monitored", upgrade(Phase::rolling_forward));
  const StatusModel model = build(fleet_of({west}));
  ASSERT_EQ(model.upgrades.size(), 2u);
  EXPECT_TRUE(model.upgrades[0].awaiting_operator);
  EXPECT_FALSE(model.upgrades[1].awaiting_operator);
}

// ---- facts ----

TEST(StatusModel, FactsComeFromTheCaptionTableInItsOrder) {
  auto nas = target("nas");
  Upgrade up = upgrade(Phase::rolling_forward);
  up.info = {{"auto_commit", "true"},
             {"type_name", "not shown"},
             {"failure_reason", "HealthCheck"},
             {"rolling_upgrade_mode", ""},  // empty: no fact
             {"upgrade_type", "ROLLING_REBOOT"},
             {"target_version", "7.2.1"}};
  add(*nas, Kind::qumulo, "nas", up);
  const StatusModel model = build(fleet_of({nas}));
  ASSERT_EQ(model.upgrades.size(), 1u);
  const UpgradeItem& item = model.upgrades[0];
  std::vector<std::string> facts;
  for (const Fact& fact : item.facts) facts.push_back(std::string(fact.caption) + "=" + std::string(fact.value));
  EXPECT_EQ(facts, (std::vector<std::string>{"Target version=7.2.1", "Upgrade type=ROLLING_REBOOT",
                                             "Auto commit=true"}));
  ASSERT_TRUE(item.failure);
  EXPECT_EQ(item.failure->caption, "Failure reason");
  EXPECT_EQ(item.failure->value, "HealthCheck");
  EXPECT_FALSE(item.blocked);
}

TEST(StatusModel, BlockedTakesTheUpstreamFlagsAndTheReason) {
  std::vector<FleetView> fleets;  // the lines' reasons point into them
  const auto blocked_of = [&](std::optional<UpgradeBlocked> flags, std::string reason) {
    auto nas = target("nas");
    Upgrade up = upgrade(Phase::rolling_forward);
    up.blocked = flags;
    if (!reason.empty()) up.info = {{"blocked_reason", reason}};
    add(*nas, Kind::qumulo, "nas", up);
    fleets.push_back(fleet_of({nas}));
    return build(fleets.back()).upgrades.at(0).blocked;
  };
  EXPECT_FALSE(blocked_of(std::nullopt, ""));
  EXPECT_FALSE(blocked_of(UpgradeBlocked{false, false}, ""));
  const std::optional<BlockedLine> both = blocked_of(UpgradeBlocked{true, true}, "Node 3 is offline");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->caption, "Blocked");
  EXPECT_TRUE(both->is_blocked);
  EXPECT_TRUE(both->cluster_degraded);
  EXPECT_EQ(both->reason, "Node 3 is offline");
  const std::optional<BlockedLine> reason_only = blocked_of(std::nullopt, "why");
  ASSERT_TRUE(reason_only);
  EXPECT_FALSE(reason_only->is_blocked);
  EXPECT_EQ(reason_only->reason, "why");
}

TEST(StatusModel, TheCaptionTableNamesEachLabelOnce) {
  std::set<std::string_view> labels;
  for (const InfoCaption& row : kInfoCaptions) {
    EXPECT_TRUE(labels.insert(row.label).second) << row.label;
    EXPECT_FALSE(row.caption.empty()) << row.label;
  }
  for (std::string_view label : {"target_version", "target_config_version", "rolling_upgrade_mode", "failure_action",
                                 "upgrade_type", "auto_commit", "blocked_reason", "failure_reason"})
    EXPECT_EQ(labels.count(label), 1u) << label;
  EXPECT_EQ(labels.count(kVersionLabel), 1u);
}

TEST(StatusModel, HealthCheckLimitIsTheCurrentPhasesTimeout) {
  Upgrade up;
  up.health_check_wait = 300;
  up.health_check_stable = 120;
  up.health_check_retry_timeout = 600;
  EXPECT_FALSE(health_check_limit(up));
  up.health_check_phase = "WaitDuration";
  EXPECT_EQ(health_check_limit(up), 300);
  up.health_check_phase = "StableDuration";
  EXPECT_EQ(health_check_limit(up), 120);
  up.health_check_phase = "Retry";
  EXPECT_EQ(health_check_limit(up), 600);
  up.health_check_retry_timeout.reset();
  EXPECT_FALSE(health_check_limit(up)) << "no timeout set";
}

// ---- refresh ----

TEST(StatusModel, RefreshIsTheShortestPollIntervalShownAtLeastFiveSeconds) {
  const FleetView fleet = fleet_of({target("fast", 15), target("slow", 60)});
  EXPECT_EQ(build(fleet).refresh, 15);
  StatusQuery slow;
  slow.targets = {"slow"};
  EXPECT_EQ(build(fleet, slow).refresh, 60);
  EXPECT_EQ(build(fleet_of({target("faster", 1.2)})).refresh, 5);
  EXPECT_EQ(build(fleet_of({target("odd", 7.5)})).refresh, 8) << "whole seconds, up";
  EXPECT_EQ(build(fleet_of({})).refresh, kDefaultRefresh);
  StatusQuery paused;
  paused.refresh = false;
  EXPECT_FALSE(build(fleet, paused).refresh);
}

}  // namespace
}  // namespace ue
