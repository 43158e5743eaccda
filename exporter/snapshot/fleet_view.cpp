// view_objects: copies the objects that moved, shares the views of the rest.
#include "snapshot/fleet_view.h"

#include "snapshot/reuse_by_revision.h"

namespace ue {

std::vector<std::shared_ptr<const ObjectView>> view_objects(const Snapshot& snapshot, const TargetView* previous) {
  return reuse_by_revision(snapshot, previous ? &previous->objects : nullptr,
                           [](const ObjectKey& key, const ObjectState& object) {
                             auto view = std::make_shared<ObjectView>();
                             view->kind = key.first;
                             view->name = key.second;
                             view->upgrade = object.upgrade;
                             view->last_transition = object.last_transition;
                             view->phase_changed = object.phase_changed;
                             view->read_at = object.read_at;
                             view->history = object.history;
                             view->revision = object.revision;
                             return view;
                           });
}

}  // namespace ue
