// Configuration equality decides what a reload restarts (poll/fleet.cpp):
// every field of a target counts, each compiled regex by its text.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "poll/fleet.h"

namespace ue {
namespace {

using namespace std::chrono_literals;

const std::string kConfigDir = UE_TESTDATA "/config";

// A target with every block set: valid-full.yml's first target, with the
// token blocks too (a file may set only one of them; a struct may hold all).
TargetConfig full_target() {
  TargetConfig target = load_config_file(kConfigDir + "/valid-full.yml").targets.at(0);
  const Config tokens = load_config_file(kConfigDir + "/valid-token-auth.yml");
  target.oauth2 = tokens.targets.at(0).oauth2;
  target.qumulo_login = tokens.targets.at(3).qumulo_login;
  EXPECT_TRUE(target.tls && target.oauth2 && target.oauth2->tls && target.qumulo_login);
  return target;
}

using Change = std::pair<const char*, std::function<void(TargetConfig&)>>;

// One change per field, every struct a target holds.
std::vector<Change> one_field_changes() {
  return {
      {"name", [](TargetConfig& t) { t.name += "x"; }},
      {"type", [](TargetConfig& t) { t.type = TargetType::qumulo; }},
      {"url", [](TargetConfig& t) { t.url += "x"; }},
      {"parsed_url.scheme", [](TargetConfig& t) { t.parsed_url.scheme = "http"; }},
      {"parsed_url.host", [](TargetConfig& t) { t.parsed_url.host += "x"; }},
      {"parsed_url.base_path", [](TargetConfig& t) { t.parsed_url.base_path += "x"; }},
      {"parsed_url.port", [](TargetConfig& t) { ++t.parsed_url.port; }},
      {"settings.poll_interval", [](TargetConfig& t) { t.settings.poll_interval += 1ms; }},
      {"settings.timeout", [](TargetConfig& t) { t.settings.timeout += 1ms; }},
      {"settings.concurrency", [](TargetConfig& t) { ++t.settings.concurrency; }},
      {"settings.max_staleness", [](TargetConfig& t) { t.settings.max_staleness += 1ms; }},
      {"settings.idle_poll_interval", [](TargetConfig& t) { t.settings.idle_poll_interval += 1ms; }},
      {"settings.max_objects", [](TargetConfig& t) { ++t.settings.max_objects; }},
      {"settings.max_response_bytes", [](TargetConfig& t) { ++t.settings.max_response_bytes; }},
      {"settings.max_results", [](TargetConfig& t) { ++t.settings.max_results; }},
      {"settings.stall_window", [](TargetConfig& t) { t.settings.stall_window += 1ms; }},
      {"collect", [](TargetConfig& t) { t.collect.pop_back(); }},
      {"include", [](TargetConfig& t) { t.include.front().text += "x"; }},
      {"include, one fewer", [](TargetConfig& t) { t.include.pop_back(); }},
      {"exclude", [](TargetConfig& t) { t.exclude.front().text += "x"; }},
      {"tls", [](TargetConfig& t) { t.tls.reset(); }},
      {"tls.ca_file", [](TargetConfig& t) { t.tls->ca_file += "x"; }},
      {"tls.cert_file", [](TargetConfig& t) { t.tls->cert_file += "x"; }},
      {"tls.key_file", [](TargetConfig& t) { t.tls->key_file += "x"; }},
      {"tls.server_name", [](TargetConfig& t) { t.tls->server_name += "x"; }},
      {"tls.insecure_skip_verify", [](TargetConfig& t) { t.tls->insecure_skip_verify = !t.tls->insecure_skip_verify; }},
      {"bearer_token_file", [](TargetConfig& t) { t.bearer_token_file += "x"; }},
      {"oauth2", [](TargetConfig& t) { t.oauth2.reset(); }},
      {"oauth2.client_id", [](TargetConfig& t) { t.oauth2->client_id += "x"; }},
      {"oauth2.client_secret_file", [](TargetConfig& t) { t.oauth2->client_secret_file += "x"; }},
      {"oauth2.token_url", [](TargetConfig& t) { t.oauth2->token_url += "x"; }},
      {"oauth2.token_endpoint", [](TargetConfig& t) { ++t.oauth2->token_endpoint.port; }},
      {"oauth2.scopes", [](TargetConfig& t) { t.oauth2->scopes.pop_back(); }},
      {"oauth2.endpoint_params", [](TargetConfig& t) { t.oauth2->endpoint_params.front().second += "x"; }},
      {"oauth2.tls", [](TargetConfig& t) { t.oauth2->tls->ca_file += "x"; }},
      {"qumulo_login", [](TargetConfig& t) { t.qumulo_login.reset(); }},
      {"qumulo_login.username", [](TargetConfig& t) { t.qumulo_login->username += "x"; }},
      {"qumulo_login.password_file", [](TargetConfig& t) { t.qumulo_login->password_file += "x"; }},
  };
}

TEST(ConfigEquality, EveryFieldOfATargetCountsAsAChange) {
  const TargetConfig base = full_target();
  ASSERT_TRUE(base == base && same_target_config(base, base));
  for (const auto& [field, change] : one_field_changes()) {
    TargetConfig changed = base;
    change(changed);
    // What a reload compares (poll/fleet.cpp): any field reconfigures the poller.
    EXPECT_TRUE(base != changed) << "a reload that changes " << field << " goes unnoticed";
    // Only the stall window changes no poll, so the target's token source is kept.
    EXPECT_EQ(same_target_config(base, changed), std::string(field) == "settings.stall_window") << field;
  }
}

TEST(ConfigEquality, OnlyTheTokenBlocksCountForTheTokens) {
  const TargetConfig base = full_target();
  for (const auto& [field, change] : one_field_changes()) {
    TargetConfig changed = base;
    change(changed);
    const std::string name = field;
    const bool token_block = name.starts_with("oauth2") || name.starts_with("qumulo_login");
    EXPECT_EQ(same_token_auth(base, changed), !token_block) << field;
  }
}

TEST(ConfigEquality, AFileReadAgainIsTheSameThoughItsRegexesAreCompiledAgain) {
  const Config first = load_config_file(kConfigDir + "/valid-full.yml");
  const Config again = load_config_file(kConfigDir + "/valid-full.yml");
  ASSERT_FALSE(first.targets.at(0).include.empty());
  EXPECT_NE(first.targets[0].include[0].compiled, again.targets[0].include[0].compiled);
  EXPECT_EQ(first, again);
  for (std::size_t i = 0; i < first.targets.size(); ++i)
    EXPECT_TRUE(same_target_config(first.targets[i], again.targets.at(i))) << first.targets[i].name;
}

TEST(ConfigEquality, AGlobalSettingReachesTheTargetsThatInheritIt) {
  const std::string yaml = "global:\n  max_results: 10\ntargets:\n  - name: a\n    type: service_fabric\n"
                           "    url: http://127.0.0.1:1\n";
  const Config before = parse_config(yaml, "test.yml");
  const Config after = parse_config(yaml.substr(0, yaml.find("10")) + "20" + yaml.substr(yaml.find("10") + 2),
                                    "test.yml");
  EXPECT_NE(before.global, after.global);
  EXPECT_FALSE(same_target_config(before.targets.at(0), after.targets.at(0)));
}

}  // namespace
}  // namespace ue
