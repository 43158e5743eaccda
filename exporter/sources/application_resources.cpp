// Kind `application_resource`: the resource-model (Mesh) listing
// GET /Resources/Applications, then .../{name}/$/GetUpgradeProgress. Clusters
// without the resource model answer 4xx: the listing is a feature probe.
#include <algorithm>
#include <array>
#include <map>

#include "sources/json_fields.h"
#include "sources/parsers.h"
#include "sources/schema_error.h"
#include "sources/sf_listing.h"
#include "sources/sf_progress.h"
#include "sources/url.h"

namespace ue {

namespace {

// `ApplicationResourceUpgradeState`: its own spellings and numbering.
constexpr std::array<StatePhase, 9> kResourceStates = {{
    {"Invalid", Phase::idle},
    {"ProvisioningTarget", Phase::rolling_forward},
    {"RollingForward", Phase::rolling_forward},
    {"UnprovisioningCurrent", Phase::rolling_forward},
    {"CompletedRollforward", Phase::completed},
    {"RollingBack", Phase::rolling_back},
    {"UnprovisioningTarget", Phase::rolling_back},
    {"CompletedRollback", Phase::rolled_back},
    {"Failed", Phase::failed},
}};

// The spec defines no MaxResults on this route, so none is sent.
std::string list_path(const std::string& continuation_token, int /*max_results*/) {
  return paged_path("/Resources/Applications?api-version=6.4-preview", continuation_token, 0);
}

std::string progress_path(const ListedObject& resource) {
  return "/Resources/Applications/" + escape_path_segment(resource.path_segment) +
         "/$/GetUpgradeProgress?api-version=7.0";
}

// Listing items are camelCase (`name`, `properties.status`); PascalCase is accepted too.
std::optional<ListedObject> read_item(const Json& item) {
  std::string name = string_or_empty(find_field(item, "name", "Name"));
  if (name.empty()) return std::nullopt;
  std::string status;
  if (const Json* properties = find_field(item, "properties", "Properties"))
    status = string_or_empty(find_field(*properties, "status", "Status"));
  std::string segment = name;
  return ListedObject{std::move(name), std::move(segment), std::move(status)};
}

// ServiceUpgradeProgress → one entry per service; counts arrive as strings.
// Repeated service names are summed so each labels one series; the entries
// come out in name order.
std::vector<ReplicaProgress> read_replicas(const Json& services) {
  std::map<std::string, ReplicaProgress, std::less<>> by_name;
  for (const Json& service : services) {
    if (!service.is_object()) throw_schema("ServiceUpgradeProgress", "an array of objects");
    std::optional<std::string> name = string_field(service, "ServiceName");
    if (!name) continue;  // nothing to label it with
    const double completed = number_field(service, "CompletedReplicaCount").value_or(0);
    const double pending = number_field(service, "PendingReplicaCount").value_or(0);
    ReplicaProgress& entry = by_name[*name];
    if (entry.service_name.empty()) entry.service_name = std::move(*name);
    entry.completed += completed;
    entry.pending += pending;
  }
  std::vector<ReplicaProgress> replicas;
  replicas.reserve(by_name.size());
  for (auto& [name, entry] : by_name) replicas.push_back(std::move(entry));
  return replicas;
}

constexpr Listing kListing{
    .list_endpoint = "application_resources_list",
    .progress_endpoint = "application_resource_upgrade",
    .list_path = list_path,
    .parse_list = parse_application_resources_page,
    .progress_path = progress_path,
    .parse_progress = parse_application_resource_upgrade,
    .upgrading_status = "Upgrading",
    .gone_http_status = 404,
};

}  // namespace

ListPage parse_application_resources_page(std::string_view body) { return parse_sf_page(body, read_item); }

Upgrade parse_application_resource_upgrade(std::string_view body) {
  const Json doc = parse_json(body);
  Upgrade up;
  read_state(doc, kResourceStates, up);
  if (const std::optional<double> percent = number_field(doc, "PercentCompleted"))
    up.progress_ratio = std::clamp(*percent / 100.0, 0.0, 1.0);
  if (const Json* services = array_field(doc, "ServiceUpgradeProgress")) up.replicas = read_replicas(*services);
  read_timestamps(doc, up);
  up.duration = duration_field(doc, "UpgradeDuration");
  finish_progress_ratio(up);
  add_info(up.info, "target_version", doc, "TargetApplicationTypeVersion");
  add_rolling_upgrade_mode(doc, up);
  return up;
}

Source application_resources_source() {
  return Source{
      .kind = Kind::application_resource,
      .target_type = TargetType::service_fabric,
      .collect_name = "application_resources",
      .states = state_names(kResourceStates),
      .listing = &kListing,
      .feature_probe = true,
  };
}

}  // namespace ue
