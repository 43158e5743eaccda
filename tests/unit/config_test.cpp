// The configuration file: blackbox_exporter-style table of invalid files, each
// pinned to its exact error, plus a file that sets every key.
#include "config/config.h"

#include <gtest/gtest.h>

#include "unit/invalid_files.h"
#include "unit/x509_test_util.h"
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ue {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kConfigDir = UE_TESTDATA "/config";

std::string load_error(const std::string& path) {
  try {
    load_config_file(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string parse_error(std::string_view yaml, const std::string& file = "test.yml") {
  try {
    parse_config(yaml, file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// --- invalid files, one problem each ---

using test::InvalidCase;

const InvalidCase kInvalidCases[] = {
    {"invalid-unknown-key-top.yml", "3: unknown key \"scrape_interval\""},
    {"invalid-unknown-key-global.yml", "3: global: unknown key \"polling\""},
    {"invalid-unknown-key-target.yml", "4: targets[0]: unknown key \"pol_interval\""},
    {"invalid-unknown-key-tls.yml", "7: targets[0].tls: unknown key \"ca\""},
    {"invalid-duplicate-key.yml", "5: targets[0]: duplicate key \"url\""},
    {"invalid-missing-name.yml", "2: targets[0]: missing required key \"name\""},
    {"invalid-missing-type.yml", "2: targets[0]: missing required key \"type\""},
    {"invalid-missing-url.yml", "4: targets[0]: missing required key \"url\""},
    {"invalid-empty-name.yml", "2: targets[0].name: must not be empty"},
    {"invalid-bad-type.yml", "3: targets[0].type: unknown type \"kubernetes\" (use service_fabric or qumulo)"},
    {"invalid-duplicate-name.yml", "10: targets[2].name: duplicate target name \"prod\""},
    {"invalid-url-scheme.yml",
     "4: targets[0].url: invalid URL \"ftp://sf.example.com:19080\": scheme must be http or https"},
    {"invalid-url-no-scheme.yml",
     "4: targets[0].url: invalid URL \"sf.example.com:19080\": missing scheme (use http:// or https://)"},
    {"invalid-url-query.yml",
     "4: targets[0].url: invalid URL \"https://sf.example.com:19080/?api-version=6.0\": must not contain a query"},
    // The URL holds a password, so it is not quoted back.
    {"invalid-url-userinfo.yml",
     "4: targets[0].url: invalid URL: must not contain user info (use bearer_token_file or tls client certificates)"},
    {"invalid-url-port.yml",
     "4: targets[0].url: invalid URL \"https://sf.example.com:99999\": port must be 1-65535, got \"99999\""},
    {"invalid-duration.yml", "9: targets[1].poll_interval: invalid duration \"5x\" (use e.g. 500ms, 30s, 5m, 1h30m)"},
    {"invalid-duration-zero.yml", "2: global.timeout: must be greater than 0"},
    {"invalid-missing-value.yml", "2: global.poll_interval: missing value (expected a duration)"},
    {"invalid-size.yml", "2: global.max_response_bytes: invalid size \"16M\" (use e.g. 1048576, 512KiB, 16MiB, 1GB)"},
    {"invalid-size-too-small.yml", "2: global.max_response_bytes: must be at least 1KiB, got 512"},
    {"invalid-regex.yml", "7: targets[0].include[1]: invalid regex \"fabric:/(billing\": missing ): fabric:/(billing"},
    {"invalid-collect-name.yml",
     "5: targets[0].collect[1]: unknown kind \"apps\" (use cluster, cluster_config, applications, "
     "application_resources, compose_deployments, repair_tasks)"},
    {"invalid-collect-duplicate.yml", "8: targets[0].collect[2]: duplicate kind \"applications\""},
    {"invalid-collect-qumulo.yml",
     "3: targets[0].collect: not allowed for qumulo targets (a qumulo target has one kind)"},
    {"invalid-collect-empty.yml",
     "5: targets[0].collect: must list at least one of cluster, cluster_config, applications, "
     "application_resources, compose_deployments, repair_tasks"},
    {"invalid-tls-http.yml", "6: targets[0].tls: set on a plain http:// url (use https://)"},
    {"invalid-tls-cert-without-key.yml", "7: targets[0].tls: cert_file is set without key_file"},
    {"invalid-tls-missing-ca-file.yml",
     "6: targets[0].tls.ca_file: cannot read \"{dir}/does-not-exist.pem\": No such file or directory"},
    {"invalid-tls-bool.yml", "6: targets[0].tls.insecure_skip_verify: expected true or false, got \"yes\""},
    {"invalid-missing-bearer-token-file.yml",
     "5: targets[0].bearer_token_file: cannot read \"/nonexistent/upgrade_exporter/token\": No such file or "
     "directory"},
    {"invalid-idle-poll-interval.yml", "3: global.idle_poll_interval: must be at least poll_interval (30s), got 10s"},
    {"invalid-idle-poll-interval-target.yml",
     "7: targets[0].poll_interval: must be at most idle_poll_interval (1h), got 2h"},
    {"invalid-stall-window-zero.yml", "2: global.stall_window: must be greater than 0"},
    {"invalid-repair-task-retention-zero.yml", "5: targets[0].repair_task_retention: must be greater than 0"},
    {"invalid-repair-task-retention.yml",
     "2: global.repair_task_retention: invalid duration \"an hour\" (use e.g. 500ms, 30s, 5m, 1h30m)"},
    {"invalid-history-interval.yml", "7: targets[0].history.interval: must be at most history.window (1h), got 2h"},
    {"invalid-history-unknown-key.yml", "3: global.history: unknown key \"retention\""},
    {"invalid-history-enabled.yml", "3: global.history.enabled: expected true or false, got \"yes please\""},
    {"invalid-stall-window-negative.yml",
     "5: targets[0].stall_window: invalid duration \"-10m\" (use e.g. 500ms, 30s, 5m, 1h30m)"},
    {"invalid-concurrency-zero.yml", "2: global.concurrency: must be between 1 and 256, got 0"},
    {"invalid-concurrency-not-integer.yml", "2: global.concurrency: expected an integer, got \"many\""},
    {"invalid-yaml-syntax.yml", "5:5: YAML syntax error: end of sequence flow not found"},
    {"invalid-targets-map.yml", "2: targets: expected a list, got a map"},
    {"invalid-global-scalar.yml", "1: global: expected a map, got a string"},
    {"invalid-two-documents.yml", "4: only one YAML document is allowed"},
    {"invalid-oauth2-unknown-key.yml", "9: targets[0].oauth2: unknown key \"scope\""},
    // The secret written inline is not quoted back.
    {"invalid-oauth2-client-secret-inline.yml",
     "7: targets[0].oauth2.client_secret: secrets are read from files, never written in the configuration (use "
     "client_secret_file)"},
    {"invalid-oauth2-missing-client-id.yml", "6: targets[0].oauth2: missing required key \"client_id\""},
    {"invalid-oauth2-missing-client-secret-file.yml", "3: global.oauth2: missing required key \"client_secret_file\""},
    {"invalid-oauth2-missing-token-url.yml", "6: targets[0].oauth2: missing required key \"token_url\""},
    {"invalid-oauth2-empty-client-id.yml", "6: targets[0].oauth2.client_id: must not be empty"},
    {"invalid-oauth2-missing-secret-file.yml",
     "7: targets[0].oauth2.client_secret_file: cannot read \"/nonexistent/upgrade_exporter/secret\": No such file or "
     "directory"},
    {"invalid-oauth2-token-url.yml",
     "8: targets[0].oauth2.token_url: invalid URL \"login.example.com/tenant/oauth2/v2.0/token\": missing scheme "
     "(use http:// or https://)"},
    {"invalid-oauth2-scope-space.yml", "11: targets[0].oauth2.scopes[1]: a scope must not contain spaces"},
    {"invalid-oauth2-endpoint-param-reserved.yml",
     "11: targets[0].oauth2.endpoint_params.grant_type: set by the exporter; not allowed in endpoint_params"},
    {"invalid-oauth2-tls-http.yml", "10: targets[0].oauth2.tls: set on a plain http:// token_url (use https://)"},
    // This project's TLS block is `tls` everywhere, Prometheus' `tls_config` included.
    {"invalid-oauth2-tls-unknown-key.yml", "9: targets[0].oauth2: unknown key \"tls_config\""},
    {"invalid-oauth2-and-bearer-token-file.yml",
     "7: targets[0].oauth2: mutually exclusive with bearer_token_file (a target authenticates one way)"},
    {"invalid-oauth2-and-qumulo-login.yml",
     "9: targets[0].oauth2: mutually exclusive with qumulo_login (a target authenticates one way)"},
    {"invalid-global-oauth2-and-qumulo-login.yml",
     "7: global.qumulo_login: mutually exclusive with oauth2 (a target authenticates one way)"},
    {"invalid-qumulo-login-service-fabric.yml", "6: targets[0].qumulo_login: only allowed on qumulo targets"},
    {"invalid-qumulo-login-missing-username.yml", "6: targets[0].qumulo_login: missing required key \"username\""},
    {"invalid-qumulo-login-missing-password-file.yml",
     "6: targets[0].qumulo_login: missing required key \"password_file\""},
    {"invalid-qumulo-login-password-inline.yml",
     "7: targets[0].qumulo_login.password: secrets are read from files, never written in the configuration (use "
     "password_file)"},
    {"invalid-qumulo-login-unknown-key.yml", "6: targets[0].qumulo_login: unknown key \"user\""},
    {"invalid-qumulo-login-scalar.yml", "5: targets[0].qumulo_login: expected a map, got a string"},
    // Secretless Entra credentials: one per oauth2 block, and the AKS webhook's variables.
    {"invalid-oauth2-secret-and-assertion.yml",
     "8: targets[0].oauth2.client_assertion_file: mutually exclusive with client_secret_file (an oauth2 block has one "
     "credential)"},
    {"invalid-oauth2-assertion-and-certificate.yml",
     "8: targets[0].oauth2.client_certificate_file: mutually exclusive with client_assertion_file (an oauth2 block "
     "has one credential)"},
    {"invalid-oauth2-certificate-without-key.yml",
     "7: targets[0].oauth2: client_certificate_file is set without client_key_file"},
    {"invalid-oauth2-key-without-certificate.yml",
     "7: targets[0].oauth2: client_key_file is set without client_certificate_file"},
    {"invalid-oauth2-missing-assertion-file.yml",
     "7: targets[0].oauth2.client_assertion_file: cannot read \"/nonexistent/upgrade_exporter/federated-token\": No "
     "such file or directory"},
    {"invalid-oauth2-client-assertion-inline.yml",
     "7: targets[0].oauth2.client_assertion: secrets are read from files, never written in the configuration (use "
     "client_assertion_file)"},
    {"invalid-oauth2-workload-identity-and-secret.yml",
     "8: targets[0].oauth2.azure_workload_identity: mutually exclusive with client_secret_file (an oauth2 block has "
     "one credential)"},
    {"invalid-oauth2-workload-identity-bool.yml",
     "8: targets[0].oauth2.azure_workload_identity: expected true or false, got \"yes\""},
    {"invalid-oauth2-endpoint-param-assertion-type.yml",
     "8: targets[0].oauth2.endpoint_params.client_assertion_type: set by the exporter; not allowed in endpoint_params"},
    {"invalid-oauth2-workload-identity-no-client-id.yml",
     "7: targets[0].oauth2.azure_workload_identity: client_id is not set and AZURE_CLIENT_ID is empty or unset"},
    {"invalid-oauth2-workload-identity-no-token-file.yml",
     "8: targets[0].oauth2.azure_workload_identity: client_assertion_file is not set and AZURE_FEDERATED_TOKEN_FILE "
     "is empty or unset"},
    {"invalid-oauth2-workload-identity-qumulo-no-tenant.yml",
     "7: targets[0].oauth2: missing required key \"token_url\" (or AZURE_TENANT_ID, with azure_workload_identity)"},
    {"invalid-global-oauth2-qumulo-no-token-url.yml",
     "4: global.oauth2: missing required key \"token_url\" (qumulo target \"nas\" cannot discover it)"},
    {"invalid-managed-identity-two-ids.yml",
     "7: targets[0].managed_identity.resource_id: mutually exclusive with client_id (a managed identity is named one "
     "way)"},
    {"invalid-managed-identity-endpoint.yml",
     "8: targets[0].managed_identity.endpoint: invalid URL \"169.254.169.254\": missing scheme (use http:// or "
     "https://)"},
    {"invalid-managed-identity-unknown-key.yml", "6: targets[0].managed_identity: unknown key \"msi_res_id\""},
    {"invalid-managed-identity-empty-client-id.yml", "6: targets[0].managed_identity.client_id: must not be empty"},
    {"invalid-managed-identity-and-bearer-token-file.yml",
     "6: targets[0].managed_identity: mutually exclusive with bearer_token_file (a target authenticates one way)"},
    {"invalid-managed-identity-qumulo.yml", "5: targets[0].managed_identity: only allowed on service_fabric targets"},
    {"invalid-global-managed-identity-and-oauth2.yml",
     "5: global.oauth2: mutually exclusive with managed_identity (a target authenticates one way)"},
};

// The variables the AKS workload identity webhook injects, unset for the
// length of a test, and set back as they were.
class WorkloadIdentityEnvironment {
 public:
  static constexpr const char* kNames[] = {"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE",
                                           "AZURE_AUTHORITY_HOST"};
  WorkloadIdentityEnvironment() {
    for (const char* name : kNames) {
      if (const char* value = getenv(name)) saved_.emplace_back(name, value);
      unsetenv(name);
    }
  }
  ~WorkloadIdentityEnvironment() {
    for (const char* name : kNames) unsetenv(name);
    for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
  }
  void set(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }

 private:
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST(ConfigTest, InvalidFilesFailWithExactErrors) {
  WorkloadIdentityEnvironment unset;
  test::expect_invalid_files(kConfigDir, kInvalidCases, [](const std::string& path) { return load_error(path); });
}

TEST(ConfigTest, ErrorsAreOneLine) {
  // A value with a newline in it must not break the one-line promise.
  EXPECT_EQ(parse_error("global:\n  poll_interval: \"5\\nx\"\n"),
            "test.yml:2: global.poll_interval: invalid duration \"5\\nx\" (use e.g. 500ms, 30s, 5m, 1h30m)");
  EXPECT_EQ(parse_error("\"a\\\"b\\tc\": 1\n"), "test.yml:1: unknown key \"a\\\"b\\tc\"");
}

TEST(ConfigTest, UnreadableFiles) {
  EXPECT_EQ(load_error("/nonexistent/upgrade_exporter.yml"),
            "/nonexistent/upgrade_exporter.yml: cannot read: No such file or directory");
  EXPECT_EQ(load_error(kConfigDir), kConfigDir + ": cannot read: Is a directory");
}

TEST(ConfigTest, EmptyFileIsValidWithDefaults) {
  for (std::string_view yaml : {"", "# only a comment\n", "---\n", "global:\ntargets:\n"}) {
    SCOPED_TRACE(yaml);
    Config config = parse_config(yaml, "empty.yml");
    EXPECT_EQ(config.file, "empty.yml");
    EXPECT_TRUE(config.targets.empty());
    EXPECT_EQ(config.global.poll_interval, 30s);
    EXPECT_EQ(config.global.timeout, 10s);
    EXPECT_EQ(config.global.concurrency, 8);
    EXPECT_EQ(config.global.max_staleness, 10min);
    EXPECT_EQ(config.global.idle_poll_interval, 1h);
    EXPECT_EQ(config.global.max_objects, 10000u);
    EXPECT_EQ(config.global.max_response_bytes, 16u << 20);
    EXPECT_EQ(config.global.max_results, 0);
    EXPECT_EQ(config.global.stall_window, 30min);
  }
}

TEST(ConfigTest, TopLevelMustBeAMap) {
  EXPECT_EQ(parse_error("- a\n- b\n"), "test.yml:1: expected a map, got a list");
  EXPECT_EQ(parse_error("hello\n"), "test.yml:1: expected a map, got a string");
}

TEST(ConfigTest, WrongTypes) {
  EXPECT_EQ(parse_error("global:\n  poll_interval: [30s]\n"),
            "test.yml:2: global.poll_interval: expected a duration, got a list");
  EXPECT_EQ(parse_error("targets:\n  - name: {a: b}\n"), "test.yml:2: targets[0].name: expected a string, got a map");
  EXPECT_EQ(parse_error("targets:\n  - name: a\n    include: '.*'\n"),
            "test.yml:3: targets[0].include: expected a list, got a string");
  EXPECT_EQ(parse_error("targets:\n  - just-a-name\n"), "test.yml:2: targets[0]: expected a map, got a string");
  EXPECT_EQ(parse_error("global:\n  max_results: -1\n"), "test.yml:2: global.max_results: must be at least 0, got -1");
  EXPECT_EQ(parse_error("global:\n  max_objects: 0\n"), "test.yml:2: global.max_objects: must be at least 1, got 0");
  EXPECT_EQ(parse_error("global:\n  max_objects: 99999999999999999999\n"),
            "test.yml:2: global.max_objects: integer \"99999999999999999999\" is out of range");
  EXPECT_EQ(parse_error("global:\n  concurrency: 257\n"),
            "test.yml:2: global.concurrency: must be between 1 and 256, got 257");
  EXPECT_EQ(parse_error("global:\n  concurrency: 1.5\n"),
            "test.yml:2: global.concurrency: expected an integer, got \"1.5\"");
  EXPECT_EQ(parse_error("global:\n  max_results: 2147483648\n"),
            "test.yml:2: global.max_results: must be at most 2147483647, got 2147483648");
}

// --- the file that sets every key ---

TEST(ConfigTest, ValidFullSetsEveryKey) {
  const std::string path = kConfigDir + "/valid-full.yml";
  Config config = load_config_file(path);
  EXPECT_EQ(config.file, path);

  EXPECT_EQ(config.global.poll_interval, 1min);
  EXPECT_EQ(config.global.timeout, 20s);
  EXPECT_EQ(config.global.concurrency, 4);
  EXPECT_EQ(config.global.max_staleness, 30min);
  EXPECT_EQ(config.global.idle_poll_interval, 2h);
  EXPECT_EQ(config.global.max_objects, 500u);
  EXPECT_EQ(config.global.max_response_bytes, 4u << 20);
  EXPECT_EQ(config.global.max_results, 100);
  EXPECT_EQ(config.global.stall_window, 45min);
  EXPECT_EQ(config.global.repair_task_retention, 6h);
  EXPECT_EQ(config.global.history, (HistorySettings{.enabled = false, .window = 72h, .interval = 10min}));
  ASSERT_EQ(config.targets.size(), 3u);

  const TargetConfig& prod = config.targets[0];
  EXPECT_EQ(prod.name, "prod-west");
  EXPECT_EQ(prod.type, TargetType::service_fabric);
  EXPECT_EQ(prod.url, "https://sf.example.com:19080/base/");
  EXPECT_EQ(prod.parsed_url.scheme, "https");
  EXPECT_EQ(prod.parsed_url.host, "sf.example.com");
  EXPECT_EQ(prod.parsed_url.port, 19080);
  EXPECT_EQ(prod.parsed_url.base_path, "/base");
  EXPECT_EQ(prod.settings.poll_interval, 15s);
  EXPECT_EQ(prod.settings.timeout, 5s);
  EXPECT_EQ(prod.settings.concurrency, 16);
  EXPECT_EQ(prod.settings.max_staleness, 5min);
  EXPECT_EQ(prod.settings.idle_poll_interval, 90min);
  EXPECT_EQ(prod.settings.max_objects, 2000u);
  EXPECT_EQ(prod.settings.max_response_bytes, 1000000000u);
  EXPECT_EQ(prod.settings.max_results, 50);
  EXPECT_EQ(prod.settings.stall_window, 1h);
  EXPECT_EQ(prod.settings.repair_task_retention, 15min);
  // A target's history block starts from the global one, key by key.
  EXPECT_EQ(prod.settings.history, (HistorySettings{.enabled = true, .window = 72h, .interval = 2min}));
  // Kept in export order, whatever order they were written in.
  EXPECT_EQ(prod.collect, (std::vector<Kind>{Kind::cluster, Kind::application, Kind::compose_deployment}));
  ASSERT_EQ(prod.include.size(), 2u);
  EXPECT_EQ(prod.include[0].text, "^fabric:/shop/.*");
  EXPECT_EQ(prod.include[1].text, "billing");
  ASSERT_EQ(prod.exclude.size(), 1u);
  EXPECT_EQ(prod.exclude[0].text, "-canary$");
  ASSERT_TRUE(prod.tls.has_value());
  // Relative paths resolve against the configuration file's directory.
  EXPECT_EQ(prod.tls->ca_file, kConfigDir + "/ca.pem");
  EXPECT_EQ(prod.tls->cert_file, kConfigDir + "/client.pem");
  EXPECT_EQ(prod.tls->key_file, kConfigDir + "/client.key");
  EXPECT_EQ(prod.tls->server_name, "sf.internal");
  EXPECT_TRUE(prod.tls->insecure_skip_verify);
  EXPECT_EQ(prod.bearer_token_file, kConfigDir + "/token");

  // A target without overrides inherits every global value, not the built-in defaults.
  const TargetConfig& lab = config.targets[1];
  EXPECT_EQ(lab.name, "lab");
  EXPECT_EQ(lab.parsed_url.scheme, "http");
  EXPECT_EQ(lab.parsed_url.host, "10.0.0.5");
  EXPECT_EQ(lab.parsed_url.port, 80);
  EXPECT_EQ(lab.parsed_url.base_path, "");
  EXPECT_EQ(lab.settings.poll_interval, 1min);
  EXPECT_EQ(lab.settings.timeout, 20s);
  EXPECT_EQ(lab.settings.concurrency, 4);
  EXPECT_EQ(lab.settings.max_staleness, 30min);
  EXPECT_EQ(lab.settings.idle_poll_interval, 2h);
  EXPECT_EQ(lab.settings.max_objects, 500u);
  EXPECT_EQ(lab.settings.max_response_bytes, 4u << 20);
  EXPECT_EQ(lab.settings.max_results, 100);
  EXPECT_EQ(lab.settings.stall_window, 45min);
  EXPECT_EQ(lab.settings.repair_task_retention, 6h) << "inherited from global";
  EXPECT_EQ(lab.settings.history, config.global.history) << "inherited from global";
  EXPECT_EQ(lab.collect, (std::vector<Kind>{Kind::cluster, Kind::cluster_config, Kind::application,
                                            Kind::application_resource, Kind::compose_deployment,
                                            Kind::repair_task}));
  EXPECT_TRUE(lab.include.empty());
  EXPECT_TRUE(lab.exclude.empty());
  EXPECT_FALSE(lab.tls.has_value());
  EXPECT_EQ(lab.bearer_token_file, "");

  const TargetConfig& storage = config.targets[2];
  EXPECT_EQ(storage.type, TargetType::qumulo);
  EXPECT_EQ(storage.parsed_url.host, "2001:db8::1");
  EXPECT_EQ(storage.parsed_url.port, 8000);
  EXPECT_EQ(storage.collect, std::vector<Kind>{Kind::qumulo});
  EXPECT_EQ(storage.settings.concurrency, 2);       // overridden
  EXPECT_EQ(storage.settings.poll_interval, 1min);  // inherited
  EXPECT_EQ(storage.bearer_token_file, kConfigDir + "/token");
}

TEST(ConfigTest, TokenBlocksAreReadAndInherited) {
  Config config = load_config_file(kConfigDir + "/valid-token-auth.yml");
  ASSERT_TRUE(config.global_auth.oauth2.has_value());
  EXPECT_FALSE(config.global_auth.qumulo_login.has_value());
  ASSERT_EQ(config.targets.size(), 4u);

  const TargetConfig& inherits = config.targets[0];
  ASSERT_TRUE(inherits.oauth2.has_value());
  const OAuth2Config& oauth2 = *inherits.oauth2;
  EXPECT_EQ(oauth2.client_id, "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(oauth2.client_secret_file, kConfigDir + "/token");
  EXPECT_EQ(oauth2.token_url, "https://login.example.com/tenant/oauth2/v2.0/token/");
  EXPECT_EQ(oauth2.token_endpoint.scheme, "https");
  EXPECT_EQ(oauth2.token_endpoint.host, "login.example.com");
  EXPECT_EQ(oauth2.token_endpoint.port, 443);
  EXPECT_EQ(oauth2.token_endpoint.base_path, "/tenant/oauth2/v2.0/token/");  // as written, trailing slash kept
  EXPECT_EQ(oauth2.scopes,
            (std::vector<std::string>{"api://11111111-1111-1111-1111-111111111111/.default", "offline"}));
  EXPECT_EQ(oauth2.endpoint_params, (std::vector<std::pair<std::string, std::string>>{
                                        {"resource", "11111111-1111-1111-1111-111111111111"}, {"audience", "cluster"}}));
  ASSERT_TRUE(oauth2.tls.has_value());
  EXPECT_EQ(oauth2.tls->ca_file, kConfigDir + "/ca.pem");
  EXPECT_TRUE(oauth2.tls->insecure_skip_verify);
  EXPECT_FALSE(inherits.qumulo_login.has_value());

  // A target's own block replaces global's whole: nothing of it is merged in.
  const TargetConfig& own = config.targets[1];
  ASSERT_TRUE(own.oauth2.has_value());
  EXPECT_EQ(own.oauth2->client_id, "22222222-2222-2222-2222-222222222222");
  EXPECT_EQ(own.oauth2->token_endpoint.port, 8080);
  EXPECT_EQ(own.oauth2->token_endpoint.base_path, "/token");
  EXPECT_TRUE(own.oauth2->scopes.empty());
  EXPECT_TRUE(own.oauth2->endpoint_params.empty());
  EXPECT_FALSE(own.oauth2->tls.has_value());

  // So does another way of authenticating.
  EXPECT_FALSE(config.targets[2].oauth2.has_value());
  EXPECT_EQ(config.targets[2].bearer_token_file, kConfigDir + "/token");
  const TargetConfig& storage = config.targets[3];
  EXPECT_FALSE(storage.oauth2.has_value());
  ASSERT_TRUE(storage.qumulo_login.has_value());
  EXPECT_EQ(storage.qumulo_login->username, "monitoring");
  EXPECT_EQ(storage.qumulo_login->password_file, kConfigDir + "/token");
}

TEST(ConfigTest, GlobalQumuloLoginReachesQumuloTargetsOnly) {
  Config config = parse_config(
      "global:\n  qumulo_login:\n    username: monitoring\n    password_file: token\n"
      "targets:\n  - name: sf\n    type: service_fabric\n    url: https://sf.example.com\n"
      "  - name: q\n    type: qumulo\n    url: https://q.example.com\n",
      kConfigDir + "/inline.yml");
  ASSERT_EQ(config.targets.size(), 2u);
  EXPECT_FALSE(config.targets[0].qumulo_login.has_value());
  ASSERT_TRUE(config.targets[1].qumulo_login.has_value());
  EXPECT_EQ(config.targets[1].qumulo_login->username, "monitoring");
}

TEST(ConfigTest, EndpointParamsCannotReplaceTheScope) {
  EXPECT_EQ(parse_error("targets:\n  - name: sf\n    type: service_fabric\n    url: https://sf.example.com\n"
                        "    oauth2:\n      client_id: a\n      client_secret_file: token\n"
                        "      token_url: https://login.example.com/t\n      endpoint_params: {scope: x}\n",
                        kConfigDir + "/inline.yml"),
            kConfigDir + "/inline.yml:9: targets[0].oauth2.endpoint_params.scope: set by the exporter; not allowed in "
                         "endpoint_params (use scopes)");
}

TEST(ConfigTest, SelectsWithIncludeAndExclude) {
  Config config = load_config_file(kConfigDir + "/valid-full.yml");
  const TargetConfig& prod = config.targets[0];
  EXPECT_TRUE(prod.selects("fabric:/shop/cart"));
  EXPECT_FALSE(prod.selects("fabric:/shop/cart-canary"));  // excluded
  EXPECT_FALSE(prod.selects("fabric:/other"));             // not included
  EXPECT_FALSE(prod.selects("xfabric:/shop/cart"));        // '^' anchors as written
  EXPECT_TRUE(prod.selects("fabric:/billing"));            // unanchored search
  EXPECT_FALSE(prod.selects("fabric:/billing-canary"));
  // No include: everything not excluded.
  EXPECT_TRUE(config.targets[1].selects("fabric:/anything"));
  EXPECT_TRUE(config.targets[1].selects(""));

  Config exclude_only = parse_config(
      "targets:\n  - name: a\n    type: service_fabric\n    url: http://h\n    exclude: ['^fabric:/System$']\n",
      "x.yml");
  EXPECT_FALSE(exclude_only.targets[0].selects("fabric:/System"));
  EXPECT_TRUE(exclude_only.targets[0].selects("fabric:/System2"));
}

// --- URLs ---

struct Url {
  std::string_view url, scheme, host;
  int port;
  std::string_view base_path;
};

TEST(ConfigTest, UrlsAreSplit) {
  const Url cases[] = {
      {"https://sf.example.com:19080", "https", "sf.example.com", 19080, ""},
      {"https://sf.example.com", "https", "sf.example.com", 443, ""},
      {"http://sf.example.com", "http", "sf.example.com", 80, ""},
      {"HTTPS://SF.example.com/", "https", "SF.example.com", 443, ""},
      {"http://gw/sf/api//", "http", "gw", 80, "/sf/api"},
      {"http://[::1]:8080/x", "http", "::1", 8080, "/x"},
      {"https://[fe80::1]", "https", "fe80::1", 443, ""},
      {"http://my_host:1", "http", "my_host", 1, ""},
      {"http://h:65535", "http", "h", 65535, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    std::string yaml = "targets:\n  - name: a\n    type: service_fabric\n    url: '" + std::string(c.url) + "'\n";
    Config config = parse_config(yaml, "x.yml");
    const TargetConfig& t = config.targets.at(0);
    EXPECT_EQ(t.url, c.url);
    EXPECT_EQ(t.parsed_url.scheme, c.scheme);
    EXPECT_EQ(t.parsed_url.host, c.host);
    EXPECT_EQ(t.parsed_url.port, c.port);
    EXPECT_EQ(t.parsed_url.base_path, c.base_path);
  }
}

TEST(ConfigTest, BadUrls) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "must not be empty"},
      {"https://", "invalid URL \"https://\": missing host"},
      {"https://:8080", "invalid URL \"https://:8080\": missing host"},
      {"https://h:0", "invalid URL \"https://h:0\": port must be 1-65535, got \"0\""},
      {"https://h:", "invalid URL \"https://h:\": port must be 1-65535, got \"\""},
      {"https://h:8o", "invalid URL \"https://h:8o\": port must be 1-65535, got \"8o\""},
      {"https://h:99999999999999999999999",
       "invalid URL \"https://h:99999999999999999999999\": port must be 1-65535, got \"99999999999999999999999\""},
      {"https://h/#top", "invalid URL \"https://h/#top\": must not contain a fragment"},
      {"https://h/a b", "invalid URL \"https://h/a b\": contains a space or control character"},
      {"https://::1/", "invalid URL \"https://::1/\": IPv6 hosts must be written in brackets"},
      {"https://[::1", "invalid URL \"https://[::1\": unclosed [ in IPv6 host"},
      {"https://[::1]x", "invalid URL \"https://[::1]x\": unexpected text after IPv6 host"},
      {"https://[h]:80", "invalid URL \"https://[h]:80\": invalid IPv6 host \"h\""},
      {"https://ex*ample.com", "invalid URL \"https://ex*ample.com\": invalid host \"ex*ample.com\""},
      {"unix:///run/sf.sock", "invalid URL \"unix:///run/sf.sock\": scheme must be http or https"},
  };
  for (const auto& [url, problem] : cases) {
    SCOPED_TRACE(url);
    std::string yaml = "targets:\n  - name: a\n    type: service_fabric\n    url: '" + std::string(url) + "'\n";
    EXPECT_EQ(parse_error(yaml), "test.yml:4: targets[0].url: " + std::string(problem));
  }
}

// --- secretless Entra credentials ---

const std::string kSfTarget = "targets:\n  - name: sf\n    type: service_fabric\n    url: https://sf.example.com\n";

class CertificateConfigTest : public test::ScratchDirTest {
 protected:
  // A configuration in the scratch directory whose certificate target uses `key_pem`'s key.
  std::string certificate_config(const std::string& key_pem) {
    const test::TestPki& pki = test::TestPki::get();
    file("token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n");
    file("client.pem", test::certificate_pem(pki.cert_a.get()));
    file("client.key", key_pem);
    return file("config.yml",
                kSfTarget + "    oauth2:\n      client_id: a\n      client_assertion_file: token\n"
                            "  - name: cert\n    type: service_fabric\n    url: https://sf2.example.com\n"
                            "    oauth2:\n      client_id: b\n      client_certificate_file: client.pem\n"
                            "      client_key_file: client.key\n      token_url: https://login.example.com/t\n");
  }
};

TEST_F(CertificateConfigTest, AssertionAndCertificateCredentialsAreRead) {
  const std::string path = certificate_config(test::key_pem(test::TestPki::get().rsa_a.get()));
  Config config = load_config_file(path);
  const std::string kConfigDir = dir_.string();
  ASSERT_EQ(config.targets.size(), 2u);
  const OAuth2Config& assertion = *config.targets[0].oauth2;
  EXPECT_EQ(assertion.client_assertion_file, kConfigDir + "/token");
  EXPECT_TRUE(assertion.client_secret_file.empty());
  // Left to discovery from the cluster's GetAadMetadata.
  EXPECT_TRUE(assertion.token_url.empty());
  EXPECT_TRUE(assertion.scopes.empty());
  const OAuth2Config& certificate = *config.targets[1].oauth2;
  EXPECT_EQ(certificate.client_certificate_file, kConfigDir + "/client.pem");
  EXPECT_EQ(certificate.client_key_file, kConfigDir + "/client.key");
  EXPECT_EQ(certificate.token_endpoint.base_path, "/t");
}

TEST_F(CertificateConfigTest, AKeyThatIsNotTheCertificatesIsAnErrorNamingBothFiles) {
  const std::string path = certificate_config(test::key_pem(test::TestPki::get().rsa_b.get()));
  try {
    load_config_file(path);
    FAIL() << "loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ":14: targets[1].oauth2.client_key_file: client_key_file " +
                                         (dir_ / "client.key").string() + " does not match client_certificate_file " +
                                         (dir_ / "client.pem").string());
  }
}

TEST(ConfigTest, WorkloadIdentityTakesTheWebhooksVariables) {
  WorkloadIdentityEnvironment env;
  env.set("AZURE_CLIENT_ID", "33333333-client");
  env.set("AZURE_TENANT_ID", "44444444-tenant");
  env.set("AZURE_FEDERATED_TOKEN_FILE", kConfigDir + "/token");
  env.set("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us");  // no trailing slash
  const std::string yaml = kSfTarget + "    oauth2:\n      azure_workload_identity: true\n";
  Config config = parse_config(yaml, kConfigDir + "/inline.yml");
  const OAuth2Config& oauth2 = *config.targets[0].oauth2;
  EXPECT_EQ(oauth2.client_id, "33333333-client");
  EXPECT_EQ(oauth2.client_assertion_file, kConfigDir + "/token");
  EXPECT_EQ(oauth2.token_url, "https://login.microsoftonline.us/44444444-tenant/oauth2/v2.0/token");
  EXPECT_EQ(oauth2.token_endpoint.host, "login.microsoftonline.us");
  EXPECT_EQ(oauth2.token_endpoint.base_path, "/44444444-tenant/oauth2/v2.0/token");

  // The default authority, with its slash.
  unsetenv("AZURE_AUTHORITY_HOST");
  config = parse_config(yaml, kConfigDir + "/inline.yml");
  EXPECT_EQ(config.targets[0].oauth2->token_url,
            "https://login.microsoftonline.com/44444444-tenant/oauth2/v2.0/token");

  // What the block sets wins over the variable.
  config = parse_config(kSfTarget +
                            "    oauth2:\n      azure_workload_identity: true\n      client_id: own\n"
                            "      client_assertion_file: client.pem\n      token_url: https://login.example.com/own\n",
                        kConfigDir + "/inline.yml");
  EXPECT_EQ(config.targets[0].oauth2->client_id, "own");
  EXPECT_EQ(config.targets[0].oauth2->client_assertion_file, kConfigDir + "/client.pem");
  EXPECT_EQ(config.targets[0].oauth2->token_url, "https://login.example.com/own");

  // Without a tenant, a service_fabric target discovers the token URL.
  unsetenv("AZURE_TENANT_ID");
  config = parse_config(yaml, kConfigDir + "/inline.yml");
  EXPECT_TRUE(config.targets[0].oauth2->token_url.empty());
}

TEST(ConfigTest, WorkloadIdentityVariablesAreChecked) {
  WorkloadIdentityEnvironment env;
  env.set("AZURE_CLIENT_ID", "33333333-client");
  env.set("AZURE_TENANT_ID", "44444444-tenant");
  env.set("AZURE_FEDERATED_TOKEN_FILE", "/nonexistent/azure-identity-token");
  const std::string yaml = kSfTarget + "    oauth2:\n      azure_workload_identity: true\n";
  const std::string file = kConfigDir + "/inline.yml";
  EXPECT_EQ(parse_error(yaml, file),
            file + ":6: targets[0].oauth2.azure_workload_identity: cannot read \"/nonexistent/azure-identity-token\" "
                   "(AZURE_FEDERATED_TOKEN_FILE): No such file or directory");
  env.set("AZURE_FEDERATED_TOKEN_FILE", kConfigDir + "/token");
  env.set("AZURE_AUTHORITY_HOST", "login.microsoftonline.com");
  EXPECT_EQ(parse_error(yaml, file),
            file + ":6: targets[0].oauth2.azure_workload_identity: AZURE_AUTHORITY_HOST: invalid URL "
                   "\"login.microsoftonline.com/44444444-tenant/oauth2/v2.0/token\": missing scheme (use http:// or "
                   "https://)");
  unsetenv("AZURE_AUTHORITY_HOST");
  env.set("AZURE_TENANT_ID", "tenant/../x");
  EXPECT_EQ(parse_error(yaml, file), file + ":6: targets[0].oauth2.azure_workload_identity: AZURE_TENANT_ID "
                                            "\"tenant/../x\" is not a tenant id or domain");
}

TEST(ConfigTest, ManagedIdentityIsReadAndInheritedByServiceFabricTargets) {
  Config config = parse_config(
      "global:\n  managed_identity:\n    client_id: 11111111-mi\n"
      "targets:\n  - name: sf\n    type: service_fabric\n    url: https://sf.example.com\n"
      "  - name: own\n    type: service_fabric\n    url: https://sf2.example.com\n"
      "    managed_identity:\n      resource_id: /subscriptions/s/id\n      resource: api://sf\n"
      "      endpoint: http://127.0.0.1:8081/\n"
      "  - name: nas\n    type: qumulo\n    url: https://q.example.com\n    bearer_token_file: token\n"
      "  - name: nas2\n    type: qumulo\n    url: https://q2.example.com\n",
      kConfigDir + "/inline.yml");
  ASSERT_TRUE(config.global_auth.managed_identity.has_value());
  ASSERT_EQ(config.targets.size(), 4u);
  const ManagedIdentityConfig& inherited = *config.targets[0].managed_identity;
  EXPECT_EQ(inherited.client_id, "11111111-mi");
  EXPECT_EQ(inherited.endpoint, "http://169.254.169.254");  // IMDS
  EXPECT_EQ(inherited.parsed_endpoint, (ParsedUrl{"http", "169.254.169.254", "", 80}));
  const ManagedIdentityConfig& own = *config.targets[1].managed_identity;
  EXPECT_TRUE(own.client_id.empty());  // replaced whole, nothing merged
  EXPECT_EQ(own.resource_id, "/subscriptions/s/id");
  EXPECT_EQ(own.resource, "api://sf");
  EXPECT_EQ(own.endpoint, "http://127.0.0.1:8081/");
  EXPECT_EQ(own.parsed_endpoint.port, 8081);
  EXPECT_FALSE(config.targets[2].managed_identity.has_value());
  EXPECT_FALSE(config.targets[3].managed_identity.has_value());  // Qumulo takes no Entra tokens
}

// --- the shipped example ---

// The example names its files under /etc/upgrade_exporter/; the test moves them
// into a scratch directory, creates them there and loads the otherwise unchanged text.
TEST(ConfigTest, ShippedExampleLoads) {
  const std::string example_path = UE_TESTDATA "/../../config/upgrade_exporter.yml";
  std::string text = read_text(example_path);
  ASSERT_FALSE(text.empty()) << example_path;

  // Every key of the README's configuration reference appears in the example.
  for (std::string_view key : {"global:",
                               "poll_interval:",
                               "timeout:",
                               "concurrency:",
                               "max_staleness:",
                               "idle_poll_interval:",
                               "max_objects:",
                               "max_response_bytes:",
                               "max_results:",
                               "stall_window:",
                               "repair_task_retention:",
                               "history:",
                               "enabled:",
                               "window:",
                               "interval:",
                               "targets:",
                               "name:",
                               "type:",
                               "url:",
                               "collect:",
                               "include:",
                               "exclude:",
                               "tls:",
                               "ca_file:",
                               "cert_file:",
                               "key_file:",
                               "server_name:",
                               "insecure_skip_verify:",
                               "bearer_token_file:",
                               "oauth2:",
                               "client_id:",
                               "client_secret_file:",
                               "token_url:",
                               "scopes:",
                               "endpoint_params:",
                               "client_assertion_file:",
                               "client_certificate_file:",
                               "client_key_file:",
                               "azure_workload_identity:",
                               "managed_identity:",
                               "object_id:",
                               "resource_id:",
                               "resource:",
                               "endpoint:",
                               "qumulo_login:",
                               "username:",
                               "password_file:"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }

  char scratch_template[] = "/tmp/ue_config_test_XXXXXX";
  ASSERT_NE(mkdtemp(scratch_template), nullptr);
  const fs::path scratch = scratch_template;
  struct RemoveAtExit {
    fs::path path;
    ~RemoveAtExit() { fs::remove_all(path); }
  } remove_scratch{scratch};
  const std::string prefix = "/etc/upgrade_exporter/";
  std::size_t moved = 0;
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    if (text.compare(at - 2, 2, ": ") != 0) continue;  // a comment, not a key's value
    std::size_t end = text.find_first_of(" \n#", at);
    std::string name = text.substr(at + prefix.size(), end - at - prefix.size());
    std::ofstream(scratch / name) << "dummy\n";
    text.replace(at, prefix.size(), scratch.string() + "/");
    ++moved;
  }
  EXPECT_EQ(moved, 6u);  // ca, client certificate, client key, token, client secret, password

  Config config = parse_config(text, (scratch / "upgrade_exporter.yml").string());

  ASSERT_EQ(config.targets.size(), 4u);
  const TargetConfig& sf = config.targets[0];
  EXPECT_EQ(sf.type, TargetType::service_fabric);
  EXPECT_EQ(sf.parsed_url.scheme, "https");
  ASSERT_TRUE(sf.tls.has_value());
  EXPECT_FALSE(sf.tls->cert_file.empty());
  EXPECT_FALSE(sf.tls->key_file.empty());
  const TargetConfig& qumulo = config.targets[1];
  EXPECT_EQ(qumulo.type, TargetType::qumulo);
  EXPECT_EQ(qumulo.collect, std::vector<Kind>{Kind::qumulo});
  EXPECT_FALSE(qumulo.bearer_token_file.empty());
  ASSERT_TRUE(config.targets[2].oauth2.has_value());
  EXPECT_EQ(config.targets[2].oauth2->token_endpoint.host, "login.microsoftonline.com");
  ASSERT_TRUE(config.targets[3].qumulo_login.has_value());
  EXPECT_EQ(config.targets[3].qumulo_login->username, "monitoring");
}

}  // namespace
}  // namespace ue
