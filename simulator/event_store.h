// The simulated EventStore: the upgrade history of the cluster and of the
// scripted applications, as GET /EventsStore/Cluster/Events and
// /EventsStore/Applications/Events answer it. About seven days of past
// upgrades made up once from the scenario (event_history.h), then what the
// scripts play, derived at each query (event_play.h). Immutable once built,
// so it needs no lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"
#include "scenario.h"
#include "timeline.h"

namespace sim {

// One event before it is written out.
struct StoredEvent {
  SimTime time{0};
  bool whole_second = false;  // TimeStamp without a fraction, as some records carry it
  std::string kind;           // "ClusterUpgradeStarted", ...
  std::string instance_id;    // EventInstanceId: one for every event of one upgrade
  std::string category = "Upgrade";
  bool correlated = false;    // HasCorrelatedEvents
  Json fields = Json::object();  // the kind's own fields; ApplicationId first for application events
};

// Where the events are asked for: /EventsStore/Cluster or /EventsStore/Applications.
enum class EventEntity { cluster, applications };
std::string_view entity_name(EventEntity entity);  // "Cluster", "Application" (as the store's errors say)

// The kinds the store knows for an entity, upgrade-related or not.
const std::vector<std::string_view>& known_event_kinds(EventEntity entity);

// EventsTypesFilter parsed: empty means every kind. A listed name matches a
// kind case-insensitively, with or without an "Event" suffix (as the store's
// own model type names end). The first unknown name (maybe empty) is in `unknown` (400).
struct EventKindFilter {
  std::vector<std::string> kinds;
  std::optional<std::string> unknown;
};
EventKindFilter parse_event_kind_filter(std::string_view text, EventEntity entity);

// A query: events with start <= TimeStamp <= end, of the filter's kinds.
struct EventQuery {
  SimTime start{0};
  SimTime end{0};
  std::vector<std::string> kinds;  // empty: all
};

// How long the store keeps events, from the current simulated time.
inline constexpr Micros kEventRetention = std::chrono::hours(24 * 7);

class EventStore {
 public:
  // `objects`: the scenario's (the cluster and the applications are read). `epoch` is kept to the microsecond.
  EventStore(std::vector<SfObject> objects, std::uint64_t seed, WallClock::time_point epoch);

  // The bare JSON array, oldest first, of what `query` selects at simulated time `now`.
  Json events(EventEntity entity, SimTime now, const EventQuery& query) const;

 private:
  std::vector<StoredEvent> played(EventEntity entity, SimTime now, const EventQuery& query) const;
  Json write(const std::vector<const StoredEvent*>& events) const;

  std::vector<SfObject> objects_;  // the cluster and the scripted applications
  WallClock::time_point epoch_;
  std::uint64_t seed_;
  std::vector<StoredEvent> past_cluster_, past_applications_;  // oldest first
};

}  // namespace sim
