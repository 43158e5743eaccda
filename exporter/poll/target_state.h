// What a target's poller keeps from one poll to the next. Owned by the
// poller's thread; the poll round reads and updates it.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>

#include "config/config.h"  // HistorySettings
#include "poll/upstream_fetcher.h"  // Memo
#include "snapshot/snapshot.h"

namespace ue {

// A service_fabric target's upgrade history between polls: the EventStore's
// events and when it is next read, and what the exporter saw of each object.
struct TargetHistory {
  HistorySettings settings;  // what the schedule below was made for; a reload that changes it starts over
  HistoryLog log;
  std::optional<double> read_until;   // Unix end of the last read of the store that succeeded
  std::optional<SteadyTime> next_read;  // when the store is next read; unset: at this poll
  bool store_answered = false;        // the store's history is shown (its last read succeeded, or failed but not 4xx lately)
  bool store_failing = false;         // the last read failed (and was logged)
  bool log_changed = false;           // since `from_store` was built
  std::map<HistoryObject, std::shared_ptr<const ObjectHistory>> from_store;  // built from the log
  struct Observed {
    ObservedHistory history;
    double fed_at = -1;  // read_at of the last read it was fed
    std::shared_ptr<const ObjectHistory> built;
  };
  std::map<ObjectKey, Observed> observed;  // cluster and application objects held by the snapshot

  // Forgets what the store said; the observed histories stay.
  void forget_store();
};

struct TargetState {
  Snapshot snapshot;
  Memo memo;
  SteadyTime memo_expires{};  // negotiated settings are re-checked: a cluster may have been upgraded since
  std::map<Kind, SteadyTime> absent_until;     // kinds the upstream does not serve, and when to ask again
  std::map<Kind, std::size_t> dropped_before;  // objects over max_objects at the last listing, per kind
  std::map<Kind, SteadyTime> ended_due;        // kinds listed whole: when their ended objects are next read
  TargetHistory history;

  // Forgets everything about a kind the target no longer collects.
  void forget(Kind kind);
};

}  // namespace ue
