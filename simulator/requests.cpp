#include "requests.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sf_format.h"

namespace sim {
namespace {

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

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

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

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> form;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    form.emplace(form_decode(pair.substr(0, eq)), form_decode(value));  // emplace keeps the first
  }
  return form;
}

std::variant<LoginRequest, std::string> parse_login(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return "the request body must be a JSON object";
  LoginRequest request;
  for (auto [key, target] : {std::pair{"username", &request.username}, std::pair{"password", &request.password}}) {
    auto v = json.find(key);
    if (v == json.end() || !v->is_string()) return std::string(key) + " is required (a string)";
    *target = v->get<std::string>();
  }
  return request;
}

}  // namespace sim
