// The web configuration's schema: tls_server_config and basic_auth_users,
// decoded key by key into WebConfig, with the checks that span several keys.
#include "http/web_config.h"

#include <openssl/ssl.h>

#include <utility>

#include "base/quoting.h"
#include "config/yaml_decode.h"
#include "http/basic_auth.h"

namespace ue {
namespace {

using decode::Value;

// WebTlsConfig's defaults are written as numbers to keep OpenSSL out of the header.
static_assert(TLS1_2_VERSION == 0x0303 && TLS1_3_VERSION == 0x0304);

constexpr std::pair<std::string_view, ClientAuth> kClientAuthNames[] = {
    {"NoClientCert", ClientAuth::no_client_cert},
    {"RequestClientCert", ClientAuth::request_client_cert},
    {"RequireAnyClientCert", ClientAuth::require_any_client_cert},
    {"VerifyClientCertIfGiven", ClientAuth::verify_client_cert_if_given},
    {"RequireAndVerifyClientCert", ClientAuth::require_and_verify_client_cert}};

constexpr std::pair<std::string_view, int> kTlsVersions[] = {
    {"TLS10", TLS1_VERSION}, {"TLS11", TLS1_1_VERSION}, {"TLS12", TLS1_2_VERSION}, {"TLS13", TLS1_3_VERSION}};

std::string_view tls_version_name(int version) {
  for (const auto& [name, number] : kTlsVersions) {
    if (number == version) return name;
  }
  return "?";
}

// exporter-toolkit keys this exporter does not implement are known to the
// decoder only to be named as such, so a copied toolkit file gets a clear answer.
decode::KeyReader unsupported(const Value& map, std::string_view key) {
  return {key, [&map, key](const Value& value) {
            decode::fail(*map.doc, value.line, map.path,
                         "key " + in_quotes(key) + " is not supported by upgrade_exporter");
          }};
}

ClientAuth read_client_auth(const Value& v) {
  return decode::read_scalar(v, "a client_auth_type", [](const std::string& s) {
    for (const auto& [name, auth] : kClientAuthNames) {
      if (s == name) return auth;
    }
    throw ConfigError("unknown client_auth_type " + in_quotes(s) +
                      " (use NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or "
                      "RequireAndVerifyClientCert)");
  });
}

int read_tls_version(const Value& v) {
  return decode::read_scalar(v, "a TLS version", [](const std::string& s) {
    for (const auto& [name, number] : kTlsVersions) {
      if (s == name) return number;
    }
    throw ConfigError("unknown TLS version " + in_quotes(s) + " (use TLS10, TLS11, TLS12 or TLS13)");
  });
}

WebTlsConfig read_tls_server_config(const Value& v) {
  WebTlsConfig tls;
  std::optional<Value> cert_at, key_at, client_auth_at, client_ca_at, max_at;
  const decode::KeyTable keys = {
      decode::file_key("cert_file", tls.cert_file, &cert_at),
      decode::file_key("key_file", tls.key_file, &key_at),
      {"client_auth_type",
       [&](const Value& f) {
         tls.client_auth = read_client_auth(f);
         client_auth_at = f;
       }},
      decode::file_key("client_ca_file", tls.client_ca_file, &client_ca_at),
      {"min_version", [&](const Value& f) { tls.min_version = read_tls_version(f); }},
      {"max_version",
       [&](const Value& f) {
         tls.max_version = read_tls_version(f);
         max_at = f;
       }},
      unsupported(v, "cert"),
      unsupported(v, "key"),
      unsupported(v, "client_allowed_sans"),
      unsupported(v, "cipher_suites"),
      unsupported(v, "curve_preferences"),
      unsupported(v, "prefer_server_cipher_suites"),
  };
  decode::for_each_entry(v, keys);
  if (!cert_at) decode::fail(v, "missing required key \"cert_file\"");
  if (!key_at) decode::fail(v, "missing required key \"key_file\"");
  if (verifies_client_cert(tls.client_auth) && !client_ca_at) {
    decode::fail(*v.doc, client_auth_at->line, v.path,
                 "client_auth_type " + std::string(client_auth_name(tls.client_auth)) + " requires client_ca_file");
  }
  if (client_ca_at && tls.client_auth == ClientAuth::no_client_cert) {
    // As the exporter-toolkit: a CA that is never asked for is a misconfiguration, not a no-op.
    decode::fail(*client_ca_at, "set, but client_auth_type is NoClientCert (use RequireAndVerifyClientCert)");
  }
  if (tls.min_version > tls.max_version) {  // min_version cannot exceed the default max: max_version was written
    decode::fail(max_at ? *max_at : v, std::string(tls_version_name(tls.max_version)) + " is lower than min_version " +
                                           std::string(tls_version_name(tls.min_version)));
  }
  return tls;
}

void read_users(const Value& v, std::map<std::string, std::string>& users) {
  decode::for_each_data_entry(v, [&](std::string_view user, const Value& field) {
    if (user.empty()) decode::fail(*v.doc, field.line, v.path, "user names must not be empty");
    // The Authorization header splits user from password at the first ':'.
    if (user.find(':') != std::string_view::npos) {
      decode::fail(*v.doc, field.line, v.path, "user name " + in_quotes(user) + " must not contain ':'");
    }
    std::string hash = decode::read_string(field);
    // The value is never quoted back: it may be a password written by mistake.
    if (!is_bcrypt_hash(hash)) {
      decode::fail(field, "not a bcrypt hash (use $2y$, $2b$ or $2a$ hashes, e.g. from \"htpasswd -nBC 10 user\")");
    }
    users.emplace(std::string(user), std::move(hash));
  });
}

WebConfig decode_web_config(std::string_view yaml, const std::string& file) {
  decode::Document doc(file);
  Value root = decode::load_document(doc, yaml);
  WebConfig config;
  config.file = file;
  const decode::KeyTable keys = {
      {"tls_server_config", [&](const Value& f) { config.tls = read_tls_server_config(f); }},
      {"basic_auth_users", [&](const Value& f) { read_users(f, config.users); }},
      unsupported(root, "http_server_config"),
      unsupported(root, "rate_limit"),
  };
  decode::for_each_entry(root, keys);
  return config;
}

}  // namespace

std::string_view client_auth_name(ClientAuth auth) {
  for (const auto& [name, value] : kClientAuthNames) {
    if (value == auth) return name;
  }
  return "NoClientCert";
}

WebConfig parse_web_config(std::string_view yaml, const std::string& file) {
  return decode::only_config_errors(file, [&] { return decode_web_config(yaml, file); });
}

WebConfig load_web_config(const std::string& path) {
  return decode::only_config_errors(path, [&] { return decode_web_config(decode::read_file(path), path); });
}

}  // namespace ue
