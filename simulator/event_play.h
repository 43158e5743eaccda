// The EventStore events of what an object's script plays: Started when a
// run begins, DomainCompleted as each domain (or node) is done, then
// Completed, or RollbackStarted and RollbackCompleted. Pure functions of the
// script; the times agree with what the progress routes report.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "event_store.h"

namespace sim {

// When the run an object reports at time zero began (its current or last
// upgrade; the first one to come if none has begun). Unset when its script
// never upgrades. The made-up history ends before it.
std::optional<SimTime> first_played_run(const SfObject& o);

// Appends the events of every run from first_played_run on whose cycle
// overlaps [from, to]; events outside [from, to] may be among them.
void play_events(const SfObject& o, std::uint64_t seed, SimTime from, SimTime to, std::vector<StoredEvent>& out);

}  // namespace sim
