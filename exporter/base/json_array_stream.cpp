// The streamed JSON array reader; see json_array_stream.h.
#include "base/json_array_stream.h"

#include <utility>

namespace ue {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// A buffer grown this large for one hostile element is let go after it, not kept for the rest of the body.
constexpr std::size_t kMaxKeptCapacity = 64 << 10;

// JSON's whitespace, as nlohmann reads it.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

JsonArraySplitter::JsonArraySplitter(OnElement on_element, std::uint64_t max_element_bytes)
    : on_element_(std::move(on_element)), max_element_bytes_(max_element_bytes) {}

void JsonArraySplitter::feed(std::string_view chunk) {
  std::size_t i = 0;
  if (state_ == State::in_element) i = in_element(chunk, 0, 0);
  while (i < chunk.size()) {
    if (state_ == State::not_array) {
      hold(chunk.substr(i));
      break;
    }
    i = between_elements(chunk, i);
  }
  consumed_ += chunk.size();
}

void JsonArraySplitter::finish() {
  switch (state_) {
    case State::after_array:
      return;
    case State::not_array:
      // Invalid JSON is a parse error, as parse_json_array says; any other value is of the wrong shape.
      parse_json_value_at(held_, element_offset_);
      throw SourceError{Reason::schema, "body: expected a JSON array"};
    default:  // nothing at all, or the body ended inside the array
      invalid_at(consumed_);
  }
}

std::size_t JsonArraySplitter::between_elements(std::string_view chunk, std::size_t i) {
  const char c = chunk[i];
  const std::uint64_t offset = consumed_ + i;
  if (state_ == State::before_array && skip_byte_order_mark(c, offset)) return i + 1;
  if (is_space(c)) return i + 1;
  switch (state_) {
    case State::before_array:
      if (c == '[') {
        state_ = State::first_element;
        return i + 1;
      }
      state_ = State::not_array;  // held whole, to tell another JSON value from no JSON
      element_offset_ = offset;
      return i;
    case State::first_element:
    case State::next_element:
      if (c == ']' && state_ == State::first_element) {
        state_ = State::after_array;
        return i + 1;
      }
      if (c == ']' || c == ',') invalid_at(offset);
      begin_element(c, offset);
      return in_element(chunk, i, i + 1);
    case State::comma_or_end:
      if (c == ',' || c == ']') {
        state_ = c == ',' ? State::next_element : State::after_array;
        return i + 1;
      }
      invalid_at(offset);
    default:  // after_array: only whitespace may follow
      invalid_at(offset);
  }
}

bool JsonArraySplitter::skip_byte_order_mark(char c, std::uint64_t offset) {
  if (offset >= kByteOrderMark.size() || offset != static_cast<std::uint64_t>(bom_bytes_)) return false;
  if (c == kByteOrderMark[offset]) {
    ++bom_bytes_;
    return true;
  }
  if (bom_bytes_ > 0) invalid_at(offset);  // a mark begun and not finished
  return false;
}

void JsonArraySplitter::begin_element(char first, std::uint64_t offset) {
  state_ = State::in_element;
  element_offset_ = offset;
  element_depth_ = 0;
  scalar_ = false;
  in_string_ = false;
  escaped_ = false;
  if (first == '{' || first == '[') {
    open_container(offset);
  } else if (first == '"') {
    in_string_ = true;
  } else if (first == '-' || (first >= '0' && first <= '9') || first == 't' || first == 'f' || first == 'n') {
    scalar_ = true;
  } else {
    // Not a JSON value; nor parsed alone, where a byte order mark would be skipped.
    invalid_at(offset);
  }
}

std::size_t JsonArraySplitter::in_element(std::string_view chunk, std::size_t begin, std::size_t i) {
  for (; i < chunk.size(); ++i) {
    const char c = chunk[i];
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (element_depth_ == 0) {  // the element was this string
          end_element(chunk, begin, i + 1);
          return i + 1;
        }
      }
    } else if (scalar_) {
      if (is_space(c) || c == ',' || c == ']') {  // not part of it: read again between elements
        end_element(chunk, begin, i);
        return i;
      }
      if (c == '\0') invalid_at(consumed_ + i);  // nlohmann would end the input there and accept "1\0x" as 1
    } else if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      open_container(consumed_ + i);
    } else if ((c == '}' || c == ']') && --element_depth_ == 0) {
      end_element(chunk, begin, i + 1);
      return i + 1;
    }
  }
  hold(chunk.substr(begin));
  return i;
}

void JsonArraySplitter::end_element(std::string_view chunk, std::size_t begin, std::size_t end) {
  state_ = State::comma_or_end;
  std::string_view element = chunk.substr(begin, end - begin);
  hold_or_check(element);
  if (!held_.empty()) element = held_;
  on_element_(element, element_offset_);
  if (held_.capacity() > kMaxKeptCapacity)
    held_ = std::string();
  else
    held_.clear();
}

// The array is one level: parse_json_value counts every container around one that opens.
void JsonArraySplitter::open_container(std::uint64_t offset) {
  if (1 + element_depth_ >= kMaxJsonDepth)
    throw SourceError{Reason::parse, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels at byte " +
                                         std::to_string(offset + 1)};
  ++element_depth_;
}

// An element wholly inside one chunk is handed on from there, without a copy.
void JsonArraySplitter::hold_or_check(std::string_view bytes) {
  if (held_.empty()) {
    if (bytes.size() > max_element_bytes_) too_large();
    return;
  }
  hold(bytes);
}

void JsonArraySplitter::hold(std::string_view bytes) {
  if (held_.size() + bytes.size() > max_element_bytes_) too_large();
  held_.append(bytes);
}

void JsonArraySplitter::too_large() const {
  const std::string what = state_ == State::not_array ? "JSON body" : "JSON array element";
  throw SourceError{Reason::too_large, what + " larger than " + std::to_string(max_element_bytes_) + " bytes"};
}

void JsonArraySplitter::invalid_at(std::uint64_t offset) const {
  // Counted from 1, as nlohmann counts in parse_json's errors.
  throw SourceError{Reason::parse, "invalid JSON at byte " + std::to_string(offset + 1)};
}

JsonArrayReader::JsonArrayReader(OnValue on_value, std::uint64_t max_element_bytes)
    : splitter_(
          [on_value = std::move(on_value)](std::string_view element, std::uint64_t offset) {
            Json value = parse_json_value_at(element, offset);
            on_value(value);
          },
          max_element_bytes) {}

void for_each_array_element(std::string_view body, const JsonArrayReader::OnValue& on_value) {
  JsonArrayReader reader(on_value, body.size());
  reader.feed(body);
  reader.finish();
}

}  // namespace ue
