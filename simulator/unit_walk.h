// The upgrade-domain walk: which domains (or, node by node, which nodes) are
// done, which one is upgrading and how far, and the health check between them,
// at one Moment of an object's script. Pure; the bodies are built from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario.h"
#include "timeline.h"

namespace sim {

// Within a domain's upgrade: safety checks first, then the upgrade, then post-upgrade checks.
inline constexpr double kUpgradingFrom = 0.4, kPostUpgradeFrom = 0.8;
// Monitored upgrades spend this share of each domain's time upgrading it; the
// rest is the health check (RollingForwardPending) before the next domain.
inline constexpr double kUpgradeShare = 0.6;

enum class UnitState { Pending, InProgress, Completed, Failed };
std::string_view unit_state_name(UnitState s);

// "_Node_<n>": node `j` of upgrade domain number `domain`.
std::string node_name(const SfObject& o, int domain, int j);

// An upgrade-domain (or node-by-node unit) walk at one moment.
struct Walk {
  std::string state;        // upstream state; RollingForwardPending during a Monitored health check
  std::vector<std::string> units;
  std::vector<UnitState> unit_states;
  int completed = 0;
  int current = -1;         // unit being upgraded, rolled back, or that failed
  int next = -1;            // NextUpgradeDomain
  double unit_fraction = 0; // how far the current unit is, 0..1
  Micros unit_elapsed{0};   // time in the current domain
  std::string health_phase = "Invalid";
  Micros health_elapsed{0};
  bool health_retry = false;
  bool node_by_node = false;
  std::string blocked_on;   // the safety check that holds the current unit at its start; empty: none
};

Walk walk_units(const SfObject& o, const Moment& m);

}  // namespace sim
