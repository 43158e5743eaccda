#include "snapshot/snapshot.h"

#include <cmath>

namespace ue {

bool is_transition(const Upgrade& before, const Upgrade& after) {
  if (before.state != after.state || before.current_domain != after.current_domain) return true;
  if (before.progress_ratio.has_value() != after.progress_ratio.has_value()) return true;
  return before.progress_ratio && std::fabs(*before.progress_ratio - *after.progress_ratio) > 1e-9;
}

ObjectState& Snapshot::record(Kind kind, const std::string& name, Upgrade upgrade, double now_unix,
                              SteadyTime now) {
  auto [it, inserted] = objects_.try_emplace({kind, name});
  ObjectState& object = it->second;
  if (inserted || is_transition(object.upgrade, upgrade)) object.last_transition = now_unix;
  object.upgrade = std::move(upgrade);
  object.confirmed = now;
  object.revision = ++last_revision_;
  return object;
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
