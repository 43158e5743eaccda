// The upstream's time formats as plain text: ISO-8601 durations and UTC
// timestamps (read, and written for the status API). Malformed text throws
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

// Unix seconds → RFC 3339 in UTC: "2026-12-02T03:04:05Z", with ".781" when
// the time has milliseconds. The inverse of parse_utc_timestamp.
std::string format_utc_timestamp(double unix_seconds);

}  // namespace ue
