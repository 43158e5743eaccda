// The made-up past the EventStore holds at start-up: about seven days of
// upgrades of one object, ending before its first played run, the last of
// them completing to the version the scenario starts it at. Domain times
// vary (a few sub-second, a few of a quarter hour), some attempts roll back
// and are retried, the cluster re-announces its upgrades, and health
// reports are mixed in. Deterministic in (seed, object).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "event_store.h"

namespace sim {

// How far back the history reaches from the simulation's start.
inline constexpr Micros kHistorySpan = std::chrono::hours(24 * 7) - std::chrono::hours(1);

// The events of `o`'s past upgrades, all before `before`, oldest first.
std::vector<StoredEvent> past_upgrades(const SfObject& o, std::uint64_t seed, SimTime before);

// A version older than `version` by `builds` (a cluster's build number, the
// last part of other versions): "10.0.2226.9590" → "10.0.2190.9590", "5.0.0" → "4.9.9".
std::string previous_version(const std::string& version, int builds);

}  // namespace sim
