// Percent-encoding of upstream text for request URLs; see url.h.
#include "sources/url.h"

#include <cstddef>

namespace ue {

namespace {

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

}  // namespace ue
