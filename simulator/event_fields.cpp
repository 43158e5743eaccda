#include "event_fields.h"

#include "sf_format.h"
#include "unit_walk.h"

namespace sim {
namespace {

bool is_cluster(const SfObject& o) { return o.kind == Kind::cluster; }

double milliseconds(Micros d) { return static_cast<double>(d.count()) / 1000.0; }

// An event of the attempt's object with the kind `suffix` ("UpgradeStarted") after Cluster or Application.
StoredEvent attempt_event(const UpgradeAttempt& a, SimTime t, std::string_view suffix) {
  StoredEvent e;
  e.time = t;
  e.kind = (is_cluster(*a.object) ? "Cluster" : "Application") + std::string(suffix);
  e.instance_id = a.instance_id;
  if (!is_cluster(*a.object)) {
    e.fields["ApplicationId"] = application_id(a.object->name);
    e.fields["ApplicationTypeName"] = a.object->type_name;
  }
  return e;
}

}  // namespace

StoredEvent upgrade_started(const UpgradeAttempt& a, SimTime t) {
  StoredEvent e = attempt_event(a, t, "UpgradeStarted");
  if (is_cluster(*a.object)) {
    e.fields["CurrentClusterVersion"] = a.from;
    e.fields["TargetClusterVersion"] = a.to;
  } else {
    e.fields["CurrentApplicationTypeVersion"] = a.from;
    e.fields["ApplicationTypeVersion"] = a.to;
  }
  e.fields["UpgradeType"] = "Rolling";
  e.fields["RollingUpgradeMode"] = a.mode;
  e.fields["FailureAction"] = a.object->policy.failure_action;
  return e;
}

StoredEvent domain_completed(const UpgradeAttempt& a, SimTime t, const std::string& domains, Micros elapsed) {
  StoredEvent e = attempt_event(a, t, "UpgradeDomainCompleted");
  if (is_cluster(*a.object)) {
    e.fields["TargetClusterVersion"] = a.to;
  } else {
    e.fields["CurrentApplicationTypeVersion"] = a.from;
    e.fields["ApplicationTypeVersion"] = a.to;
  }
  // The runtime's own state name, as in the documented sample ("RollingForward", not the REST enum).
  e.fields["UpgradeState"] = "RollingForward";
  e.fields["UpgradeDomains"] = domains;
  e.fields["UpgradeDomainElapsedTimeInMs"] = milliseconds(elapsed);
  return e;
}

StoredEvent upgrade_completed(const UpgradeAttempt& a, SimTime t, Micros overall) {
  StoredEvent e = attempt_event(a, t, "UpgradeCompleted");
  e.fields[is_cluster(*a.object) ? "TargetClusterVersion" : "ApplicationTypeVersion"] = a.to;
  e.fields["OverallUpgradeElapsedTimeInMs"] = milliseconds(overall);
  return e;
}

StoredEvent rollback_started(const UpgradeAttempt& a, SimTime t, const std::string& reason, Micros overall) {
  StoredEvent e = attempt_event(a, t, "UpgradeRollbackStarted");
  if (is_cluster(*a.object)) {
    e.fields["TargetClusterVersion"] = a.from;
  } else {
    e.fields["CurrentApplicationTypeVersion"] = a.to;
    e.fields["ApplicationTypeVersion"] = a.from;
  }
  e.fields["FailureReason"] = reason;
  e.fields["OverallUpgradeElapsedTimeInMs"] = milliseconds(overall);
  return e;
}

StoredEvent rollback_completed(const UpgradeAttempt& a, SimTime t, const std::string& reason, Micros overall) {
  StoredEvent e = attempt_event(a, t, "UpgradeRollbackCompleted");
  e.fields[is_cluster(*a.object) ? "TargetClusterVersion" : "ApplicationTypeVersion"] = a.from;
  e.fields["FailureReason"] = reason;
  e.fields["OverallUpgradeElapsedTimeInMs"] = milliseconds(overall);
  return e;
}

StoredEvent health_report(const SfObject& o, SimTime t, const std::string& health_state, const std::string& description,
                          std::int64_t sequence) {
  StoredEvent e;
  e.time = t;
  e.category = "Health";
  e.kind = is_cluster(o) ? "ClusterNewHealthReport" : "ApplicationNewHealthReport";
  e.instance_id = stable_guid("health " + o.name + " " + std::to_string(t.count()));
  if (!is_cluster(o)) {
    e.fields["ApplicationId"] = application_id(o.name);
    e.fields["ApplicationInstanceId"] = 132000000000000000 + static_cast<std::int64_t>(o.name.size()) * 7919;
  }
  e.fields["SourceId"] = is_cluster(o) ? "System.UpgradeOrchestrationService" : "System.HM";
  e.fields["Property"] = is_cluster(o) ? "ClusterUpgradeHealthCheck" : "UpgradeHealthCheck";
  e.fields["HealthState"] = health_state;
  e.fields["TimeToLiveMs"] = 600000;
  e.fields["SequenceNumber"] = sequence;
  e.fields["Description"] = description;
  e.fields["RemoveWhenExpired"] = true;
  e.fields["SourceUtcTimestamp"] = "";  // filled when written, from the event's own time
  return e;
}

std::vector<std::string> upgrade_units(const SfObject& o) {
  if (o.mode != "UnmonitoredDeferred") return o.domains;
  std::vector<std::string> nodes;
  for (int d = 0; d < static_cast<int>(o.domains.size()); ++d)
    for (int j = 0; j < o.nodes_per_domain; ++j) nodes.push_back(node_name(o, d, j));
  return nodes;
}

std::string domains_text(const std::string& unit) { return "(" + unit + ")"; }

}  // namespace sim
