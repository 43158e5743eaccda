// The exporter-toolkit web configuration file: valid files decode to the
// expected structs, invalid ones fail with their exact errors.
#include "http/web_config.h"

#include <gtest/gtest.h>

#include "unit/invalid_files.h"

namespace ue {
namespace {

const std::string kWebDir = UE_TESTDATA "/web";

std::string load_error(const std::string& path) {
  try {
    load_web_config(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string parse_error(std::string_view yaml) {
  try {
    parse_web_config(yaml, "web.yml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// --- the file ---

TEST(WebConfigTest, ValidFull) {
  const std::string path = kWebDir + "/valid-full.yml";
  WebConfig config = load_web_config(path);
  EXPECT_EQ(config.file, path);
  ASSERT_TRUE(config.tls.has_value());
  EXPECT_EQ(config.tls->cert_file, kWebDir + "/server.crt");
  EXPECT_EQ(config.tls->key_file, kWebDir + "/server.key");
  EXPECT_EQ(config.tls->client_auth, ClientAuth::require_and_verify_client_cert);
  EXPECT_EQ(config.tls->client_ca_file, kWebDir + "/ca.crt");
  EXPECT_EQ(config.tls->min_version, 0x0304);
  EXPECT_EQ(config.tls->max_version, 0x0304);
  ASSERT_EQ(config.users.size(), 2u);
  EXPECT_EQ(config.users.at("carol"), "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu");
  EXPECT_EQ(config.users.at("dave"), "$2y$10$2UXri9cIDdgeKjBo4Rlpx.U3ZLDV8X1IxKmsfOvhcM5oXQt/mLmXq");
}

TEST(WebConfigTest, TlsDefaults) {
  WebConfig config = load_web_config(kWebDir + "/valid-tls-defaults.yml");
  ASSERT_TRUE(config.tls.has_value());
  EXPECT_EQ(config.tls->client_auth, ClientAuth::no_client_cert);
  EXPECT_EQ(config.tls->client_ca_file, "");
  EXPECT_EQ(config.tls->min_version, 0x0303);  // TLS12
  EXPECT_EQ(config.tls->max_version, 0x0304);  // TLS13
  EXPECT_TRUE(config.users.empty());
}

TEST(WebConfigTest, EmptyFileMeansPlainHttpWithoutAuth) {
  for (std::string_view yaml : {"", "# nothing\n", "basic_auth_users:\n"}) {
    WebConfig config = parse_web_config(yaml, "web.yml");
    EXPECT_FALSE(config.tls.has_value());
    EXPECT_TRUE(config.users.empty());
  }
}

TEST(WebConfigTest, ClientAuthTypes) {
  const std::pair<std::string_view, ClientAuth> cases[] = {
      {"NoClientCert", ClientAuth::no_client_cert},
      {"RequestClientCert", ClientAuth::request_client_cert},
      {"RequireAnyClientCert", ClientAuth::require_any_client_cert},
      {"VerifyClientCertIfGiven", ClientAuth::verify_client_cert_if_given},
      {"RequireAndVerifyClientCert", ClientAuth::require_and_verify_client_cert},
  };
  for (const auto& [name, expected] : cases) {
    SCOPED_TRACE(name);
    std::string yaml = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: " +
                       std::string(name) + "\n" + (name == "NoClientCert" ? "" : "  client_ca_file: ca.crt\n");
    WebConfig config = parse_web_config(yaml, kWebDir + "/inline.yml");
    EXPECT_EQ(config.tls->client_auth, expected);
    EXPECT_EQ(client_auth_name(expected), name);
  }
  EXPECT_TRUE(requires_client_cert(ClientAuth::require_any_client_cert));
  EXPECT_FALSE(requires_client_cert(ClientAuth::verify_client_cert_if_given));
  EXPECT_TRUE(verifies_client_cert(ClientAuth::verify_client_cert_if_given));
  EXPECT_FALSE(verifies_client_cert(ClientAuth::require_any_client_cert));
}

using test::InvalidCase;

const InvalidCase kInvalidCases[] = {
    {"invalid-unknown-key.yml", "1: unknown key \"basic_auth_user\""},
    {"invalid-unknown-key-tls.yml", "4: tls_server_config: unknown key \"client_ca\""},
    {"invalid-unsupported-key.yml", "4: tls_server_config: key \"cipher_suites\" is not supported by upgrade_exporter"},
    {"invalid-missing-key-file.yml", "2: tls_server_config: missing required key \"key_file\""},
    {"invalid-cert-file-unreadable.yml",
     "2: tls_server_config.cert_file: cannot read \"{dir}/missing.crt\": No such file or directory"},
    {"invalid-client-auth-type.yml",
     "4: tls_server_config.client_auth_type: unknown client_auth_type \"Verify\" (use NoClientCert, "
     "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert)"},
    {"invalid-verify-without-ca.yml",
     "4: tls_server_config: client_auth_type VerifyClientCertIfGiven requires client_ca_file"},
    {"invalid-ca-without-client-auth.yml",
     "4: tls_server_config.client_ca_file: set, but client_auth_type is NoClientCert (use "
     "RequireAndVerifyClientCert)"},
    {"invalid-tls-version.yml",
     "4: tls_server_config.min_version: unknown TLS version \"TLS14\" (use TLS10, TLS11, TLS12 or TLS13)"},
    {"invalid-min-above-max.yml", "5: tls_server_config.max_version: TLS12 is lower than min_version TLS13"},
    // The value is not quoted back: it may be a password written by mistake.
    {"invalid-not-bcrypt.yml",
     "3: basic_auth_users.alice: not a bcrypt hash (use $2y$, $2b$ or $2a$ hashes, e.g. from \"htpasswd -nBC 10 "
     "user\")"},
    {"invalid-user-colon.yml", "2: basic_auth_users: user name \"alice:admin\" must not contain ':'"},
    {"invalid-users-list.yml", "2: basic_auth_users: expected a map, got a list"},
    {"invalid-syntax.yml", "3:12: YAML syntax error: illegal map value"},
};

TEST(WebConfigTest, InvalidFilesFailWithExactErrors) {
  test::expect_invalid_files(kWebDir, kInvalidCases, [](const std::string& path) { return load_error(path); });
}

TEST(WebConfigTest, MoreErrors) {
  EXPECT_EQ(load_error("/nonexistent/web.yml"), "/nonexistent/web.yml: cannot read: No such file or directory");
  EXPECT_EQ(parse_error("rate_limit:\n  interval: 1s\n"),
            "web.yml:2: key \"rate_limit\" is not supported by upgrade_exporter");
  EXPECT_EQ(parse_error("tls_server_config:\n"), "web.yml:1: tls_server_config: missing required key \"cert_file\"");
  EXPECT_EQ(parse_error("basic_auth_users:\n  alice:\n"),
            "web.yml:2: basic_auth_users.alice: missing value (expected a string)");
  EXPECT_EQ(parse_error("basic_auth_users:\n  \"\": $2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu\n"),
            "web.yml:2: basic_auth_users: user names must not be empty");
  EXPECT_EQ(parse_error("basic_auth_users:\n  alice: $1$salt$hash\n  alice: x\n"),
            "web.yml:2: basic_auth_users.alice: not a bcrypt hash (use $2y$, $2b$ or $2a$ hashes, e.g. from "
            "\"htpasswd -nBC 10 user\")");
}

}  // namespace
}  // namespace ue
