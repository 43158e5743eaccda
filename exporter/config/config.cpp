#include "config/config.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "config/quoting.h"
#include "config/url.h"
#include "config/yaml_decode.h"
#include "sources/source.h"

namespace ue {
namespace {

using decode::Value;

// --- poll settings, shared by `global` and each target ---

const std::vector<std::string_view> kPollKeys = {
    "poll_interval",      "timeout",     "concurrency",        "max_staleness",
    "idle_poll_interval", "max_objects", "max_response_bytes", "max_results"};
constexpr std::uint64_t kMinResponseBytes = 1024;

// Applies the poll keys of one block over inherited settings, remembering where
// the two intervals were written so their cross-check can point at them.
class PollReader {
 public:
  explicit PollReader(const PollSettings& inherited) : settings_(inherited) {}

  // `key` is one of kPollKeys.
  void apply(std::string_view key, const Value& v) {
    if (key == "poll_interval") {
      settings_.poll_interval = decode::read_positive_duration(v);
      poll_interval_at_ = v;
    } else if (key == "timeout") {
      settings_.timeout = decode::read_positive_duration(v);
    } else if (key == "concurrency") {
      settings_.concurrency = static_cast<int>(decode::read_int(v, 1, 256));
    } else if (key == "max_staleness") {
      settings_.max_staleness = decode::read_positive_duration(v);
    } else if (key == "idle_poll_interval") {
      settings_.idle_poll_interval = decode::read_positive_duration(v);
      idle_poll_interval_at_ = v;
    } else if (key == "max_objects") {
      settings_.max_objects = static_cast<std::size_t>(decode::read_int(v, 1, INT64_MAX));
    } else if (key == "max_response_bytes") {
      settings_.max_response_bytes = decode::read_size(v);
      if (settings_.max_response_bytes < kMinResponseBytes) {
        decode::fail(v, "must be at least 1KiB, got " + std::to_string(settings_.max_response_bytes));
      }
    } else if (key == "max_results") {
      settings_.max_results = static_cast<int>(decode::read_int(v, 0, INT32_MAX));
    }
  }

  // The settings, once the intervals are known to be consistent.
  PollSettings finish(const Value& block) const {
    const Duration idle = settings_.idle_poll_interval, poll = settings_.poll_interval;
    if (idle < poll) {
      if (idle_poll_interval_at_) {
        decode::fail(*idle_poll_interval_at_,
                     "must be at least poll_interval (" + format_duration(poll) + "), got " + format_duration(idle));
      }
      decode::fail(poll_interval_at_ ? *poll_interval_at_ : block,
                   "must be at most idle_poll_interval (" + format_duration(idle) + "), got " + format_duration(poll));
    }
    return settings_;
  }

 private:
  PollSettings settings_;
  std::optional<Value> poll_interval_at_, idle_poll_interval_at_;
};

// --- target keys ---

// What a service_fabric target's `collect:` may name, in export order: the
// sources table (sources/registry.cpp), so a new kind needs no change here.
std::vector<const Source*> collectable_sources() {
  std::vector<const Source*> sources;
  for (const Source& source : all_sources())
    if (source.target_type == TargetType::service_fabric) sources.push_back(&source);
  return sources;
}

std::string collect_choices() {
  std::string choices;
  for (const Source* source : collectable_sources())
    choices += (choices.empty() ? "" : ", ") + std::string(source->collect_name);
  return choices;
}

// `collect` is kept in export order whatever order it is written in.
std::vector<Kind> read_collect(const Value& v) {
  const std::vector<const Source*> sources = collectable_sources();
  std::vector<Value> items = decode::elements(v);
  if (items.empty()) decode::fail(v, "must list at least one of " + collect_choices());
  std::vector<bool> chosen(sources.size(), false);
  for (const Value& item : items) {
    std::string name = decode::read_string(item);
    auto found = std::find_if(sources.begin(), sources.end(),
                              [&](const Source* source) { return source->collect_name == name; });
    if (found == sources.end()) decode::fail(item, "unknown kind " + in_quotes(name) + " (use " + collect_choices() + ")");
    auto index = static_cast<std::size_t>(found - sources.begin());
    if (chosen[index]) decode::fail(item, "duplicate kind " + in_quotes(name));
    chosen[index] = true;
  }
  std::vector<Kind> kinds;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i]) kinds.push_back(sources[i]->kind);
  }
  return kinds;
}

void read_regexes(const Value& v, std::vector<std::shared_ptr<const re2::RE2>>& compiled,
                  std::vector<std::string>& patterns) {
  for (const Value& item : decode::elements(v)) {
    std::string pattern = decode::read_string(item);
    RE2::Options options;
    options.set_log_errors(false);  // the error goes into our message instead of stderr
    auto re = std::make_shared<const re2::RE2>(pattern, options);
    if (!re->ok()) decode::fail(item, "invalid regex " + in_quotes(pattern) + ": " + re->error());
    compiled.push_back(std::move(re));
    patterns.push_back(std::move(pattern));
  }
}

TargetType read_target_type(const Value& v) {
  return decode::read_scalar(v, "a target type", [](const std::string& s) {
    if (s == "service_fabric") return TargetType::service_fabric;
    if (s == "qumulo") return TargetType::qumulo;
    throw ConfigError("unknown type " + in_quotes(s) + " (use service_fabric or qumulo)");
  });
}

TlsConfig read_tls(const Value& v) {
  TlsConfig tls;
  std::optional<Value> cert_at, key_at;
  decode::for_each_entry(v, {"ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"},
                         [&](std::string_view key, const Value& field) {
                           if (key == "ca_file") {
                             tls.ca_file = decode::read_readable_file(field);
                           } else if (key == "cert_file") {
                             tls.cert_file = decode::read_readable_file(field);
                             cert_at = field;
                           } else if (key == "key_file") {
                             tls.key_file = decode::read_readable_file(field);
                             key_at = field;
                           } else if (key == "server_name") {
                             tls.server_name = decode::read_string(field);
                           } else if (key == "insecure_skip_verify") {
                             tls.insecure_skip_verify = decode::read_bool(field);
                           }
                         });
  if (cert_at && !key_at) decode::fail(*v.doc, cert_at->line, v.path, "cert_file is set without key_file");
  if (key_at && !cert_at) decode::fail(*v.doc, key_at->line, v.path, "key_file is set without cert_file");
  return tls;
}

const std::vector<std::string_view> kTargetKeys = [] {
  std::vector<std::string_view> keys = {"name",    "type",    "url", "collect",
                                        "include", "exclude", "tls", "bearer_token_file"};
  keys.insert(keys.end(), kPollKeys.begin(), kPollKeys.end());
  return keys;
}();

// `taken_names` holds the names of the targets before this one.
TargetConfig read_target(const Value& v, const PollSettings& global, std::set<std::string>& taken_names) {
  TargetConfig target;
  PollReader poll(global);
  std::optional<Value> name_at, type_at, url_at, collect_at, tls_at;
  decode::for_each_entry(v, kTargetKeys, [&](std::string_view key, const Value& field) {
    if (key == "name") {
      target.name = decode::read_string(field);
      if (target.name.empty()) decode::fail(field, "must not be empty");
      if (!taken_names.insert(target.name).second) {
        decode::fail(field, "duplicate target name " + in_quotes(target.name));
      }
      name_at = field;
    } else if (key == "type") {
      target.type = read_target_type(field);
      type_at = field;
    } else if (key == "url") {
      ParsedUrl url = decode::read_scalar(field, "a URL", parse_url);
      target.url = field.node.Scalar();
      target.scheme = url.scheme;
      target.host = url.host;
      target.port = url.port;
      target.base_path = url.base_path;
      url_at = field;
    } else if (key == "collect") {
      target.collect = read_collect(field);
      collect_at = field;
    } else if (key == "include") {
      read_regexes(field, target.include, target.include_patterns);
    } else if (key == "exclude") {
      read_regexes(field, target.exclude, target.exclude_patterns);
    } else if (key == "tls") {
      target.tls = read_tls(field);
      tls_at = field;
    } else if (key == "bearer_token_file") {
      target.bearer_token_file = decode::read_readable_file(field);
    } else {
      poll.apply(key, field);
    }
  });
  if (!name_at) decode::fail(v, "missing required key \"name\"");
  if (!type_at) decode::fail(v, "missing required key \"type\"");
  if (!url_at) decode::fail(v, "missing required key \"url\"");
  target.settings = poll.finish(v);

  if (target.type == TargetType::qumulo) {
    if (collect_at) decode::fail(*collect_at, "not allowed for qumulo targets (a qumulo target has one kind)");
    target.collect = {Kind::qumulo};
  } else if (!collect_at) {
    for (const Source* source : collectable_sources()) target.collect.push_back(source->kind);
  }
  if (tls_at && target.scheme != "https") decode::fail(*tls_at, "set on a plain http:// url (use https://)");
  return target;
}

Config decode_config(std::string_view yaml, const std::string& file) {
  decode::Document doc(file);
  Value root = decode::load_document(doc, yaml);
  Config config;
  config.file = file;

  // `global` is read first wherever it is written: targets inherit from it.
  std::optional<Value> global_at, targets_at;
  decode::for_each_entry(root, {"global", "targets"}, [&](std::string_view key, const Value& field) {
    (key == "global" ? global_at : targets_at) = field;
  });
  if (global_at) {
    PollReader poll(config.global);
    decode::for_each_entry(*global_at, kPollKeys,
                           [&](std::string_view key, const Value& field) { poll.apply(key, field); });
    config.global = poll.finish(*global_at);
  }
  if (targets_at) {
    std::set<std::string> names;
    for (const Value& item : decode::elements(*targets_at)) {
      config.targets.push_back(read_target(item, config.global, names));
    }
  }
  return config;
}

}  // namespace

Config parse_config(std::string_view yaml, const std::string& file) {
  return decode::only_config_errors(file, [&] { return decode_config(yaml, file); });
}

Config load_config_file(const std::string& path) {
  return decode::only_config_errors(path, [&] { return decode_config(decode::read_file(path), path); });
}

bool TargetConfig::selects(std::string_view object_name) const {
  auto matches = [&](const std::shared_ptr<const re2::RE2>& re) { return RE2::PartialMatch(object_name, *re); };
  if (!include.empty() && std::none_of(include.begin(), include.end(), matches)) return false;
  return std::none_of(exclude.begin(), exclude.end(), matches);
}

}  // namespace ue
