// Readers of the shared Service Fabric progress shapes; see sf_progress.h.
#include "sources/sf_progress.h"

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
  up.unhealthy_evaluations = array_length(body, "UnhealthyEvaluations");
  if (const Json* description = object_field(body, "UpgradeDescription"))
    read_timeouts(object_field(*description, "MonitoringPolicy"), up);
  read_health_check(body, up);
  finish_progress_ratio(up);
  return up;
}

void read_node_progress(const Json& progress, bool names_if_no_domain, Upgrade& up) {
  up.current_domain = string_field(progress, "DomainName").value_or("");
  const bool join_names = names_if_no_domain && up.current_domain.empty();
  NodePhaseCounts nodes{};
  double safety_checks = 0;
  if (const Json* list = array_field(progress, "NodeUpgradeProgressList")) {
    for (const Json& node : *list) {
      if (!node.is_object()) throw_schema("NodeUpgradeProgressList", "an array of objects");
      const std::optional<std::string> phase = string_field(node, "UpgradePhase");
      const int index = phase ? index_of(kNodePhases, *phase) : -1;
      if (index >= 0) nodes[static_cast<std::size_t>(index)] += 1;
      safety_checks += array_length(node, "PendingSafetyChecks").value_or(0);
      if (join_names) {
        const std::string name = string_field(node, "NodeName").value_or("");
        if (name.empty()) continue;
        if (!up.current_domain.empty()) up.current_domain += ',';
        up.current_domain += name;
      }
    }
  }
  up.nodes = nodes;
  up.pending_safety_checks = safety_checks;
}

void read_timestamps(const Json& body, Upgrade& up) {
  up.start_time = timestamp_field(body, "StartTimestampUtc");
  up.failure_time = timestamp_field(body, "FailureTimestampUtc");
}

void read_timeouts(const Json* monitoring_policy, Upgrade& up) {
  if (!monitoring_policy) return;
  const auto timeout = [&](std::string_view key) -> std::optional<double> {
    const std::optional<double> seconds = duration_field(*monitoring_policy, key);
    if (!seconds || *seconds <= 0 || is_infinite_duration(*seconds)) return std::nullopt;
    return seconds;
  };
  up.timeout = timeout("UpgradeTimeoutInMilliseconds");
  up.domain_timeout = timeout("UpgradeDomainTimeoutInMilliseconds");
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
