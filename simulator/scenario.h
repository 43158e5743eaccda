// The scenario: which objects exist and the script each one plays. Loaded
// from YAML (format in simulator/README.md and scenarios/default.yml) and
// validated up front, so the rest of the simulator can trust it.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/upgrade.h"
#include "sf_format.h"

namespace sim {

// The exporter's object kinds, so both sides name them alike.
using ue::Kind;
using ue::kind_name;

// The upstream state enum of each kind, verbatim (reference §10 and Qumulo §5).
const std::vector<std::string_view>& states_of(Kind kind);
// States in which the object is upgrading (forward or back).
bool is_in_progress(Kind kind, std::string_view state);
// States that walk upgrade domains or replicas backward.
bool is_rolling_back(Kind kind, std::string_view state);
// Terminal states whose progress is fixed: 1 after a roll-forward, 0 after a rollback.
std::optional<double> settled_progress(Kind kind, std::string_view state);
// SafetyCheckKind values a node can wait on (reference §1.5), without Invalid.
const std::vector<std::string_view>& safety_check_kinds();

struct Step {
  std::string state;              // the kind's upstream enum value
  std::optional<Micros> length;   // unset: forever (last step of a non-repeating script only)
  std::optional<double> progress; // 0..1 reached at the end of the step; unset: unchanged
  bool unhealthy = false;         // health evaluations fail during the step
  std::string failure;            // FailureReason from this step to the end of the run
  std::string blocked_on;         // a SafetyCheckKind one node of the current unit waits on; the walk holds
  std::string error;              // qumulo: error_info during the step
  Micros unreachable{0};          // qumulo: the API is down for this long from the step's start
  std::string blocked_reason;     // qumulo: upgrades are blocked for this reason (/v2/upgrade/blocked)
  bool degraded = false;          // qumulo: cluster_degraded during the step
};

// Shorthand for scripts built in code (scale mode, manual upgrades, tests).
Step make_step(std::string state, std::optional<Micros> length, std::optional<double> progress = std::nullopt);

// Steps played from `start` on, once or in a loop.
struct Script {
  std::vector<Step> steps;
  bool repeat = false;
  Micros start{0};  // simulated time at which the first step begins (may be negative)
};

// MonitoringPolicyDescription, and the replica set check timeout beside it.
// Unset timeouts are reported as infinite.
struct Policy {
  std::string failure_action = "Rollback";
  Micros health_check_wait = std::chrono::seconds(10);
  Micros health_check_stable = std::chrono::seconds(20);
  Micros health_check_retry = std::chrono::minutes(10);
  std::optional<Micros> upgrade_timeout;
  std::optional<Micros> domain_timeout;
  std::optional<Micros> replica_set_check_timeout;  // UpgradeReplicaSetCheckTimeoutInSeconds
};

struct Service {
  std::string name;
  int replicas = 1;
};

// One Service Fabric object: the cluster, its configuration upgrade, an
// application, an application resource or a compose deployment.
struct SfObject {
  Kind kind = Kind::application;
  std::string name;            // fabric:/... for applications; plain for resources and compose
  std::string type_name;       // application type (applications)
  std::string version;         // target version of the upgrade
  std::string from_version;    // version running before it
  std::string config_version;  // cluster: ConfigVersion
  std::string mode = "Monitored";
  std::vector<std::string> domains;
  int nodes_per_domain = 1;
  Policy policy;
  std::vector<Service> services;  // application resources
  Script script;                  // no steps: never upgraded
};

// Qumulo's POST /v1/session/login: the one account it accepts and how long a session lasts.
struct QumuloLogin {
  std::string username;
  std::string password;
  Micros session_lifetime = std::chrono::hours(10);  // real time
};

struct Qumulo {
  std::string bearer_token;  // empty, and no login: no authentication
  std::optional<QumuloLogin> login;
  int nodes = 4;
  std::string version = "7.2.0";
  std::string from_version = "7.1.3";
  std::string install_path = "/upgrade/qumulo_core_7.2.0.qimg";
  std::string upgrade_type = "SOFTWARE_AND_PLATFORM";
  bool auto_commit = false;
  bool rolling_reboot = true;
  int nodes_per_reboot = 1;
  Script script;  // no steps: idle forever
};

enum class FaultKind { busy, error, truncated, slow };
std::string_view fault_name(FaultKind kind);

struct Faults {
  double rate = 0;  // fraction of progress requests answered with a fault
  std::vector<FaultKind> kinds = {FaultKind::busy, FaultKind::error, FaultKind::truncated, FaultKind::slow};
  Micros slow_delay = std::chrono::seconds(3);  // real time
};

// The Entra ID-like token endpoint's one registered client (client credentials
// grant). When set, every Service Fabric route needs a live access token it issued.
struct OAuth2Client {
  std::string client_id;
  std::string client_secret;
  std::string scope;                               // "<cluster application id or URI>/.default"
  Micros expires_in = std::chrono::seconds(3599);  // real time, as Entra answers it
  std::string tenant = "5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190";  // only named by GET /$/GetAadMetadata
  // Secretless credentials (entra.h), each accepted instead of the secret:
  std::string client_certificate_pem;  // client_certificate_file: verifies signed client assertions
  std::string federated_token;         // a client_assertion accepted as it is (workload identity)
  std::uint64_t imds_throttle_first = 0;  // the IMDS route answers 429 to this many requests first
};

// One play of the simulated Repair Manager (scenario `repair_tasks`).
struct RepairTaskPlay {
  enum class Play {
    walk_domains,                  // a platform update: one task per domain in turn, through every state, looping
    stuck_preparing_health_check,  // Preparing from `start`, its health check never ending
    hold_application_node,         // Executing from `start` on the node an application's upgrade is on
    completed_history,             // `count` tasks completed before `start` (what real clusters keep)
  };
  Play play = Play::walk_domains;
  std::string id;  // the TaskId; a domain walk's tasks are <id>/<domain>/<run>
  std::string action = "System.Azure.Job.PlatformUpdate";
  std::string executor = "fabric:/System/InfrastructureService/FrontEnd";
  std::vector<std::string> nodes;    // the nodes it holds (hold_application_node: while the application upgrades none)
  std::string application;           // hold_application_node: fabric:/...
  std::vector<std::string> domains;  // walk_domains: the scenario's default domains
  int nodes_per_domain = 1;
  Micros start{0};
  Micros state_length = std::chrono::seconds(20);  // walk_domains: time in each state
  int count = 0;                                   // completed_history: how many
};

struct Scenario {
  std::vector<SfObject> objects;  // always holds exactly one cluster and one cluster_config
  std::vector<RepairTaskPlay> repair_tasks;
  std::optional<OAuth2Client> oauth2;  // service_fabric.oauth2
  Qumulo qumulo;
  Micros latency{0};  // real time added to every response
  Faults faults;
  std::uint64_t seed = 1;
  bool event_store = true;  // false: the cluster has no EventStore service (its routes answer 404)
};

struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Both throw ScenarioError with a one-line message naming the file and line.
Scenario load_scenario_file(const std::string& path);
Scenario parse_scenario(const std::string& yaml_text, const std::string& source_name);

// Scale mode: `count` generated applications under fabric:/scale/, `upgrading`
// of them looping through upgrades, half the rest upgraded long ago, the others never.
void add_generated_applications(Scenario& scenario, int count, int upgrading);

// "fabric:/shop/payments/api" → "shop~payments~api" (api-version >= 6.0), or "shop/payments/api".
std::string application_id(std::string_view name, bool tilde = true);

}  // namespace sim
