#include "sf_body_parts.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "sf_format.h"

namespace sim {
namespace {

// {"SafetyCheck": {"Kind", "PartitionId"}}; EnsureSeedNodeQuorum names no partition.
Json safety_check(std::string_view kind, const std::string& partition_seed) {
  Json check = {{"Kind", kind}};
  if (kind != "EnsureSeedNodeQuorum") check["PartitionId"] = stable_guid(partition_seed);
  return {{"SafetyCheck", check}};
}

// The safety checks a node waits on before its upgrade; fewer as the wait goes on.
Json safety_checks(const SfObject& o, const std::string& node, bool seed_node, double fraction) {
  bool early = fraction < kUpgradingFrom / 2;  // more checks are still pending early on
  std::vector<std::string_view> kinds;
  if (o.kind == Kind::cluster && seed_node && early) kinds.push_back("EnsureSeedNodeQuorum");
  if (early) kinds.push_back("EnsurePartitionQuorum");
  kinds.push_back(o.kind == Kind::cluster ? "WaitForPrimarySwap" : "WaitForInbuildReplica");
  Json checks = Json::array();
  for (auto kind : kinds) checks.push_back(safety_check(kind, o.name + node + std::string(kind)));
  return checks;
}

Json timeout_or_infinite(const std::optional<Micros>& d) { return d ? Json(iso_duration(*d)) : Json(kInfiniteDuration); }

}  // namespace

Json node_progress_list(const SfObject& o, const Walk& w, double api) {
  Json list = Json::array();
  if (w.current < 0) return list;
  std::vector<std::pair<std::string, bool>> nodes;  // name, seed node
  if (w.node_by_node) {
    nodes.emplace_back(w.units[w.current], false);
  } else {
    for (int j = 0; j < o.nodes_per_domain; ++j) nodes.emplace_back(node_name(o, w.current, j), j == 0);
  }
  double f = w.unit_fraction;
  std::string_view phase = f < kUpgradingFrom ? "PreUpgradeSafetyCheck" : f < kPostUpgradeFrom ? "Upgrading"
                                                                                               : "PostUpgradeSafetyCheck";
  for (const auto& [node, seed] : nodes) {
    Json entry = {{"NodeName", node}, {"UpgradePhase", phase}};
    if (!w.blocked_on.empty()) {
      // Blocked: the unit's first node waits on one check of one partition; the others wait with it.
      bool holder = node == nodes.front().first;
      entry["PendingSafetyChecks"] =
          holder ? Json::array({safety_check(w.blocked_on, o.name + "blocked" + w.blocked_on)}) : Json::array();
    } else {
      entry["PendingSafetyChecks"] = phase == "PreUpgradeSafetyCheck" ? safety_checks(o, node, seed, f) : Json::array();
    }
    if (w.node_by_node && api >= kNodeByNodeApi) entry["UpgradeDuration"] = iso_duration(w.unit_elapsed);
    list.push_back(entry);
  }
  return list;
}

Json domain_progress(const std::string& domain_name, Json nodes) {
  Json progress = Json::object();
  if (!domain_name.empty()) progress["DomainName"] = domain_name;
  progress["NodeUpgradeProgressList"] = std::move(nodes);
  return progress;
}

Json current_domain_progress(const SfObject& o, const Walk& w, double api) {
  if (w.node_by_node) return domain_progress("", Json::array());
  if (w.current >= 0) return domain_progress(w.units[w.current], node_progress_list(o, w, api));
  if (w.next >= 0) return domain_progress(w.units[w.next], Json::array());
  return domain_progress("", Json::array());
}

Json unit_list(const Walk& w, bool with_failed_state) {
  Json list = Json::array();
  for (UnitState wanted : {UnitState::InProgress, UnitState::Pending, UnitState::Completed}) {
    for (size_t u = 0; u < w.units.size(); ++u) {
      UnitState s = w.unit_states[u];
      if ((s == UnitState::Failed ? UnitState::InProgress : s) != wanted) continue;
      if (s == UnitState::Failed && !with_failed_state) s = UnitState::InProgress;  // UpgradeDomainState has no Failed
      list.push_back({{"Name", w.units[u]}, {"State", unit_state_name(s)}});
    }
  }
  return list;
}

Json timestamp_or_unset(const std::optional<SimTime>& t, WallClock::time_point epoch) {
  if (!t) return kUnsetTimestamp;
  return utc_timestamp(epoch + std::chrono::duration_cast<WallClock::duration>(*t));
}

Json monitoring_policy(const Policy& p) {
  return {{"FailureAction", p.failure_action},
          {"HealthCheckWaitDurationInMilliseconds", iso_duration(p.health_check_wait)},
          {"HealthCheckStableDurationInMilliseconds", iso_duration(p.health_check_stable)},
          {"HealthCheckRetryTimeoutInMilliseconds", iso_duration(p.health_check_retry)},
          {"UpgradeTimeoutInMilliseconds", timeout_or_infinite(p.upgrade_timeout)},
          {"UpgradeDomainTimeoutInMilliseconds", timeout_or_infinite(p.domain_timeout)}};
}

std::int64_t replica_set_check_timeout(const Policy& p) {
  const auto& timeout = p.replica_set_check_timeout;
  return timeout ? std::chrono::duration_cast<std::chrono::seconds>(*timeout).count() : kInfiniteSeconds;
}

Json application_health_policy() {
  return {{"ConsiderWarningAsError", false},
          {"MaxPercentUnhealthyDeployedApplications", 0},
          {"DefaultServiceTypeHealthPolicy",
           {{"MaxPercentUnhealthyServices", 0},
            {"MaxPercentUnhealthyPartitionsPerService", 0},
            {"MaxPercentUnhealthyReplicasPerPartition", 0}}},
          {"ServiceTypeHealthPolicyMap", Json::array()}};
}

Json upgrade_description(const SfObject& o) {
  Json d;
  if (o.kind == Kind::cluster) {
    d = {{"CodeVersion", o.version}, {"ConfigVersion", o.config_version}};
  } else {
    d = {{"Name", o.name}, {"TargetApplicationTypeVersion", o.version}, {"Parameters", Json::array()}};
  }
  d["UpgradeKind"] = "Rolling";
  d["RollingUpgradeMode"] = o.mode;
  d["UpgradeReplicaSetCheckTimeoutInSeconds"] = replica_set_check_timeout(o.policy);
  d["ForceRestart"] = false;
  d["SortOrder"] = "Default";
  d["MonitoringPolicy"] = monitoring_policy(o.policy);
  if (o.kind == Kind::cluster) {
    d["ClusterHealthPolicy"] = {{"ConsiderWarningAsError", false},
                                {"MaxPercentUnhealthyNodes", 100},
                                {"MaxPercentUnhealthyApplications", 0},
                                {"NodeTypeHealthPolicyMap", Json::array()}};
    d["EnableDeltaHealthEvaluation"] = true;
    d["ClusterUpgradeHealthPolicy"] = {{"MaxPercentDeltaUnhealthyNodes", 0},
                                       {"MaxPercentUpgradeDomainDeltaUnhealthyNodes", 0}};
  } else {
    d["ApplicationHealthPolicy"] = application_health_policy();
  }
  d["InstanceCloseDelayDurationInSeconds"] = kInfiniteSeconds;
  return d;
}

Json unhealthy_evaluations(const SfObject& o, const Walk& w) {
  int domain = w.current >= 0 ? w.current : std::max(0, w.completed - 1);
  if (w.node_by_node || o.domains.empty()) domain = 0;
  auto wrap = [](Json evaluation) { return Json{{"HealthEvaluation", std::move(evaluation)}}; };
  if (o.kind == Kind::cluster || o.kind == Kind::cluster_config) {
    // A node of the upgraded domain is down: the domain's check and the delta check both fail on it.
    std::string node = node_name(o, domain, 0), ud = o.domains.at(domain);
    int in_domain = o.nodes_per_domain, in_cluster = o.nodes_per_domain * static_cast<int>(o.domains.size());
    Json node_eval = {{"Kind", "Node"}, {"AggregatedHealthState", "Error"},
                      {"Description", "Node '" + node + "' is in Error: the System.FM 'State' report says the node is down."},
                      {"NodeName", node}, {"UnhealthyEvaluations", Json::array()}};
    return Json::array(
        {wrap({{"Kind", "UpgradeDomainNodes"}, {"AggregatedHealthState", "Error"},
               {"Description", "Unhealthy nodes: " + std::to_string(100 / in_domain) + "% (1/" +
                                   std::to_string(in_domain) + ") in upgrade domain " + ud +
                                   ", MaxPercentUnhealthyNodes=0%."},
               {"UpgradeDomainName", ud}, {"MaxPercentUnhealthyNodes", 0}, {"TotalCount", in_domain},
               {"UnhealthyEvaluations", Json::array({wrap(node_eval)})}}),
         wrap({{"Kind", "DeltaNodesCheck"}, {"AggregatedHealthState", "Error"},
               {"Description", "Unhealthy nodes: baseline error count 0 of " + std::to_string(in_cluster) +
                                   ", current error count 1 of " + std::to_string(in_cluster) +
                                   ", MaxPercentDeltaUnhealthyNodes=0%."},
               {"BaselineErrorCount", 0}, {"BaselineTotalCount", in_cluster}, {"MaxPercentDeltaUnhealthyNodes", 0},
               {"TotalCount", in_cluster}, {"UnhealthyEvaluations", Json::array({wrap(node_eval)})}})});
  }
  // A service has lost a primary, and the application's own watchdog reports it.
  std::string service = o.name + "/" + (o.kind == Kind::compose_deployment ? "web" : "Api");
  Json service_eval = {{"Kind", "Service"}, {"AggregatedHealthState", "Error"},
                       {"Description", "Service '" + service + "' is in Error: a partition has no primary."},
                       {"ServiceName", service}, {"UnhealthyEvaluations", Json::array()}};
  Json event = {{"SourceId", "Watchdog"}, {"Property", "Availability"}, {"HealthState", "Error"},
                {"Description", "Requests to " + service + " fail."}};
  return Json::array({wrap({{"Kind", "Services"}, {"AggregatedHealthState", "Error"},
                            {"Description", "Unhealthy services: 50% (1/2), ServiceType='" + o.type_name +
                                                "Service', MaxPercentUnhealthyServices=0%."},
                            {"ServiceTypeName", o.type_name + "Service"}, {"MaxPercentUnhealthyServices", 0},
                            {"TotalCount", 2}, {"UnhealthyEvaluations", Json::array({wrap(service_eval)})}}),
                      wrap({{"Kind", "Event"}, {"AggregatedHealthState", "Error"},
                            {"Description", "Error event: SourceId='Watchdog', Property='Availability'."},
                            {"ConsiderWarningAsError", false}, {"UnhealthyEvent", event}})});
}

std::string status_details(const Walk& w) {
  if (w.current >= 0 && w.unit_fraction < kUpgradingFrom) return "Waiting for safety checks to pass.";
  if (w.current >= 0) return "Upgrading node. Elapsed time: " + iso_duration(w.unit_elapsed) + ".";
  if (w.health_phase != "Invalid") return "Evaluating health: " + w.health_phase + ".";
  if (w.state == "RollingForwardPending" && w.next >= 0)
    return "Waiting for a manual move to upgrade domain " + w.units[w.next] + ".";
  return "";
}

}  // namespace sim
