// The pure parsers of every kind: an upstream body in, the model out. They
// never touch a socket, so tests call them directly. Each throws SourceError
// (Reason::parse for bodies that are not JSON, Reason::schema for JSON that
// does not have the expected shape).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/upgrade.h"
#include "sources/source.h"

namespace ue {

// GET /$/GetUpgradeProgress
Upgrade parse_cluster_upgrade(std::string_view body);
// GET /$/GetClusterConfigurationUpgradeStatus
Upgrade parse_cluster_config_upgrade(std::string_view body);

// GET /Applications (one page) and /Applications/{Id}/$/GetUpgradeProgress
ListPage parse_applications_page(std::string_view body);
Upgrade parse_application_upgrade(std::string_view body);
// The Id the runtime derives from a name when the listing leaves it out:
// "fabric:/a/b" → "a~b".
std::string application_id_from_name(std::string_view name);

// GET /Resources/Applications (one page) and .../{name}/$/GetUpgradeProgress
ListPage parse_application_resources_page(std::string_view body);
Upgrade parse_application_resource_upgrade(std::string_view body);

// GET /ComposeDeployments (one page) and .../{Name}/$/GetUpgradeProgress
ListPage parse_compose_deployments_page(std::string_view body);
Upgrade parse_compose_deployment_upgrade(std::string_view body);

// Qumulo: GET /v3/upgrade/status and GET /v1/shutdown/reboot/status
Upgrade parse_qumulo_upgrade_status(std::string_view body);
RebootProgress parse_qumulo_reboot_status(std::string_view body);
// Qumulo: GET /v2/upgrade/blocked
struct QumuloBlockedStatus {
  UpgradeBlocked blocked;
  std::string reason;  // blocked_reason; empty when none
};
QumuloBlockedStatus parse_qumulo_upgrade_blocked(std::string_view body);
// Qumulo data protection: GET /v1/cluster/protection/restriper/status,
// GET /v1/cluster/protection/status and GET /v1/cluster/nodes/ (an array).
RestriperStatus parse_qumulo_restriper_status(std::string_view body);
ProtectionStatus parse_qumulo_protection_status(std::string_view body);
std::vector<ClusterNode> parse_qumulo_nodes(std::string_view body);

// GET /$/GetRepairTaskList: every RepairTask of the array, named by TaskId.
// Entries that are not objects, or lack a TaskId or State (strings), are
// skipped; a field of the wrong type is left out.
std::vector<WholeObject> parse_repair_tasks(std::string_view body, double now_unix);
// One element of that array (the poller reads the answer as it streams):
// nullopt for one that is skipped.
std::optional<WholeObject> parse_repair_task(const nlohmann::json& element, double now_unix);

// Source descriptors, one per kind file (UE_FOR_EACH_KIND names them).
#define UE_DECLARE_SOURCE(kind, source) Source source();
UE_FOR_EACH_KIND(UE_DECLARE_SOURCE)
#undef UE_DECLARE_SOURCE

}  // namespace ue
