#include "render/html.h"

#include <cstddef>

namespace ue {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence of 2 to 4 bytes at text[i], or
// (negated) how many bytes form its maximal invalid subpart (at least 1).
int utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  int length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
  } else {
    return -1;
  }
  for (int k = 1; k < length; ++k) {
    if (i + k >= text.size()) return -k;
    const unsigned char c = byte(i + k);
    if (k == 1 ? (c < low || c > high) : (c < 0x80 || c > 0xBF)) return -k;
  }
  return length;
}

}  // namespace

void append_html_escaped(std::string& out, std::string_view text) {
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  const auto flush = [&](std::size_t end) { out.append(text.data() + plain, end - plain); };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::string_view replacement;
    std::size_t consumed = 1;
    if (c < 0x80) {
      switch (c) {
        case '&': replacement = "&amp;"; break;
        case '<': replacement = "&lt;"; break;
        case '>': replacement = "&gt;"; break;
        case '"': replacement = "&quot;"; break;
        case '\'': replacement = "&#39;"; break;
        default:
          if (c < 0x20 || c == 0x7F) replacement = kReplacement;
      }
    } else {
      const int length = utf8_sequence(text, i);
      if (length < 0) {
        replacement = kReplacement;
        consumed = static_cast<std::size_t>(-length);
      } else {
        consumed = static_cast<std::size_t>(length);
        // C1 controls, U+0080..U+009F, are encoded C2 80..C2 9F.
        if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) replacement = kReplacement;
      }
    }
    if (!replacement.empty()) {
      flush(i);
      out += replacement;
      plain = i + consumed;
    }
    i += consumed;
  }
  flush(text.size());
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_html_escaped(out, text);
  return out;
}

}  // namespace ue
