#include "qumulo_cluster.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <regex>

#include "sf_format.h"

namespace sim {

Json qumulo_error_body(std::string_view error_class, std::string_view description) {
  return {{"module", "qfsd"}, {"error_class", error_class}, {"description", description}, {"stack", Json::array()},
          {"user_visible", true}};
}

namespace {

using namespace std::chrono_literals;

// The steps a prepare (or a commit) made through the API plays once. Durations
// come from the scenario's steps of the same state, else from these defaults.
Script qumulo_run(const Qumulo& q, const Script& scripted, SimTime start, bool from_commit) {
  auto like_scripted = [&](std::string_view state, Micros fallback) {
    Step step = make_step(std::string(state), fallback);
    for (const auto& s : scripted.steps)
      if (s.state == state && s.length) step.length = s.length, step.unreachable = s.unreachable;
    return step;
  };
  Script run;
  run.start = start;
  if (!from_commit) {
    run.steps.push_back(like_scripted("UPGRADE_STATE_PREPARING", 30s));
    run.steps.back().progress = 1.0;
    if (!q.auto_commit) run.steps.push_back(make_step("UPGRADE_STATE_PREPARED", std::nullopt));  // until commit
  }
  run.steps.push_back(like_scripted("UPGRADE_STATE_COMMITTING", 10s));
  Step committed = like_scripted("UPGRADE_STATE_COMMITTED", 5s);
  bool platform = q.upgrade_type == "SOFTWARE_AND_PLATFORM";
  if (!platform) committed.unreachable = *committed.length;  // the containers restart
  run.steps.push_back(committed);
  if (platform) {
    Step rebooting = like_scripted("UPGRADE_STATE_REBOOTING", 40s);
    if (rebooting.unreachable == Micros(0)) rebooting.unreachable = *rebooting.length / 4;
    if (!q.rolling_reboot) rebooting.unreachable = *rebooting.length;  // every node at once
    run.steps.push_back(rebooting);
  }
  run.steps.push_back(make_step("UPGRADE_STATE_IDLE", std::nullopt));
  return run;
}

}  // namespace

bool QumuloCluster::reachable(SimTime t) const {
  Moment m = moment(t);
  return !m.step || m.into_step >= m.step->unreachable;
}

Json QumuloCluster::status(SimTime t) const {
  Moment m = moment(t);
  std::string state = m.step ? m.step->state : "UPGRADE_STATE_IDLE";
  bool idle = state == "UPGRADE_STATE_IDLE";
  Json progress = idle ? Json(nullptr) : Json(state == "UPGRADE_STATE_PREPARING" ? std::lround(m.progress * 100) : 100);
  Json settings = nullptr;
  if (!idle) {
    settings = {{"install_path", qumulo_.install_path},
                {"target_version", qumulo_.version},
                {"upgrade_type", qumulo_.upgrade_type},
                {"auto_commit", qumulo_.auto_commit},
                {"do_rolling_reboot", qumulo_.rolling_reboot},
                {"num_nodes_to_reboot", qumulo_.nodes_per_reboot}};
  }
  Json error = m.step && !m.step->error.empty() ? Json(m.step->error) : Json(nullptr);
  return {{"state", state}, {"progress", progress}, {"settings", settings}, {"error_info", error}};
}

Json QumuloCluster::reboot_status(SimTime t) const {
  Moment m = moment(t);
  bool rebooting = m.has("UPGRADE_STATE_REBOOTING");
  int rebooted = 0;
  if (rebooting && m.step_length) {
    // Batches of nodes_per_reboot, evenly over the step (all at once when not rolling).
    int batch = qumulo_.rolling_reboot ? qumulo_.nodes_per_reboot : qumulo_.nodes;
    int batches = (qumulo_.nodes + batch - 1) / batch;
    double fraction = std::min(1.0, double(m.into_step.count()) / double(m.step_length->count()));
    rebooted = std::min(qumulo_.nodes, static_cast<int>(fraction * batches) * batch);
  }
  return {{"state", rebooting ? "REBOOT_IN_PROGRESS" : "REBOOT_IDLE"},
          {"rolling", rebooting && qumulo_.rolling_reboot},
          {"upgrade_initiated", rebooting},
          {"total_node_count", qumulo_.nodes},
          {"rebooted_node_count", rebooted},
          {"error_message", ""}};
}

Json QumuloCluster::blocked_status(SimTime t) const {
  Moment m = moment(t);
  std::string reason = m.step ? m.step->blocked_reason : "";
  return {{"is_blocked", !reason.empty()},
          {"cluster_degraded", m.step && m.step->degraded},
          {"blocked_reason", reason}};
}

QumuloCluster::Batch QumuloCluster::batch(SimTime t) const {
  Moment m = moment(t);
  Batch b;
  b.size = qumulo_.rolling_reboot ? qumulo_.nodes_per_reboot : qumulo_.nodes;
  b.count = (qumulo_.nodes + b.size - 1) / b.size;
  if (!m.has("UPGRADE_STATE_REBOOTING") || !m.step_length || m.step_length->count() <= 0) return b;
  const double position = std::min(0.999999, double(m.into_step.count()) / double(m.step_length->count())) * b.count;
  b.rebooting = true;
  b.index = static_cast<int>(position);
  b.within = position - b.index;
  return b;
}

int QumuloCluster::offline_nodes(SimTime t) const {
  const Batch b = batch(t);
  int offline = 0;
  for (int node = 0; node < qumulo_.nodes; ++node) offline += b.offline(node) ? 1 : 0;
  return offline;
}

Json QumuloCluster::restriper_status(SimTime t) const {
  const Batch b = batch(t);
  if (b.reprotecting()) {
    return {{"state", "RUNNING"},        {"phase", "REPROTECT"},
            {"blocked_reason", ""},      {"data_at_risk", b.index == b.count / 2},
            {"elapsed_seconds", 0},      {"percent_complete", std::lround((b.within - 0.5) * 200)},
            {"coordinator_node", 1}};
  }
  // Finished once a node of this pass has been reprotected; never started before.
  Moment m = moment(t);
  bool restriped = b.rebooting && b.index > 0;
  for (size_t i = 0; m.step && i < m.step_index; ++i)
    restriped = restriped || qumulo_.script.steps[i].state == "UPGRADE_STATE_REBOOTING";
  return {{"state", restriped ? "FINISHED" : "NOT_STARTED"},
          {"phase", ""},
          {"blocked_reason", ""},
          {"data_at_risk", false},
          {"elapsed_seconds", 0},
          {"percent_complete", 0},
          {"coordinator_node", 1}};
}

Json QumuloCluster::protection_status(SimTime t) const {
  const int max = max_node_failures();
  const int remaining = std::max(0, max - offline_nodes(t));
  return {{"blocks_per_stripe", 6},
          {"data_blocks_per_stripe", 4},
          {"protection_system_type", "PROTECTION_SYSTEM_TYPE_EC"},
          {"max_node_failures", max},
          {"max_drive_failures", 2},
          {"remaining_node_failures", remaining},
          {"remaining_drive_failures", remaining == max ? 2 : 1}};
}

Json QumuloCluster::nodes(SimTime t) const {
  const Batch b = batch(t);
  Json nodes = Json::array();
  for (int node = 0; node < qumulo_.nodes; ++node) {
    char serial[16], mac[24];
    std::snprintf(serial, sizeof serial, "XH19A%04d", node + 1);
    std::snprintf(mac, sizeof mac, "0c:c4:7a:11:22:%02x", (node + 1) & 0xff);
    const std::string name = "qumulo-" + std::to_string(node + 1);
    nodes.push_back({{"id", node + 1},
                     {"node_status", b.offline(node) ? "offline" : "online"},
                     {"node_name", name},
                     {"uuid", stable_guid(name)},
                     {"label", ""},
                     {"model_number", "Q0626"},
                     {"serial_number", serial},
                     {"mac_address", mac}});
  }
  return nodes;
}

Json QumuloCluster::version(SimTime t) const {
  Moment m = moment(t);
  // The new version runs once this pass through the script got past COMMITTED.
  bool committed = m.has("UPGRADE_STATE_REBOOTING");
  for (size_t i = 0; m.step && i < m.step_index; ++i)
    committed = committed || qumulo_.script.steps[i].state == "UPGRADE_STATE_COMMITTED";
  const std::string& version = committed ? qumulo_.version : qumulo_.from_version;
  return {{"revision_id", "Qumulo Core " + version},
          {"build_id", stable_guid("build" + version).substr(0, 8)},
          {"flavor", "release"},
          {"build_date", "2024-06-18T17:24:03Z"}};
}

bool QumuloCluster::prepare(SimTime t, const PrepareRequest& request) {
  Moment m = moment(t);
  if (m.step && !m.has("UPGRADE_STATE_IDLE")) return false;
  static const std::regex kVersion(R"((\d+\.\d+\.\d+(\.\d+)?))");
  std::smatch match;
  if (std::regex_search(request.image_path, match, kVersion)) {
    qumulo_.from_version = qumulo_.version;  // the last upgrade's target is what runs now
    qumulo_.version = match[1];
  }
  qumulo_.install_path = request.image_path;
  qumulo_.auto_commit = request.auto_commit;
  qumulo_.rolling_reboot = request.do_rolling_reboot;
  qumulo_.nodes_per_reboot = request.num_nodes_to_reboot;
  qumulo_.script = qumulo_run(qumulo_, scripted_, t, /*from_commit=*/false);
  return true;
}

bool QumuloCluster::commit(SimTime t) {
  if (!moment(t).has("UPGRADE_STATE_PREPARED")) return false;
  qumulo_.script = qumulo_run(qumulo_, scripted_, t, /*from_commit=*/true);
  return true;
}

}  // namespace sim
