// Qumulo data protection, read with the `qumulo` kind when the cluster serves
// it: GET /v1/cluster/protection/restriper/status, GET
// /v1/cluster/protection/status and GET /v1/cluster/nodes/. During a rolling
// reboot they answer whether data is still fully protected.
#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "base/json_fields.h"
#include "base/schema_error.h"
#include "sources/parsers.h"

namespace ue {

namespace {

// A count of failures the cluster can take: a number (or numeric string) >= 0.
std::optional<double> failure_count(const Json& doc, std::string_view key) {
  const std::optional<double> value = number_field(doc, key);
  if (value && *value < 0) throw_schema(key, "a count of failures");
  return value;
}

// A node's id, a number or a string, as label text.
std::string node_id_text(const Json& node) {
  const Json* id = find_field(node, "id");
  if (!id) return "";
  if (id->is_string()) return id->get<std::string>();
  if (id->is_number_integer()) return std::to_string(id->get<long long>());
  if (id->is_number_unsigned()) return std::to_string(id->get<unsigned long long>());
  throw_schema("id", "a node id");
}

}  // namespace

RestriperStatus parse_qumulo_restriper_status(std::string_view body) {
  const Json doc = parse_json(body);
  RestriperStatus restriper;
  // `state` in current releases; older ones named it `status`.
  restriper.state = string_field(doc, "state").value_or("");
  if (restriper.state.empty()) restriper.state = string_field(doc, "status").value_or("");
  restriper.data_at_risk = bool_field(doc, "data_at_risk");
  if (restriper.state.empty() && !restriper.data_at_risk) throw_schema("state", "a restriper state");
  restriper.phase = string_field(doc, "phase").value_or("");
  restriper.blocked_reason = string_field(doc, "blocked_reason").value_or("");
  restriper.elapsed_seconds = number_field(doc, "elapsed_seconds");
  // percent_complete is the current phase's, and 0 when not running.
  const std::optional<double> percent = number_field(doc, "percent_complete");
  if (restriper.state == "RUNNING" && percent) restriper.progress_ratio = std::clamp(*percent / 100.0, 0.0, 1.0);
  return restriper;
}

ProtectionStatus parse_qumulo_protection_status(std::string_view body) {
  const Json doc = parse_json(body);
  ProtectionStatus protection;
  protection.remaining_node_failures = failure_count(doc, "remaining_node_failures");
  protection.max_node_failures = failure_count(doc, "max_node_failures");
  protection.remaining_drive_failures = failure_count(doc, "remaining_drive_failures");
  protection.max_drive_failures = failure_count(doc, "max_drive_failures");
  protection.protection_system_type = string_field(doc, "protection_system_type").value_or("");
  if (!protection.remaining_node_failures && !protection.max_node_failures && !protection.remaining_drive_failures &&
      !protection.max_drive_failures)
    throw_schema("remaining_node_failures", "a count of failures");
  return protection;
}

std::vector<ClusterNode> parse_qumulo_nodes(std::string_view body) {
  const Json doc = parse_json_value(body);
  if (!doc.is_array()) throw_schema("body", "an array of nodes");
  std::vector<ClusterNode> nodes;
  std::set<std::string, std::less<>> seen;
  for (const Json& item : doc) {
    if (!item.is_object()) throw_schema("nodes", "an array of node objects");
    std::string name = string_field(item, "node_name").value_or("");
    if (name.empty()) name = node_id_text(item);
    std::string status = string_field(item, "node_status").value_or("");
    // A hostile list must not turn into unbounded series; a nameless node has no label.
    if (name.empty() || nodes.size() >= kMaxDetailedNodes || !seen.insert(name).second) continue;
    nodes.push_back({std::move(name), std::move(status)});
  }
  return nodes;
}

}  // namespace ue
