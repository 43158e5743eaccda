#include "scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace sim {

// ---------------------------------------------------------------------------
// State vocabularies

const std::vector<std::string_view>& states_of(Kind kind) {
  static const std::vector<std::string_view> upgrade = {
      "Invalid", "RollingBackInProgress", "RollingBackCompleted", "RollingForwardPending",
      "RollingForwardInProgress", "RollingForwardCompleted", "Failed"};
  static const std::vector<std::string_view> compose = {
      "Invalid", "ProvisioningTarget", "RollingForwardInProgress", "RollingForwardPending",
      "UnprovisioningCurrent", "RollingForwardCompleted", "RollingBackInProgress", "UnprovisioningTarget",
      "RollingBackCompleted", "Failed"};
  static const std::vector<std::string_view> resource = {
      "Invalid", "ProvisioningTarget", "RollingForward", "UnprovisioningCurrent", "CompletedRollforward",
      "RollingBack", "UnprovisioningTarget", "CompletedRollback", "Failed"};
  static const std::vector<std::string_view> qumulo = {
      "UPGRADE_STATE_IDLE", "UPGRADE_STATE_PREPARING", "UPGRADE_STATE_PREPARED",
      "UPGRADE_STATE_COMMITTING", "UPGRADE_STATE_COMMITTED", "UPGRADE_STATE_REBOOTING"};
  switch (kind) {
    case Kind::compose_deployment: return compose;
    case Kind::application_resource: return resource;
    case Kind::qumulo: return qumulo;
    default: return upgrade;
  }
}

bool is_in_progress(Kind kind, std::string_view s) {
  switch (kind) {
    case Kind::compose_deployment:
      return s == "ProvisioningTarget" || s == "RollingForwardInProgress" || s == "RollingForwardPending" ||
             s == "UnprovisioningCurrent" || s == "RollingBackInProgress" || s == "UnprovisioningTarget";
    case Kind::application_resource:
      return s == "ProvisioningTarget" || s == "RollingForward" || s == "UnprovisioningCurrent" ||
             s == "RollingBack" || s == "UnprovisioningTarget";
    case Kind::qumulo: return s != "UPGRADE_STATE_IDLE";
    default: return s == "RollingForwardInProgress" || s == "RollingForwardPending" || s == "RollingBackInProgress";
  }
}

bool is_rolling_back(Kind kind, std::string_view s) {
  return kind == Kind::application_resource ? s == "RollingBack" : s == "RollingBackInProgress";
}

std::optional<double> settled_progress(Kind kind, std::string_view s) {
  if (kind == Kind::application_resource) {
    if (s == "UnprovisioningCurrent" || s == "CompletedRollforward") return 1.0;
    if (s == "UnprovisioningTarget" || s == "CompletedRollback") return 0.0;
    return std::nullopt;
  }
  if (s == "RollingForwardCompleted" || s == "UnprovisioningCurrent") return 1.0;
  if (s == "RollingBackCompleted" || s == "UnprovisioningTarget") return 0.0;
  return std::nullopt;
}

const std::vector<std::string_view>& safety_check_kinds() {
  static const std::vector<std::string_view> kinds = {
      "EnsureSeedNodeQuorum", "EnsurePartitionQuorum", "WaitForPrimaryPlacement", "WaitForPrimarySwap",
      "WaitForReconfiguration", "WaitForInbuildReplica", "EnsureAvailability"};
  return kinds;
}

Step make_step(std::string state, std::optional<Micros> length, std::optional<double> progress) {
  Step step;
  step.state = std::move(state);
  step.length = length;
  step.progress = progress;
  return step;
}

std::string_view fault_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::busy: return "busy";
    case FaultKind::error: return "error";
    case FaultKind::truncated: return "truncated";
    case FaultKind::slow: return "slow";
  }
  return "?";
}

std::string application_id(std::string_view name, bool tilde) {
  if (name.starts_with("fabric:")) name.remove_prefix(7);
  while (name.starts_with('/')) name.remove_prefix(1);
  std::string id;
  for (unsigned char c : name) {
    if (c == '/') {
      id += tilde ? '~' : '/';
    } else if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      id += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      id += '%';
      id += kHex[c >> 4];
      id += kHex[c & 15];
    }
  }
  return id;
}

// ---------------------------------------------------------------------------
// YAML reading

namespace {

const std::vector<std::string_view> kFailureReasons = {"None", "Interrupted", "HealthCheck", "UpgradeDomainTimeout",
                                                       "OverallUpgradeTimeout"};
const std::vector<std::string_view> kUpgradeModes = {"UnmonitoredAuto", "UnmonitoredManual", "Monitored",
                                                     "UnmonitoredDeferred"};

bool contains(const std::vector<std::string_view>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const std::vector<std::string_view>& list) {
  std::string out;
  for (auto v : list) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

// Reads typed values out of YAML nodes; every failure names the file and line.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    std::string where = source_;
    if (at.IsDefined() && at.Mark().line >= 0) where += ":" + std::to_string(at.Mark().line + 1);
    throw ScenarioError(where + ": " + what);
  }

  void only_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, std::string_view what) const {
    if (!map.IsMap()) fail(map, std::string(what) + " must be a mapping");
    for (const auto& entry : map) {
      auto key = entry.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(entry.first, "unknown key \"" + key + "\" in " + std::string(what));
    }
  }

  std::string text(const YAML::Node& n, std::string_view key) const {
    if (!n.IsScalar()) fail(n, std::string(key) + " must be a string");
    return n.Scalar();
  }

  bool flag(const YAML::Node& n, std::string_view key) const {
    bool value = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value)) fail(n, std::string(key) + " must be true or false");
    return value;
  }

  double number(const YAML::Node& n, std::string_view key, double lo, double hi) const {
    double value = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, value) || !std::isfinite(value) || value < lo || value > hi) {
      std::ostringstream range;
      range << lo << " and " << hi;
      fail(n, std::string(key) + " must be a number between " + range.str());
    }
    return value;
  }

  int integer(const YAML::Node& n, std::string_view key, int lo, int hi) const {
    double value = number(n, key, lo, hi);
    if (value != std::floor(value)) fail(n, std::string(key) + " must be a whole number");
    return static_cast<int>(value);
  }

  Micros duration(const YAML::Node& n, std::string_view key, bool allow_negative = false) const {
    auto value = n.IsScalar() ? parse_duration(n.Scalar()) : std::nullopt;
    if (!value) fail(n, std::string(key) + ": bad duration \"" + (n.IsScalar() ? n.Scalar() : "") + "\" (use 30s, 2m, 1h30m)");
    if (!allow_negative && value->count() < 0) fail(n, std::string(key) + " must not be negative");
    return *value;
  }

  std::string one_of(const YAML::Node& n, std::string_view key, const std::vector<std::string_view>& allowed) const {
    auto value = text(n, key);
    if (!contains(allowed, value)) fail(n, std::string(key) + " \"" + value + "\" is not one of " + joined(allowed));
    return value;
  }

 private:
  std::string source_;
};

// Top-level defaults every Service Fabric object inherits.
struct SfDefaults {
  std::vector<std::string> domains = {"0", "1", "2", "3", "4"};
  int nodes_per_domain = 1;
};

std::vector<std::string> read_domains(const Reader& r, const YAML::Node& n) {
  std::vector<std::string> names;
  if (n.IsScalar()) {
    int count = r.integer(n, "domains", 1, 100);
    for (int i = 0; i < count; ++i) names.push_back(std::to_string(i));
    return names;
  }
  if (!n.IsSequence() || n.size() == 0) r.fail(n, "domains must be a count or a non-empty list of names");
  for (const auto& item : n) {
    auto name = r.text(item, "domain name");
    if (name.empty() || std::find(names.begin(), names.end(), name) != names.end())
      r.fail(item, "domain names must be non-empty and unique");
    names.push_back(name);
  }
  return names;
}

std::string qumulo_state(const Reader& r, const YAML::Node& n) {
  auto value = r.text(n, "state");
  if (!value.starts_with("UPGRADE_STATE_")) value = "UPGRADE_STATE_" + value;
  if (!contains(states_of(Kind::qumulo), value))
    r.fail(n, "state \"" + n.Scalar() + "\" is not one of " + joined(states_of(Kind::qumulo)));
  return value;
}

// A step that holds a node on a safety check: only where nodes upgrade one
// unit at a time, while a unit is being upgraded, and without moving.
void check_blocked_on(const Reader& r, const YAML::Node& n, Kind kind, const Step& step) {
  const YAML::Node& at = n["blocked_on"];
  if (kind != Kind::cluster && kind != Kind::application && kind != Kind::compose_deployment)
    r.fail(at, "blocked_on belongs to cluster, application and compose_deployment steps");
  if (step.state != "RollingForwardInProgress" && step.state != "RollingBackInProgress")
    r.fail(at, "blocked_on needs state RollingForwardInProgress or RollingBackInProgress");
  if (step.progress) r.fail(n["progress"], "a blocked_on step holds its progress: leave out progress");
}

Step read_step(const Reader& r, const YAML::Node& n, Kind kind) {
  bool qumulo = kind == Kind::qumulo;
  if (qumulo)
    r.only_keys(n, {"state", "for", "progress", "error", "unreachable", "blocked", "degraded"}, "a qumulo step");
  else
    r.only_keys(n, {"state", "for", "progress", "unhealthy", "failure", "blocked_on"}, "a step");
  Step step;
  if (!n["state"]) r.fail(n, "a step needs a state");
  step.state = qumulo ? qumulo_state(r, n["state"]) : r.one_of(n["state"], "state", states_of(kind));
  if (!n["for"]) r.fail(n, "a step needs \"for\" (a duration or forever)");
  if (!(n["for"].IsScalar() && n["for"].Scalar() == "forever")) {
    step.length = r.duration(n["for"], "for");
    if (step.length->count() <= 0) r.fail(n["for"], "for must be positive");
  }
  if (n["progress"]) step.progress = r.number(n["progress"], "progress", 0, 100) / 100.0;
  if (n["unhealthy"]) step.unhealthy = r.flag(n["unhealthy"], "unhealthy");
  if (n["failure"]) step.failure = r.one_of(n["failure"], "failure", kFailureReasons);
  if (n["blocked_on"]) {
    step.blocked_on = r.one_of(n["blocked_on"], "blocked_on", safety_check_kinds());
    check_blocked_on(r, n, kind, step);
  }
  if (n["error"]) step.error = r.text(n["error"], "error");
  if (n["blocked"]) {
    step.blocked_reason = r.text(n["blocked"], "blocked");
    if (step.blocked_reason.empty()) r.fail(n["blocked"], "blocked needs a reason");
  }
  if (n["degraded"]) step.degraded = r.flag(n["degraded"], "degraded");
  if (n["unreachable"]) {
    step.unreachable = r.duration(n["unreachable"], "unreachable");
    if (step.length && step.unreachable > *step.length) r.fail(n["unreachable"], "unreachable is longer than the step");
  }
  return step;
}

Script read_script(const Reader& r, const YAML::Node& owner, Kind kind) {
  Script script;
  if (owner["repeat"]) script.repeat = r.flag(owner["repeat"], "repeat");
  if (owner["start"]) script.start = r.duration(owner["start"], "start", /*allow_negative=*/true);
  if (const auto& steps = owner["steps"]) {
    if (!steps.IsSequence()) r.fail(steps, "steps must be a list");
    for (const auto& s : steps) script.steps.push_back(read_step(r, s, kind));
  }
  for (size_t i = 0; i < script.steps.size(); ++i) {
    bool last = i + 1 == script.steps.size();
    if (!script.steps[i].length && (!last || script.repeat))
      r.fail(owner["steps"][i], "only the last step of a script without repeat may last forever");
  }
  if (script.repeat && script.steps.empty()) r.fail(owner, "repeat needs steps");
  return script;
}

Policy read_policy(const Reader& r, const YAML::Node& n) {
  r.only_keys(n, {"failure_action", "health_check_wait", "health_check_stable", "health_check_retry",
                  "upgrade_timeout", "domain_timeout", "replica_set_check_timeout"},
              "policy");
  Policy p;
  if (n["failure_action"]) p.failure_action = r.one_of(n["failure_action"], "failure_action", {"Rollback", "Manual"});
  if (n["health_check_wait"]) p.health_check_wait = r.duration(n["health_check_wait"], "health_check_wait");
  if (n["health_check_stable"]) p.health_check_stable = r.duration(n["health_check_stable"], "health_check_stable");
  if (n["health_check_retry"]) p.health_check_retry = r.duration(n["health_check_retry"], "health_check_retry");
  if (n["upgrade_timeout"]) p.upgrade_timeout = r.duration(n["upgrade_timeout"], "upgrade_timeout");
  if (n["domain_timeout"]) p.domain_timeout = r.duration(n["domain_timeout"], "domain_timeout");
  if (n["replica_set_check_timeout"])
    p.replica_set_check_timeout = r.duration(n["replica_set_check_timeout"], "replica_set_check_timeout");
  return p;
}

bool plain_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

// "fabric:/shop/cart" → "CartType".
std::string default_type_name(std::string_view name) {
  auto last = name.substr(name.rfind('/') + 1);
  std::string type(last);
  if (!type.empty()) type[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(type[0])));
  return type + "Type";
}

SfObject read_object(const Reader& r, const YAML::Node& n, const SfDefaults& defaults) {
  r.only_keys(n, {"kind", "name", "type", "version", "from_version", "config_version", "mode", "domains",
                  "nodes_per_domain", "policy", "services", "repeat", "start", "steps"},
              "an object");
  if (!n["kind"]) r.fail(n, "an object needs a kind");
  static const std::vector<std::string_view> kKinds = {"cluster", "cluster_config", "application",
                                                       "application_resource", "compose_deployment"};
  auto kind_text = r.one_of(n["kind"], "kind", kKinds);
  SfObject o;
  for (Kind k : {Kind::cluster, Kind::cluster_config, Kind::application, Kind::application_resource,
                 Kind::compose_deployment})
    if (kind_name(k) == kind_text) o.kind = k;

  bool singleton = o.kind == Kind::cluster || o.kind == Kind::cluster_config;
  if (n["name"]) o.name = r.text(n["name"], "name");
  if (singleton) {
    o.name = std::string(kind_name(o.kind));
  } else if (o.kind == Kind::application) {
    if (!o.name.starts_with("fabric:/") || o.name.size() <= 8 || o.name.ends_with("/") ||
        o.name.find("//") != std::string::npos || o.name.find_first_of(" ?#&=%") != std::string::npos)
      r.fail(n["name"] ? n["name"] : n, "an application needs a name like fabric:/shop/cart");
  } else if (!plain_name(o.name)) {
    r.fail(n["name"] ? n["name"] : n, std::string(kind_text) + " needs a name of letters, digits, '-', '_' or '.'");
  }

  switch (o.kind) {
    case Kind::cluster: o.version = "10.1.1541.9590", o.from_version = "10.0.2226.9590"; break;
    case Kind::cluster_config: o.version = "2", o.from_version = "1"; break;
    default: o.version = "2.0.0", o.from_version = "1.0.0"; break;
  }
  if (n["version"]) o.version = r.text(n["version"], "version");
  if (n["from_version"]) o.from_version = r.text(n["from_version"], "from_version");
  o.config_version = "3";
  if (n["config_version"]) o.config_version = r.text(n["config_version"], "config_version");
  o.type_name = n["type"] ? r.text(n["type"], "type") : default_type_name(o.name);

  bool node_by_node_allowed = o.kind == Kind::cluster || o.kind == Kind::application;
  std::vector<std::string_view> modes(kUpgradeModes.begin(), kUpgradeModes.end() - (node_by_node_allowed ? 0 : 1));
  if (n["mode"]) o.mode = r.one_of(n["mode"], "mode", modes);

  o.domains = n["domains"] ? read_domains(r, n["domains"]) : defaults.domains;
  o.nodes_per_domain = n["nodes_per_domain"] ? r.integer(n["nodes_per_domain"], "nodes_per_domain", 1, 50)
                                             : defaults.nodes_per_domain;
  if (n["policy"]) o.policy = read_policy(r, n["policy"]);

  if (const auto& services = n["services"]) {
    if (o.kind != Kind::application_resource) r.fail(services, "services belong to application_resource objects");
    if (!services.IsSequence() || services.size() == 0) r.fail(services, "services must be a non-empty list");
    for (const auto& s : services) {
      r.only_keys(s, {"name", "replicas"}, "a service");
      Service service;
      service.name = s["name"] ? r.text(s["name"], "service name") : "";
      if (!plain_name(service.name)) r.fail(s, "a service needs a plain name");
      if (s["replicas"]) service.replicas = r.integer(s["replicas"], "replicas", 1, 1000);
      o.services.push_back(service);
    }
  } else if (o.kind == Kind::application_resource) {
    o.services = {{"web", 3}};
  }
  o.script = read_script(r, n, o.kind);
  return o;
}

// A credential the clients must send: present and not empty.
std::string required_text(const Reader& r, const YAML::Node& owner, std::string_view key, std::string_view what) {
  const YAML::Node& n = owner[std::string(key)];
  if (!n) r.fail(owner, std::string(what) + " needs " + std::string(key));
  std::string value = r.text(n, key);
  if (value.empty()) r.fail(n, std::string(key) + " must not be empty");
  return value;
}

QumuloLogin read_login(const Reader& r, const YAML::Node& n) {
  r.only_keys(n, {"username", "password", "session_lifetime"}, "qumulo login");
  QumuloLogin login;
  login.username = required_text(r, n, "username", "login");
  login.password = required_text(r, n, "password", "login");
  if (n["session_lifetime"]) {
    login.session_lifetime = r.duration(n["session_lifetime"], "session_lifetime");
    if (login.session_lifetime.count() <= 0) r.fail(n["session_lifetime"], "session_lifetime must be positive");
  }
  return login;
}

// oauth2's secretless keys (entra.h): the certificate is read now, a bad file is a scenario error.
void read_secretless(const Reader& r, const YAML::Node& n, OAuth2Client& client) {
  if (n["client_certificate_file"]) {
    const std::string path = required_text(r, n, "client_certificate_file", "oauth2");
    std::ifstream in(path);
    std::stringstream pem;
    pem << in.rdbuf();
    client.client_certificate_pem = pem.str();
    if (!in || client.client_certificate_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
      r.fail(n["client_certificate_file"], "client_certificate_file: cannot read a PEM certificate from " + path);
  }
  if (n["federated_token"]) client.federated_token = required_text(r, n, "federated_token", "oauth2");
  if (n["imds_throttle_first"]) {
    const int count = n["imds_throttle_first"].as<int>(-1);
    if (count < 0) r.fail(n["imds_throttle_first"], "imds_throttle_first must be a count");
    client.imds_throttle_first = static_cast<std::uint64_t>(count);
  }
}

OAuth2Client read_oauth2(const Reader& r, const YAML::Node& n) {
  r.only_keys(n, {"client_id", "client_secret", "scope", "expires_in", "tenant", "client_certificate_file",
                  "federated_token", "imds_throttle_first"},
              "oauth2");
  OAuth2Client client;
  client.client_id = required_text(r, n, "client_id", "oauth2");
  read_secretless(r, n, client);
  // A secret is needed only when no secretless credential is given.
  if (n["client_secret"] || (client.client_certificate_pem.empty() && client.federated_token.empty()))
    client.client_secret = required_text(r, n, "client_secret", "oauth2");
  client.scope = required_text(r, n, "scope", "oauth2");
  if (!client.scope.ends_with("/.default") || client.scope.size() == 9 || client.scope.find(' ') != std::string::npos)
    r.fail(n["scope"], "scope must be one resource's \"<application id or URI>/.default\"");
  if (n["expires_in"]) {
    client.expires_in = r.duration(n["expires_in"], "expires_in");
    if (client.expires_in < std::chrono::seconds(1)) r.fail(n["expires_in"], "expires_in must be at least 1s");
  }
  if (n["tenant"]) client.tenant = required_text(r, n, "tenant", "oauth2");
  return client;
}

void read_service_fabric(const Reader& r, const YAML::Node& n, Scenario& s) {
  r.only_keys(n, {"oauth2"}, "service_fabric");
  if (n["oauth2"]) s.oauth2 = read_oauth2(r, n["oauth2"]);
}

Qumulo read_qumulo(const Reader& r, const YAML::Node& n) {
  r.only_keys(n, {"bearer_token", "login", "nodes", "version", "from_version", "install_path", "upgrade_type",
                  "auto_commit",
                  "rolling_reboot", "nodes_per_reboot", "repeat", "start", "steps"},
              "qumulo");
  Qumulo q;
  if (n["bearer_token"]) q.bearer_token = r.text(n["bearer_token"], "bearer_token");
  if (n["login"]) q.login = read_login(r, n["login"]);
  if (n["nodes"]) q.nodes = r.integer(n["nodes"], "nodes", 1, 1000);
  if (n["version"]) q.version = r.text(n["version"], "version");
  if (n["from_version"]) q.from_version = r.text(n["from_version"], "from_version");
  if (n["install_path"]) q.install_path = r.text(n["install_path"], "install_path");
  if (n["upgrade_type"])
    q.upgrade_type = r.one_of(n["upgrade_type"], "upgrade_type", {"SOFTWARE_ONLY", "SOFTWARE_AND_PLATFORM"});
  if (n["auto_commit"]) q.auto_commit = r.flag(n["auto_commit"], "auto_commit");
  if (n["rolling_reboot"]) q.rolling_reboot = r.flag(n["rolling_reboot"], "rolling_reboot");
  if (n["nodes_per_reboot"]) q.nodes_per_reboot = r.integer(n["nodes_per_reboot"], "nodes_per_reboot", 1, q.nodes);
  q.script = read_script(r, n, Kind::qumulo);
  return q;
}

Faults read_faults(const Reader& r, const YAML::Node& n) {
  r.only_keys(n, {"rate", "kinds", "slow_delay"}, "faults");
  Faults f;
  if (n["rate"]) f.rate = r.number(n["rate"], "rate", 0, 1);
  if (const auto& kinds = n["kinds"]) {
    if (!kinds.IsSequence() || kinds.size() == 0) r.fail(kinds, "kinds must be a non-empty list");
    f.kinds.clear();
    for (const auto& k : kinds) {
      auto name = r.one_of(k, "fault kind", {"busy", "error", "truncated", "slow"});
      for (FaultKind fk : {FaultKind::busy, FaultKind::error, FaultKind::truncated, FaultKind::slow})
        if (fault_name(fk) == name) f.kinds.push_back(fk);
    }
  }
  if (n["slow_delay"]) f.slow_delay = r.duration(n["slow_delay"], "slow_delay");
  return f;
}

// Every scenario has exactly one cluster and one configuration upgrade; absent ones were never upgraded.
void add_missing_singletons(Scenario& s, const SfDefaults& defaults) {
  for (Kind kind : {Kind::cluster, Kind::cluster_config}) {
    bool present = std::any_of(s.objects.begin(), s.objects.end(), [&](const SfObject& o) { return o.kind == kind; });
    if (present) continue;
    SfObject o;
    o.kind = kind;
    o.name = std::string(kind_name(kind));
    o.version = kind == Kind::cluster ? "10.1.1541.9590" : "1";
    o.from_version = o.version;
    o.config_version = "3";
    o.domains = defaults.domains;
    o.nodes_per_domain = defaults.nodes_per_domain;
    s.objects.insert(s.objects.begin(), o);
  }
}

// `repair_tasks:`, the simulated Repair Manager's plays (format in default.yml).
std::vector<RepairTaskPlay> read_repair_tasks(const Reader& r, const YAML::Node& n, const SfDefaults& defaults) {
  if (!n.IsSequence()) r.fail(n, "repair_tasks must be a list");
  static const std::vector<std::string_view> kPlays = {"walk_domains", "stuck_preparing_health_check",
                                                       "hold_application_node", "completed_history"};
  std::vector<RepairTaskPlay> plays;
  for (const auto& entry : n) {
    r.only_keys(entry,
                {"play", "id", "action", "executor", "nodes", "application", "start", "state_length", "count"},
                "a repair task");
    if (!entry["play"] || !entry["id"]) r.fail(entry, "a repair task needs a play and an id");
    RepairTaskPlay play;
    const std::string kind = r.one_of(entry["play"], "play", kPlays);
    play.play = static_cast<RepairTaskPlay::Play>(std::find(kPlays.begin(), kPlays.end(), kind) - kPlays.begin());
    play.id = r.text(entry["id"], "id");
    if (entry["action"]) play.action = r.text(entry["action"], "action");
    if (entry["executor"]) play.executor = r.text(entry["executor"], "executor");
    if (entry["nodes"]) {
      if (!entry["nodes"].IsSequence()) r.fail(entry["nodes"], "nodes must be a list");
      for (const auto& node : entry["nodes"]) play.nodes.push_back(r.text(node, "nodes"));
    }
    if (entry["application"]) play.application = r.text(entry["application"], "application");
    if (play.play == RepairTaskPlay::Play::hold_application_node && play.application.empty())
      r.fail(entry, "hold_application_node needs an application");
    if (entry["start"]) play.start = r.duration(entry["start"], "start", true);
    if (entry["count"]) play.count = r.integer(entry["count"], "count", 0, 100000);
    if (entry["state_length"]) play.state_length = r.duration(entry["state_length"], "state_length");
    if (play.state_length.count() <= 0) r.fail(entry, "state_length must be positive");
    play.domains = defaults.domains;
    play.nodes_per_domain = defaults.nodes_per_domain;
    plays.push_back(std::move(play));
  }
  return plays;
}

}  // namespace

Scenario parse_scenario(const std::string& yaml_text, const std::string& source_name) {
  Reader r(source_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(source_name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  r.only_keys(root,
              {"seed", "latency", "faults", "domains", "nodes_per_domain", "objects", "qumulo", "service_fabric",
               "repair_tasks", "event_store"},
              "the scenario");

  Scenario s;
  SfDefaults defaults;
  if (root["seed"]) s.seed = static_cast<std::uint64_t>(r.number(root["seed"], "seed", 0, 9.0e15));
  if (root["latency"]) s.latency = r.duration(root["latency"], "latency");
  if (root["event_store"]) s.event_store = r.flag(root["event_store"], "event_store");
  if (root["faults"]) s.faults = read_faults(r, root["faults"]);
  if (root["domains"]) defaults.domains = read_domains(r, root["domains"]);
  if (root["nodes_per_domain"])
    defaults.nodes_per_domain = r.integer(root["nodes_per_domain"], "nodes_per_domain", 1, 50);
  if (root["qumulo"]) s.qumulo = read_qumulo(r, root["qumulo"]);
  if (root["service_fabric"]) read_service_fabric(r, root["service_fabric"], s);

  if (const auto& objects = root["objects"]) {
    if (!objects.IsSequence()) r.fail(objects, "objects must be a list");
    std::set<std::pair<Kind, std::string>> seen;
    for (const auto& n : objects) {
      SfObject o = read_object(r, n, defaults);
      if (!seen.insert({o.kind, o.name}).second)
        r.fail(n, "duplicate " + std::string(kind_name(o.kind)) + " \"" + o.name + "\"");
      s.objects.push_back(std::move(o));
    }
  }
  if (root["repair_tasks"]) s.repair_tasks = read_repair_tasks(r, root["repair_tasks"], defaults);
  add_missing_singletons(s, defaults);
  return s;
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(path + ": cannot read the scenario file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

void add_generated_applications(Scenario& scenario, int count, int upgrading) {
  upgrading = std::clamp(upgrading, 0, count);
  const auto domains = scenario.objects.front().domains;  // the cluster's
  int width = static_cast<int>(std::to_string(count).size());
  const Micros walk = std::chrono::seconds(150), rest = std::chrono::seconds(10), cycle = walk + rest;
  for (int i = 0; i < count; ++i) {
    std::string number = std::to_string(i + 1);
    number.insert(0, static_cast<size_t>(width) - number.size(), '0');
    SfObject o;
    o.kind = Kind::application;
    o.name = "fabric:/scale/app-" + number;
    o.type_name = "ScaleAppType";
    o.domains = domains;
    if (i < upgrading) {
      // Looping upgrades, staggered so their domains move at different moments.
      o.script.repeat = true;
      o.script.start = -cycle * i / upgrading;
      o.script.steps = {make_step("RollingForwardInProgress", walk, 1.0), make_step("RollingForwardCompleted", rest)};
    } else if ((i - upgrading) % 2 == 0) {
      // Upgraded an hour before the simulation began.
      o.script.start = -std::chrono::hours(1);
      o.script.steps = {make_step("RollingForwardInProgress", walk, 1.0),
                        make_step("RollingForwardCompleted", std::nullopt)};
    } else {
      o.from_version = o.version;  // never upgraded: no steps
    }
    scenario.objects.push_back(std::move(o));
  }
}

}  // namespace sim
