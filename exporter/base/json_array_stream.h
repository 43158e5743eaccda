// A JSON array read as it arrives (an HTTP body chunk by chunk), one element
// at a time: an answer of thousands of objects is never held whole, neither
// as text nor as a DOM. Only the bytes of the element being read are kept.
//
//   JsonArrayReader reader([&](Json& element) { ... }, max_element_bytes);
//   for each chunk: reader.feed(chunk);
//   reader.finish();
//
// The body must be one JSON array. A body that is another JSON value is
// Reason::schema ("body: expected a JSON array"), as parse_json_array says;
// invalid JSON, a body that ends inside the array, bytes after it or nesting
// deeper than kMaxJsonDepth (the array counts) are Reason::parse; an element
// longer than max_element_bytes is Reason::too_large. A NUL byte is invalid
// wherever it is, also after the array (parse_json stops reading at one).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/json_fields.h"

namespace ue {

// Finds where each element of the array begins and ends (strings, escapes and
// nesting followed), without parsing it.
class JsonArraySplitter {
 public:
  // The text of one element, without the whitespace around it, valid only
  // during the call, and the offset of its first byte in the body. It is not
  // checked to be JSON: parse it (JsonArrayReader does).
  using OnElement = std::function<void(std::string_view element, std::uint64_t offset)>;

  JsonArraySplitter(OnElement on_element, std::uint64_t max_element_bytes);

  // The next bytes of the body. Throws SourceError; after anything is thrown
  // (by the splitter or by on_element), the splitter is not to be fed again.
  void feed(std::string_view chunk);
  // The body has ended: throws SourceError unless it was one whole array.
  void finish();

 private:
  enum class State { before_array, first_element, next_element, in_element, comma_or_end, after_array, not_array };

  // Reads the bytes between elements at chunk[i]; returns where to go on.
  std::size_t between_elements(std::string_view chunk, std::size_t i);
  bool skip_byte_order_mark(char c, std::uint64_t offset);
  void begin_element(char first, std::uint64_t offset);
  // Reads element bytes from chunk[i] (its bytes in this chunk began at
  // `begin`); returns where to go on.
  std::size_t in_element(std::string_view chunk, std::size_t begin, std::size_t i);
  void end_element(std::string_view chunk, std::size_t begin, std::size_t end);
  void open_container(std::uint64_t offset);
  void hold_or_check(std::string_view bytes);
  void hold(std::string_view bytes);
  [[noreturn]] void too_large() const;
  [[noreturn]] void invalid_at(std::uint64_t offset) const;

  const OnElement on_element_;
  const std::uint64_t max_element_bytes_;
  State state_ = State::before_array;
  std::uint64_t consumed_ = 0;  // bytes of the body fed before the current chunk
  int bom_bytes_ = 0;           // of a UTF-8 byte order mark at the start, skipped as nlohmann does
  // The element being read.
  std::string held_;  // its bytes from earlier chunks
  std::uint64_t element_offset_ = 0;
  int element_depth_ = 0;  // containers open inside it
  bool scalar_ = false;    // a number, true, false or null: ends at whitespace, ',' or ']'
  bool in_string_ = false;
  bool escaped_ = false;
};

// Each element of a streamed array parsed on its own with parse_json_value
// (a parse error names its byte in the whole body).
class JsonArrayReader {
 public:
  // The element's DOM; the callee may move from it.
  using OnValue = std::function<void(Json& element)>;

  JsonArrayReader(OnValue on_value, std::uint64_t max_element_bytes);

  void feed(std::string_view chunk) { splitter_.feed(chunk); }
  void finish() { splitter_.finish(); }

 private:
  JsonArraySplitter splitter_;
};

// The same over a body held whole (parsers' tests, fuzzing, small answers).
void for_each_array_element(std::string_view body, const JsonArrayReader::OnValue& on_value);

}  // namespace ue
