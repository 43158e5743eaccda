// Text formats the simulated APIs speak: .NET TimeSpan-style ISO-8601
// durations, UTC timestamps with milliseconds, GUIDs, and the Prometheus-style
// durations the scenario file and flags use.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sim {

using Micros = std::chrono::microseconds;
using WallClock = std::chrono::system_clock;

// Service Fabric's "not set" timestamp (no failure, never upgraded).
inline constexpr std::string_view kUnsetTimestamp = "0001-01-01T00:00:00.000Z";
// TimeSpan.MaxValue: Service Fabric's "infinite" policy timeout.
inline constexpr std::string_view kInfiniteDuration = "P10675199DT2H48M5.4775807S";

// "PT0H10M0.1752S"; days appear only when needed ("P1DT2H0M0S"). The hour and
// minute parts are always present, as the runtime writes them. Negative → zero.
std::string iso_duration(Micros d);

// Parses P[nD][T[nH][nM][n[.f]S]] (hours, minutes and seconds may be fractional).
std::optional<Micros> parse_iso_duration(std::string_view text);

// What Service Fabric accepts in request bodies: ISO-8601 or a plain count of milliseconds.
std::optional<Micros> parse_sf_duration(std::string_view text);

// "2022-10-31T18:48:39.781Z".
std::string utc_timestamp(WallClock::time_point t);

// An EventStore TimeStamp: "2026-11-28T17:01:51Z", or with .NET's seven
// fraction digits ("2026-11-28T17:01:51.1234567Z") unless `whole_second`.
std::string event_timestamp(WallClock::time_point t, bool whole_second);

// What the EventStore takes for StartTimeUtc and EndTimeUtc: exactly
// "yyyy-MM-ddTHH:mm:ssZ" (no fraction), or a whole number of .NET ticks
// (100 ns since 0001-01-01). The time since the Unix epoch; anything else is nullopt.
std::optional<Micros> parse_event_query_time(std::string_view text);

// A GUID ("8-4-4-4-12" hex digits) that is a pure function of `seed`, so
// every poll sees the same partition ids and build ids.
std::string stable_guid(std::string_view seed);

// Prometheus-style: "500ms", "30s", "1h30m", "0". A leading '-' is allowed
// (scenario start offsets may lie before the simulation began).
std::optional<Micros> parse_duration(std::string_view text);

}  // namespace sim
