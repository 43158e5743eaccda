// Kind `compose_deployment`: the paged GET /ComposeDeployments listing, then
// GET /ComposeDeployments/{Name}/$/GetUpgradeProgress. Its progress body has
// no domain list and names several fields differently from applications.
#include <array>

#include "sources/json_fields.h"
#include "sources/parsers.h"
#include "sources/sf_listing.h"
#include "sources/sf_progress.h"
#include "sources/url.h"

namespace ue {

namespace {

// `ComposeDeploymentUpgradeState`.
constexpr std::array<StatePhase, 10> kComposeStates = {{
    {"Invalid", Phase::idle},
    {"ProvisioningTarget", Phase::rolling_forward},
    {"RollingForwardInProgress", Phase::rolling_forward},
    {"RollingForwardPending", Phase::rolling_forward},
    {"UnprovisioningCurrent", Phase::rolling_forward},
    {"RollingForwardCompleted", Phase::completed},
    {"RollingBackInProgress", Phase::rolling_back},
    {"UnprovisioningTarget", Phase::rolling_back},
    {"RollingBackCompleted", Phase::rolled_back},
    {"Failed", Phase::failed},
}};

std::string list_path(const std::string& continuation_token, int max_results) {
  return paged_path("/ComposeDeployments?api-version=6.0-preview", continuation_token, max_results);
}

std::string progress_path(const ListedObject& deployment) {
  return "/ComposeDeployments/" + escape_path_segment(deployment.path_segment) +
         "/$/GetUpgradeProgress?api-version=6.0-preview";
}

std::optional<ListedObject> read_item(const Json& item) {
  std::string name = string_or_empty(find_field(item, "Name"));
  if (name.empty()) return std::nullopt;
  std::string segment = name;
  return ListedObject{std::move(name), std::move(segment), string_or_empty(find_field(item, "Status"))};
}

constexpr Listing kListing{
    .list_endpoint = "compose_deployments_list",
    .progress_endpoint = "compose_deployment_upgrade",
    .list_path = list_path,
    .parse_list = parse_compose_deployments_page,
    .progress_path = progress_path,
    .parse_progress = parse_compose_deployment_upgrade,
    .upgrading_status = "Upgrading",
    .gone_http_status = 404,
};

}  // namespace

ListPage parse_compose_deployments_page(std::string_view body) { return parse_sf_page(body, read_item); }

Upgrade parse_compose_deployment_upgrade(std::string_view body) {
  const Json doc = parse_json(body);
  Upgrade up;
  read_state(doc, kComposeStates, up);
  if (const Json* current = object_field(doc, "CurrentUpgradeDomainProgress")) read_node_progress(*current, false, up);
  read_timestamps(doc, up);
  up.duration = duration_field(doc, "UpgradeDuration");
  up.domain_duration = duration_field(doc, "CurrentUpgradeDomainDuration");
  read_unhealthy_evaluations(doc, "ApplicationUnhealthyEvaluations", up);
  read_monitoring_policy(monitoring_policy_of(doc), up);
  read_replica_set_check_timeout(doc, up);
  finish_progress_ratio(up);
  add_info(up.info, "target_version", doc, "TargetApplicationTypeVersion");
  add_rolling_upgrade_mode(doc, up);
  add_failure_reason(doc, up);  // the runtime often leaves it out
  add_info(up.info, "application_name", doc, "ApplicationName");
  add_failure_action(monitoring_policy_of(doc), up);
  return up;
}

Source compose_deployments_source() {
  return Source{
      .kind = Kind::compose_deployment,
      .target_type = TargetType::service_fabric,
      .collect_name = "compose_deployments",
      .states = state_names(kComposeStates),
      .listing = &kListing,
  };
}

}  // namespace ue
