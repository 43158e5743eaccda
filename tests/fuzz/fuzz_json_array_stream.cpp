// JsonArrayReader on arbitrary bytes cut into arbitrary chunks, against
// parse_json_array on the same bytes held whole: the same elements, or a
// failure for the same reason. The first byte picks the chunk size and
// whether a small per-element limit applies (then only the elements that do
// come out are compared). Nothing but SourceError may be thrown.
#include <string>
#include <vector>

#include "base/json_array_stream.h"
#include "fuzz/fuzz_util.h"

namespace {

struct Outcome {
  std::vector<ue::Json> elements;
  std::optional<ue::Reason> failure;
};

Outcome streamed(std::string_view body, std::size_t chunk, std::uint64_t max_element) {
  Outcome outcome;
  try {
    ue::JsonArrayReader reader([&](ue::Json& element) { outcome.elements.push_back(std::move(element)); },
                               max_element);
    for (std::size_t at = 0; at < body.size(); at += chunk) reader.feed(body.substr(at, chunk));
    reader.finish();
  } catch (const ue::SourceError& e) {
    outcome.failure = e.reason;
  }
  return outcome;
}

Outcome whole(std::string_view body) {
  Outcome outcome;
  try {
    const ue::Json array = ue::parse_json_array(body);
    outcome.elements.assign(array.begin(), array.end());
  } catch (const ue::SourceError& e) {
    outcome.failure = e.reason;
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::optional<ue::fuzz::Choice> choice = ue::fuzz::choose(ue::fuzz::as_text(data, size), 64);
  if (!choice) return 0;
  const std::string_view body = choice->input;
  const std::size_t chunk = choice->index % 32 + 1;
  const bool limited = choice->index >= 32;
  const Outcome expected = whole(body);
  const Outcome got = streamed(body, chunk, limited ? 16 : body.size());
  if (!expected.failure && got.failure == ue::Reason::parse && body.find('\0') != std::string_view::npos) {
    // nlohmann stops reading at a NUL byte, and so accepts any bytes after
    // it; the reader rejects them. Up to the NUL, the two must agree.
    const Outcome before_nul = streamed(body.substr(0, body.find('\0')), chunk, body.size());
    ue::fuzz::require(!before_nul.failure && before_nul.elements == expected.elements,
                      "only the bytes after a NUL byte tell them apart");
    return 0;
  }
  if (limited) {
    if (got.failure == ue::Reason::too_large) return 0;
    ue::fuzz::require(got.failure == expected.failure, "within the limit, it fails as the whole body does");
  } else {
    ue::fuzz::require(got.failure == expected.failure, "it fails as the whole body does, for the same reason");
  }
  if (!got.failure) ue::fuzz::require(got.elements == expected.elements, "the same elements as the whole body");
  return 0;
}
