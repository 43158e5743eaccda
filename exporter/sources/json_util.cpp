#include "sources/json_util.h"

#include <charconv>
#include <cmath>
#include <string>

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

bool looks_like_iso_duration(std::string_view text) { return !text.empty() && text[0] == 'P'; }

}  // namespace

Json parse_json(std::string_view body, const Json::parser_callback_t& filter) {
  // The callback sees each container as it opens, before anything deeper is
  // built, so a hostile body cannot make the parser or the DOM go deep.
  const Json::parser_callback_t limit_depth = [&filter](int depth, Json::parse_event_t event, Json& parsed) {
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth)
      throw SourceError{Reason::parse, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
    return !filter || filter(depth, event, parsed);
  };
  Json doc;
  try {
    doc = Json::parse(body.begin(), body.end(), limit_depth);
  } catch (const Json::parse_error& e) {
    throw SourceError{Reason::parse, "invalid JSON at byte " + std::to_string(e.byte)};
  } catch (const Json::exception&) {  // e.g. a number too large for a double
    throw SourceError{Reason::parse, "invalid JSON value"};
  }
  if (!doc.is_object()) throw SourceError{Reason::schema, "body: expected a JSON object"};
  return doc;
}

void throw_schema(std::string_view field, std::string_view expected) {
  std::string message(field);
  message += ": expected ";
  message += expected;
  throw SourceError{Reason::schema, std::move(message)};
}

const Json* find_field(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* find_field(const Json& object, std::string_view key, std::string_view alt_key) {
  const Json* value = find_field(object, key);
  return value ? value : find_field(object, alt_key);
}

const Json* object_field(const Json& object, std::string_view key) {
  const Json* value = find_field(object, key);
  if (value && !value->is_object()) throw_schema(key, "an object");
  return value;
}

const Json* array_field(const Json& object, std::string_view key) {
  const Json* value = find_field(object, key);
  if (value && !value->is_array()) throw_schema(key, "an array");
  return value;
}

std::optional<std::string> string_field(const Json& object, std::string_view key) {
  const Json* value = find_field(object, key);
  if (!value) return std::nullopt;
  if (!value->is_string()) throw_schema(key, "a string");
  return value->get<std::string>();
}

std::optional<bool> bool_field(const Json& object, std::string_view key) {
  const Json* value = find_field(object, key);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) throw_schema(key, "a boolean");
  return value->get<bool>();
}

double parse_number_text(std::string_view text, std::string_view field) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) throw_schema(field, "a number");
  return value;
}

std::optional<double> number_field(const Json& object, std::string_view key) {
  const Json* value = find_field(object, key);
  if (!value) return std::nullopt;
  if (value->is_number()) {
    const double number = value->get<double>();
    if (!std::isfinite(number)) throw_schema(key, "a finite number");
    return number;
  }
  if (value->is_string()) return parse_number_text(value->get_ref<const std::string&>(), key);
  throw_schema(key, "a number");
}

std::optional<double> array_length(const Json& object, std::string_view key) {
  const Json* value = array_field(object, key);
  if (!value) return std::nullopt;
  return static_cast<double>(value->size());
}

std::optional<double> duration_field(const Json& object, std::string_view key) {
  const Json* value = find_field(object, key);
  if (!value) return std::nullopt;
  constexpr std::string_view kExpected = "an ISO-8601 duration or milliseconds";
  double millis = 0;
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    try {
      if (looks_like_iso_duration(text)) return parse_iso8601_duration(text);
      // The spec allows a plain millisecond count in place of the ISO form.
      millis = parse_number_text(text, key);
    } catch (const SourceError&) {
      throw_schema(key, kExpected);
    }
  } else if (value->is_number()) {
    millis = value->get<double>();
  } else {
    throw_schema(key, kExpected);
  }
  if (!(millis >= 0)) throw_schema(key, kExpected);
  return millis / 1000.0;
}

std::optional<double> timestamp_field(const Json& object, std::string_view key) {
  const std::optional<std::string> text = string_field(object, key);
  if (!text) return std::nullopt;
  try {
    return parse_utc_timestamp(*text);
  } catch (const SourceError&) {
    throw_schema(key, "a UTC timestamp");
  }
}

std::string string_or_empty(const Json* value) {
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

void add_info(std::vector<std::pair<std::string_view, std::string>>& info, std::string_view label, const Json& object,
              std::string_view key) {
  const Json* value = find_field(object, key);
  if (!value) return;
  // Versions are strings upstream; a bare number ("ConfigVersion": 3) is kept
  // as its text rather than costing the whole object.
  if (!value->is_string() && !value->is_number()) throw_schema(key, "a string");
  std::string text = value->is_string() ? value->get<std::string>() : value->dump();
  if (!text.empty()) info.emplace_back(label, std::move(text));
}

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
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60)
    fail();
  if (year <= 1) return std::nullopt;  // 0001-01-01T00:00:00.000Z: "not set"
  const long long days = days_from_civil(year, month, day);
  const long long whole = days * 86400 + hour * 3600 + minute * 60 - offset_seconds;
  return static_cast<double>(whole) + seconds;
}

std::string request_safe(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F || c == '#') {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace ue
