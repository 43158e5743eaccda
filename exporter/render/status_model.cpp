// The status page's view model: one pass over the fleet's views picks the
// shown targets, ranks and counts the notable upgrades and folds the settled
// objects by phase; the upgrades listed in full get their facts resolved.
#include "render/status_model.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "render/repair_holds.h"

namespace ue {
namespace {

struct Stall {
  bool stalled;
  double window;  // seconds
};

// The one place the page judges a stall, and with which window.
Stall judge_stall(const TargetView& target, const ObjectView& object, double now) {
  return {is_stalled(target, object, now), target.stall_window};
}

std::optional<BlockedLine> blocked_line(const Upgrade& up, const InfoCaption& row) {
  const std::string_view reason = info_value(up, row.label);
  const bool is_blocked = up.blocked && up.blocked->is_blocked;
  const bool degraded = up.blocked && up.blocked->cluster_degraded;
  if (!is_blocked && !degraded && reason.empty()) return std::nullopt;
  return BlockedLine{row.caption, is_blocked, degraded, reason};
}

// The facts of an upgrade listed in full, from kInfoCaptions.
void resolve_facts(UpgradeItem& item) {
  const Upgrade& up = item.object->upgrade;
  for (const InfoCaption& row : kInfoCaptions) {
    const std::string_view value = info_value(up, row.label);
    switch (row.place) {
      case InfoPlace::fact:
        if (!value.empty()) item.facts.push_back({row.caption, value});
        break;
      case InfoPlace::blocked:
        item.blocked = blocked_line(up, row);
        break;
      case InfoPlace::failure:
        if (!value.empty()) item.failure = Fact{row.caption, value};
        break;
    }
  }
  item.health_check_limit = health_check_limit(up);
  item.protection = protection_line(up);
}

NodeHold node_hold(const ObjectView& task, double now) {
  const Upgrade& up = task.upgrade;
  const double since = up.start_time.value_or(task.last_transition);
  return {&task, info_value(up, "action"), std::max(0.0, now - since)};
}

// The active repair tasks holding each node of the upgrade's current domain.
void resolve_node_holds(UpgradeItem& item, const NodeHolders& holders, double now) {
  const std::vector<NodeProgress>& nodes = item.object->upgrade.current_nodes;
  if (holders.empty() || nodes.empty() || item.object->kind == Kind::repair_task) return;
  std::vector<std::vector<NodeHold>> holds(nodes.size());
  bool any = false;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const ObjectView* task : holders.of(nodes[i].name)) {
      holds[i].push_back(node_hold(*task, now));
      any = true;
    }
  if (any) item.node_holds = std::move(holds);
}

// `its_state`: the task is in the state this check belongs to (Preparing, Restoring).
RepairCheckCell check_cell(const RepairHealthCheck& check, bool its_state, double stall_window, double now) {
  RepairCheckCell cell;
  cell.state = check.state;
  if (check.state == "InProgress" && check.start_time) {
    cell.running_for = std::max(0.0, now - *check.start_time);
    cell.stuck = its_state && *cell.running_for > stall_window / 2;
  }
  return cell;
}

RepairTaskRow repair_row(const TargetView& target, const ObjectView& object, double now) {
  const Upgrade& up = object.upgrade;
  RepairTaskRow row;
  row.object = &object;
  row.active = in_progress(up.phase);
  row.stalled = judge_stall(target, object, now).stalled;
  row.in_state = std::max(0.0, now - object.last_transition);
  row.action = info_value(up, "action");
  row.executor = info_value(up, "executor");
  if (!row.active) row.result = info_value(up, "result_status");
  row.notable = is_notable(object, now);
  static const std::vector<RepairTaskNode> kNoNodes;
  row.nodes = up.repair_task ? &up.repair_task->nodes : &kNoNodes;
  if (up.repair_task) {
    const RepairTaskDetail& detail = *up.repair_task;
    row.preparing = check_cell(detail.preparing, up.state == "Preparing", target.stall_window, now);
    row.restoring = check_cell(detail.restoring, up.state == "Restoring", target.stall_window, now);
  }
  return row;
}

RecentUpgrade recent_upgrade(const PastUpgrade& upgrade, double read_at) {
  RecentUpgrade recent;
  recent.upgrade = &upgrade;
  recent.duration = upgrade.duration;
  if (!recent.duration && upgrade.outcome == UpgradeOutcome::running && upgrade.start) {
    recent.duration = std::max(0.0, read_at - *upgrade.start);
    recent.so_far = true;
  }
  const std::vector<CompletedDomain>& domains = upgrade.domains;
  recent.domains_hidden = domains.size() > kMaxDomainBars ? domains.size() - kMaxDomainBars : 0;
  for (std::size_t i = recent.domains_hidden; i < domains.size(); ++i)
    recent.bars.push_back({.seconds = domains[i].seconds, .rolling_back = domains[i].rolling_back});
  return recent;
}

std::optional<TypicalDomainLine> typical_domain_line(const ObjectView& object) {
  const Upgrade& up = object.upgrade;
  if (!object.history || !in_progress(up.phase)) return std::nullopt;
  TypicalDomainLine line;
  line.typical = object.history->typical_domain_seconds;
  line.samples = object.history->domain_samples;
  // The typical time is of domains rolling forward: a domain rolling back is not compared with it.
  if (line.typical && up.domain_duration && up.phase == Phase::rolling_forward)
    line.slower_than_usual = *up.domain_duration > kSlowDomainFactor * *line.typical &&
                             *up.domain_duration > *line.typical + kSlowDomainMargin;
  return line;
}

// A card's history: its recent upgrades, and while in progress how its domain
// compares with the typical one and when it should complete.
void resolve_history(UpgradeItem& item) {
  const ObjectView& object = *item.object;
  item.history = history_panel(object);
  if (!item.history || !in_progress(object.upgrade.phase)) return;
  item.typical_domain = typical_domain_line(object);
  item.forecast = forecast_completion(object.upgrade, object.history.get(), object.read_at);
}

}  // namespace

std::string_view history_source_caption(std::string_view source) {
  if (source == kHistoryFromEventStore) return "from EventStore";
  if (source == kHistoryObserved) return "as observed by this exporter";
  return "from an unknown source";
}

std::string_view forecast_method_caption(ForecastMethod method) {
  switch (method) {
    case ForecastMethod::typical_domain: return "typical domain time × domains left";
    case ForecastMethod::linear: return "linear in progress";
  }
  return "linear in progress";
}

std::optional<HistoryPanel> history_panel(const ObjectView& object) {
  if (!object.history) return std::nullopt;
  const ObjectHistory& history = *object.history;
  HistoryPanel panel;
  panel.history = &history;
  panel.source = history_source_caption(history.source);
  const std::vector<PastUpgrade>& upgrades = history.upgrades;
  const std::size_t shown = std::min(upgrades.size(), kMaxRecentUpgrades);
  for (std::size_t i = 1; i <= shown; ++i) panel.recent.push_back(recent_upgrade(upgrades[upgrades.size() - i], object.read_at));
  for (const RecentUpgrade& recent : panel.recent)
    for (const DomainBar& bar : recent.bars) panel.slowest_domain = std::max(panel.slowest_domain, bar.seconds);
  if (panel.slowest_domain > 0)
    for (RecentUpgrade& recent : panel.recent)
      for (DomainBar& bar : recent.bars) bar.ratio = std::clamp(bar.seconds / panel.slowest_domain, 0.0, 1.0);
  return panel;
}

std::optional<ProtectionLine> protection_line(const Upgrade& up) {
  if (!up.restriper && !up.protection && up.cluster_nodes.empty()) return std::nullopt;
  ProtectionLine line;
  if (up.restriper) {
    line.data_at_risk = up.restriper->data_at_risk;
    line.restriper_state = up.restriper->state;
    line.restriper_phase = up.restriper->phase;
    line.restriper_progress = up.restriper->progress_ratio;
  }
  if (up.protection) {
    line.remaining_node_failures = up.protection->remaining_node_failures;
    line.max_node_failures = up.protection->max_node_failures;
  }
  line.nodes = up.cluster_nodes.size();
  for (const ClusterNode& node : up.cluster_nodes)
    if (!node_online(node)) line.offline_nodes.push_back(node.name);
  return line;
}

namespace {

std::optional<double> refresh_interval(const StatusModel& model) {
  double interval = 0;
  for (const TargetSection& section : model.targets) {
    const double poll = section.target->poll_interval;
    if (poll > 0 && (interval == 0 || poll < interval)) interval = poll;
  }
  if (interval == 0) interval = kDefaultRefresh;
  return std::ceil(std::max(interval, kMinRefresh));
}

class ModelBuilder {
 public:
  ModelBuilder(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options)
      : query_(query), options_(options) {
    model_.fleet = &fleet;
    model_.now = fleet.generated;
  }

  StatusModel build() {
    const FleetView& fleet = *model_.fleet;
    for (std::size_t i = 0; i < fleet.targets.size(); ++i)
      if (query_.matches_target(fleet.targets[i]->name)) add_target(i, *fleet.targets[i]);
    rank();
    if (query_.refresh) model_.refresh = refresh_interval(model_);
    return std::move(model_);
  }

 private:
  void add_target(std::size_t index, const TargetView& target) {
    StatusCounts& counts = model_.counts;
    if (target.polled && !target.up) {
      if (!counts.first_down) counts.first_down = index;
      ++counts.targets_down;
    }
    std::array<SettledGroup, kAllPhases.size()> settled;
    std::vector<RepairTaskRow> active_tasks, ended_tasks;
    const ObjectView* cluster = nullptr;
    for (const auto& shared : target.objects) {
      const ObjectView& object = *shared;
      if (!query_.matches(object)) continue;
      const bool notable = is_notable(object, model_.now);
      if (notable) add_notable(index, target, object);
      if (object.kind == Kind::repair_task) {
        RepairTaskRow row = repair_row(target, object, model_.now);
        (row.active ? active_tasks : ended_tasks).push_back(row);
        continue;
      }
      if (notable) continue;
      if (object.kind == Kind::cluster && object.history) cluster = &object;
      SettledGroup& group = settled[static_cast<std::size_t>(object.upgrade.phase)];
      if (group.total++ >= kMaxSettledRows) continue;
      group.rows.push_back(&object);
      group.has_history = group.has_history || object.history != nullptr;
    }
    add_repair_section(index, target, std::move(active_tasks), ended_tasks);
    TargetSection& section = model_.targets.emplace_back();
    section.index = index;
    section.target = &target;
    if (cluster) {
      section.cluster = cluster;
      section.cluster_history = history_panel(*cluster);
    }
    for (Phase phase : kAllPhases) {
      SettledGroup& group = settled[static_cast<std::size_t>(phase)];
      if (group.total == 0) continue;
      group.phase = phase;
      section.settled.push_back(std::move(group));
    }
  }

  // Under way first, then completed; each list is already in snapshot (TaskId) order.
  void add_repair_section(std::size_t index, const TargetView& target, std::vector<RepairTaskRow> rows,
                          const std::vector<RepairTaskRow>& ended) {
    rows.insert(rows.end(), ended.begin(), ended.end());
    if (rows.empty()) return;
    RepairSection& section = model_.repair_tasks.emplace_back();
    section.target_index = index;
    section.target = &target;
    section.total = rows.size();
    if (rows.size() > kMaxRepairRows) rows.resize(kMaxRepairRows);
    section.rows = std::move(rows);
    const std::size_t section_index = model_.repair_tasks.size() - 1;
    for (std::size_t i = 0; i < section.rows.size(); ++i)
      repair_rows_[section.rows[i].object] = RepairRowRef{section_index, i};
  }

  // Facts, repair rows and node holds of the upgrades listed in full.
  void resolve(UpgradeItem& item) {
    resolve_facts(item);
    resolve_history(item);
    if (const auto row = repair_rows_.find(item.object); row != repair_rows_.end()) item.repair_row = row->second;
    if (item.object->upgrade.current_nodes.empty() || item.object->kind == Kind::repair_task) return;
    auto [holders, added] = holders_.try_emplace(item.target_index, *item.target);
    resolve_node_holds(item, holders->second, model_.now);
  }

  void add_notable(std::size_t index, const TargetView& target, const ObjectView& object) {
    const Phase phase = object.upgrade.phase;
    const Stall stall = judge_stall(target, object, model_.now);
    UpgradeItem& item = model_.upgrades.emplace_back();
    item.target_index = index;
    item.target = &target;
    item.object = &object;
    item.stalled = stall.stalled;
    item.stall_window = stall.window;
    item.awaiting_operator = object.upgrade.awaiting_operator;
    StatusCounts& counts = model_.counts;
    counts.in_progress += in_progress(phase);
    counts.stalled += stall.stalled;
    counts.failed += phase == Phase::failed;
    counts.rolled_back += phase == Phase::rolled_back;
  }

  // Ranks every notable upgrade, keeps the first kMaxNotable and resolves their facts.
  void rank() {
    std::vector<UpgradeItem>& items = model_.upgrades;
    model_.upgrades_total = items.size();
    const auto before = [](const UpgradeItem& a, const UpgradeItem& b) {
      const int rank_a = notable_rank(a.object->upgrade.phase, a.stalled);
      const int rank_b = notable_rank(b.object->upgrade.phase, b.stalled);
      if (rank_a != rank_b) return rank_a < rank_b;
      if (a.target_index != b.target_index) return a.target_index < b.target_index;
      if (a.object->kind != b.object->kind) return a.object->kind < b.object->kind;
      return a.object->name < b.object->name;
    };
    const std::size_t shown = std::min(items.size(), kMaxNotable);
    std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(shown), items.end(), before);
    items.resize(shown);
    for (UpgradeItem& item : items) resolve(item);
  }

  const StatusQuery& query_;
  const StatusOptions& options_;
  StatusModel model_;
  std::unordered_map<const ObjectView*, RepairRowRef> repair_rows_;
  std::unordered_map<std::size_t, NodeHolders> holders_;  // by target index, made for the first upgrade that asks
};

}  // namespace

std::string_view info_value(const Upgrade& upgrade, std::string_view label) {
  for (const auto& [name, value] : upgrade.info)
    if (name == label) return value;
  return {};
}

int notable_rank(Phase phase, bool stalled) {
  if (stalled) return 0;
  switch (phase) {
    case Phase::failed: return 1;
    case Phase::rolling_back: return 2;
    case Phase::rolling_forward: return 3;
    case Phase::rolled_back: return 4;
    case Phase::completed: return 5;
    case Phase::idle: return 6;
  }
  return 6;
}

std::optional<double> health_check_limit(const Upgrade& upgrade) {
  const std::string_view phase = upgrade.health_check_phase;
  if (phase == kHealthCheckPhases[0]) return upgrade.health_check_wait;
  if (phase == kHealthCheckPhases[1]) return upgrade.health_check_stable;
  if (phase == kHealthCheckPhases[2]) return upgrade.health_check_retry_timeout;
  return std::nullopt;
}

StatusModel build_status_model(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options) {
  return ModelBuilder(fleet, query, options).build();
}

}  // namespace ue
