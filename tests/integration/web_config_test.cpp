// --web.config.file through the built binary: TLS with required client
// certificates, basic auth (on the status page and its style sheet too), and
// both re-read on reload.
#include <gtest/gtest.h>

#include "integration/harness.h"

namespace ue::test {
namespace {

class WebConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_test_pki(dir_.path());
    write_web("alice", "correct horse");
    write_file(dir_.file("config.yml"), "targets: []\n");
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"),
                                           std::vector<std::string>{"--web.config.file=" + dir_.file("web.yml")});
  }

  void write_web(const std::string& user, const std::string& password) {
    write_file(dir_.file("web.yml"), "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
                                     "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n"
                                     "basic_auth_users:\n  " + user + ": " + bcrypt_hash(password) + "\n");
  }

  // Status of a request, 0 when no HTTP answer came back.
  int request(const std::string& method, const std::string& user, const std::string& password,
              bool client_cert = true, const std::string& path = "/metrics") {
    auto res = https(method == "POST" ? "/-/reload" : path, method, user, password, client_cert);
    return res ? res->status : 0;
  }

  std::optional<HttpAnswer> https(const std::string& path, const std::string& method, const std::string& user,
                                  const std::string& password, bool client_cert = true) {
    HttpOptions options{.method = method, .user = user, .password = password, .ca_file = dir_.file("ca.pem")};
    if (client_cert) {
      options.cert_file = dir_.file("client.pem");
      options.key_file = dir_.file("client.key");
    }
    return http_request(exporter_->port(), path, options);
  }

  TempDir dir_;
  std::unique_ptr<Exporter> exporter_;
};

TEST_F(WebConfigTest, ClientCertificateAndPasswordAreBothRequired) {
  EXPECT_EQ(request("GET", "alice", "correct horse"), 200);
  EXPECT_EQ(request("GET", "", ""), 401);
  EXPECT_EQ(request("GET", "alice", "wrong"), 401);
  EXPECT_EQ(request("GET", "mallory", "correct horse"), 401);
  EXPECT_EQ(request("GET", "alice", "correct horse", /*client_cert=*/false), 0) << "handshake must fail";
  EXPECT_EQ(exporter_->get("/metrics").first, 0) << "plain HTTP is refused when TLS is configured";
}

TEST_F(WebConfigTest, TheStatusPageAndItsStyleSheetNeedTheSameAsTheMetrics) {
  for (const char* path : {"/", "/static/status.css", "/api/v1/upgrades"}) {
    EXPECT_EQ(request("GET", "alice", "correct horse", true, path), 200) << path;
    EXPECT_EQ(request("GET", "", "", true, path), 401) << path;
    EXPECT_EQ(request("GET", "alice", "correct horse", /*client_cert=*/false, path), 0) << path;
    EXPECT_EQ(exporter_->get(path).first, 0) << path << ": plain HTTP is refused";
  }
}

TEST_F(WebConfigTest, ReloadRotatesUsersWithoutRestart) {
  write_web("alice", "battery staple");
  EXPECT_EQ(request("POST", "alice", "correct horse"), 200);
  EXPECT_EQ(request("GET", "alice", "battery staple"), 200);
  EXPECT_EQ(request("GET", "alice", "correct horse"), 401);
}

TEST_F(WebConfigTest, BadWebConfigOnReloadKeepsTheRunningOne) {
  write_file(dir_.file("web.yml"), "basic_auth_users:\n  alice: plaintext\n");
  EXPECT_EQ(request("POST", "alice", "correct horse"), 500);
  EXPECT_EQ(request("GET", "alice", "correct horse"), 200);
  auto page = https("/metrics", "GET", "alice", "correct horse");
  ASSERT_TRUE(page);
  EXPECT_EQ(find_value(page->body, "upgrade_exporter_config_reload_success", {}), 0.0);
  EXPECT_EQ(exporter_->process().output().find("plaintext"), std::string::npos) << "a bad hash may be a password";
}

TEST(WebConfigStartup, BadWebConfigExitsOne) {
  TempDir dir;
  write_file(dir.file("config.yml"), "targets: []\n");
  write_file(dir.file("web.yml"), "tls_server_config:\n  cert_file: missing.pem\n");
  Process p(exporter_binary(), {"--config.file=" + dir.file("config.yml"), "--web.config.file=" + dir.file("web.yml"),
                                "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(p.wait_exit(std::chrono::seconds(5)), 1);
  EXPECT_NE(p.output().find("web.yml:"), std::string::npos) << p.output();
}

}  // namespace
}  // namespace ue::test
