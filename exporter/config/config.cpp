// The main configuration's schema: `global` and the targets, decoded key by
// key into Config, with the checks that span several keys.
#include "config/config.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "config/poll_settings_reader.h"
#include "base/quoting.h"
#include "config/url.h"
#include "config/yaml_decode.h"
#include "sources/source.h"

namespace ue {
namespace {

using decode::Value;

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
    if (found == sources.end())
      decode::fail(item, "unknown kind " + in_quotes(name) + " (use " + collect_choices() + ")");
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

std::vector<NamePattern> read_patterns(const Value& v) {
  std::vector<NamePattern> patterns;
  for (const Value& item : decode::elements(v)) {
    std::string text = decode::read_string(item);
    RE2::Options options;
    options.set_log_errors(false);  // the error goes into our message instead of stderr
    auto re = std::make_shared<const re2::RE2>(text, options);
    if (!re->ok()) decode::fail(item, "invalid regex " + in_quotes(text) + ": " + re->error());
    patterns.push_back({std::move(text), std::move(re)});
  }
  return patterns;
}

TargetType read_target_type(const Value& v) {
  return decode::read_scalar(v, "a target type", [](const std::string& s) {
    for (TargetType type : {TargetType::service_fabric, TargetType::qumulo}) {
      if (target_type_name(type) == s) return type;
    }
    throw ConfigError("unknown type " + in_quotes(s) + " (use service_fabric or qumulo)");
  });
}

void read_url(const Value& v, TargetConfig& target) {
  target.parsed_url = decode::read_scalar(v, "a URL", parse_url);
  target.url = v.node.Scalar();
}

TlsConfig read_tls(const Value& v) {
  TlsConfig tls;
  std::optional<Value> cert_at, key_at;
  const decode::KeyTable keys = {
      decode::file_key("ca_file", tls.ca_file),
      decode::file_key("cert_file", tls.cert_file, &cert_at),
      decode::file_key("key_file", tls.key_file, &key_at),
      {"server_name", [&](const Value& f) { tls.server_name = decode::read_string(f); }},
      {"insecure_skip_verify", [&](const Value& f) { tls.insecure_skip_verify = decode::read_bool(f); }},
  };
  decode::for_each_entry(v, keys);
  if (cert_at && !key_at) decode::fail(*v.doc, cert_at->line, v.path, "cert_file is set without key_file");
  if (key_at && !cert_at) decode::fail(*v.doc, key_at->line, v.path, "key_file is set without cert_file");
  return tls;
}

// A key whose value belongs in a file: refused without quoting the value back.
decode::KeyReader inline_secret_key(std::string_view key, std::string_view file_key) {
  return {key, [file_key](const Value& v) {
            decode::fail(v, "secrets are read from files, never written in the configuration (use " +
                                std::string(file_key) + ")");
          }};
}

void require_key(const Value& block, const std::optional<Value>& at, std::string_view key) {
  if (!at) decode::fail(block, "missing required key " + in_quotes(key));
}

std::string read_non_empty_string(const Value& v) {
  std::string text = decode::read_string(v);
  if (text.empty()) decode::fail(v, "must not be empty");
  return text;
}

// The form fields the exporter sets itself, which endpoint_params must not replace.
constexpr std::string_view kOwnFormFields[] = {"grant_type", "client_id", "client_secret", "scope"};

OAuth2Config read_oauth2(const Value& v) {
  OAuth2Config oauth2;
  std::optional<Value> client_id_at, secret_at, token_url_at, tls_at;
  const decode::KeyTable keys = {
      {"client_id",
       [&](const Value& f) {
         oauth2.client_id = read_non_empty_string(f);
         client_id_at = f;
       }},
      decode::file_key("client_secret_file", oauth2.client_secret_file, &secret_at),
      inline_secret_key("client_secret", "client_secret_file"),
      {"token_url",
       [&](const Value& f) {
         oauth2.token_endpoint = decode::read_scalar(f, "a URL", parse_url);
         oauth2.token_url = f.node.Scalar();
         token_url_at = f;
       }},
      {"scopes",
       [&](const Value& f) {
         for (const Value& item : decode::elements(f)) {
           std::string scope = read_non_empty_string(item);
           // Scopes go out joined by spaces (RFC 6749 section 3.3).
           if (scope.find(' ') != std::string::npos) decode::fail(item, "a scope must not contain spaces");
           oauth2.scopes.push_back(std::move(scope));
         }
       }},
      {"endpoint_params",
       [&](const Value& f) {
         decode::for_each_data_entry(f, [&](std::string_view key, const Value& param) {
           for (std::string_view own : kOwnFormFields) {
             if (key == own)
               decode::fail(param, "set by the exporter; not allowed in endpoint_params" +
                                       std::string(key == "scope" ? " (use scopes)" : ""));
           }
           oauth2.endpoint_params.emplace_back(std::string(key), decode::read_string(param));
         });
       }},
      {"tls",
       [&](const Value& f) {
         oauth2.tls = read_tls(f);
         tls_at = f;
       }},
  };
  decode::for_each_entry(v, keys);
  require_key(v, client_id_at, "client_id");
  require_key(v, secret_at, "client_secret_file");
  require_key(v, token_url_at, "token_url");
  // The path as written: a token endpoint's trailing slash is kept.
  const std::string& url = oauth2.token_url;
  const std::size_t path_start = url.find('/', url.find("://") + 3);
  oauth2.token_endpoint.base_path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (tls_at && oauth2.token_endpoint.scheme != "https")
    decode::fail(*tls_at, "set on a plain http:// token_url (use https://)");
  return oauth2;
}

QumuloLoginConfig read_qumulo_login(const Value& v) {
  QumuloLoginConfig login;
  std::optional<Value> username_at, password_at;
  const decode::KeyTable keys = {
      {"username",
       [&](const Value& f) {
         login.username = read_non_empty_string(f);
         username_at = f;
       }},
      decode::file_key("password_file", login.password_file, &password_at),
      inline_secret_key("password", "password_file"),
  };
  decode::for_each_entry(v, keys);
  require_key(v, username_at, "username");
  require_key(v, password_at, "password_file");
  return login;
}

// Where each way of authenticating was written in one block, so that only
// one of them is, and the second one written is the one named.
struct AuthKeys {
  std::optional<Value> bearer_token_file, oauth2, qumulo_login;

  void check_exclusive() const {
    std::vector<std::pair<std::string_view, const Value*>> set;
    if (bearer_token_file) set.emplace_back("bearer_token_file", &*bearer_token_file);
    if (oauth2) set.emplace_back("oauth2", &*oauth2);
    if (qumulo_login) set.emplace_back("qumulo_login", &*qumulo_login);
    if (set.size() < 2) return;
    std::sort(set.begin(), set.end(), [](const auto& a, const auto& b) { return a.second->line < b.second->line; });
    decode::fail(*set[1].second, "mutually exclusive with " + std::string(set[0].first) +
                                     " (a target authenticates one way)");
  }
  bool any() const { return bearer_token_file || oauth2 || qumulo_login; }
};

// `global`'s token block goes to every target that names no way of its own:
// a target's block replaces global's whole, and qumulo_login reaches qumulo targets only.
void inherit_auth(TargetConfig& target, const TokenAuth& global) {
  if (global.oauth2) target.oauth2 = global.oauth2;
  if (global.qumulo_login && target.type == TargetType::qumulo) target.qumulo_login = global.qumulo_login;
}

// `taken_names` holds the names of the targets before this one.
TargetConfig read_target(const Value& v, const PollSettings& global, const TokenAuth& global_auth,
                         std::set<std::string>& taken_names) {
  TargetConfig target;
  PollSettingsReader poll(global);
  std::optional<Value> name_at, type_at, url_at, collect_at, tls_at;
  AuthKeys auth;
  decode::KeyTable keys = {
      {"name",
       [&](const Value& f) {
         target.name = decode::read_string(f);
         if (target.name.empty()) decode::fail(f, "must not be empty");
         if (!taken_names.insert(target.name).second)
           decode::fail(f, "duplicate target name " + in_quotes(target.name));
         name_at = f;
       }},
      {"type",
       [&](const Value& f) {
         target.type = read_target_type(f);
         type_at = f;
       }},
      {"url",
       [&](const Value& f) {
         read_url(f, target);
         url_at = f;
       }},
      {"collect",
       [&](const Value& f) {
         target.collect = read_collect(f);
         collect_at = f;
       }},
      {"include", [&](const Value& f) { target.include = read_patterns(f); }},
      {"exclude", [&](const Value& f) { target.exclude = read_patterns(f); }},
      {"tls",
       [&](const Value& f) {
         target.tls = read_tls(f);
         tls_at = f;
       }},
      decode::file_key("bearer_token_file", target.bearer_token_file, &auth.bearer_token_file),
      {"oauth2",
       [&](const Value& f) {
         target.oauth2 = read_oauth2(f);
         auth.oauth2 = f;
       }},
      {"qumulo_login",
       [&](const Value& f) {
         target.qumulo_login = read_qumulo_login(f);
         auth.qumulo_login = f;
       }},
  };
  decode::KeyTable poll_keys = poll.keys();
  keys.insert(keys.end(), poll_keys.begin(), poll_keys.end());
  decode::for_each_entry(v, keys);

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
  if (tls_at && target.parsed_url.scheme != "https") decode::fail(*tls_at, "set on a plain http:// url (use https://)");
  auth.check_exclusive();
  if (auth.qumulo_login && target.type != TargetType::qumulo)
    decode::fail(*auth.qumulo_login, "only allowed on qumulo targets");
  if (!auth.any()) inherit_auth(target, global_auth);
  return target;
}

Config decode_config(std::string_view yaml, const std::string& file) {
  decode::Document doc(file);
  Value root = decode::load_document(doc, yaml);
  Config config;
  config.file = file;

  // `global` is read first wherever it is written: targets inherit from it.
  std::optional<Value> global_at, targets_at;
  const decode::KeyTable keys = {
      {"global", [&](const Value& f) { global_at = f; }},
      {"targets", [&](const Value& f) { targets_at = f; }},
  };
  decode::for_each_entry(root, keys);
  if (global_at) {
    PollSettingsReader poll(config.global);
    AuthKeys auth;
    decode::KeyTable global_keys = poll.keys();
    global_keys.push_back({"oauth2", [&](const Value& f) {
                             config.global_auth.oauth2 = read_oauth2(f);
                             auth.oauth2 = f;
                           }});
    global_keys.push_back({"qumulo_login", [&](const Value& f) {
                             config.global_auth.qumulo_login = read_qumulo_login(f);
                             auth.qumulo_login = f;
                           }});
    decode::for_each_entry(*global_at, global_keys);
    config.global = poll.finish(*global_at);
    auth.check_exclusive();
  }
  if (targets_at) {
    std::set<std::string> names;
    for (const Value& item : decode::elements(*targets_at)) {
      config.targets.push_back(read_target(item, config.global, config.global_auth, names));
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
  auto matches = [&](const NamePattern& pattern) { return RE2::PartialMatch(object_name, *pattern.compiled); };
  if (!include.empty() && std::none_of(include.begin(), include.end(), matches)) return false;
  return std::none_of(exclude.begin(), exclude.end(), matches);
}

}  // namespace ue
