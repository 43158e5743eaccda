// What clients send, validated like the real APIs do: a listing's paging
// arguments, the bodies of the POSTs that start upgrades, token requests and logins.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sim {

// One page of a listing: items [begin, end) of the sorted names.
struct PageSlice {
  size_t begin = 0, end = 0;
  std::string continuation_token;  // "" on the last page
};
// `token` must be a token this server handed out (the last name of the previous
// page), compared byte for byte; "" starts at the beginning. `max_results` 0 means all.
// nullopt: the token is not one of ours (e.g. re-encoded: %3A, %2F).
std::optional<PageSlice> paginate(const std::vector<std::string>& sorted_names, std::string_view token,
                                  std::uint64_t max_results);

// A validated StartClusterConfigurationUpgrade body.
struct ConfigUpgradeRequest {
  std::optional<std::string> config_version;  // ClusterConfigurationVersion inside ClusterConfig, if any
};
// The request, or a message for a 400 E_INVALIDARG.
std::variant<ConfigUpgradeRequest, std::string> parse_config_upgrade(std::string_view body);

// A validated POST /v2/upgrade/prepare body.
struct PrepareRequest {
  std::string image_path;
  bool auto_commit = false;
  bool do_rolling_reboot = false;
  int num_nodes_to_reboot = 1;
};
std::variant<PrepareRequest, std::string> parse_prepare(std::string_view body, int cluster_nodes);

// An application/x-www-form-urlencoded body (an OAuth2 token request): '+' is a
// space, %XX decoded, the first occurrence of a name wins. A malformed %XX is kept as it is.
std::map<std::string, std::string> parse_form(std::string_view body);

// A validated POST /v1/session/login body.
struct LoginRequest {
  std::string username;
  std::string password;
};
// The request, or a message for a 400.
std::variant<LoginRequest, std::string> parse_login(std::string_view body);

}  // namespace sim
