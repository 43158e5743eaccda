// ISO-8601 durations and UTC timestamps, with the proleptic Gregorian
// calendar math the timestamps need; see time_formats.h.
#include "base/time_formats.h"

#include <cmath>
#include <cstddef>
#include <cstdio>

#include "base/schema_error.h"

namespace ue {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// The date of a day since 1970-01-01 (H. Hinnant's civil_from_days).
void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
}

bool is_leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(long long y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `width` digits at `pos`; false when any is not a digit.
bool fixed_digits(std::string_view text, std::size_t pos, std::size_t width, unsigned& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!is_digit(text[i])) return false;
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

}  // namespace

double parse_iso8601_duration(std::string_view text) {
  const auto fail = [] { throw_schema("duration", "ISO-8601 like PT1H2M3.5S"); };
  if (text.size() < 3 || text[0] != 'P') fail();
  // Designators must appear in this order, each at most once; D before 'T', the others after.
  static constexpr std::string_view kOrder = "DHMS";
  static constexpr double kSeconds[] = {86400, 3600, 60, 1};
  constexpr std::size_t kMaxNumberChars = 24;  // far beyond any real value; keeps junk out
  std::size_t next_unit = 0;
  bool in_time = false, time_has_unit = false;
  double total = 0;
  std::size_t i = 1;
  while (i < text.size()) {
    if (text[i] == 'T') {
      if (in_time) fail();
      in_time = true;
      next_unit = 1;
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) fail();
    bool has_fraction = false;
    if (i < text.size() && text[i] == '.') {
      has_fraction = true;
      const std::size_t fraction_start = ++i;
      while (i < text.size() && is_digit(text[i])) ++i;
      if (i == fraction_start) fail();
    }
    if (i >= text.size() || i - start > kMaxNumberChars) fail();
    const std::size_t unit = kOrder.find(text[i]);
    if (unit == std::string_view::npos || unit < next_unit || (unit == 0) == in_time) fail();
    if (has_fraction && text[i] != 'S') fail();
    total += parse_number_text(text.substr(start, i - start), "duration") * kSeconds[unit];
    time_has_unit = time_has_unit || in_time;
    next_unit = unit + 1;
    ++i;
  }
  if ((in_time && !time_has_unit) || next_unit == 0) fail();
  return total;
}

std::optional<double> parse_utc_timestamp(std::string_view text) {
  const auto fail = [] { throw_schema("timestamp", "UTC like 2022-10-31T18:48:39.781Z"); };
  // YYYY-MM-DDTHH:MM:SS, fixed positions.
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!fixed_digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' || !fixed_digits(text, 5, 2, month) ||
      text[7] != '-' || !fixed_digits(text, 8, 2, day) || text[10] != 'T' || !fixed_digits(text, 11, 2, hour) ||
      text[13] != ':' || !fixed_digits(text, 14, 2, minute) || text[16] != ':' || !fixed_digits(text, 17, 2, second))
    fail();
  std::size_t i = 19;
  double seconds = second;
  if (i < text.size() && text[i] == '.') {
    const std::size_t point = i++;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == point + 1 || i - point > 32) fail();
    seconds = parse_number_text(text.substr(17, i - 17), "timestamp");  // "SS.fff..."
  }
  long long offset_seconds = 0;
  if (i < text.size() && text[i] == 'Z') {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    unsigned offset_hours = 0, offset_minutes = 0;
    if (!fixed_digits(text, i + 1, 2, offset_hours) || i + 3 >= text.size() || text[i + 3] != ':' ||
        !fixed_digits(text, i + 4, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59)
      fail();
    offset_seconds = (text[i] == '-' ? -1 : 1) * static_cast<long long>(offset_hours * 3600 + offset_minutes * 60);
    i += 6;
  } else {
    fail();  // a timestamp without a zone is ambiguous
  }
  if (i != text.size()) fail();
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60)
    fail();
  if (year <= 1) return std::nullopt;  // 0001-01-01T00:00:00.000Z: "not set"
  const long long days = days_from_civil(year, month, day);
  const long long whole = days * 86400 + hour * 3600 + minute * 60 - offset_seconds;
  return static_cast<double>(whole) + seconds;
}

std::string format_rfc3339(double unix_seconds, SecondFraction fraction) {
  const auto millis = fraction == SecondFraction::none
                          ? static_cast<long long>(std::floor(unix_seconds)) * 1000
                          : static_cast<long long>(std::llround(unix_seconds * 1000));
  long long seconds = millis / 1000, ms = millis % 1000;
  if (ms < 0) {
    ms += 1000;
    seconds -= 1;
  }
  long long days = seconds / 86400, in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    days -= 1;
  }
  long long year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char text[48];
  int n = std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", year, month, day, in_day / 3600,
                        in_day / 60 % 60, in_day % 60);
  if (ms != 0 || fraction == SecondFraction::millis) n += std::snprintf(text + n, sizeof text - n, ".%03lld", ms);
  std::snprintf(text + n, sizeof text - n, "Z");
  return text;
}

}  // namespace ue
