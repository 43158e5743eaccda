// The Service Fabric listings (/Applications, /Resources/Applications,
// /ComposeDeployments): one item per object, paged like the gateway pages them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"
#include "requests.h"
#include "scenario.h"
#include "timeline.h"

namespace sim {

// One listing's objects, sorted by name in byte order, as the gateway pages them.
struct Listing {
  std::vector<std::string> names;  // sorted
  std::vector<size_t> objects;     // parallel to names: index into the objects listed
};

// {ContinuationToken, Items} of one page, each item `make_item(object)`;
// nullopt when the continuation token is not ours (400).
template <class MakeItem>
std::optional<Json> page(const Listing& listing, const std::vector<SfObject>& objects, std::string_view token,
                         std::uint64_t max_results, MakeItem make_item) {
  auto slice = paginate(listing.names, token, max_results);
  if (!slice) return std::nullopt;
  Json items = Json::array();
  for (size_t i = slice->begin; i < slice->end; ++i) items.push_back(make_item(objects[listing.objects[i]]));
  return Json{{"ContinuationToken", slice->continuation_token}, {"Items", std::move(items)}};
}

// The items: ApplicationInfo, the resource model's camelCase application, ComposeDeploymentStatusInfo.
Json application_item(const SfObject& o, SimTime t, double api, bool exclude_parameters);
Json application_resource_item(const SfObject& o, SimTime t);
Json compose_deployment_item(const SfObject& o, SimTime t);

}  // namespace sim
