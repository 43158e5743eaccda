// Paged Service Fabric listings; see sf_listing.h.
#include "sources/sf_listing.h"

#include <array>
#include <vector>

#include "base/schema_error.h"
#include "base/url_escape.h"

namespace ue {

ListPage parse_sf_page(std::string_view body, std::optional<ListedObject> (*read_item)(const Json& item)) {
  // Items are read as the parser finishes each one and then dropped, so a
  // page of ten thousand applications never stands as a DOM in memory.
  // "Items" wins over "items" as in find_field; each spelling streams apart.
  using Event = Json::parse_event_t;
  std::array<std::vector<ListedObject>, 2> streamed;  // Items, items
  int current = -1;       // which spelling the depth-1 key being parsed is, else -1
  bool in_items = false;  // inside that key's array
  ListPage page;
  const Json doc = parse_json(body, [&](int depth, Event event, Json& parsed) {
    if (depth == 1) {
      if (event == Event::key) current = parsed == "Items" ? 0 : parsed == "items" ? 1 : -1;
      if (event == Event::array_start) in_items = current >= 0;
      if (event == Event::array_end) in_items = false;
      return true;
    }
    if (!in_items || depth != 2) return true;
    if (event == Event::object_end) {
      if (std::optional<ListedObject> object = read_item(parsed)) streamed[current].push_back(std::move(*object));
      return false;
    }
    return event != Event::value && event != Event::array_end;  // entries that are not objects are skipped
  });
  const Json* items = find_field(doc, "Items", "items");
  if (!items || !items->is_array()) throw_schema("Items", "an array");
  if (const Json* token = find_field(doc, "ContinuationToken", "continuationToken")) {
    if (!token->is_string()) throw_schema("ContinuationToken", "a string");
    page.continuation_token = token->get<std::string>();
  }
  page.items = std::move(streamed[items == find_field(doc, "Items") ? 0 : 1]);
  return page;
}

std::string paged_path(std::string path, const std::string& continuation_token, int max_results) {
  if (max_results > 0) path += "&MaxResults=" + std::to_string(max_results);
  if (!continuation_token.empty()) path += "&ContinuationToken=" + request_safe(continuation_token);
  return path;
}

}  // namespace ue
