#include "unit_walk.h"

#include <algorithm>
#include <cmath>

namespace sim {
namespace {

bool is_node_by_node(const SfObject& o) { return o.mode == "UnmonitoredDeferred"; }

// What is upgraded one at a time: upgrade domains, or nodes for node-by-node upgrades.
std::vector<std::string> unit_names(const SfObject& o) {
  if (!is_node_by_node(o)) return o.domains;
  std::vector<std::string> nodes;
  for (int d = 0; d < static_cast<int>(o.domains.size()); ++d)
    for (int j = 0; j < o.nodes_per_domain; ++j) nodes.push_back(node_name(o, d, j));
  return nodes;
}

Micros scaled(Micros d, double fraction) { return Micros(static_cast<std::int64_t>(double(d.count()) * fraction)); }

// Health-check phase `h` (0..1) through a check lasting `length`; an open-ended
// check (length zero) stays in WaitDuration for `open_elapsed`.
void set_health_check(Walk& w, double h, Micros length, Micros open_elapsed, bool unhealthy) {
  bool open_ended = length == Micros(0);
  w.health_retry = unhealthy;
  w.health_phase = unhealthy ? "Retry" : (open_ended || h < 0.5) ? "WaitDuration" : "StableDuration";
  w.health_elapsed = open_ended ? open_elapsed : scaled(length, (unhealthy || h < 0.5) ? h : h - 0.5);
}

}  // namespace

std::string_view unit_state_name(UnitState s) {
  switch (s) {
    case UnitState::Pending: return "Pending";
    case UnitState::InProgress: return "InProgress";
    case UnitState::Completed: return "Completed";
    case UnitState::Failed: return "Failed";
  }
  return "Invalid";
}

std::string node_name(const SfObject& o, int domain, int j) {
  return "_Node_" + std::to_string(domain * o.nodes_per_domain + j);
}

Walk walk_units(const SfObject& o, const Moment& m) {
  Walk w;
  w.node_by_node = is_node_by_node(o);
  if (!m.step) {  // never upgraded: no domains are reported
    w.state = o.kind == Kind::compose_deployment ? "Invalid" : "RollingForwardCompleted";
    return w;
  }
  w.state = m.step->state;
  w.units = unit_names(o);
  const int n = static_cast<int>(w.units.size());
  const double pos = std::clamp(m.progress, 0.0, 1.0) * n;
  const auto per_unit = time_per_unit(m, n);
  auto in_unit = [&](double fraction) { return per_unit ? scaled(*per_unit, fraction) : m.into_step; };
  const bool monitored = o.mode == "Monitored" && !w.node_by_node;
  const bool unhealthy = m.step->unhealthy;
  const std::string& s = m.step->state;
  // A blocked step holds the walk at the start of its unit, before any node goes down.
  const bool blocked = !m.step->blocked_on.empty();

  if (s == "RollingForwardInProgress") {
    int i = std::min(n, static_cast<int>(std::floor(pos + 1e-9)));
    double f = std::max(0.0, pos - i);
    w.completed = i;
    if (i < n && monitored && f >= kUpgradeShare && !blocked) {
      // The domain is done; health checks run before the next one starts.
      w.state = "RollingForwardPending";
      w.completed = i + 1;
      w.next = i + 1 < n ? i + 1 : -1;
      double h = (f - kUpgradeShare) / (1 - kUpgradeShare);
      Micros check_length = per_unit ? scaled(*per_unit, 1 - kUpgradeShare) : Micros(0);
      set_health_check(w, h, check_length, m.into_step, unhealthy);
      w.unit_elapsed = in_unit(f - kUpgradeShare);
    } else if (i < n) {
      w.current = i;
      w.next = i + 1 < n ? i + 1 : -1;
      w.unit_fraction = blocked ? 0 : monitored ? f / kUpgradeShare : f;
      w.unit_elapsed = in_unit(f);
    }
  } else if (is_rolling_back(o.kind, s)) {
    // Rolling back undoes domains last-first: completed ones return to Pending.
    int c = static_cast<int>(std::ceil(pos - 1e-9)) - 1;
    w.completed = std::max(c, 0);
    if (c >= 0) {
      w.current = c;
      w.unit_fraction = blocked ? 0 : c + 1 - pos;
      w.unit_elapsed = in_unit(c + 1 - pos);
    }
  } else if (s == "Failed") {
    w.completed = std::min(n, static_cast<int>(std::floor(pos + 1e-9)));
    if (w.completed < n) w.current = w.completed;
  } else {
    w.completed = static_cast<int>(std::lround(pos));
    if (s == "RollingForwardPending") {
      w.next = w.completed < n ? w.completed : -1;
      w.unit_elapsed = m.into_step;
      if (monitored) {
        double h = m.step_length ? std::min(1.0, double(m.into_step.count()) / double(m.step_length->count())) : 0;
        set_health_check(w, h, m.step_length.value_or(Micros(0)), m.into_step, unhealthy);
      }
    }
  }

  if (blocked && w.current >= 0) w.blocked_on = m.step->blocked_on;
  for (int u = 0; u < n; ++u) {
    if (u == w.current) {
      w.unit_states.push_back(s == "Failed" ? UnitState::Failed : UnitState::InProgress);
    } else {
      w.unit_states.push_back(u < w.completed ? UnitState::Completed : UnitState::Pending);
    }
  }
  return w;
}

}  // namespace sim
