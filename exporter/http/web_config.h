// The exporter's own TLS and basic auth: the exporter-toolkit web configuration
// file (--web.config.file), decoded as strictly as the main configuration.
// Checking credentials against basic_auth_users is http/basic_auth.h's job.
//
//   tls_server_config:
//     cert_file: server.crt          # required, with key_file, when tls_server_config is present
//     key_file: server.key
//     client_auth_type: RequireAndVerifyClientCert
//     client_ca_file: ca.crt         # required by the two *Verify* types
//     min_version: TLS12             # TLS10, TLS11, TLS12 (default), TLS13
//     max_version: TLS13             # default TLS13
//   basic_auth_users:
//     alice: $2y$10$...              # bcrypt hashes only
//
// Relative paths resolve against the web config file's directory.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/errors.h"

namespace ue {

// Go's tls.ClientAuthType, under the names the exporter-toolkit uses.
enum class ClientAuth {
  no_client_cert,                 // NoClientCert: no certificate is asked for
  request_client_cert,            // RequestClientCert: asked for, not required, not verified
  require_any_client_cert,        // RequireAnyClientCert: required, not verified
  verify_client_cert_if_given,    // VerifyClientCertIfGiven: optional, verified against client_ca_file when sent
  require_and_verify_client_cert  // RequireAndVerifyClientCert: required and verified (the only secure choice)
};
std::string_view client_auth_name(ClientAuth auth);
inline bool requires_client_cert(ClientAuth a) {
  return a == ClientAuth::require_any_client_cert || a == ClientAuth::require_and_verify_client_cert;
}
inline bool verifies_client_cert(ClientAuth a) {
  return a == ClientAuth::verify_client_cert_if_given || a == ClientAuth::require_and_verify_client_cert;
}

struct WebTlsConfig {
  std::string cert_file;  // resolved paths, readable at load time
  std::string key_file;
  ClientAuth client_auth = ClientAuth::no_client_cert;
  std::string client_ca_file;  // set whenever verifies_client_cert(client_auth)
  // OpenSSL protocol version numbers, ready for SSL_CTX_set_{min,max}_proto_version.
  int min_version = 0x0303;  // TLS1_2_VERSION
  int max_version = 0x0304;  // TLS1_3_VERSION
};

struct WebConfig {
  std::string file;
  std::optional<WebTlsConfig> tls;           // absent: plain HTTP
  std::map<std::string, std::string> users;  // user -> bcrypt hash; empty: no authentication
};

// Reads and validates a web configuration file. Throws ConfigError, with the
// main configuration's one-line format "<file>:<line>: <key path>: <problem>".
WebConfig load_web_config(const std::string& path);
// The same for text already in memory; `file` names it in errors and anchors relative paths.
WebConfig parse_web_config(std::string_view yaml, const std::string& file);

}  // namespace ue
