// The status page's stylesheet, served at /static/status.css so the page's
// Content-Security-Policy can forbid inline styles: system fonts, calm
// colours, light and dark, 390 px to wide screens, bars drawn by <progress>.
#pragma once

#include <string>
#include <string_view>

namespace ue {

inline constexpr std::string_view kStylesheetPath = "/static/status.css";
// How the page links it: relative, so the page keeps working behind a proxy that serves it under a prefix.
inline constexpr std::string_view kStylesheetHref = "static/status.css";

// One representation of the stylesheet and its strong validator.
struct StaticBody {
  std::string bytes;
  std::string etag;  // a quoted content hash of `bytes`, e.g. "\"3f2a...\""
};

struct Stylesheet {
  StaticBody plain;
  StaticBody gzip;  // Content-Encoding: gzip
};

// Made at the first call and shared: the text is part of the binary.
const Stylesheet& status_stylesheet();

// A strong entity tag for `bytes`: 16 hex digits of their 64-bit FNV-1a hash, quoted.
std::string content_etag(std::string_view bytes);

}  // namespace ue
