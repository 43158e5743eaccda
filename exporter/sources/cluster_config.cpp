// Kind `cluster_config`: GET /$/GetClusterConfigurationUpgradeStatus, one
// object named after the target. Standalone clusters serve it; others may
// answer 4xx, which the poller treats as "feature absent".
#include "base/json_fields.h"
#include "sources/parsers.h"
#include "sources/sf_progress.h"

namespace ue {

namespace {

Upgrade read_cluster_config(Fetcher& fetch) {
  return fetch.get("cluster_config_upgrade", "/$/GetClusterConfigurationUpgradeStatus?api-version=6.0",
                   parse_cluster_config_upgrade, /*feature_probe=*/true);
}

}  // namespace

Upgrade parse_cluster_config_upgrade(std::string_view body) {
  const Json doc = parse_json(body);
  Upgrade up;
  read_state(doc, kUpgradeStates, up);
  // Its meaning is unclear upstream (spec: "cluster manifest version"), so it is exported raw.
  up.config_progress_status = number_field(doc, "ProgressStatus");
  add_info(up.info, "target_version", doc, "ConfigVersion");
  finish_progress_ratio(up);
  return up;
}

Source cluster_config_source() {
  return Source{
      .kind = Kind::cluster_config,
      .target_type = TargetType::service_fabric,
      .collect_name = "cluster_config",
      .states = state_names(kUpgradeStates),
      .read = read_cluster_config,
      .feature_probe = true,
  };
}

}  // namespace ue
