// The three paged-listing parsers on arbitrary bytes (the first byte picks
// one): only SourceError may come out, every listed object has a name, the
// request paths built from what the upstream sent (continuation token,
// object Id or name) carry no byte that could end or split an HTTP request
// line, and an object's Id or name stays one segment of its progress path.
#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "fuzz/fuzz_util.h"
#include "sources/parsers.h"

namespace {

constexpr ue::Kind kListedKinds[] = {ue::Kind::application, ue::Kind::application_resource,
                                     ue::Kind::compose_deployment};

void require_request_safe(const std::string& path) {
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    ue::fuzz::require(byte > 0x20 && byte < 0x7F && c != '#', "request paths hold only safe bytes");
  }
}

// The slashes of the path before its query, and its question marks: an
// object's Id or name must add neither.
std::pair<std::ptrdiff_t, std::ptrdiff_t> path_shape(const std::string& path) {
  const auto query = std::find(path.begin(), path.end(), '?');
  return {std::count(path.begin(), query, '/'), std::count(path.begin(), path.end(), '?')};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto choice = ue::fuzz::choose(ue::fuzz::as_text(data, size), std::size(kListedKinds));
  if (!choice) return 0;
  const ue::Listing& listing = *ue::source_for(kListedKinds[choice->index]).listing;
  ue::fuzz::allowing<ue::SourceError>([&] {
    const ue::ListPage page = listing.parse_list(choice->input);
    require_request_safe(listing.list_path(page.continuation_token, 100));
    const auto plain_shape = path_shape(listing.progress_path({"x", "x", ""}));
    for (const ue::ListedObject& item : page.items) {
      ue::fuzz::require(!item.name.empty(), "listed objects have a name");
      const std::string path = listing.progress_path(item);
      require_request_safe(path);
      ue::fuzz::require(path_shape(path) == plain_shape, "an object's Id or name stays one path segment");
    }
  });
  return 0;
}
