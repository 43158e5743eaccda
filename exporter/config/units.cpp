// Durations and sizes: parsing, with range checks, and the duration text shown in errors.
#include "config/units.h"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "config/errors.h"
#include "base/quoting.h"

namespace ue {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Prometheus duration units, biggest first: a duration must use them in this order.
struct DurationUnit {
  std::string_view suffix;
  std::int64_t ms;
};
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr DurationUnit kDurationUnits[] = {{"y", 365 * kDayMs}, {"w", 7 * kDayMs}, {"d", kDayMs}, {"h", 3600 * 1000},
                                           {"m", 60 * 1000},    {"s", 1000},       {"ms", 1}};
// Like Prometheus, a duration must fit a signed 64-bit count of nanoseconds (about 292 years),
// so every std::chrono conversion downstream is safe.
constexpr std::int64_t kMaxDurationMs = INT64_MAX / 1'000'000;

}  // namespace

bool take_number(std::string_view& text, std::uint64_t& value, bool& out_of_range) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0) return false;
  out_of_range = std::from_chars(text.data(), text.data() + digits, value).ec == std::errc::result_out_of_range;
  text.remove_prefix(digits);
  return true;
}

std::string format_duration(Duration d) {
  std::int64_t left = d.count();
  if (left == 0) return "0s";
  std::string text;
  for (const auto& unit : kDurationUnits) {
    if (left >= unit.ms) {
      text += std::to_string(left / unit.ms) + std::string(unit.suffix);
      left %= unit.ms;
    }
  }
  return text;
}

Duration parse_duration(std::string_view text) {
  auto invalid = [&] {
    return ConfigError("invalid duration " + in_quotes(text) + " (use e.g. 500ms, 30s, 5m, 1h30m)");
  };
  auto out_of_range = [&] { return ConfigError("duration " + in_quotes(text) + " is out of range"); };
  if (text == "0") return Duration::zero();
  if (text.empty()) throw invalid();

  std::string_view rest = text;
  std::size_t next_unit = 0;  // units must come biggest first, each at most once
  std::int64_t total = 0;
  while (!rest.empty()) {
    std::uint64_t value = 0;
    bool too_big = false;
    if (!take_number(rest, value, too_big)) throw invalid();
    std::size_t suffix_length = 0;
    while (suffix_length < rest.size() && !is_digit(rest[suffix_length])) ++suffix_length;
    std::string_view suffix = rest.substr(0, suffix_length);
    rest.remove_prefix(suffix_length);

    std::size_t unit = next_unit;
    while (unit < std::size(kDurationUnits) && kDurationUnits[unit].suffix != suffix) ++unit;
    if (unit == std::size(kDurationUnits)) throw invalid();
    next_unit = unit + 1;

    const std::int64_t unit_ms = kDurationUnits[unit].ms;
    if (too_big || value > static_cast<std::uint64_t>(kMaxDurationMs / unit_ms)) throw out_of_range();
    total += static_cast<std::int64_t>(value) * unit_ms;
    if (total > kMaxDurationMs) throw out_of_range();
  }
  return Duration(total);
}

std::uint64_t parse_size(std::string_view text) {
  struct SizeUnit {
    std::string_view suffix;
    std::uint64_t bytes;
  };
  static constexpr SizeUnit kUnits[] = {{"", 1},
                                        {"B", 1},
                                        {"KB", 1000},
                                        {"MB", 1000 * 1000},
                                        {"GB", 1000 * 1000 * 1000},
                                        {"KiB", 1ull << 10},
                                        {"MiB", 1ull << 20},
                                        {"GiB", 1ull << 30}};
  auto invalid = [&] {
    return ConfigError("invalid size " + in_quotes(text) + " (use e.g. 1048576, 512KiB, 16MiB, 1GB)");
  };
  std::string_view rest = text;
  std::uint64_t value = 0;
  bool too_big = false;
  if (!take_number(rest, value, too_big)) throw invalid();
  auto unit = std::find_if(std::begin(kUnits), std::end(kUnits), [&](const SizeUnit& u) { return u.suffix == rest; });
  if (unit == std::end(kUnits)) throw invalid();
  if (too_big || value > UINT64_MAX / unit->bytes) throw ConfigError("size " + in_quotes(text) + " is out of range");
  return value * unit->bytes;
}

}  // namespace ue
