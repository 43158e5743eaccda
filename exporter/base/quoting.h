// How configuration errors show text written in a file: quoted, and on one
// line whatever the text holds, so every error stays one log line.
#pragma once

#include <string>
#include <string_view>

namespace ue {

// `text` in double quotes, with embedded quotes and backslashes escaped.
std::string in_quotes(std::string_view text);
// `text` with newlines and other control characters escaped, so an error stays one line.
std::string one_line(std::string_view text);

}  // namespace ue
