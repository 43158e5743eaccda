// The exposition text format, written straight into strings: label-value
// escaping, value formatting, and SampleWriter, which appends one object's
// samples family after family and records where each family starts. Inline:
// this runs once per sample.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "model/upgrade.h"
#include "render/catalogue.h"

namespace ue {

// Where each family's lines start in one object's text: family f is
// text[starts[f], starts[f + 1]).
using FamilyStarts = std::array<std::uint32_t, kFamilyCount + 1>;

// A label value with \, " and newline escaped.
inline void append_escaped(std::string& s, std::string_view value) {
  for (char c : value) {
    if (c == '\n') {
      s += "\\n";
    } else {
      if (c == '\\' || c == '"') s += '\\';
      s += c;
    }
  }
}

// A sample value as prometheus-cpp writes it: %.16g, NaN, +Inf, -Inf.
inline void append_value(std::string& s, double value) {
  if (std::isnan(value)) {
    s += "NaN";
  } else if (std::isinf(value)) {
    s += value < 0 ? "-Inf" : "+Inf";
  } else {
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 16);
    s.append(buffer, result.ptr);
  }
}

// Appends one object's samples straight to its text, family after family,
// in the text format prometheus-cpp's TextSerializer writes (same label order,
// escaping and %.16g values), without building MetricFamily structs.
class SampleWriter {
 public:
  explicit SampleWriter(std::string_view target);

  // Starts an object; its lines go to `text` until finish().
  void begin_object(Kind kind, const std::string& name, std::string& text);
  // Starts the target's own series, labelled with the target only; likewise.
  void begin_target(std::string& text);

  // Where each family's lines start in the object's text.
  const FamilyStarts& finish();

  using Label = std::pair<std::string_view, std::string_view>;
  void add(Family family, double value, std::initializer_list<Label> extra = {}) {
    add_labels(family, value, extra.begin(), extra.end());
  }

  template <class It>
  void add_labels(Family family, double value, It first, It last) {
    enter(static_cast<std::size_t>(family));
    std::string& s = *text_;
    s += family_name(family);
    s += prefix_;
    for (; first != last; ++first) {
      s += ',';
      s += first->first;
      s += "=\"";
      append_escaped(s, first->second);
      s += '"';
    }
    s += "} ";
    append_value(s, value);
    s += '\n';
  }

 private:
  // Families are written in order; the ones skipped are empty.
  void enter(std::size_t family) {
    if (family < family_) throw std::logic_error("render_object wrote families out of order");
    for (; family_ < family; ++family_) starts_[family_ + 1] = static_cast<std::uint32_t>(text_->size());
  }

  std::string target_;  // escaped
  std::string prefix_;  // `{target="..",kind="..",name=".."`
  std::string* text_ = nullptr;
  std::size_t family_ = 0;
  FamilyStarts starts_{};
};

}  // namespace ue
