#include "world.h"

#include <algorithm>
#include <cmath>
#include <regex>

namespace sim {
namespace {

using namespace std::chrono_literals;

// Monitored upgrades spend this share of each domain's time upgrading it; the
// rest is the health check (RollingForwardPending) before the next domain.
constexpr double kUpgradeShare = 0.6;
// Within a domain's upgrade: safety checks first, then the upgrade, then post-upgrade checks.
constexpr double kUpgradingFrom = 0.4, kPostUpgradeFrom = 0.8;
constexpr std::int64_t kInfiniteSeconds = 4294967295;  // "infinite" UpgradeReplicaSetCheckTimeout
constexpr double kNodeByNodeApi = 8.2;                 // UpgradeUnits, IsNodeByNode, HealthCheck* from here on
constexpr double kTildeIdApi = 6.0;                    // Application Ids use '~' from here on

enum class UnitState { Pending, InProgress, Completed, Failed };

std::string_view unit_state_name(UnitState s) {
  switch (s) {
    case UnitState::Pending: return "Pending";
    case UnitState::InProgress: return "InProgress";
    case UnitState::Completed: return "Completed";
    case UnitState::Failed: return "Failed";
  }
  return "Invalid";
}

bool is_node_by_node(const SfObject& o) { return o.mode == "UnmonitoredDeferred"; }

std::string node_name(const SfObject& o, int domain, int j) {
  return "_Node_" + std::to_string(domain * o.nodes_per_domain + j);
}

// What is upgraded one at a time: upgrade domains, or nodes for node-by-node upgrades.
std::vector<std::string> unit_names(const SfObject& o) {
  if (!is_node_by_node(o)) return o.domains;
  std::vector<std::string> nodes;
  for (int d = 0; d < static_cast<int>(o.domains.size()); ++d)
    for (int j = 0; j < o.nodes_per_domain; ++j) nodes.push_back(node_name(o, d, j));
  return nodes;
}

Micros scaled(Micros d, double fraction) { return Micros(static_cast<std::int64_t>(double(d.count()) * fraction)); }

// An upgrade-domain (or node-by-node unit) walk at one moment.
struct Walk {
  std::string state;        // upstream state; RollingForwardPending during a Monitored health check
  std::vector<std::string> units;
  std::vector<UnitState> unit_states;
  int completed = 0;
  int current = -1;         // unit being upgraded, rolled back, or that failed
  int next = -1;            // NextUpgradeDomain
  double unit_fraction = 0; // how far the current unit is, 0..1
  Micros unit_elapsed{0};   // time in the current domain
  std::string health_phase = "Invalid";
  Micros health_elapsed{0};
  bool health_retry = false;
  bool node_by_node = false;
};

// Health-check phase `h` (0..1) through a check lasting `length`; an open-ended
// check (length zero) stays in WaitDuration for `open_elapsed`.
void set_health_check(Walk& w, double h, Micros length, Micros open_elapsed, bool unhealthy) {
  bool open_ended = length == Micros(0);
  w.health_retry = unhealthy;
  w.health_phase = unhealthy ? "Retry" : (open_ended || h < 0.5) ? "WaitDuration" : "StableDuration";
  w.health_elapsed = open_ended ? open_elapsed : scaled(length, (unhealthy || h < 0.5) ? h : h - 0.5);
}

Walk walk_units(const SfObject& o, const Moment& m) {
  Walk w;
  w.node_by_node = is_node_by_node(o);
  if (!m.step) {  // never upgraded: no domains are reported
    w.state = o.kind == Kind::compose_deployment ? "Invalid" : "RollingForwardCompleted";
    return w;
  }
  w.state = m.step->state;
  w.units = unit_names(o);
  const int n = static_cast<int>(w.units.size());
  const double pos = std::clamp(m.progress, 0.0, 1.0) * n;
  const auto per_unit = time_per_unit(m, n);
  auto in_unit = [&](double fraction) { return per_unit ? scaled(*per_unit, fraction) : m.into_step; };
  const bool monitored = o.mode == "Monitored" && !w.node_by_node;
  const bool unhealthy = m.step->unhealthy;
  const std::string& s = m.step->state;

  if (s == "RollingForwardInProgress") {
    int i = std::min(n, static_cast<int>(std::floor(pos + 1e-9)));
    double f = std::max(0.0, pos - i);
    w.completed = i;
    if (i < n && monitored && f >= kUpgradeShare) {
      // The domain is done; health checks run before the next one starts.
      w.state = "RollingForwardPending";
      w.completed = i + 1;
      w.next = i + 1 < n ? i + 1 : -1;
      double h = (f - kUpgradeShare) / (1 - kUpgradeShare);
      Micros check_length = per_unit ? scaled(*per_unit, 1 - kUpgradeShare) : Micros(0);
      set_health_check(w, h, check_length, m.into_step, unhealthy);
      w.unit_elapsed = in_unit(f - kUpgradeShare);
    } else if (i < n) {
      w.current = i;
      w.next = i + 1 < n ? i + 1 : -1;
      w.unit_fraction = monitored ? f / kUpgradeShare : f;
      w.unit_elapsed = in_unit(f);
    }
  } else if (is_rolling_back(o.kind, s)) {
    // Rolling back undoes domains last-first: completed ones return to Pending.
    int c = static_cast<int>(std::ceil(pos - 1e-9)) - 1;
    w.completed = std::max(c, 0);
    if (c >= 0) {
      w.current = c;
      w.unit_fraction = c + 1 - pos;
      w.unit_elapsed = in_unit(w.unit_fraction);
    }
  } else if (s == "Failed") {
    w.completed = std::min(n, static_cast<int>(std::floor(pos + 1e-9)));
    if (w.completed < n) w.current = w.completed;
  } else {
    w.completed = static_cast<int>(std::lround(pos));
    if (s == "RollingForwardPending") {
      w.next = w.completed < n ? w.completed : -1;
      w.unit_elapsed = m.into_step;
      if (monitored) {
        double h = m.step_length ? std::min(1.0, double(m.into_step.count()) / double(m.step_length->count())) : 0;
        set_health_check(w, h, m.step_length.value_or(Micros(0)), m.into_step, unhealthy);
      }
    }
  }

  for (int u = 0; u < n; ++u) {
    if (u == w.current) {
      w.unit_states.push_back(s == "Failed" ? UnitState::Failed : UnitState::InProgress);
    } else {
      w.unit_states.push_back(u < w.completed ? UnitState::Completed : UnitState::Pending);
    }
  }
  return w;
}

// A stable GUID for a partition, so polls see the same safety checks.
std::string partition_id(std::string_view seed) {
  auto fnv = [&](std::uint64_t h) {
    for (unsigned char c : seed) h = (h ^ c) * 1099511628211ULL;
    return h;
  };
  std::uint64_t hi = fnv(14695981039346656037ULL), lo = fnv(hi ^ 0x9e3779b97f4a7c15ULL);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>(hi >> 16 & 0xffff), static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(lo >> 52 & 0xfff), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

Json safety_checks(const SfObject& o, const std::string& node, bool seed_node, double fraction) {
  bool early = fraction < kUpgradingFrom / 2;  // more checks are still pending early on
  std::vector<std::string_view> kinds;
  if (o.kind == Kind::cluster && seed_node && early) kinds.push_back("EnsureSeedNodeQuorum");
  if (early) kinds.push_back("EnsurePartitionQuorum");
  kinds.push_back(o.kind == Kind::cluster ? "WaitForPrimarySwap" : "WaitForInbuildReplica");
  Json checks = Json::array();
  for (auto kind : kinds) {
    Json check = {{"Kind", kind}};
    if (kind != "EnsureSeedNodeQuorum") check["PartitionId"] = partition_id(o.name + node + std::string(kind));
    checks.push_back({{"SafetyCheck", check}});
  }
  return checks;
}

// NodeUpgradeProgressInfo for every node of the current unit.
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
    entry["PendingSafetyChecks"] = phase == "PreUpgradeSafetyCheck" ? safety_checks(o, node, seed, f) : Json::array();
    if (w.node_by_node && api >= kNodeByNodeApi) entry["UpgradeDuration"] = iso_duration(w.unit_elapsed);
    list.push_back(entry);
  }
  return list;
}

// {DomainName, NodeUpgradeProgressList}: the shape of every "...DomainProgress" field.
Json domain_progress(const std::string& domain_name, Json nodes) {
  Json progress = Json::object();
  if (!domain_name.empty()) progress["DomainName"] = domain_name;
  progress["NodeUpgradeProgressList"] = std::move(nodes);
  return progress;
}

// The current domain: the one upgrading, or the one waited for between domains.
Json current_domain_progress(const SfObject& o, const Walk& w, double api) {
  if (w.node_by_node) return domain_progress("", Json::array());
  if (w.current >= 0) return domain_progress(w.units[w.current], node_progress_list(o, w, api));
  if (w.next >= 0) return domain_progress(w.units[w.next], Json::array());
  return domain_progress("", Json::array());
}

// UpgradeDomains / UpgradeUnits, in the runtime's order: in progress, pending, completed.
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

Json timeout_or_infinite(const std::optional<Micros>& d) { return d ? Json(iso_duration(*d)) : Json(kInfiniteDuration); }

Json monitoring_policy(const Policy& p) {
  return {{"FailureAction", p.failure_action},
          {"HealthCheckWaitDurationInMilliseconds", iso_duration(p.health_check_wait)},
          {"HealthCheckStableDurationInMilliseconds", iso_duration(p.health_check_stable)},
          {"HealthCheckRetryTimeoutInMilliseconds", iso_duration(p.health_check_retry)},
          {"UpgradeTimeoutInMilliseconds", timeout_or_infinite(p.upgrade_timeout)},
          {"UpgradeDomainTimeoutInMilliseconds", timeout_or_infinite(p.domain_timeout)}};
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
  d["UpgradeReplicaSetCheckTimeoutInSeconds"] = kInfiniteSeconds;
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

// Why health checks fail: one nested HealthEvaluationWrapper in the kind's usual shape.
Json unhealthy_evaluations(const SfObject& o, const Walk& w) {
  int domain = w.current >= 0 ? w.current : std::max(0, w.completed - 1);
  if (w.node_by_node || o.domains.empty()) domain = 0;
  auto wrap = [](Json evaluation) { return Json{{"HealthEvaluation", std::move(evaluation)}}; };
  if (o.kind == Kind::cluster || o.kind == Kind::cluster_config) {
    std::string node = node_name(o, domain, 0), ud = o.domains.at(domain);
    int total = o.nodes_per_domain;
    Json node_eval = {{"Kind", "Node"}, {"AggregatedHealthState", "Error"},
                      {"Description", "Node '" + node + "' is in Error: the System.FM 'State' report says the node is down."},
                      {"NodeName", node}, {"UnhealthyEvaluations", Json::array()}};
    return Json::array({wrap({{"Kind", "UpgradeDomainNodes"}, {"AggregatedHealthState", "Error"},
                              {"Description", "Unhealthy nodes: " + std::to_string(100 / total) + "% (1/" +
                                                  std::to_string(total) + ") in upgrade domain " + ud +
                                                  ", MaxPercentUnhealthyNodes=0%."},
                              {"UpgradeDomainName", ud}, {"MaxPercentUnhealthyNodes", 0}, {"TotalCount", total},
                              {"UnhealthyEvaluations", Json::array({wrap(node_eval)})}})});
  }
  std::string service = o.name + "/" + (o.kind == Kind::compose_deployment ? "web" : "Api");
  Json service_eval = {{"Kind", "Service"}, {"AggregatedHealthState", "Error"},
                       {"Description", "Service '" + service + "' is in Error: a partition has no primary."},
                       {"ServiceName", service}, {"UnhealthyEvaluations", Json::array()}};
  return Json::array({wrap({{"Kind", "Services"}, {"AggregatedHealthState", "Error"},
                            {"Description", "Unhealthy services: 50% (1/2), ServiceType='" + o.type_name +
                                                "Service', MaxPercentUnhealthyServices=0%."},
                            {"ServiceTypeName", o.type_name + "Service"}, {"MaxPercentUnhealthyServices", 0},
                            {"TotalCount", 2}, {"UnhealthyEvaluations", Json::array({wrap(service_eval)})}})});
}

std::string status_details(const Walk& w) {
  if (w.current >= 0 && w.unit_fraction < kUpgradingFrom) return "Waiting for safety checks to pass.";
  if (w.current >= 0) return "Upgrading node. Elapsed time: " + iso_duration(w.unit_elapsed) + ".";
  if (w.health_phase != "Invalid") return "Evaluating health: " + w.health_phase + ".";
  if (w.state == "RollingForwardPending" && w.next >= 0)
    return "Waiting for a manual move to upgrade domain " + w.units[w.next] + ".";
  return "";
}

// The steps a configuration upgrade started through the API plays once: the
// scenario's own upgrade steps, or a plain walk through the domains.
Script config_upgrade_run(const SfObject& o, SimTime start) {
  Script run;
  run.start = start;
  auto first = std::find_if(o.script.steps.begin(), o.script.steps.end(),
                            [&](const Step& s) { return is_in_progress(o.kind, s.state); });
  run.steps.assign(first, o.script.steps.end());
  if (run.steps.empty()) {
    run.steps = {make_step("RollingForwardInProgress", 10s * static_cast<int>(o.domains.size()), 1.0),
                 make_step("RollingForwardCompleted", std::nullopt)};
  }
  run.steps.back().length.reset();  // the result stays
  return run;
}

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

// A JSON number or numeric string holding a whole percentage (the docs' own example sends strings).
bool is_percentage(const nlohmann::json& v) {
  double value = -1;
  if (v.is_number()) {
    value = v.get<double>();
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
    value = std::stoi(s);
  }
  return value >= 0 && value <= 100 && value == std::floor(value);
}

// The first MaxPercent* key anywhere under `v` whose value is not a percentage.
std::optional<std::string> bad_percentage(const nlohmann::json& v) {
  if (v.is_object()) {
    for (const auto& [key, value] : v.items()) {
      if (key.starts_with("MaxPercent") && !is_percentage(value)) return key;
      if (auto bad = bad_percentage(value)) return bad;
    }
  } else if (v.is_array()) {
    for (const auto& item : v)
      if (auto bad = bad_percentage(item)) return bad;
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------
// Requests

std::optional<PageSlice> paginate(const std::vector<std::string>& names, std::string_view token,
                                  std::uint64_t max_results) {
  PageSlice slice;
  if (!token.empty()) {
    auto it = std::lower_bound(names.begin(), names.end(), token);
    if (it == names.end() || *it != token) return std::nullopt;
    slice.begin = static_cast<size_t>(it - names.begin()) + 1;
  }
  size_t left = names.size() - slice.begin;
  slice.end = slice.begin + (max_results == 0 ? left : std::min<std::uint64_t>(left, max_results));
  if (slice.end < names.size()) slice.continuation_token = names[slice.end - 1];
  return slice;
}

std::variant<ConfigUpgradeRequest, std::string> parse_config_upgrade(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "the request body must be a ClusterConfigurationUpgradeDescription JSON object";
  auto config = json.find("ClusterConfig");
  if (config == json.end() || !config->is_string() || config->get_ref<const std::string&>().empty())
    return "ClusterConfig is required: the cluster configuration as a JSON string";
  for (const char* key : {"HealthCheckRetryTimeout", "HealthCheckWaitDurationInSeconds",
                          "HealthCheckStableDurationInSeconds", "UpgradeDomainTimeoutInSeconds",
                          "UpgradeTimeoutInSeconds"}) {
    auto v = json.find(key);
    if (v == json.end()) continue;
    bool ok = v->is_number_unsigned() || (v->is_string() && parse_sf_duration(v->get_ref<const std::string&>()));
    if (!ok) return std::string(key) + " must be an ISO-8601 duration (PT0H5M0S) or a number of milliseconds";
  }
  for (const char* key : {"MaxPercentUnhealthyApplications", "MaxPercentUnhealthyNodes",
                          "MaxPercentDeltaUnhealthyNodes", "MaxPercentUpgradeDomainDeltaUnhealthyNodes"}) {
    auto v = json.find(key);
    if (v != json.end() && !is_percentage(*v)) return std::string(key) + " must be a whole number from 0 to 100";
  }
  if (auto policies = json.find("ApplicationHealthPolicies"); policies != json.end()) {
    auto map = policies->is_object() ? policies->find("ApplicationHealthPolicyMap") : policies->end();
    bool shaped = policies->is_object() && (map == policies->end() || map->is_array());
    if (shaped && map != policies->end()) {
      for (const auto& entry : *map)
        shaped = shaped && entry.is_object() && entry.contains("Key") && entry["Key"].is_string() &&
                 entry.contains("Value") && entry["Value"].is_object();
    }
    if (!shaped) return "ApplicationHealthPolicies must be {\"ApplicationHealthPolicyMap\": [{\"Key\", \"Value\"}]}";
    if (auto bad = bad_percentage(*policies)) return *bad + " must be a whole number from 0 to 100";
  }
  ConfigUpgradeRequest request;
  // A standalone ClusterConfig names its own version; use it as the new ConfigVersion.
  auto inner = nlohmann::json::parse(config->get_ref<const std::string&>(), nullptr, false);
  if (inner.is_object() && inner.contains("ClusterConfigurationVersion") && inner["ClusterConfigurationVersion"].is_string())
    request.config_version = inner["ClusterConfigurationVersion"].get<std::string>();
  return request;
}

std::variant<PrepareRequest, std::string> parse_prepare(std::string_view body, int cluster_nodes) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return "the request body must be a JSON object";
  PrepareRequest request;
  auto path = json.find("image_path");
  if (path == json.end() || !path->is_string() || path->get_ref<const std::string&>().empty())
    return "image_path is required";
  request.image_path = path->get<std::string>();
  for (auto [key, target] : {std::pair{"auto_commit", &request.auto_commit},
                             std::pair{"do_rolling_reboot", &request.do_rolling_reboot}}) {
    auto v = json.find(key);
    if (v == json.end()) continue;
    if (!v->is_boolean()) return std::string(key) + " must be true or false";
    *target = v->get<bool>();
  }
  // Defaults to one node, and may not exceed the node failures the cluster tolerates.
  int max_nodes = std::max(1, (cluster_nodes - 1) / 2);
  if (auto v = json.find("num_nodes_to_reboot"); v != json.end()) {
    if (!v->is_number_integer() || v->get<long long>() < 1 || v->get<long long>() > max_nodes)
      return "num_nodes_to_reboot must be between 1 and " + std::to_string(max_nodes);
    request.num_nodes_to_reboot = v->get<int>();
  }
  return request;
}

// ---------------------------------------------------------------------------
// World

World::World(Scenario scenario, WallClock::time_point epoch)
    : scenario_(std::move(scenario)), epoch_(epoch), objects_(scenario_.objects), qumulo_(scenario_.qumulo) {
  for (size_t i = 0; i < objects_.size(); ++i) index_[{objects_[i].kind, objects_[i].name}] = i;
  for (auto [kind, listing] : {std::pair{Kind::application, &applications_},
                               std::pair{Kind::application_resource, &resources_},
                               std::pair{Kind::compose_deployment, &composes_}}) {
    for (const auto& [key, i] : index_)  // std::map: already sorted by name (byte order)
      if (key.first == kind) listing->names.push_back(key.second), listing->objects.push_back(i);
  }
}

const SfObject* World::find(Kind kind, std::string_view name) const {
  auto it = index_.find({kind, std::string(name)});
  return it == index_.end() ? nullptr : &objects_[it->second];
}

SfObject* World::find(Kind kind, std::string_view name) {
  return const_cast<SfObject*>(std::as_const(*this).find(kind, name));
}

Moment World::moment(const SfObject& o, SimTime t) const { return evaluate(o.script, o.kind, t); }

// Where the walk stood when the failure was recorded; for a failure that starts
// a rollback, just before the rollback began.
Json World::progress_at_failure(const SfObject& o, const Moment& m, double api) const {
  if (!m.failure_time) return domain_progress("", Json::array());
  Moment at = moment(o, *m.failure_time);
  if (at.step && is_rolling_back(o.kind, at.step->state)) at = moment(o, *m.failure_time - Micros(1));
  return current_domain_progress(o, walk_units(o, at), api);
}

// Everything cluster and application progress share (reference §1.1 and §4.2).
Json World::domain_upgrade_body(const SfObject& o, SimTime t, double api) const {
  const bool is_cluster = o.kind == Kind::cluster;
  const Moment m = moment(o, t);
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
  body["StartTimestampUtc"] = timestamp_or_unset(m.run_start, epoch_);
  body["FailureTimestampUtc"] = timestamp_or_unset(m.failure_time, epoch_);
  body["FailureReason"] = m.failure_reason;
  body["UpgradeDomainProgressAtFailure"] = progress_at_failure(o, m, api);
  if (!is_cluster) body["UpgradeStatusDetails"] = status_details(w);
  if (new_fields) {
    body["IsNodeByNode"] = w.node_by_node;
    body["HealthCheckElapsedTime"] = iso_duration(w.health_elapsed);
    body["HealthCheckPhase"] = w.health_phase;
    if (w.health_retry) body["HealthCheckRetryFlips"] = 1;
  }
  return body;
}

Json World::cluster_progress(SimTime t, double api) const {
  std::lock_guard lock(mu_);
  return domain_upgrade_body(*find(Kind::cluster, "cluster"), t, api);
}

Json World::cluster_config_status(SimTime t) const {
  std::lock_guard lock(mu_);
  const SfObject& o = *find(Kind::cluster_config, "cluster_config");
  Walk w = walk_units(o, moment(o, t));
  std::string details;
  if (w.current >= 0) details = "Upgrading configuration in upgrade domain " + w.units[w.current] + ".";
  if (w.state == "RollingForwardPending") details = "Evaluating cluster health.";
  // ProgressStatus's meaning is undocumented (reference §2): the simulator reports completed domains.
  return {{"UpgradeState", w.state}, {"ProgressStatus", w.completed}, {"ConfigVersion", o.version},
          {"Details", details}};
}

bool World::start_cluster_config_upgrade(SimTime t, const ConfigUpgradeRequest& request) {
  std::lock_guard lock(mu_);
  SfObject& o = *find(Kind::cluster_config, "cluster_config");
  if (moment(o, t).in_progress) return false;
  if (request.config_version) o.from_version = std::exchange(o.version, *request.config_version);
  o.script = config_upgrade_run(o, t);
  return true;
}

template <class MakeItem>
std::optional<Json> World::page(const Listing& listing, std::string_view token, std::uint64_t max_results,
                                MakeItem make_item) const {
  auto slice = paginate(listing.names, token, max_results);
  if (!slice) return std::nullopt;
  Json items = Json::array();
  for (size_t i = slice->begin; i < slice->end; ++i) items.push_back(make_item(objects_[listing.objects[i]]));
  return Json{{"ContinuationToken", slice->continuation_token}, {"Items", std::move(items)}};
}

std::optional<Json> World::applications(SimTime t, std::string_view token, std::uint64_t max_results, double api,
                                        bool exclude_parameters) const {
  std::lock_guard lock(mu_);
  auto listing = page(applications_, token, max_results, [&](const SfObject& o) {
    Moment m = moment(o, t);
    bool upgraded = !m.step || settled_progress(o.kind, m.step->state) == 1.0;
    Json item = {{"Id", application_id(o.name, api >= kTildeIdApi)},
                 {"Name", o.name},
                 {"TypeName", o.type_name},
                 {"TypeVersion", upgraded ? o.version : o.from_version},
                 {"Status", m.in_progress ? "Upgrading" : "Ready"}};
    if (!exclude_parameters) item["Parameters"] = Json::array({{{"Key", "InstanceCount"}, {"Value", "-1"}}});
    bool unhealthy = m.step && m.step->unhealthy;
    item["HealthState"] = unhealthy ? "Error" : m.has("Failed") ? "Warning" : "Ok";
    item["ApplicationDefinitionKind"] = "ServiceFabricApplicationDescription";
    return item;
  });
  if (listing && api < 2.0) return (*listing)["Items"];  // api-version 1.0 answers a bare array
  return listing;
}

std::optional<Json> World::application_progress(SimTime t, std::string_view name, double api) const {
  std::lock_guard lock(mu_);
  const SfObject* o = find(Kind::application, name);
  if (!o) return std::nullopt;
  return domain_upgrade_body(*o, t, api);
}

std::optional<Json> World::application_resources(SimTime t, std::string_view token, std::uint64_t max_results) const {
  std::lock_guard lock(mu_);
  return page(resources_, token, max_results, [&](const SfObject& o) {
    Moment m = moment(o, t);
    Json services = Json::array();
    for (const auto& s : o.services) services.push_back(s.name);
    bool unhealthy = m.step && m.step->unhealthy;
    return Json{{"name", o.name},
                {"properties",
                 {{"description", "Resource-model application " + o.name + "."},
                  {"serviceNames", services},
                  {"status", m.in_progress ? "Upgrading" : "Ready"},
                  {"statusDetails", ""},
                  {"healthState", unhealthy ? "Error" : "Ok"},
                  {"unhealthyEvaluation", unhealthy ? "A service replica reports an error." : ""}}}};
  });
}

std::optional<Json> World::application_resource_progress(SimTime t, std::string_view name) const {
  std::lock_guard lock(mu_);
  const SfObject* o = find(Kind::application_resource, name);
  if (!o) return std::nullopt;
  Moment m = moment(*o, t);
  // Never upgraded: the enum's default (inferred; the spec has no example).
  std::string state = m.step ? m.step->state : "Invalid";
  Json services = Json::array();
  for (const auto& s : o->services) {
    int completed = static_cast<int>(std::lround(m.progress * s.replicas));
    // Numbers as strings, as the resource API sends them.
    services.push_back({{"ServiceName", s.name},
                        {"CompletedReplicaCount", std::to_string(completed)},
                        {"PendingReplicaCount", std::to_string(s.replicas - completed)}});
  }
  return Json{{"Name", o->name},
              {"TargetApplicationTypeVersion", o->version},
              {"StartTimestampUtc", timestamp_or_unset(m.run_start, epoch_)},
              {"UpgradeState", state},
              {"PercentCompleted", std::to_string(std::lround(m.progress * 100))},
              {"ServiceUpgradeProgress", services},
              {"RollingUpgradeMode", o->mode},
              {"UpgradeDuration", iso_duration(m.run_elapsed)},
              {"ApplicationUpgradeStatusDetails", m.step && m.step->unhealthy ? "A service replica reports an error." : ""},
              {"UpgradeReplicaSetCheckTimeoutInSeconds", kInfiniteSeconds},
              {"FailureTimestampUtc", timestamp_or_unset(m.failure_time, epoch_)}};
}

std::optional<Json> World::compose_deployments(SimTime t, std::string_view token, std::uint64_t max_results) const {
  std::lock_guard lock(mu_);
  return page(composes_, token, max_results, [&](const SfObject& o) {
    return Json{{"Name", o.name},
                {"ApplicationName", "fabric:/" + o.name},
                {"Status", moment(o, t).in_progress ? "Upgrading" : "Ready"},
                {"StatusDetails", ""}};
  });
}

std::optional<Json> World::compose_deployment_progress(SimTime t, std::string_view name) const {
  std::lock_guard lock(mu_);
  const SfObject* o = find(Kind::compose_deployment, name);
  if (!o) return std::nullopt;
  Moment m = moment(*o, t);
  Walk w = walk_units(*o, m);
  Json body = {{"DeploymentName", o->name},
               {"ApplicationName", "fabric:/" + o->name},
               {"UpgradeState", w.state},
               {"UpgradeStatusDetails", status_details(w)},
               {"UpgradeKind", m.step ? "Rolling" : "Invalid"}};
  if (m.step) {  // the runtime writes these only for rolling upgrades
    body["RollingUpgradeMode"] = o->mode;
    body["ForceRestart"] = false;
    body["UpgradeReplicaSetCheckTimeoutInSeconds"] = kInfiniteSeconds;
    body["MonitoringPolicy"] = monitoring_policy(o->policy);
    body["ApplicationHealthPolicy"] = application_health_policy();
  }
  body["TargetApplicationTypeVersion"] = o->version;
  body["UpgradeDuration"] = iso_duration(m.run_elapsed);
  body["CurrentUpgradeDomainDuration"] = iso_duration(w.unit_elapsed);
  body["ApplicationUnhealthyEvaluations"] = m.step && m.step->unhealthy ? unhealthy_evaluations(*o, w) : Json::array();
  body["CurrentUpgradeDomainProgress"] = current_domain_progress(*o, w, 0);
  body["StartTimestampUtc"] = timestamp_or_unset(m.run_start, epoch_);
  body["FailureTimestampUtc"] = timestamp_or_unset(m.failure_time, epoch_);
  // No FailureReason: the runtime's serializer does not write it (reference §6.2).
  body["UpgradeDomainProgressAtFailure"] = progress_at_failure(*o, m, 0);
  body["ApplicationUpgradeStatusDetails"] = "";
  return body;
}

// ---------------------------------------------------------------------------
// Qumulo

bool World::qumulo_reachable(SimTime t) const {
  std::lock_guard lock(mu_);
  Moment m = evaluate(qumulo_.script, Kind::qumulo, t);
  return !m.step || m.into_step >= m.step->unreachable;
}

Json World::qumulo_status(SimTime t) const {
  std::lock_guard lock(mu_);
  Moment m = evaluate(qumulo_.script, Kind::qumulo, t);
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

Json World::qumulo_reboot_status(SimTime t) const {
  std::lock_guard lock(mu_);
  Moment m = evaluate(qumulo_.script, Kind::qumulo, t);
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

Json World::qumulo_version(SimTime t) const {
  std::lock_guard lock(mu_);
  Moment m = evaluate(qumulo_.script, Kind::qumulo, t);
  // The new version runs once this pass through the script got past COMMITTED.
  bool committed = m.has("UPGRADE_STATE_REBOOTING");
  for (size_t i = 0; m.step && i < m.step_index; ++i)
    committed = committed || qumulo_.script.steps[i].state == "UPGRADE_STATE_COMMITTED";
  const std::string& version = committed ? qumulo_.version : qumulo_.from_version;
  return {{"revision_id", "Qumulo Core " + version},
          {"build_id", partition_id("build" + version).substr(0, 8)},
          {"flavor", "release"},
          {"build_date", "2024-06-18T17:24:03Z"}};
}

bool World::qumulo_prepare(SimTime t, const PrepareRequest& request) {
  std::lock_guard lock(mu_);
  Moment m = evaluate(qumulo_.script, Kind::qumulo, t);
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
  qumulo_.script = qumulo_run(qumulo_, scenario_.qumulo.script, t, /*from_commit=*/false);
  return true;
}

bool World::qumulo_commit(SimTime t) {
  std::lock_guard lock(mu_);
  if (!evaluate(qumulo_.script, Kind::qumulo, t).has("UPGRADE_STATE_PREPARED")) return false;
  qumulo_.script = qumulo_run(qumulo_, scenario_.qumulo.script, t, /*from_commit=*/true);
  return true;
}

std::string World::state_of(Kind kind, std::string_view name, SimTime t) const {
  if (kind == Kind::qumulo) return qumulo_status(t)["state"];
  std::lock_guard lock(mu_);
  const SfObject* o = find(kind, name);
  if (!o) return "";
  Moment m = moment(*o, t);
  if (kind == Kind::application_resource) return m.step ? m.step->state : "Invalid";
  return walk_units(*o, m).state;
}

}  // namespace sim
