// Upstream JSON bodies: bounded parsing and lenient field readers.
//
// Every reader follows one rule: a field that is missing or null is absent;
// a field of the wrong type throws SourceError{Reason::schema, "<Field>: expected ..."}.
// Error messages name fields only, never echo upstream bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace ue {

using Json = nlohmann::json;

// Deepest nesting parse_json accepts; real bodies stay well below 20.
inline constexpr int kMaxJsonDepth = 64;

// Parses an upstream body. Invalid JSON or nesting deeper than kMaxJsonDepth
// → Reason::parse; a top level that is not an object → Reason::schema.
// `filter`, when set, sees every parse event as nlohmann's parser callback
// does, and returns false for what the DOM should not keep.
Json parse_json(std::string_view body, const Json::parser_callback_t& filter = nullptr);
// The same for a body whose top level may be any JSON value (an array).
Json parse_json_value(std::string_view body, const Json::parser_callback_t& filter = nullptr);
// parse_json_value of `text` found `offset` bytes into a body (one element of
// a streamed array, base/json_array_stream.h): a parse error names its byte in the body.
Json parse_json_value_at(std::string_view text, std::uint64_t offset, const Json::parser_callback_t& filter = nullptr);
// The same for a body whose top level is an array (else Reason::schema).
Json parse_json_array(std::string_view body, const Json::parser_callback_t& filter = nullptr);

// The field's value, or nullptr when it is missing or null.
const Json* find_field(const Json& object, std::string_view key);
// The first of two spellings that is present (e.g. camelCase then PascalCase).
const Json* find_field(const Json& object, std::string_view key, std::string_view alt_key);

const Json* object_field(const Json& object, std::string_view key);
const Json* array_field(const Json& object, std::string_view key);
std::optional<std::string> string_field(const Json& object, std::string_view key);
std::optional<bool> bool_field(const Json& object, std::string_view key);
// A JSON number or a numeric string ("40", "40.5"); NaN and infinities are rejected.
std::optional<double> number_field(const Json& object, std::string_view key);
// The length of an array field; absent when the field is.
std::optional<double> array_length(const Json& object, std::string_view key);
// An ISO-8601 duration string, or milliseconds as a JSON number or numeric
// string, in seconds.
std::optional<double> duration_field(const Json& object, std::string_view key);
// A UTC timestamp in Unix seconds; the "0001-01-01" sentinel is absent.
std::optional<double> timestamp_field(const Json& object, std::string_view key);

// The value when it is a string, else "" (for listing items, where a bad
// field must not sink the whole page).
std::string string_or_empty(const Json* value);

// Appends {label, value} to `info` when `key` holds a non-empty string.
// `label` is a string literal (Upgrade::info keeps only a view of it).
void add_info(std::vector<std::pair<std::string_view, std::string>>& info, std::string_view label, const Json& object,
              std::string_view key);

}  // namespace ue
