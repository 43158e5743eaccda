// Upgrade history on the poller's side: when a service_fabric target's
// EventStore is read and over which times, and which history each cluster and
// application object carries after a poll (the store's, or what the exporter
// saw itself when the store is off, absent or failing).
#pragma once

#include <string_view>

#include "base/clock.h"
#include "config/config.h"
#include "poll/target_state.h"
#include "poll/upstream_fetcher.h"

namespace ue {

// The endpoint label of the EventStore's requests (both of them).
inline constexpr std::string_view kHistoryEndpoint = "history";
// Each read after the first starts this long before the last one ended: an
// event the store indexed late is still read, and the log drops the repeats.
inline constexpr double kHistoryOverlapSeconds = 5 * 60;

// A service_fabric target that collects the cluster or applications.
bool keeps_history(const TargetConfig& target);
// Whether this poll reads the store: history is enabled and its interval has
// come (at once at the first poll, and at the first after a reload that
// changed `history`, which starts the schedule over and reads the whole window).
bool history_store_due(const TargetConfig& target, TargetHistory& history, SteadyTime now);
// Reads the store into the target's log, from the start of the window (the
// first read) or the last read's end less the overlap, to now. Each request
// is counted under `history`; an event with a hostile field is skipped and
// counted once per request as a `schema` error. The next read is due an
// interval from now whatever happens. Returns false when a request failed.
bool read_event_store(UpstreamFetcher& fetcher, const TargetConfig& target, TargetHistory& history,
                      double now_unix, SteadyTime now);
// After a poll: feeds each cluster and application object's fresh read to its
// observed history, forgets the objects that went, and attaches to each
// object its history (a new pointer only when it changed).
void attach_histories(const TargetConfig& target, TargetState& state, double now_unix);

}  // namespace ue
