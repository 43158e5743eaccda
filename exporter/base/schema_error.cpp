// Schema errors and strict number text; see schema_error.h.
#include "base/schema_error.h"

#include <charconv>
#include <cmath>
#include <string>

namespace ue {

void throw_schema(std::string_view field, std::string_view expected) {
  std::string message(field);
  message += ": expected ";
  message += expected;
  throw SourceError{Reason::schema, std::move(message)};
}

double parse_number_text(std::string_view text, std::string_view field) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) throw_schema(field, "a number");
  return value;
}

}  // namespace ue
