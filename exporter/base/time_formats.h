// Time as text: the upstream's ISO-8601 durations and UTC timestamps, and
// RFC 3339 as the exporter writes it (status API, status page, logs). Malformed text throws
// SourceError{Reason::schema}.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ue {

// "PT0H10M0.1752S", "P10675199DT2H48M5.4775807S", "P1D", "PT5M" → seconds.
// Accepts a day part and an hour/minute/second time part (fraction on seconds
// only); throws schema on anything else.
double parse_iso8601_duration(std::string_view text);

// Longer than this is "infinite" (TimeSpan.MaxValue is ~29 000 years).
inline constexpr double kInfiniteDurationSeconds = 100 * 365.25 * 86400;
inline bool is_infinite_duration(double seconds) { return seconds > kInfiniteDurationSeconds; }

// "2022-10-31T18:48:39.781Z" or with a ±HH:MM offset → Unix seconds.
// Years ≤ 1 (the "not set" sentinel) → nullopt; malformed → schema error.
std::optional<double> parse_utc_timestamp(std::string_view text);

// How an RFC 3339 time shows the fraction of its second.
enum class SecondFraction {
  millis_when_set,  // ".781" only when the time has milliseconds (the status API)
  millis,           // always ".781" (log lines, as the Go exporters print them)
  none,             // whole seconds, rounded down (the status page)
};

// Unix seconds → RFC 3339 in UTC: "2026-12-02T03:04:05Z". With the default
// fraction, the inverse of parse_utc_timestamp. The exporter's one formatter.
std::string format_rfc3339(double unix_seconds, SecondFraction fraction = SecondFraction::millis_when_set);

}  // namespace ue
