// What a successful listing means for the snapshot, decided without any I/O:
// which objects went away, which are read this poll and which are vouched
// for by the listing alone.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"  // Duration
#include "snapshot/snapshot.h"
#include "sources/source.h"

namespace ue {

struct ListingPlan {
  std::vector<std::string> gone;             // known, but no longer listed: dropped at once
  std::vector<const ListedObject*> due;      // read this poll
  std::vector<const ListedObject*> vouched;  // listed unchanged: their last read still holds
};

// Upgrading objects are read every poll; the rest when first seen, when their
// listing status changes, or when their idle re-read is due. The plan points
// into `listed`.
ListingPlan plan_listing(const Listing& listing, Kind kind, const std::vector<ListedObject>& listed,
                         const Snapshot& snapshot, SteadyTime now);

// When an object read at `now` is next re-read while idle. The first read
// schedules it at a point of the interval of its own (from a hash of its
// name), so ten thousand objects seen at start are not all re-read an
// interval later at once.
SteadyTime next_idle_read(const std::string& name, bool first_read, Duration idle_interval, SteadyTime now);

}  // namespace ue
