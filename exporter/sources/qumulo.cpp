// Kind `qumulo`: GET /v3/upgrade/status, plus the rolling-reboot manager's
// GET /v1/shutdown/reboot/status, GET /v2/upgrade/blocked and the data
// protection routes (sources/qumulo_protection.cpp) as optional extras. One
// object named after the target.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "log/log.h"
#include "base/json_fields.h"
#include "sources/parsers.h"
#include "base/schema_error.h"
#include "sources/state_table.h"

namespace ue {

namespace {

// Every state but IDLE is a step of an upgrade under way; failures are
// signalled by `error_info` whatever the state, not by a state of their own.
constexpr std::array<StatePhase, 6> kQumuloStates = {{
    {"UPGRADE_STATE_IDLE", Phase::idle},
    {"UPGRADE_STATE_PREPARING", Phase::rolling_forward},
    {"UPGRADE_STATE_PREPARED", Phase::rolling_forward},
    {"UPGRADE_STATE_COMMITTING", Phase::rolling_forward},
    {"UPGRADE_STATE_COMMITTED", Phase::rolling_forward},
    {"UPGRADE_STATE_REBOOTING", Phase::rolling_forward},
}};

// The reboot status and the blocked status are extras: without them (an old
// cluster, a missing privilege, a bad body) the upgrade status still counts,
// so a failed read is only noted. The Fetcher has already counted it under
// its endpoint.
template <class T>
std::optional<T> read_extra(Fetcher& fetch, std::string_view what, std::string_view endpoint, const char* path,
                            T (*parse)(std::string_view)) {
  try {
    return fetch.get(endpoint, path, parse, /*feature_probe=*/true);
  } catch (const SourceError& e) {
    Log::debug(std::string(what) + " unread; upgrade status exported without it",
               {{"endpoint", endpoint}, {"err", e.message}});
  } catch (const FeatureAbsent& absent) {
    Log::debug(std::string(what) + " not served; upgrade status exported without it",
               {{"endpoint", endpoint}, {"status", std::to_string(absent.http_status)}});
  }
  return std::nullopt;
}

// Whether data is still fully protected, and which nodes are down: each
// route on its own, so one a cluster does not serve costs only its series.
void read_protection(Fetcher& fetch, Upgrade& up) {
  up.restriper = read_extra(fetch, "restriper status", "qumulo_restriper_status",
                            "/v1/cluster/protection/restriper/status", parse_qumulo_restriper_status);
  up.protection = read_extra(fetch, "protection status", "qumulo_protection_status", "/v1/cluster/protection/status",
                             parse_qumulo_protection_status);
  if (std::optional<std::vector<ClusterNode>> nodes =
          read_extra(fetch, "node list", "qumulo_nodes", "/v1/cluster/nodes/", parse_qumulo_nodes))
    up.cluster_nodes = std::move(*nodes);
}

Upgrade read_qumulo(Fetcher& fetch) {
  Upgrade up = fetch.get("qumulo_upgrade_status", "/v3/upgrade/status", parse_qumulo_upgrade_status);
  up.reboot = read_extra(fetch, "reboot status", "qumulo_reboot_status", "/v1/shutdown/reboot/status", parse_qumulo_reboot_status);
  if (std::optional<QumuloBlockedStatus> blocked =
          read_extra(fetch, "blocked status", "qumulo_upgrade_blocked", "/v2/upgrade/blocked", parse_qumulo_upgrade_blocked)) {
    up.blocked = blocked->blocked;
    if (!blocked->reason.empty()) up.info.emplace_back("blocked_reason", std::move(blocked->reason));
  }
  read_protection(fetch, up);
  return up;
}

}  // namespace

Upgrade parse_qumulo_upgrade_status(std::string_view body) {
  const Json doc = parse_json(body);
  Upgrade up;
  std::optional<std::string> state = string_field(doc, "state");
  if (!state || state->empty()) throw_schema("state", "an upgrade state");
  up.state = std::move(*state);
  const std::string error = string_field(doc, "error_info").value_or("");
  // Unknown (future) states are assumed to be upgrade steps too.
  up.phase = !error.empty() ? Phase::failed : known_phase(up.state, kQumuloStates).value_or(Phase::rolling_forward);

  // `progress` (0..100) only means something while preparing.
  const std::optional<double> progress = number_field(doc, "progress");
  if (up.state == "UPGRADE_STATE_PREPARING" && progress) up.progress_ratio = std::clamp(*progress / 100.0, 0.0, 1.0);

  const Json* settings = object_field(doc, "settings");
  if (settings) add_info(up.info, "target_version", *settings, "target_version");
  if (!error.empty()) up.info.emplace_back("failure_reason", error);
  if (settings) add_info(up.info, "upgrade_type", *settings, "upgrade_type");
  const std::optional<bool> auto_commit = settings ? bool_field(*settings, "auto_commit") : std::nullopt;
  if (auto_commit) up.info.emplace_back("auto_commit", *auto_commit ? "true" : "false");
  // Prepared, the upgrade waits for POST /v2/upgrade/commit: an operator's call
  // unless auto_commit is set. Qumulo shows PREPARED only without it, so an
  // unreported auto_commit counts as false. One with an error has failed instead.
  up.awaiting_operator = up.state == "UPGRADE_STATE_PREPARED" && !auto_commit.value_or(false) && error.empty();
  return up;
}

RebootProgress parse_qumulo_reboot_status(std::string_view body) {
  const Json doc = parse_json(body);
  RebootProgress reboot;
  std::optional<std::string> state = string_field(doc, "state");
  if (!state || state->empty()) throw_schema("state", "a reboot state");
  reboot.state = std::move(*state);
  reboot.rebooted_nodes = number_field(doc, "rebooted_node_count").value_or(0);
  reboot.total_nodes = number_field(doc, "total_node_count").value_or(0);
  return reboot;
}

QumuloBlockedStatus parse_qumulo_upgrade_blocked(std::string_view body) {
  const Json doc = parse_json(body);
  const std::optional<bool> blocked = bool_field(doc, "is_blocked");
  if (!blocked) throw_schema("is_blocked", "a boolean");
  return {{*blocked, bool_field(doc, "cluster_degraded").value_or(false)},
          string_field(doc, "blocked_reason").value_or("")};
}

Source qumulo_source() {
  return Source{
      .kind = Kind::qumulo,
      .target_type = TargetType::qumulo,
      .collect_name = "qumulo",
      .states = state_names(kQumuloStates),
      .read = read_qumulo,
  };
}

}  // namespace ue
