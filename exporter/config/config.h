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
#include <vector>

#include "config/errors.h"
#include "config/units.h"
#include "model/upgrade.h"

namespace re2 {
class RE2;
}

namespace ue {

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
};

struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
};

struct TargetConfig {
  std::string name;
  TargetType type = TargetType::service_fabric;
  std::string url;  // as written
  // `url`, split:
  std::string scheme;     // "http" or "https"
  std::string host;       // without brackets for IPv6
  int port = 0;           // the scheme's default when the URL has none
  std::string base_path;  // without a trailing slash; usually empty
  PollSettings settings;
  std::vector<Kind> collect;  // the kinds to poll, in export order
  std::vector<std::shared_ptr<const re2::RE2>> include;
  std::vector<std::shared_ptr<const re2::RE2>> exclude;
  std::vector<std::string> include_patterns, exclude_patterns;  // as written, for logs and comparisons
  std::optional<TlsConfig> tls;
  std::string bearer_token_file;  // re-read at every poll so rotated tokens apply

  // True when `name` passes include (any, or none configured) and no exclude.
  bool selects(std::string_view object_name) const;
};

struct Config {
  std::string file;  // where it was read from
  PollSettings global;
  std::vector<TargetConfig> targets;
};

// Reads and validates a configuration file. Throws ConfigError.
Config load_config_file(const std::string& path);
// The same for text already in memory; `file` only names it in errors.
Config parse_config(std::string_view yaml, const std::string& file);

}  // namespace ue
