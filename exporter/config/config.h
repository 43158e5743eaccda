// The configuration file: YAML decoded strictly into validated structs.
// Structs start from their defaults; every problem is a ConfigError naming
// the file, the line and the key.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/errors.h"
#include "config/units.h"
#include "config/url.h"
#include "model/upgrade.h"

namespace re2 {
class RE2;
}

namespace ue {

// Every struct here compares field by field (defaulted ==), so a reload that
// changes any field, including one added later, is seen (poll/fleet.cpp).

// The `history` block: reading a Service Fabric cluster's EventStore for its
// past upgrades. A target's block starts from the global one, key by key.
struct HistorySettings {
  bool enabled = true;
  Duration window = std::chrono::hours(24 * 7);  // how far back; EventStore keeps about 7 days
  Duration interval = std::chrono::minutes(5);   // between reads of what is new

  bool operator==(const HistorySettings&) const = default;
};

// The `global` keys; each target starts from them and may override any.
struct PollSettings {
  Duration poll_interval = std::chrono::seconds(30);
  Duration timeout = std::chrono::seconds(10);
  int concurrency = 8;
  Duration max_staleness = std::chrono::minutes(10);
  Duration idle_poll_interval = std::chrono::hours(1);
  std::size_t max_objects = 10000;
  std::uint64_t max_response_bytes = 16ull << 20;
  int max_results = 0;  // MaxResults sent with paged listings; 0 lets the server choose
  // How long an upgrade in progress may go without a transition before it is
  // stalled (upgrade_stall_window_seconds, the status page and the API).
  Duration stall_window = std::chrono::minutes(30);
  // How long a completed repair task stays exported after it completed.
  Duration repair_task_retention = std::chrono::hours(1);
  HistorySettings history;

  bool operator==(const PollSettings&) const = default;
};

struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;

  bool operator==(const TlsConfig&) const = default;
};

// The `oauth2` block, spelled as Prometheus' block of that name: an OAuth 2.0
// client credentials grant (e.g. Microsoft Entra ID) whose access token is
// sent as the bearer token.
//
// Exactly one credential: client_secret_file, client_assertion_file, or
// client_certificate_file with client_key_file. With azure_workload_identity,
// what the block leaves out comes from the AKS webhook's AZURE_* variables,
// read at load. On service_fabric targets, a token_url or scopes left out are
// discovered from the cluster's GET /$/GetAadMetadata.
struct OAuth2Config {
  std::string client_id;
  std::string client_secret_file;  // re-read at every token fetch, so a rotated secret applies
  // A federated token (a JWT), re-read at every fetch since it rotates, and
  // sent as client_assertion (jwt-bearer) instead of a secret.
  std::string client_assertion_file;
  // A certificate credential: the exporter signs its own client assertion
  // (PS256, x5t#S256) with the key; both re-read at every fetch.
  std::string client_certificate_file;
  std::string client_key_file;
  bool azure_workload_identity = false;
  std::string token_url;           // as written; empty: discovered from the cluster
  ParsedUrl token_endpoint;        // `token_url`, split; its base_path is the whole path
  std::vector<std::string> scopes;  // empty on a service_fabric target: discovered (<cluster>/.default)
  std::vector<std::pair<std::string, std::string>> endpoint_params;  // extra form fields, in file order
  std::optional<TlsConfig> tls;  // for the token endpoint

  bool operator==(const OAuth2Config&) const = default;
};

// The `qumulo_login` block: a Qumulo service account that logs in with
// POST /v1/session/login for a session token.
struct QumuloLoginConfig {
  std::string username;
  std::string password_file;  // re-read at every login

  bool operator==(const QumuloLoginConfig&) const = default;
};

// The `managed_identity` block: tokens from the Azure instance metadata
// service (GET {endpoint}/metadata/identity/oauth2/token, Metadata: true).
// At most one of the three ids; none: the system-assigned identity.
struct ManagedIdentityConfig {
  std::string client_id;
  std::string object_id;
  std::string resource_id;
  std::string resource;  // empty on a service_fabric target: discovered (GetAadMetadata's cluster)
  std::string endpoint = "http://169.254.169.254";  // as written
  ParsedUrl parsed_endpoint{"http", "169.254.169.254", "", 80};  // `endpoint`, split

  bool operator==(const ManagedIdentityConfig&) const = default;
};

// How a target obtains the tokens it sends; at most one of these is set.
struct TokenAuth {
  std::optional<OAuth2Config> oauth2;
  std::optional<QumuloLoginConfig> qumulo_login;
  std::optional<ManagedIdentityConfig> managed_identity;

  bool operator==(const TokenAuth&) const = default;
};

// An `include` or `exclude` regex, compiled once. Two are equal when written
// the same: they are always compiled with the same options.
struct NamePattern {
  std::string text;  // as written, for logs and comparisons
  std::shared_ptr<const re2::RE2> compiled;

  bool operator==(const NamePattern& other) const { return text == other.text; }
};

struct TargetConfig {
  std::string name;
  TargetType type = TargetType::service_fabric;
  std::string url;       // as written
  ParsedUrl parsed_url;  // `url`, split
  PollSettings settings;
  std::vector<Kind> collect;  // the kinds to poll, in export order
  std::vector<NamePattern> include;
  std::vector<NamePattern> exclude;
  std::optional<TlsConfig> tls;
  std::string bearer_token_file;  // re-read at every poll so rotated tokens apply
  // Set at most one of bearer_token_file and these; a target that sets none
  // of them inherits global's block (qumulo_login only on qumulo targets).
  std::optional<OAuth2Config> oauth2;
  std::optional<QumuloLoginConfig> qumulo_login;
  std::optional<ManagedIdentityConfig> managed_identity;

  // True when `name` passes include (any, or none configured) and no exclude.
  bool selects(std::string_view object_name) const;

  bool operator==(const TargetConfig&) const = default;
};

struct Config {
  std::string file;  // where it was read from
  PollSettings global;
  TokenAuth global_auth;  // `global.oauth2` or `global.qumulo_login`, already applied to the targets
  std::vector<TargetConfig> targets;

  bool operator==(const Config&) const = default;
};

// Reads and validates a configuration file. Throws ConfigError.
Config load_config_file(const std::string& path);
// The same for text already in memory; `file` only names it in errors.
Config parse_config(std::string_view yaml, const std::string& file);

}  // namespace ue
