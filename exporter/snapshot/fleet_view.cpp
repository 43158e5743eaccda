// view_objects: copies the objects that moved, shares the views of the rest.
#include "snapshot/fleet_view.h"

#include <unordered_map>

namespace ue {

std::vector<std::shared_ptr<const ObjectView>> view_objects(const Snapshot& snapshot, const TargetView* previous) {
  // Revisions are unique within a snapshot: an equal one is the same record,
  // so at fleet scale the idle objects are neither copied nor held twice.
  std::unordered_map<std::uint64_t, const std::shared_ptr<const ObjectView>*> unchanged;
  if (previous) {
    unchanged.reserve(previous->objects.size());
    for (const auto& object : previous->objects) unchanged.emplace(object->revision, &object);
  }
  std::vector<std::shared_ptr<const ObjectView>> out;
  out.reserve(snapshot.objects().size());
  for (const auto& [key, object] : snapshot.objects()) {
    if (auto it = unchanged.find(object.revision); it != unchanged.end()) {
      out.push_back(*it->second);
      continue;
    }
    auto view = std::make_shared<ObjectView>();
    view->kind = key.first;
    view->name = key.second;
    view->upgrade = object.upgrade;
    view->last_transition = object.last_transition;
    view->phase_changed = object.phase_changed;
    view->revision = object.revision;
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace ue
