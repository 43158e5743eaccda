// Service Fabric's paged listings: reading one `{ "ContinuationToken": ...,
// "Items": [...] }` page and building the request for the next one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/json_fields.h"
#include "sources/source.h"

namespace ue {

// One page. Items must be an array (a malformed page must never look like an
// empty one); `read_item` returns nullopt for an entry to skip.
ListPage parse_sf_page(std::string_view body, std::optional<ListedObject> (*read_item)(const Json& item));

// `path` plus MaxResults (when > 0) and ContinuationToken (when set, sent raw
// but request-safe). The token goes last so nothing it contains can touch
// another parameter.
std::string paged_path(std::string path, const std::string& continuation_token, int max_results);

}  // namespace ue
