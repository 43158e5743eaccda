// Service Fabric's EventStore, read for upgrade history: the request paths
// and the parse of one event. Bodies are JSON arrays of events, possibly
// thousands, so the caller hands over one element at a time as a streaming
// parse finishes it; parse_history_events takes a whole array, for tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_fields.h"
#include "model/history.h"

namespace ue {

// Limits on an event's text: real values are far shorter (GUIDs, versions,
// enum names); a longer one is a schema error, so the log stays small.
// One answer of the store may hold tens of thousands of events (~350 bytes of
// JSON each). It is streamed, one event at a time, so the memory it costs is
// the log's (kMaxHistoryEvents), not the body's: the read's body limit is its
// own, at least this, not the 16 MiB default of max_response_bytes. One event
// is small, and no element may pass kMaxHistoryElementBytes.
inline constexpr std::uint64_t kMinHistoryBodyBytes = 256ull << 20;
inline constexpr std::uint64_t kMaxHistoryElementBytes = 64ull << 10;
// The body limit of a read of the store: max(max_response_bytes, kMinHistoryBodyBytes).
constexpr std::uint64_t history_body_limit(std::uint64_t max_response_bytes) {
  return max_response_bytes > kMinHistoryBodyBytes ? max_response_bytes : kMinHistoryBodyBytes;
}

inline constexpr std::size_t kMaxEventTextBytes = 256;          // ids, versions, FailureReason
inline constexpr std::size_t kMaxEventObjectBytes = 1024;       // ApplicationId
inline constexpr std::size_t kMaxEventDomainListBytes = 1024;   // UpgradeDomains
// No upgrade or domain takes a year: an elapsed time beyond this is hostile.
inline constexpr double kMaxEventElapsedSeconds = 366 * 86400.0;
// A TimeStamp outside [2000-01-01, 2200-01-01) is not the store's (it keeps about 7 days).
inline constexpr double kEarliestEventUnix = 946684800;
inline constexpr double kLatestEventUnix = 7258118400;

// GET /EventsStore/Cluster/Events and /EventsStore/Applications/Events over
// [start, end] (Unix seconds, sent in whole seconds), filtered to the upgrade
// kinds history reads. api-version 6.4: some runtimes refuse 6.2-preview.
std::string cluster_events_path(double start_unix, double end_unix);
std::string application_events_path(double start_unix, double end_unix);

// "shop~orders" → "fabric:/shop/orders", the `name` label of kind application.
// A name already in "fabric:/" form is kept.
std::string application_name_from_id(std::string_view id);

// One element of an EventStore array. Cluster* and Application* upgrade
// events (Started, DomainCompleted, Completed, RollbackStarted,
// RollbackCompleted) → the event; any other Kind, or none → nullopt. Throws
// SourceError{Reason::schema} for an element that is not an object, a field
// of the wrong type, a missing or absurd TimeStamp, a missing ApplicationId
// on an application event, a negative or huge elapsed time, or text beyond
// the limits above. Fields the reference knows only from fixtures
// (UpgradeDomains, elapsed times as numeric text) are read leniently.
std::optional<HistoryEvent> parse_history_event(const Json& element);

// A whole EventStore body (a JSON array): every upgrade event, in body order.
// Throws SourceError (parse, or schema for the first bad element).
std::vector<HistoryEvent> parse_history_events(std::string_view body);

}  // namespace ue
