// Hand-built fleet views for the status page and API tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/history.h"
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

// A past upgrade that took `domain_seconds` per domain; `end` absent: still running.
inline PastUpgrade past_upgrade(std::string from, std::string to, double start, std::optional<double> end,
                                UpgradeOutcome outcome, const std::vector<double>& domain_seconds) {
  PastUpgrade upgrade;
  upgrade.from_version = std::move(from);
  upgrade.to_version = std::move(to);
  upgrade.start = start;
  upgrade.end = end;
  upgrade.outcome = outcome;
  upgrade.rollback_started = outcome == UpgradeOutcome::rolled_back;
  if (end) upgrade.duration = *end - start;
  double at = start;
  for (const double seconds : domain_seconds) {
    at += seconds;
    upgrade.domains.push_back({.end = at, .seconds = seconds, .rolling_back = false});
  }
  return upgrade;
}

// `view` with a history read at `read_at`.
inline std::shared_ptr<const ObjectView> with_history(const std::shared_ptr<const ObjectView>& view,
                                                      ObjectHistory history, double read_at) {
  auto copy = std::make_shared<ObjectView>(*view);
  copy->history = std::make_shared<const ObjectHistory>(std::move(history));
  copy->read_at = read_at;
  return copy;
}

}  // namespace ue::test
