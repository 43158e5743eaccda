// Text placed into URLs and form bodies. Two rules for upstream requests: a continuation token
// goes back as received (only what would break the request line is encoded);
// an object's Id or name becomes exactly one RFC 3986 path segment. And one
// for the status page's own links: a query value is fully encoded.
#pragma once

#include <string>
#include <string_view>

namespace ue {

// `raw` with only the bytes that could break or end an HTTP request path
// (≤ 0x20, ≥ 0x7F and '#') percent-encoded; everything else passes untouched,
// so continuation tokens go back as received.
std::string request_safe(std::string_view raw);

// `raw` as one path segment: every byte outside RFC 3986 `pchar` (unreserved,
// sub-delims, ':' and '@') is percent-encoded, '/', '?' and '#' included, so
// the segment can neither split the path nor start a query or fragment.
// A '%' that starts a valid pct-encoding ("%20") is kept as it is: the runtime
// URL-escapes a name to derive an Application Id, so Ids arrive pre-escaped
// and must not be escaped twice. Any other '%' becomes "%25". Resource and
// compose names follow the same rule, so a name holding "%41" is sent as that escape.
std::string escape_path_segment(std::string_view raw);

// `raw` as one value of a URL query: every byte but RFC 3986 unreserved
// (letters, digits, "-._~") is percent-encoded, '%', '&', '=', '+' and ','
// included, so any text decodes back to itself. Also one name or value of an
// application/x-www-form-urlencoded body (token requests).
std::string escape_query_value(std::string_view raw);

}  // namespace ue
