#include "render/repair_holds.h"

namespace ue {

bool is_active_repair_task(const ObjectView& object) {
  return object.kind == Kind::repair_task && in_progress(object.upgrade.phase) && object.upgrade.repair_task;
}

NodeHolders::NodeHolders(const TargetView& target) {
  for (const auto& shared : target.objects) {
    if (!is_active_repair_task(*shared)) continue;
    // The parser keeps each node name once per task, so a task is listed once per node.
    for (const RepairTaskNode& node : shared->upgrade.repair_task->nodes) by_node_[node.name].push_back(shared.get());
  }
}

const std::vector<const ObjectView*>& NodeHolders::of(std::string_view node) const {
  static const std::vector<const ObjectView*> kNone;
  const auto it = by_node_.find(node);
  return it == by_node_.end() ? kNone : it->second;
}

}  // namespace ue
