#include "sf_progress.h"

#include <cmath>

#include "sf_body_parts.h"
#include "sf_format.h"
#include "unit_walk.h"

namespace sim {
namespace {

// Where the walk stood when the failure was recorded; for a failure that starts
// a rollback, just before the rollback began.
Json progress_at_failure(const SfObject& o, const Moment& m, double api) {
  if (!m.failure_time) return domain_progress("", Json::array());
  Moment at = moment_of(o, *m.failure_time);
  if (at.step && is_rolling_back(o.kind, at.step->state)) at = moment_of(o, *m.failure_time - Micros(1));
  return current_domain_progress(o, walk_units(o, at), api);
}

}  // namespace

Json domain_upgrade_body(const SfObject& o, SimTime t, double api, WallClock::time_point epoch) {
  const bool is_cluster = o.kind == Kind::cluster;
  const Moment m = moment_of(o, t);
  const Walk w = walk_units(o, m);
  const bool new_fields = api >= kNodeByNodeApi;

  Json body;
  if (is_cluster) {
    body = {{"CodeVersion", o.version}, {"ConfigVersion", o.config_version}};
  } else {
    body = {{"Name", o.name}, {"TypeName", o.type_name}, {"TargetApplicationTypeVersion", o.version}};
  }
  body["UpgradeDomains"] = w.node_by_node ? Json::array() : unit_list(w, false);
  if (new_fields) body["UpgradeUnits"] = unit_list(w, true);
  body["UpgradeState"] = w.state;
  body["NextUpgradeDomain"] = w.next >= 0 && !w.node_by_node ? w.units[w.next] : "";
  body["RollingUpgradeMode"] = m.step ? o.mode : "Invalid";
  if (m.step) body["UpgradeDescription"] = upgrade_description(o);
  body["UpgradeDurationInMilliseconds"] = iso_duration(m.run_elapsed);
  body["UpgradeDomainDurationInMilliseconds"] = iso_duration(w.unit_elapsed);
  body["UnhealthyEvaluations"] = m.step && m.step->unhealthy ? unhealthy_evaluations(o, w) : Json::array();
  body["CurrentUpgradeDomainProgress"] = current_domain_progress(o, w, api);
  if (new_fields) {
    body["CurrentUpgradeUnitsProgress"] =
        w.node_by_node ? domain_progress("", node_progress_list(o, w, api)) : current_domain_progress(o, w, api);
  }
  body["StartTimestampUtc"] = timestamp_or_unset(m.run_start, epoch);
  body["FailureTimestampUtc"] = timestamp_or_unset(m.failure_time, epoch);
  body["FailureReason"] = m.failure_reason;
  body["UpgradeDomainProgressAtFailure"] = progress_at_failure(o, m, api);
  if (!is_cluster) body["UpgradeStatusDetails"] = status_details(w);
  if (new_fields) body["IsNodeByNode"] = w.node_by_node;
  // The 10.0 health-check fields at every api-version: SFX asks with 8.2 and gets them (reference §1.8).
  body["HealthCheckElapsedTime"] = iso_duration(w.health_elapsed);
  body["HealthCheckPhase"] = w.health_phase;
  if (w.health_retry) body["HealthCheckRetryFlips"] = 1;
  return body;
}

Json config_upgrade_status_body(const SfObject& o, SimTime t) {
  Walk w = walk_units(o, moment_of(o, t));
  std::string details;
  if (w.current >= 0) details = "Upgrading configuration in upgrade domain " + w.units[w.current] + ".";
  if (w.state == "RollingForwardPending") details = "Evaluating cluster health.";
  // ProgressStatus's meaning is undocumented (reference §2): the simulator reports completed domains.
  return {{"UpgradeState", w.state}, {"ProgressStatus", w.completed}, {"ConfigVersion", o.version},
          {"Details", details}};
}

Json application_resource_upgrade_body(const SfObject& o, SimTime t, WallClock::time_point epoch) {
  Moment m = moment_of(o, t);
  // Never upgraded: the enum's default (inferred; the spec has no example).
  std::string state = m.step ? m.step->state : "Invalid";
  Json services = Json::array();
  for (const auto& s : o.services) {
    int completed = static_cast<int>(std::lround(m.progress * s.replicas));
    // Numbers as strings, as the resource API sends them.
    services.push_back({{"ServiceName", s.name},
                        {"CompletedReplicaCount", std::to_string(completed)},
                        {"PendingReplicaCount", std::to_string(s.replicas - completed)}});
  }
  return Json{{"Name", o.name},
              {"TargetApplicationTypeVersion", o.version},
              {"StartTimestampUtc", timestamp_or_unset(m.run_start, epoch)},
              {"UpgradeState", state},
              {"PercentCompleted", std::to_string(std::lround(m.progress * 100))},
              {"ServiceUpgradeProgress", services},
              {"RollingUpgradeMode", o.mode},
              {"UpgradeDuration", iso_duration(m.run_elapsed)},
              {"ApplicationUpgradeStatusDetails", m.step && m.step->unhealthy ? "A service replica reports an error." : ""},
              {"UpgradeReplicaSetCheckTimeoutInSeconds", replica_set_check_timeout(o.policy)},
              {"FailureTimestampUtc", timestamp_or_unset(m.failure_time, epoch)}};
}

Json compose_deployment_upgrade_body(const SfObject& o, SimTime t, WallClock::time_point epoch) {
  Moment m = moment_of(o, t);
  Walk w = walk_units(o, m);
  Json body = {{"DeploymentName", o.name},
               {"ApplicationName", "fabric:/" + o.name},
               {"UpgradeState", w.state},
               {"UpgradeStatusDetails", status_details(w)},
               {"UpgradeKind", m.step ? "Rolling" : "Invalid"}};
  if (m.step) {  // the runtime writes these only for rolling upgrades
    body["RollingUpgradeMode"] = o.mode;
    body["ForceRestart"] = false;
    body["UpgradeReplicaSetCheckTimeoutInSeconds"] = replica_set_check_timeout(o.policy);
    body["MonitoringPolicy"] = monitoring_policy(o.policy);
    body["ApplicationHealthPolicy"] = application_health_policy();
  }
  body["TargetApplicationTypeVersion"] = o.version;
  body["UpgradeDuration"] = iso_duration(m.run_elapsed);
  body["CurrentUpgradeDomainDuration"] = iso_duration(w.unit_elapsed);
  body["ApplicationUnhealthyEvaluations"] = m.step && m.step->unhealthy ? unhealthy_evaluations(o, w) : Json::array();
  body["CurrentUpgradeDomainProgress"] = current_domain_progress(o, w, 0);
  body["StartTimestampUtc"] = timestamp_or_unset(m.run_start, epoch);
  body["FailureTimestampUtc"] = timestamp_or_unset(m.failure_time, epoch);
  // No FailureReason: the runtime's serializer does not write it (reference §6.2).
  body["UpgradeDomainProgressAtFailure"] = progress_at_failure(o, m, 0);
  body["ApplicationUpgradeStatusDetails"] = "";
  return body;
}

std::string reported_state(const SfObject& o, SimTime t) {
  Moment m = moment_of(o, t);
  if (o.kind == Kind::application_resource) return m.step ? m.step->state : "Invalid";
  return walk_units(o, m).state;
}

}  // namespace sim
