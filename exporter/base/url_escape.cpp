// Percent-encoding of upstream text for request URLs; see url.h.
#include "base/url_escape.h"

#include <cstddef>

namespace ue {

namespace {

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

bool is_alpha_or_digit(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_unreserved(char c) { return is_alpha_or_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// RFC 3986: pchar = unreserved / pct-encoded / sub-delims / ":" / "@"; this
// is every part of it but pct-encoded.
bool is_literal_pchar(char c) {
  constexpr std::string_view kSubDelims = "!$&'()*+,;=";
  return is_unreserved(c) || kSubDelims.find(c) != std::string_view::npos || c == ':' || c == '@';
}

// True when raw[i] is the '%' of a "%XX" pct-encoding.
bool starts_pct_encoding(std::string_view raw, std::size_t i) {
  return raw[i] == '%' && i + 2 < raw.size() && is_hex_digit(raw[i + 1]) && is_hex_digit(raw[i + 2]);
}

// `raw` with each byte at which `keep(raw, i)` is false written as "%XX".
template <class Keep>
std::string percent_encode_unless(std::string_view raw, Keep keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (keep(raw, i)) {
      out += raw[i];
      continue;
    }
    const auto byte = static_cast<unsigned char>(raw[i]);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

}  // namespace

std::string request_safe(std::string_view raw) {
  return percent_encode_unless(raw, [](std::string_view text, std::size_t i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    return byte > 0x20 && byte < 0x7F && text[i] != '#';
  });
}

std::string escape_path_segment(std::string_view raw) {
  return percent_encode_unless(raw, [](std::string_view text, std::size_t i) {
    return is_literal_pchar(text[i]) || starts_pct_encoding(text, i);
  });
}

std::string escape_query_value(std::string_view raw) {
  return percent_encode_unless(raw, [](std::string_view text, std::size_t i) { return is_unreserved(text[i]); });
}

}  // namespace ue
