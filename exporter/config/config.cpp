// The main configuration's schema: `global` and the targets, decoded key by
// key into Config, with the checks that span several keys.
#include "config/config.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "base/x509_credential.h"
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
constexpr std::string_view kOwnFormFields[] = {"grant_type",           "client_id", "client_secret", "scope",
                                               "client_assertion_type", "client_assertion"};

// Where each key of an `oauth2` block was written, for the checks that span keys.
struct OAuth2Keys {
  std::optional<Value> client_id, secret, assertion, certificate, key, workload_identity, token_url, tls;
};

void read_scopes(const Value& f, OAuth2Config& oauth2) {
  for (const Value& item : decode::elements(f)) {
    std::string scope = read_non_empty_string(item);
    // Scopes go out joined by spaces (RFC 6749 section 3.3).
    if (scope.find(' ') != std::string::npos) decode::fail(item, "a scope must not contain spaces");
    oauth2.scopes.push_back(std::move(scope));
  }
}

void read_endpoint_params(const Value& f, OAuth2Config& oauth2) {
  decode::for_each_data_entry(f, [&](std::string_view key, const Value& param) {
    for (std::string_view own : kOwnFormFields) {
      if (key == own)
        decode::fail(param, "set by the exporter; not allowed in endpoint_params" +
                                std::string(key == "scope" ? " (use scopes)" : ""));
    }
    oauth2.endpoint_params.emplace_back(std::string(key), decode::read_string(param));
  });
}

decode::KeyTable oauth2_keys(OAuth2Config& oauth2, OAuth2Keys& at) {
  return {
      {"client_id",
       [&](const Value& f) {
         oauth2.client_id = read_non_empty_string(f);
         at.client_id = f;
       }},
      decode::file_key("client_secret_file", oauth2.client_secret_file, &at.secret),
      inline_secret_key("client_secret", "client_secret_file"),
      decode::file_key("client_assertion_file", oauth2.client_assertion_file, &at.assertion),
      inline_secret_key("client_assertion", "client_assertion_file"),
      decode::file_key("client_certificate_file", oauth2.client_certificate_file, &at.certificate),
      decode::file_key("client_key_file", oauth2.client_key_file, &at.key),
      {"azure_workload_identity",
       [&](const Value& f) {
         oauth2.azure_workload_identity = decode::read_bool(f);
         at.workload_identity = f;
       }},
      {"token_url",
       [&](const Value& f) {
         oauth2.token_endpoint = decode::read_scalar(f, "a URL", parse_url);
         oauth2.token_url = f.node.Scalar();
         at.token_url = f;
       }},
      {"scopes", [&](const Value& f) { read_scopes(f, oauth2); }},
      {"endpoint_params", [&](const Value& f) { read_endpoint_params(f, oauth2); }},
      {"tls",
       [&](const Value& f) {
         oauth2.tls = read_tls(f);
         at.tls = f;
       }},
  };
}

// One credential per block: a secret, an assertion file, or a certificate with
// its key; azure_workload_identity brings an assertion file, so it excludes the
// other two. The second written is the one named, as for the ways of a target.
void check_one_credential(const Value& block, const OAuth2Keys& at, bool workload_identity) {
  if (at.certificate && !at.key)
    decode::fail(*block.doc, at.certificate->line, block.path, "client_certificate_file is set without client_key_file");
  if (at.key && !at.certificate)
    decode::fail(*block.doc, at.key->line, block.path, "client_key_file is set without client_certificate_file");
  std::vector<std::pair<std::string_view, const Value*>> set;
  if (at.secret) set.emplace_back("client_secret_file", &*at.secret);
  if (at.assertion) set.emplace_back("client_assertion_file", &*at.assertion);
  if (at.certificate) {
    const Value& first = at.key->line < at.certificate->line ? *at.key : *at.certificate;
    set.emplace_back(&first == &*at.key ? "client_key_file" : "client_certificate_file", &first);
  }
  // With an assertion file of its own, workload identity's only adds the AZURE_* values.
  if (workload_identity && !at.assertion) set.emplace_back("azure_workload_identity", &*at.workload_identity);
  if (set.empty()) decode::fail(block, "missing required key \"client_secret_file\"");
  if (set.size() < 2) return;
  std::sort(set.begin(), set.end(), [](const auto& a, const auto& b) { return a.second->line < b.second->line; });
  decode::fail(*set[1].second, "mutually exclusive with " + std::string(set[0].first) +
                                   " (an oauth2 block has one credential)");
}

// The token endpoint split from `token_url`, the path as written: a trailing slash is kept.
void split_token_url(OAuth2Config& oauth2) {
  oauth2.token_endpoint = parse_url(oauth2.token_url);
  const std::string& url = oauth2.token_url;
  const std::size_t path_start = url.find('/', url.find("://") + 3);
  oauth2.token_endpoint.base_path = path_start == std::string::npos ? "/" : url.substr(path_start);
}

// A variable the AKS webhook injects; unset and empty are the same.
std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// azure_workload_identity: what the block leaves out comes from the webhook's
// variables, read now. A value nothing gives names the key and the variable;
// a missing tenant leaves token_url to discovery (or to the qumulo check).
void apply_workload_identity(OAuth2Config& oauth2, const OAuth2Keys& at) {
  const Value& flag = *at.workload_identity;
  const auto missing = [&](std::string_view key, std::string_view variable) {
    decode::fail(flag, std::string(key) + " is not set and " + std::string(variable) + " is empty or unset");
  };
  if (!at.client_id) {
    oauth2.client_id = environment("AZURE_CLIENT_ID");
    if (oauth2.client_id.empty()) missing("client_id", "AZURE_CLIENT_ID");
  }
  if (!at.assertion) {
    oauth2.client_assertion_file = environment("AZURE_FEDERATED_TOKEN_FILE");
    if (oauth2.client_assertion_file.empty()) missing("client_assertion_file", "AZURE_FEDERATED_TOKEN_FILE");
    if (std::string reason = decode::unreadable_reason(oauth2.client_assertion_file); !reason.empty())
      decode::fail(flag, "cannot read " + in_quotes(oauth2.client_assertion_file) +
                             " (AZURE_FEDERATED_TOKEN_FILE): " + reason);
  }
  if (at.token_url) return;
  const std::string tenant = environment("AZURE_TENANT_ID");
  if (tenant.empty()) return;
  if (tenant.find_first_of("/?#%@ \t") != std::string::npos)
    decode::fail(flag, "AZURE_TENANT_ID " + in_quotes(tenant) + " is not a tenant id or domain");
  std::string authority = environment("AZURE_AUTHORITY_HOST");
  if (authority.empty()) authority = "https://login.microsoftonline.com/";
  if (authority.back() != '/') authority += '/';
  oauth2.token_url = authority + tenant + "/oauth2/v2.0/token";
  try {
    split_token_url(oauth2);
  } catch (const ConfigError& e) {
    decode::fail(flag, std::string("AZURE_AUTHORITY_HOST: ") + e.what());
  }
}

// token_url and scopes may be left out: a service_fabric target discovers
// them, and a qumulo target is checked by require_token_url.
OAuth2Config read_oauth2(const Value& v) {
  OAuth2Config oauth2;
  OAuth2Keys at;
  decode::for_each_entry(v, oauth2_keys(oauth2, at));
  check_one_credential(v, at, oauth2.azure_workload_identity);
  // A key that is not the certificate's could never sign: said at load, naming both files.
  if (at.key) {
    if (auto problem = x509_credential_problem(oauth2.client_certificate_file, oauth2.client_key_file))
      decode::fail(*at.key, *problem);
  }
  if (oauth2.azure_workload_identity) {
    apply_workload_identity(oauth2, at);
  } else {
    require_key(v, at.client_id, "client_id");
  }
  if (at.token_url) split_token_url(oauth2);
  if (at.tls && !oauth2.token_url.empty() && oauth2.token_endpoint.scheme != "https")
    decode::fail(*at.tls, "set on a plain http:// token_url (use https://)");
  return oauth2;
}

// Only a cluster answers GetAadMetadata: elsewhere the token URL must be given.
void require_token_url(const Value& block, const OAuth2Config& oauth2, std::string_view why) {
  if (!oauth2.token_url.empty()) return;
  decode::fail(block, "missing required key \"token_url\"" + std::string(why) +
                          (oauth2.azure_workload_identity ? " (or AZURE_TENANT_ID, with azure_workload_identity)" : ""));
}

ManagedIdentityConfig read_managed_identity(const Value& v) {
  ManagedIdentityConfig identity;
  std::vector<std::pair<std::string_view, Value>> ids;  // the ids set, in file order
  const auto id_key = [&](std::string_view key, std::string& field) -> decode::KeyReader {
    return {key, [&, key](const Value& f) {
              field = read_non_empty_string(f);
              ids.emplace_back(key, f);
            }};
  };
  const decode::KeyTable keys = {
      id_key("client_id", identity.client_id),
      id_key("object_id", identity.object_id),
      id_key("resource_id", identity.resource_id),
      {"resource", [&](const Value& f) { identity.resource = read_non_empty_string(f); }},
      {"endpoint",
       [&](const Value& f) {
         identity.parsed_endpoint = decode::read_scalar(f, "a URL", parse_url);
         identity.endpoint = f.node.Scalar();
       }},
  };
  decode::for_each_entry(v, keys);  // in document order, so ids[1] is the second written
  if (ids.size() > 1)
    decode::fail(ids[1].second, "mutually exclusive with " + std::string(ids[0].first) +
                                    " (a managed identity is named one way)");
  return identity;
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
  std::optional<Value> bearer_token_file, oauth2, qumulo_login, managed_identity;

  void check_exclusive() const {
    std::vector<std::pair<std::string_view, const Value*>> set;
    if (bearer_token_file) set.emplace_back("bearer_token_file", &*bearer_token_file);
    if (oauth2) set.emplace_back("oauth2", &*oauth2);
    if (qumulo_login) set.emplace_back("qumulo_login", &*qumulo_login);
    if (managed_identity) set.emplace_back("managed_identity", &*managed_identity);
    if (set.size() < 2) return;
    std::sort(set.begin(), set.end(), [](const auto& a, const auto& b) { return a.second->line < b.second->line; });
    decode::fail(*set[1].second, "mutually exclusive with " + std::string(set[0].first) +
                                     " (a target authenticates one way)");
  }
  bool any() const { return bearer_token_file || oauth2 || qumulo_login || managed_identity; }
};

// The token blocks, read the same under `global` (into TokenAuth) and in a
// target (into TargetConfig), each noted in `at` where it was written.
template <class Blocks>
decode::KeyTable token_block_keys(Blocks& blocks, AuthKeys& at) {
  return {
      {"oauth2",
       [&](const Value& f) {
         blocks.oauth2 = read_oauth2(f);
         at.oauth2 = f;
       }},
      {"qumulo_login",
       [&](const Value& f) {
         blocks.qumulo_login = read_qumulo_login(f);
         at.qumulo_login = f;
       }},
      {"managed_identity",
       [&](const Value& f) {
         blocks.managed_identity = read_managed_identity(f);
         at.managed_identity = f;
       }},
  };
}

// `global`'s token block goes to every target that names no way of its own:
// a target's block replaces global's whole, qumulo_login reaches qumulo
// targets only and managed_identity service_fabric targets only.
void inherit_auth(TargetConfig& target, const TokenAuth& global) {
  if (global.oauth2) target.oauth2 = global.oauth2;
  if (global.qumulo_login && target.type == TargetType::qumulo) target.qumulo_login = global.qumulo_login;
  if (global.managed_identity && target.type == TargetType::service_fabric)
    target.managed_identity = global.managed_identity;
}

// `global`'s token blocks and where they were written.
struct GlobalAuth {
  TokenAuth blocks;
  AuthKeys at;
};

// The checks of a target's way of authenticating, then what it inherits.
void finish_auth(TargetConfig& target, const AuthKeys& auth, const GlobalAuth& global) {
  auth.check_exclusive();
  if (auth.qumulo_login && target.type != TargetType::qumulo)
    decode::fail(*auth.qumulo_login, "only allowed on qumulo targets");
  // Qumulo takes no Entra tokens.
  if (auth.managed_identity && target.type != TargetType::service_fabric)
    decode::fail(*auth.managed_identity, "only allowed on service_fabric targets");
  if (!auth.any()) inherit_auth(target, global.blocks);
  if (target.type != TargetType::qumulo || !target.oauth2) return;
  if (auth.oauth2) {
    require_token_url(*auth.oauth2, *target.oauth2, "");
  } else {
    require_token_url(*global.at.oauth2, *target.oauth2,
                      " (qumulo target " + in_quotes(target.name) + " cannot discover it)");
  }
}

// `taken_names` holds the names of the targets before this one.
TargetConfig read_target(const Value& v, const PollSettings& global, const GlobalAuth& global_auth,
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
  };
  for (decode::KeyTable more : {token_block_keys(target, auth), poll.keys()})
    keys.insert(keys.end(), more.begin(), more.end());
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
  finish_auth(target, auth, global_auth);
  return target;
}

Config decode_config(std::string_view yaml, const std::string& file) {
  decode::Document doc(file);
  Value root = decode::load_document(doc, yaml);
  Config config;
  config.file = file;

  // `global` is read first wherever it is written: targets inherit from it.
  std::optional<Value> global_at, targets_at;
  GlobalAuth global_auth;
  const decode::KeyTable keys = {
      {"global", [&](const Value& f) { global_at = f; }},
      {"targets", [&](const Value& f) { targets_at = f; }},
  };
  decode::for_each_entry(root, keys);
  if (global_at) {
    PollSettingsReader poll(config.global);
    decode::KeyTable global_keys = poll.keys();
    for (decode::KeyReader& key : token_block_keys(global_auth.blocks, global_auth.at))
      global_keys.push_back(std::move(key));
    decode::for_each_entry(*global_at, global_keys);
    config.global = poll.finish(*global_at);
    global_auth.at.check_exclusive();
    config.global_auth = global_auth.blocks;
  }
  if (targets_at) {
    std::set<std::string> names;
    for (const Value& item : decode::elements(*targets_at)) {
      config.targets.push_back(read_target(item, config.global, global_auth, names));
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
