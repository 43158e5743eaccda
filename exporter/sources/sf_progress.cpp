// Readers of the shared Service Fabric progress shapes; see sf_progress.h.
#include "sources/sf_progress.h"

#include <set>

#include <map>

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "sources/schema_error.h"
#include "sources/time_formats.h"

namespace ue {

namespace {

// Index of `name` in `names`, or -1.
template <std::size_t N>
constexpr int index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

// The DomainCounts slot of completed domains, the numerator of progress_ratio.
constexpr std::size_t kCompletedDomainIndex = static_cast<std::size_t>(index_of(kDomainStates, "Completed"));
static_assert(kCompletedDomainIndex < kDomainStates.size(), "kDomainStates names a \"Completed\" state");

// Counts the entries of an UpgradeDomains/UpgradeUnits array per kDomainStates;
// other states (Invalid, future values) are not counted.
DomainCounts count_domains(const Json& entries, std::string_view field) {
  DomainCounts counts{};
  for (const Json& entry : entries) {
    if (!entry.is_object()) throw_schema(field, "an array of objects");
    const std::optional<std::string> state = string_field(entry, "State");
    const int index = state ? index_of(kDomainStates, *state) : -1;
    if (index >= 0) counts[static_cast<std::size_t>(index)] += 1;
  }
  return counts;
}

}  // namespace

Phase sf_phase(std::string_view state, StateTable table) {
  if (const std::optional<Phase> phase = known_phase(state, table)) return *phase;
  const auto contains = [&](std::string_view part) { return state.find(part) != std::string_view::npos; };
  if (contains("RollingBack")) return Phase::rolling_back;
  if (contains("RollingForward") || contains("Provisioning")) return Phase::rolling_forward;
  return Phase::idle;
}

void read_state(const Json& body, StateTable table, Upgrade& up) {
  std::optional<std::string> state = string_field(body, "UpgradeState");
  if (!state || state->empty()) throw_schema("UpgradeState", "a state");
  up.state = std::move(*state);
  up.phase = sf_phase(up.state, table);
}

Upgrade parse_domain_upgrade(const Json& body) {
  Upgrade up;
  read_state(body, kUpgradeStates, up);
  const bool node_by_node = bool_field(body, "IsNodeByNode").value_or(false);

  // Node-by-node upgrades leave UpgradeDomains empty and count nodes in UpgradeUnits.
  const Json* domains = array_field(body, "UpgradeDomains");
  const Json* units = array_field(body, "UpgradeUnits");
  const bool use_units = units && (node_by_node || ((!domains || domains->empty()) && !units->empty()));
  if (use_units)
    up.domains = count_domains(*units, "UpgradeUnits");
  else if (domains)
    up.domains = count_domains(*domains, "UpgradeDomains");
  else if (units)
    up.domains = count_domains(*units, "UpgradeUnits");

  const Json* domain_progress = object_field(body, "CurrentUpgradeDomainProgress");
  const Json* units_progress = object_field(body, "CurrentUpgradeUnitsProgress");
  const Json* current = node_by_node ? (units_progress ? units_progress : domain_progress)
                                     : (domain_progress ? domain_progress : units_progress);
  if (current) read_node_progress(*current, node_by_node, up);

  read_timestamps(body, up);
  // ISO-8601 durations despite the names.
  up.duration = duration_field(body, "UpgradeDurationInMilliseconds");
  up.domain_duration = duration_field(body, "UpgradeDomainDurationInMilliseconds");
  read_unhealthy_evaluations(body, "UnhealthyEvaluations", up);
  if (const Json* description = object_field(body, "UpgradeDescription")) {
    read_monitoring_policy(object_field(*description, "MonitoringPolicy"), up);
    read_replica_set_check_timeout(*description, up);
  }
  read_health_check(body, up);
  finish_progress_ratio(up);
  return up;
}

void read_node_progress(const Json& progress, bool names_if_no_domain, Upgrade& up) {
  up.current_domain = string_field(progress, "DomainName").value_or("");
  const bool join_names = names_if_no_domain && up.current_domain.empty();
  NodePhaseCounts nodes{};
  double safety_checks = 0;
  std::set<std::string, std::less<>> detailed;  // node names already in current_nodes
  if (const Json* list = array_field(progress, "NodeUpgradeProgressList")) {
    for (const Json& node : *list) {
      if (!node.is_object()) throw_schema("NodeUpgradeProgressList", "an array of objects");
      const std::optional<std::string> phase = string_field(node, "UpgradePhase");
      const int index = phase ? index_of(kNodePhases, *phase) : -1;
      if (index >= 0) nodes[static_cast<std::size_t>(index)] += 1;
      const Json* pending = array_field(node, "PendingSafetyChecks");
      safety_checks += pending ? static_cast<double>(pending->size()) : 0;
      const std::string name = string_field(node, "NodeName").value_or("");
      if (join_names && !name.empty()) {
        if (!up.current_domain.empty()) up.current_domain += ',';
        up.current_domain += name;
      }
      // A node without a name cannot label a series; one named twice keeps its first entry.
      if (name.empty() || up.current_nodes.size() >= kMaxDetailedNodes || !detailed.insert(name).second) continue;
      NodeProgress& detail = up.current_nodes.emplace_back(NodeProgress{name, phase.value_or(""), {}});
      if (pending) detail.pending = read_safety_checks(*pending);
    }
  }
  up.nodes = nodes;
  up.pending_safety_checks = safety_checks;
}

std::vector<SafetyCheck> read_safety_checks(const Json& pending) {
  // {"SafetyCheck": {"Kind": ..., "PartitionId": ...}}; a bare {"Kind": ...}
  // is read too. An entry without a Kind is counted in
  // pending_safety_checks but cannot be told apart here.
  std::vector<SafetyCheck> checks;
  for (const Json& entry : pending) {
    const Json* check = entry.is_object() ? find_field(entry, "SafetyCheck") : nullptr;
    if (!check) check = &entry;
    if (!check->is_object()) continue;
    std::string kind = string_or_empty(find_field(*check, "Kind"));
    if (kind.empty()) continue;
    checks.push_back({std::move(kind), string_or_empty(find_field(*check, "PartitionId"))});
  }
  return checks;
}

void read_unhealthy_evaluations(const Json& body, std::string_view key, Upgrade& up) {
  const Json* evaluations = array_field(body, key);
  if (!evaluations) return;
  up.unhealthy_evaluations = static_cast<double>(evaluations->size());
  std::map<std::string, double, std::less<>> by_kind;
  for (const Json& wrapper : *evaluations) {
    const Json* evaluation = wrapper.is_object() ? find_field(wrapper, "HealthEvaluation") : nullptr;
    const std::string kind = evaluation && evaluation->is_object() ? string_or_empty(find_field(*evaluation, "Kind")) : "";
    if (kind.empty()) continue;
    auto it = by_kind.find(kind);
    if (it == by_kind.end() && by_kind.size() >= kMaxEvaluationKinds) continue;
    if (it == by_kind.end()) it = by_kind.emplace(kind, 0).first;
    it->second += 1;
  }
  up.unhealthy_evaluations_by_kind.assign(by_kind.begin(), by_kind.end());
}

void read_timestamps(const Json& body, Upgrade& up) {
  up.start_time = timestamp_field(body, "StartTimestampUtc");
  up.failure_time = timestamp_field(body, "FailureTimestampUtc");
}

void read_monitoring_policy(const Json* monitoring_policy, Upgrade& up) {
  if (!monitoring_policy) return;
  // Timeouts of zero mean "not set"; health-check durations of zero are real.
  const auto duration = [&](std::string_view key, bool zero_is_unset) -> std::optional<double> {
    const std::optional<double> seconds = duration_field(*monitoring_policy, key);
    if (!seconds || (zero_is_unset && *seconds <= 0) || is_infinite_duration(*seconds)) return std::nullopt;
    return seconds;
  };
  up.timeout = duration("UpgradeTimeoutInMilliseconds", true);
  up.domain_timeout = duration("UpgradeDomainTimeoutInMilliseconds", true);
  up.health_check_wait = duration("HealthCheckWaitDurationInMilliseconds", false);
  up.health_check_stable = duration("HealthCheckStableDurationInMilliseconds", false);
  up.health_check_retry_timeout = duration("HealthCheckRetryTimeoutInMilliseconds", false);
}

void read_replica_set_check_timeout(const Json& holder, Upgrade& up) {
  const std::optional<double> seconds = number_field(holder, "UpgradeReplicaSetCheckTimeoutInSeconds");
  if (seconds && *seconds >= 0 && *seconds < kInfiniteReplicaSetCheckSeconds) up.replica_set_check_timeout = seconds;
}

void add_rolling_upgrade_mode(const Json& body, Upgrade& up) {
  add_info(up.info, "rolling_upgrade_mode", body, "RollingUpgradeMode");
  const Json* mode = find_field(body, "RollingUpgradeMode");
  up.awaiting_operator = up.state == "RollingForwardPending" && mode && *mode == "UnmonitoredManual";
}

void add_failure_reason(const Json& body, Upgrade& up) {
  const Json* reason = find_field(body, "FailureReason");
  if (reason && *reason == "None") return;
  add_info(up.info, "failure_reason", body, "FailureReason");
}

void add_failure_action(const Json* monitoring_policy, Upgrade& up) {
  if (monitoring_policy) add_info(up.info, "failure_action", *monitoring_policy, "FailureAction");
}

const Json* monitoring_policy_of(const Json& body) {
  const Json* description = object_field(body, "UpgradeDescription");
  return description ? object_field(*description, "MonitoringPolicy") : object_field(body, "MonitoringPolicy");
}

void read_health_check(const Json& body, Upgrade& up) {
  const std::string phase = string_field(body, "HealthCheckPhase").value_or("");
  if (index_of(kHealthCheckPhases, phase) >= 0) up.health_check_phase = phase;
  // ISO-8601 in the client and fixtures; SFX types it `number`, read like any
  // other duration (a bare number is milliseconds).
  up.health_check_elapsed = duration_field(body, "HealthCheckElapsedTime");
  up.health_check_retry_flips = number_field(body, "HealthCheckRetryFlips");
}

void finish_progress_ratio(Upgrade& up) {
  if (up.domains) {
    const DomainCounts& counts = *up.domains;
    double total = 0;
    for (const double count : counts) total += count;
    if (total > 0) up.progress_ratio = counts[kCompletedDomainIndex] / total;
  }
  if (up.phase == Phase::completed) up.progress_ratio = 1.0;
}

}  // namespace ue
