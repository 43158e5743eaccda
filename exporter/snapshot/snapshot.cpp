#include "snapshot/snapshot.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <tuple>
#include <vector>

namespace ue {

namespace {

// What the current domain is waiting on, in an order that does not depend on
// the upstream's: (node, phase) pairs and (node, check, partition) triples.
using Waits = std::pair<std::vector<std::pair<std::string_view, std::string_view>>,
                        std::vector<std::tuple<std::string_view, std::string_view, std::string_view>>>;

Waits waits_of(const Upgrade& u) {
  Waits waits;
  for (const NodeProgress& node : u.current_nodes) {
    waits.first.emplace_back(node.name, node.phase);
    for (const SafetyCheck& check : node.pending) waits.second.emplace_back(node.name, check.kind, check.partition_id);
  }
  std::sort(waits.first.begin(), waits.first.end());
  std::sort(waits.second.begin(), waits.second.end());
  return waits;
}

}  // namespace

bool is_transition(const Upgrade& before, const Upgrade& after) {
  if (before.state != after.state || before.current_domain != after.current_domain) return true;
  if (before.progress_ratio.has_value() != after.progress_ratio.has_value()) return true;
  if (before.progress_ratio && std::fabs(*before.progress_ratio - *after.progress_ratio) > 1e-9) return true;
  // A domain whose nodes move from pre- to post-upgrade checks is not stalled;
  // one whose node waits on the same safety check is.
  if (before.health_check_phase != after.health_check_phase ||
      before.health_check_retry_flips != after.health_check_retry_flips ||
      before.unhealthy_evaluations != after.unhealthy_evaluations)
    return true;
  return (!before.current_nodes.empty() || !after.current_nodes.empty()) && waits_of(before) != waits_of(after);
}

double first_transition(const Upgrade& upgrade, double now_unix) {
  // Nothing moves during a health-check phase without resetting its timer,
  // so the upstream itself proves how long the upgrade has stood still.
  if (in_progress(upgrade.phase) && !upgrade.health_check_phase.empty() && upgrade.health_check_elapsed)
    return now_unix - *upgrade.health_check_elapsed;
  return now_unix;
}

ObjectState& Snapshot::record(Kind kind, const std::string& name, Upgrade upgrade, double now_unix,
                              SteadyTime now) {
  auto [it, inserted] = objects_.try_emplace({kind, name});
  ObjectState& object = it->second;
  if (upgrade.transition_time)
    object.last_transition = *upgrade.transition_time;
  else if (inserted)
    object.last_transition = first_transition(upgrade, now_unix);
  else if (is_transition(object.upgrade, upgrade))
    object.last_transition = now_unix;
  if (!inserted && object.upgrade.phase != upgrade.phase) object.phase_changed = now_unix;
  object.upgrade = std::move(upgrade);
  object.read_at = now_unix;
  object.confirmed = now;
  object.revision = ++last_revision_;
  return object;
}

bool Snapshot::set_history(Kind kind, const std::string& name, std::shared_ptr<const ObjectHistory> history) {
  ObjectState* object = find(kind, name);
  if (!object) return false;
  if (object->history != history) {
    object->history = std::move(history);
    object->revision = ++last_revision_;
  }
  return true;
}

ObjectState* Snapshot::find(Kind kind, const std::string& name) {
  auto it = objects_.find({kind, name});
  return it == objects_.end() ? nullptr : &it->second;
}

const ObjectState* Snapshot::find(Kind kind, const std::string& name) const {
  auto it = objects_.find({kind, name});
  return it == objects_.end() ? nullptr : &it->second;
}

void Snapshot::expire(SteadyTime now, std::chrono::milliseconds max_staleness) {
  std::erase_if(objects_, [&](const auto& entry) { return now - entry.second.confirmed > max_staleness; });
}

std::size_t Snapshot::count(Kind kind) const {
  std::size_t n = 0;
  for_each(kind, [&](const std::string&, const ObjectState&) { ++n; });
  return n;
}

}  // namespace ue
