// Kind `cluster`: GET /$/GetUpgradeProgress, one object named after the target.
#include "sources/json_fields.h"
#include "sources/parsers.h"
#include "sources/sf_progress.h"

namespace ue {

namespace {

constexpr std::string_view kEndpoint = "cluster_upgrade";
constexpr std::string_view kApiVersionMemo = "cluster.api_version";
// 8.2 brings node-by-node units and the 10.0 health-check fields; runtimes
// older than 8.2 reject it with 400 and are asked with 6.0 instead.
constexpr std::string_view kPreferredApiVersion = "8.2";
constexpr std::string_view kFallbackApiVersion = "6.0";

std::string progress_path(std::string_view api_version) {
  return "/$/GetUpgradeProgress?api-version=" + std::string(api_version);
}

Upgrade read_cluster(Fetcher& fetch) {
  if (fetch.memo(kApiVersionMemo) != kFallbackApiVersion) {
    try {
      return fetch.get(kEndpoint, progress_path(kPreferredApiVersion), parse_cluster_upgrade);
    } catch (const SourceError& e) {
      if (e.reason != Reason::http_status || e.http_status != 400) throw;
    }
  }
  Upgrade up = fetch.get(kEndpoint, progress_path(kFallbackApiVersion), parse_cluster_upgrade);
  // Remembered only once 6.0 works, so a 400 for another cause is not sticky.
  fetch.memo(kApiVersionMemo) = kFallbackApiVersion;
  return up;
}

}  // namespace

Upgrade parse_cluster_upgrade(std::string_view body) {
  const Json doc = parse_json(body);
  Upgrade up = parse_domain_upgrade(doc);
  add_info(up.info, "target_version", doc, "CodeVersion");  // the target of the current or last upgrade
  add_rolling_upgrade_mode(doc, up);
  add_failure_reason(doc, up);
  add_info(up.info, "target_config_version", doc, "ConfigVersion");
  add_failure_action(monitoring_policy_of(doc), up);
  return up;
}

Source cluster_source() {
  return Source{
      .kind = Kind::cluster,
      .target_type = TargetType::service_fabric,
      .collect_name = "cluster",
      .states = state_names(kUpgradeStates),
      .read = read_cluster,
  };
}

}  // namespace ue
