// Bounded JSON parsing and the lenient field readers; see json_fields.h.
#include "base/json_fields.h"

#include <cmath>
#include <string>

#include "base/schema_error.h"
#include "base/time_formats.h"

namespace ue {

namespace {

bool looks_like_iso_duration(std::string_view text) { return !text.empty() && text[0] == 'P'; }

}  // namespace

Json parse_json_value_at(std::string_view body, std::uint64_t offset, const Json::parser_callback_t& filter) {
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
    throw SourceError{Reason::parse, "invalid JSON at byte " + std::to_string(offset + e.byte)};
  } catch (const Json::exception&) {  // e.g. a number too large for a double
    throw SourceError{Reason::parse, "invalid JSON value"};
  }
  return doc;
}

Json parse_json_value(std::string_view body, const Json::parser_callback_t& filter) {
  return parse_json_value_at(body, 0, filter);
}

Json parse_json(std::string_view body, const Json::parser_callback_t& filter) {
  Json doc = parse_json_value(body, filter);
  if (!doc.is_object()) throw SourceError{Reason::schema, "body: expected a JSON object"};
  return doc;
}

Json parse_json_array(std::string_view body, const Json::parser_callback_t& filter) {
  Json doc = parse_json_value(body, filter);
  if (!doc.is_array()) throw SourceError{Reason::schema, "body: expected a JSON array"};
  return doc;
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

}  // namespace ue
