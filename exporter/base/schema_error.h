// How a reader rejects a body of the wrong shape: a SourceError{Reason::schema}
// that names the field and never echoes upstream bytes. Also the strict
// numeric-text rule, whose failure is such an error.
#pragma once

#include <string_view>

#include "base/error.h"

namespace ue {

// Throws SourceError{Reason::schema, "<field>: expected <expected>"}.
[[noreturn]] void throw_schema(std::string_view field, std::string_view expected);

// "40", "40.5", "-3", "1e3" → the number. Empty text, spaces, a sign '+',
// hex, trailing bytes, NaN and infinities throw schema naming `field`.
double parse_number_text(std::string_view text, std::string_view field);

}  // namespace ue
