// Everything known about one target's objects: the last upgrade read for
// each, when it last changed, and when it is next due. Owned and mutated by
// that target's poller thread only; the renderer reads it on the same thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/clock.h"
#include "model/history.h"
#include "model/upgrade.h"

namespace ue {

struct ObjectState {
  Upgrade upgrade;
  double last_transition = 0;  // Unix seconds: when the upgrade last moved (is_transition)
  // Unix seconds: when a read's phase last differed from the one before it;
  // absent until that happens (a first read is no change of phase).
  std::optional<double> phase_changed;
  double read_at = 0;  // Unix seconds: when `upgrade` was read (the completion forecast counts from it)
  // Its past upgrades (cluster and application objects of service_fabric
  // targets whose history is read); null when there is none.
  std::shared_ptr<const ObjectHistory> history;
  // New at every record() and set_history(): the renderer re-renders an object only when it moved.
  std::uint64_t revision = 0;
  SteadyTime confirmed{};      // last time a poll vouched for these values (read, or listed unchanged)
  // Listed kinds only: what the listing said, and when an idle object is next re-read.
  std::string listing_status;
  SteadyTime next_read{};
};

using ObjectKey = std::pair<Kind, std::string>;  // (kind, name)

class Snapshot {
 public:
  // Stores a fresh read. The transition time is the upstream's own when the
  // read carries one (Upgrade::transition_time); else it is set at the first
  // read (first_transition) and moves when is_transition says the read differs;
  // phase_changed moves when the normalized phase does.
  ObjectState& record(Kind kind, const std::string& name, Upgrade upgrade, double now_unix, SteadyTime now);

  // Attaches an object's history; a different one is a new revision, so the
  // page, the API and /metrics show it. False when the object is not held.
  bool set_history(Kind kind, const std::string& name, std::shared_ptr<const ObjectHistory> history);

  ObjectState* find(Kind kind, const std::string& name);
  const ObjectState* find(Kind kind, const std::string& name) const;
  void erase(Kind kind, const std::string& name) { objects_.erase({kind, name}); }

  // Calls fn(name, object) for each object of `kind`, in name order.
  template <class Fn>
  void for_each(Kind kind, Fn fn) const {
    for (auto it = objects_.lower_bound({kind, std::string()}); it != objects_.end() && it->first.first == kind; ++it)
      fn(it->first.second, it->second);
  }

  // Drops objects of `kind` for which `keep(name)` is false; returns how many.
  template <class Keep>
  std::size_t retain(Kind kind, Keep keep) {
    std::size_t dropped = 0;
    for (auto it = objects_.lower_bound({kind, std::string()}); it != objects_.end() && it->first.first == kind;) {
      if (keep(it->first.second)) {
        ++it;
      } else {
        it = objects_.erase(it);
        ++dropped;
      }
    }
    return dropped;
  }

  // Drops objects whose values nobody vouched for within `max_staleness`.
  void expire(SteadyTime now, std::chrono::milliseconds max_staleness);

  std::size_t count(Kind kind) const;
  const std::map<ObjectKey, ObjectState>& objects() const { return objects_; }

 private:
  std::map<ObjectKey, ObjectState> objects_;  // ordered: stable, diff-friendly /metrics
  std::uint64_t last_revision_ = 0;
};

// True when two reads of the same object differ in what the stall signal
// watches: the state, the progress, the current domain, its nodes' phases,
// the set of pending safety checks, the health-check phase and its retry
// flips, and the number of unhealthy evaluations.
bool is_transition(const Upgrade& before, const Upgrade& after);
// The transition time of an object seen for the first time at `now_unix`:
// now − HealthCheckElapsedTime for an upgrade in progress that reports a
// health-check phase, else now.
double first_transition(const Upgrade& upgrade, double now_unix);

}  // namespace ue
