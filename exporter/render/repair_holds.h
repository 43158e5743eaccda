// Which repair tasks under way hold which node of a target: the status
// page's node rows and the API's `held_by` both ask this of one target.
#pragma once

#include <string_view>
#include <unordered_map>
#include <vector>

#include "snapshot/fleet_view.h"

namespace ue {

// A repair task under way: of kind repair_task and not Completed (in progress).
bool is_active_repair_task(const ObjectView& object);

class NodeHolders {
 public:
  // Views into `target`'s objects: it must outlive this.
  explicit NodeHolders(const TargetView& target);
  explicit NodeHolders(const TargetView&& target) = delete;

  // The active repair tasks on the target whose nodes include `node`, in
  // snapshot order (by TaskId); empty when none does.
  const std::vector<const ObjectView*>& of(std::string_view node) const;
  bool empty() const { return by_node_.empty(); }

 private:
  std::unordered_map<std::string_view, std::vector<const ObjectView*>> by_node_;
};

}  // namespace ue
