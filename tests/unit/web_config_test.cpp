// The exporter-toolkit web configuration and basic auth.
#include "http/web_config.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include "unit/invalid_files.h"
#include <openssl/evp.h>

#include <filesystem>
#include <thread>
#include <vector>

namespace ue {
namespace {

namespace fs = std::filesystem;
using Users = std::map<std::string, std::string>;

const std::string kWebDir = UE_TESTDATA "/web";

// From the exporter-toolkit's test data, made with htpasswd -B: proves $2y$ compatibility.
constexpr const char* kCarolHash = "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu";  // carol123

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

std::string base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string basic(std::string_view user_and_password) { return "Basic " + base64(user_and_password); }

// A fresh bcrypt hash at the lowest cost, so tests stay fast.
std::string bcrypt_hash(const std::string& password, const char* prefix = "$2b$") {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), setting, &data);
  EXPECT_NE(hash, nullptr);
  return hash;
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
  EXPECT_EQ(config.users.at("carol"), kCarolHash);
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

TEST(WebConfigTest, RecognizesBcryptHashes) {
  EXPECT_TRUE(is_bcrypt_hash(kCarolHash));
  EXPECT_TRUE(is_bcrypt_hash("$2b$04$w.RI6Ps9HDRrfzYacEpPnOcLKXQ0YT2f6wcy0vdZIkwSfgaHKrtea"));
  EXPECT_TRUE(is_bcrypt_hash("$2a$31$w.RI6Ps9HDRrfzYacEpPnOcLKXQ0YT2f6wcy0vdZIkwSfgaHKrtea"));
  EXPECT_FALSE(is_bcrypt_hash(""));
  EXPECT_FALSE(is_bcrypt_hash("carol123"));
  EXPECT_FALSE(is_bcrypt_hash("$2x$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu"));  // broken variant
  EXPECT_FALSE(is_bcrypt_hash("$2y$03$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu"));  // cost too low
  EXPECT_FALSE(is_bcrypt_hash("$2y$32$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu"));  // cost too high
  EXPECT_FALSE(is_bcrypt_hash("$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTu"));   // short
  EXPECT_FALSE(is_bcrypt_hash("$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTu!"));  // bad character
  EXPECT_FALSE(
      is_bcrypt_hash("$6$rounds=5000$usesomesillystri$D4IrlXatmP7rx3P3InaxBeoomnAihCKRVQP22JZ6EY47Wc6BkroIuUUBOov1i."
                     "S5KPgErtP/EN5mcO.ChWQW21"));
}

// --- basic auth ---

TEST(BasicAuthTest, FixedHtpasswdHash) {
  BasicAuth auth(Users{{"carol", kCarolHash}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.check(basic("carol:carol123")));
  EXPECT_EQ(auth.authenticated_user(basic("carol:carol123")), "carol");
  EXPECT_FALSE(auth.check(basic("carol:carol124")));
  EXPECT_FALSE(auth.check(basic("carol:")));
}

TEST(BasicAuthTest, AcceptsTheRightPasswordOnly) {
  BasicAuth auth(Users{{"alice", bcrypt_hash("s3cret:with colon")}, {"bob", bcrypt_hash("hunter2", "$2y$")}});
  EXPECT_TRUE(auth.check(basic("alice:s3cret:with colon")));  // split at the first ':'
  EXPECT_TRUE(auth.check(basic("bob:hunter2")));
  EXPECT_TRUE(auth.check("basic " + base64("bob:hunter2")));  // the scheme is case-insensitive
  EXPECT_TRUE(auth.check(basic("bob:hunter2")));              // again, from the cache

  EXPECT_FALSE(auth.check(basic("alice:s3cret")));
  EXPECT_FALSE(auth.check(basic("alice:hunter2")));  // another user's password
  EXPECT_FALSE(auth.check(basic("bob:Hunter2")));
  EXPECT_FALSE(auth.check(basic("Bob:hunter2")));  // user names are case-sensitive
  EXPECT_FALSE(auth.check(basic("mallory:hunter2")));
  EXPECT_FALSE(auth.check(basic(":hunter2")));
  EXPECT_EQ(auth.authenticated_user(basic("bob:wrong")), std::nullopt);
}

TEST(BasicAuthTest, RejectsMalformedHeaders) {
  BasicAuth auth(Users{{"bob", bcrypt_hash("hunter2")}});
  const std::string good = base64("bob:hunter2");
  const std::string headers[] = {
      std::string(),
      std::string("Basic"),
      std::string("Basic "),
      "Bearer " + good,
      "Basic  " + good,           // two spaces
      "Basic " + good + " ",      // trailing space
      "Basic " + good + "=",      // bad padding
      "Basic " + good.substr(1),  // not a multiple of four
      "Basic !" + good.substr(1),
      "Basic " + base64("bob"),                              // no colon
      "Basic " + base64("bob:hunter2\n"),                    // not the password
      "Basic " + base64(std::string("bob:hunter2\0x", 13)),  // crypt() would stop at the NUL
      "Basic " + std::string(5000, 'A'),
      "Digest username=\"bob\"",
  };
  for (const std::string& header : headers) {
    SCOPED_TRACE(header);
    EXPECT_FALSE(auth.check(header));
  }
  EXPECT_TRUE(auth.check("Basic " + good));
}

TEST(BasicAuthTest, NoUsersMeansDisabled) {
  BasicAuth auth(Users{});
  EXPECT_FALSE(auth.enabled());
  EXPECT_FALSE(auth.check(basic("anyone:anything")));
}

TEST(BasicAuthTest, ConcurrentChecks) {
  BasicAuth auth(Users{{"alice", bcrypt_hash("right")}, {"carol", kCarolHash}});
  std::vector<std::thread> threads;
  std::vector<int> results(8, -1);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      bool ok = true;
      for (int round = 0; round < 5; ++round) {
        ok = ok && auth.check(basic("alice:right")) && !auth.check(basic("alice:wrong")) &&
             (i != 0 || auth.check(basic("carol:carol123")));
      }
      results[static_cast<std::size_t>(i)] = ok ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  for (int r : results) EXPECT_EQ(r, 1);
}

}  // namespace
}  // namespace ue
