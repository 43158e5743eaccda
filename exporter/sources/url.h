// Upstream text placed into request URLs: only what would break the request
// line is encoded, so tokens and Ids go back as received.
#pragma once

#include <string>
#include <string_view>

namespace ue {

// `raw` with only the bytes that could break or end an HTTP request path
// (≤ 0x20, ≥ 0x7F and '#') percent-encoded; everything else passes untouched,
// so tokens and Ids go back as received.
std::string request_safe(std::string_view raw);

}  // namespace ue
