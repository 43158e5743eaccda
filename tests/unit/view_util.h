// Hand-built fleet views for the status page and API tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "snapshot/fleet_view.h"

namespace ue::test {

inline std::shared_ptr<const ObjectView> object_view(Kind kind, std::string name, Upgrade upgrade,
                                                     double last_transition,
                                                     std::optional<double> phase_changed = std::nullopt) {
  auto view = std::make_shared<ObjectView>();
  view->kind = kind;
  view->name = std::move(name);
  view->upgrade = std::move(upgrade);
  view->last_transition = last_transition;
  view->phase_changed = phase_changed;
  return view;
}

}  // namespace ue::test
