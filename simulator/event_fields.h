// The EventStore's upgrade events, field by field, for the cluster
// (ClusterUpgrade*) or an application (ApplicationUpgrade*, with its
// ApplicationId), and the health reports mixed in among them. The past
// (event_history) and the played (event_play) events are both made here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "event_store.h"

namespace sim {

// What every event of one upgrade attempt shares.
struct UpgradeAttempt {
  const SfObject* object = nullptr;
  std::string instance_id;  // EventInstanceId, the same on every event of the attempt
  std::string from;         // the version it upgrades from (and a rollback returns to)
  std::string to;           // the version it upgrades to
  std::string mode;         // RollingUpgradeMode
};

StoredEvent upgrade_started(const UpgradeAttempt& a, SimTime t);
// `domains`: "(UD_2)"; `elapsed`: the domain's time, written in milliseconds with a fraction.
StoredEvent domain_completed(const UpgradeAttempt& a, SimTime t, const std::string& domains, Micros elapsed);
StoredEvent upgrade_completed(const UpgradeAttempt& a, SimTime t, Micros overall);
// Rollback events name the version they return to (`a.from`) as the target, as real payloads do.
StoredEvent rollback_started(const UpgradeAttempt& a, SimTime t, const std::string& reason, Micros overall);
StoredEvent rollback_completed(const UpgradeAttempt& a, SimTime t, const std::string& reason, Micros overall);
// ClusterNewHealthReport or ApplicationNewHealthReport, Category "Health": not upgrade events.
StoredEvent health_report(const SfObject& o, SimTime t, const std::string& health_state, const std::string& description,
                          std::int64_t sequence);

// What an upgrade walks one at a time: domains, or nodes node by node (as the progress routes list them).
std::vector<std::string> upgrade_units(const SfObject& o);

// "(UD_2)": how UpgradeDomains names the domains an event covers.
std::string domains_text(const std::string& unit);

}  // namespace sim
