// Kind `application`: the paged GET /Applications listing, then
// GET /Applications/{Id}/$/GetUpgradeProgress per application.
#include <algorithm>

#include "sources/json_fields.h"
#include "sources/parsers.h"
#include "sources/sf_listing.h"
#include "sources/sf_progress.h"
#include "sources/url.h"

namespace ue {

namespace {

std::string list_path(const std::string& continuation_token, int max_results) {
  return paged_path("/Applications?api-version=6.1&ExcludeApplicationParameters=true", continuation_token, max_results);
}

std::string progress_path(const ListedObject& application) {
  return "/Applications/" + escape_path_segment(application.path_segment) + "/$/GetUpgradeProgress?api-version=6.0";
}

std::optional<ListedObject> read_item(const Json& item) {
  std::string name = string_or_empty(find_field(item, "Name"));
  if (name.empty()) return std::nullopt;
  std::string id = string_or_empty(find_field(item, "Id"));
  if (id.empty()) id = application_id_from_name(name);
  return ListedObject{std::move(name), std::move(id), string_or_empty(find_field(item, "Status"))};
}

constexpr Listing kListing{
    .list_endpoint = "applications_list",
    .progress_endpoint = "application_upgrade",
    .list_path = list_path,
    .parse_list = parse_applications_page,
    .progress_path = progress_path,
    .parse_progress = parse_application_upgrade,
    .upgrading_status = "Upgrading",
    .gone_http_status = 404,
};

}  // namespace

std::string application_id_from_name(std::string_view name) {
  if (name.starts_with("fabric:")) name.remove_prefix(7);
  if (name.starts_with('/')) name.remove_prefix(1);
  std::string id(name);
  std::replace(id.begin(), id.end(), '/', '~');
  return id;
}

ListPage parse_applications_page(std::string_view body) { return parse_sf_page(body, read_item); }

Upgrade parse_application_upgrade(std::string_view body) {
  const Json doc = parse_json(body);
  Upgrade up = parse_domain_upgrade(doc);
  add_info(up.info, "target_version", doc, "TargetApplicationTypeVersion");
  add_rolling_upgrade_mode(doc, up);
  add_failure_reason(doc, up);
  add_info(up.info, "type_name", doc, "TypeName");
  add_failure_action(monitoring_policy_of(doc), up);
  return up;
}

Source applications_source() {
  return Source{
      .kind = Kind::application,
      .target_type = TargetType::service_fabric,
      .collect_name = "applications",
      .states = state_names(kUpgradeStates),
      .listing = &kListing,
  };
}

}  // namespace ue
