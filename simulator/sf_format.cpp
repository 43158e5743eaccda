#include "sf_format.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>

namespace sim {
namespace {

// Reads a non-negative decimal ("12", "0.1752") at `text`, advancing it.
std::optional<double> take_number(std::string_view& text) {
  size_t i = 0;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
  }
  if (!digits) return std::nullopt;
  double value = std::stod(std::string(text.substr(0, i)));
  text.remove_prefix(i);
  return value;
}

std::optional<Micros> to_micros(double seconds) {
  double us = std::round(seconds * 1e6);
  if (!std::isfinite(us) || std::fabs(us) > 9.0e18) return std::nullopt;
  return Micros(static_cast<std::int64_t>(us));
}

}  // namespace

std::string iso_duration(Micros d) {
  std::int64_t us = std::max<std::int64_t>(0, d.count());
  const std::int64_t kMinute = 60'000'000, kHour = 60 * kMinute, kDay = 24 * kHour;
  std::int64_t days = us / kDay, hours = us % kDay / kHour, minutes = us % kHour / kMinute;
  std::int64_t whole_seconds = us % kMinute / 1'000'000, fraction = us % 1'000'000;

  std::string out = "P";
  if (days > 0) out += std::to_string(days) + "D";
  out += "T" + std::to_string(hours) + "H" + std::to_string(minutes) + "M" + std::to_string(whole_seconds);
  if (fraction > 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 6 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "S";
}

std::optional<Micros> parse_iso_duration(std::string_view text) {
  if (text.empty() || text.front() != 'P') return std::nullopt;
  text.remove_prefix(1);
  double seconds = 0;
  bool any = false, in_time = false;
  // Units allowed so far, in order; each may appear at most once.
  std::string_view date_units = "D", time_units = "HMS";
  while (!text.empty()) {
    if (text.front() == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      text.remove_prefix(1);
      if (text.empty()) return std::nullopt;
      continue;
    }
    auto number = take_number(text);
    if (!number || text.empty()) return std::nullopt;
    char unit = text.front();
    text.remove_prefix(1);
    std::string_view& allowed = in_time ? time_units : date_units;
    auto at = allowed.find(unit);
    if (at == std::string_view::npos) return std::nullopt;
    allowed.remove_prefix(at + 1);
    static constexpr auto scale = [](char u) {
      switch (u) {
        case 'D': return 86400.0;
        case 'H': return 3600.0;
        case 'M': return 60.0;
        default: return 1.0;
      }
    };
    seconds += *number * scale(unit);
    any = true;
  }
  if (!any) return std::nullopt;
  return to_micros(seconds);
}

std::optional<Micros> parse_sf_duration(std::string_view text) {
  if (!text.empty() && text.front() == 'P') return parse_iso_duration(text);
  if (text.empty() || text.size() > 15) return std::nullopt;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return Micros(std::stoll(std::string(text)) * 1000);
}

std::string utc_timestamp(WallClock::time_point t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - std::int64_t(seconds) * 1000));
  return buf;
}

std::string event_timestamp(WallClock::time_point t, bool whole_second) {
  const auto ticks = std::chrono::floor<std::chrono::nanoseconds>(t.time_since_epoch()).count() / 100;
  const std::int64_t seconds = ticks >= 0 ? ticks / 10'000'000 : (ticks - 9'999'999) / 10'000'000;
  const std::time_t whole = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (!whole_second)
    std::snprintf(buf + n, sizeof buf - n, ".%07lld", static_cast<long long>(ticks - seconds * 10'000'000));
  return std::string(buf) + "Z";
}

std::optional<Micros> parse_event_query_time(std::string_view text) {
  // .NET ticks at the Unix epoch, and DateTime.MaxValue's.
  constexpr std::int64_t kUnixEpochTicks = 621'355'968'000'000'000, kMaxTicks = 3'155'378'975'999'999'999;
  std::int64_t ticks = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ticks);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
    if (ticks < 0 || ticks > kMaxTicks) return std::nullopt;
    return Micros((ticks - kUnixEpochTicks) / 10);
  }
  // yyyy-MM-ddTHH:mm:ssZ, nothing more and nothing less.
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (size_t i = 0; i < kShape.size(); ++i) {
    const bool ok = kShape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(text[i])) != 0 : text[i] == kShape[i];
    if (!ok) return std::nullopt;
  }
  auto field = [&](size_t at, size_t width) { return std::stoi(std::string(text.substr(at, width))); };
  const int year = field(0, 4), month = field(5, 2), day = field(8, 2);
  const int hour = field(11, 2), minute = field(14, 2), second = field(17, 2);
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (year < 1 || !date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const auto days = std::chrono::sys_days(date).time_since_epoch();
  return std::chrono::duration_cast<Micros>(days + std::chrono::hours(hour) + std::chrono::minutes(minute) +
                                            std::chrono::seconds(second));
}

std::optional<Micros> parse_duration(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text == "0") return Micros(0);
  if (text.empty()) return std::nullopt;
  double seconds = 0;
  // Units in the order Prometheus requires them; each at most once.
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}, {"ms", 0.001}, {"us", 1e-6}};
  size_t next_unit = 0;
  while (!text.empty()) {
    auto number = take_number(text);
    if (!number) return std::nullopt;
    // Longest match first, so the "m" of "ms" is not taken for minutes.
    size_t u = std::size(kUnits);
    for (size_t i = 0; i < std::size(kUnits); ++i)
      if (text.starts_with(kUnits[i].first) && (u == std::size(kUnits) || kUnits[i].first.size() > kUnits[u].first.size()))
        u = i;
    if (u == std::size(kUnits) || u < next_unit) return std::nullopt;
    text.remove_prefix(kUnits[u].first.size());
    seconds += *number * kUnits[u].second;
    next_unit = u + 1;
  }
  auto result = to_micros(seconds);
  if (result && negative) *result = -*result;
  return result;
}

std::string stable_guid(std::string_view seed) {
  auto fnv = [&](std::uint64_t h) {
    for (unsigned char c : seed) h = (h ^ c) * 1099511628211ULL;
    return h;
  };
  std::uint64_t hi = fnv(14695981039346656037ULL), lo = fnv(hi ^ 0x9e3779b97f4a7c15ULL);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>(hi >> 16 & 0xffff), static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(lo >> 52 & 0xfff), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

}  // namespace sim
