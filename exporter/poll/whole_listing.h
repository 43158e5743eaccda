// What a kind listed whole (Source::whole) reads and exports, decided
// without any I/O: which known objects must be read by name, and which of
// the objects read this poll or known from before are kept.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "snapshot/snapshot.h"
#include "sources/source.h"

namespace ue {

// What one poll of a kind listed whole read.
struct WholeRead {
  std::vector<WholeObject> active;                // the objects under way
  std::optional<std::vector<WholeObject>> ended;  // the ended ones, when that list was due this poll
  std::vector<WholeObject> looked_up;             // read by name after leaving the active list
  std::vector<std::string> unread;                // to be read by name, but the read failed
};

// Known objects under way that neither the active list nor the ended one
// (when read) names any more: each is read once by name, to learn how it ended.
std::vector<std::string> vanished_objects(const WholeRead& read, const Snapshot& snapshot, Kind kind);

// Whether select_whole may keep `upgrade`: one under way, or one ended
// within `retention` of `now_unix` (one that does not say when it ended is not kept).
bool retained(const Upgrade& upgrade, Duration retention, double now_unix);

// Whether an object just read from one of the lists is worth holding until
// select_whole: one it may keep (selected and retained), or one the snapshot
// holds under way (vanished_objects must see it listed). The rest, thousands
// of long-ended objects, are let go as the answer streams past.
bool worth_holding(const WholeObject& object, const Snapshot& snapshot, Kind kind, const TargetConfig& target,
                   Duration retention, double now_unix);

struct WholeSelection {
  std::vector<WholeObject> fresh;   // read this poll: recorded
  std::vector<std::string> kept;    // known ended objects the ended list was not read for: vouched for
  std::vector<std::string> unread;  // keep their last values, until max_staleness
  std::size_t dropped = 0;          // selected, but over max_objects: not exported
};

// Keeps the objects the target selects, each name once: every object under
// way, and an ended one until `retention` after its end_time (one that does
// not say when it ended is not kept). Objects under way win the
// max_objects places, then the ended ones most recent first. The rest of
// the kind is to be dropped.
WholeSelection select_whole(WholeRead read, const Snapshot& snapshot, Kind kind, const TargetConfig& target,
                            Duration retention, double now_unix);

}  // namespace ue
