// What a target's poller keeps from one poll to the next. Owned by the
// poller's thread; the poll round reads and updates it.
#pragma once

#include <cstddef>
#include <map>

#include "poll/upstream_fetcher.h"  // Memo
#include "snapshot/snapshot.h"

namespace ue {

struct TargetState {
  Snapshot snapshot;
  Memo memo;
  SteadyTime memo_expires{};  // negotiated settings are re-checked: a cluster may have been upgraded since
  std::map<Kind, SteadyTime> absent_until;     // kinds the upstream does not serve, and when to ask again
  std::map<Kind, std::size_t> dropped_before;  // objects over max_objects at the last listing, per kind
  std::map<Kind, SteadyTime> ended_due;        // kinds listed whole: when their ended objects are next read

  // Forgets everything about a kind the target no longer collects.
  void forget(Kind kind);
};

}  // namespace ue
