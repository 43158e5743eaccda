// Secrets never leak: the upstream bearer token, the TLS client key and the
// basic-auth password (and a password mistakenly written into a URL) appear
// neither in the exporter's debug logs, nor on /metrics, nor in any HTTP error
// body, through successes, upstream failures and failed reloads. An empty
// token file sends no request without its token.
#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>

#include "integration/harness.h"

namespace ue::test {
namespace {

const std::string kClusterPath = "/$/GetUpgradeProgress?api-version=8.2";
const std::string kToken = "tok-3f9a1c7e-SECRET-bearer";
const std::string kPassword = "pw-81d2b6-SECRET-basic";
const std::string kUrlPassword = "pw-5e0c44-SECRET-url";

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);) n += line.find(needle) != std::string::npos;
  return n;
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_test_pki(dir_.path());
    upstream_ = std::make_unique<FakeUpstream>(dir_.file("server.pem"), dir_.file("server.key"), dir_.file("ca.pem"));
    upstream_->set_json_file(kClusterPath, testdata("payloads/service_fabric/cluster_completed_9_1.json"));
    write_file(dir_.file("token"), kToken + "\n");
    write_file(dir_.file("config.yml"), config(upstream_->url()));
    write_file(dir_.file("web.yml"), "basic_auth_users:\n  alice: " + bcrypt_hash(kPassword) + "\n");
    exporter_ = std::make_unique<Exporter>(dir_.file("config.yml"),
                                           std::vector<std::string>{"--web.config.file=" + dir_.file("web.yml")});
    exporter_->set_basic_auth("alice", kPassword);
  }

  std::string config(const std::string& url) const {
    return "global:\n  poll_interval: 200ms\n"
           "targets:\n  - name: sf\n    type: service_fabric\n    url: " + url + "\n    collect: [cluster]\n"
           "    bearer_token_file: token\n"
           "    tls:\n      ca_file: ca.pem\n      cert_file: client.pem\n      key_file: client.key\n";
  }

  // Everything the exporter said over HTTP, kept for the final check.
  std::pair<int, std::string> seen(std::pair<int, std::string> answer) {
    bodies_ += answer.second;
    return answer;
  }

  double cluster_errors(const std::string& reason) {
    return find_value(seen(exporter_->get("/metrics")).second, "upgrade_exporter_request_errors_total",
                      {{"target", "sf"}, {"endpoint", "cluster_upgrade"}, {"reason", reason}})
        .value_or(0);
  }

  // The secrets, and every full line of the client key's PEM body.
  std::vector<std::string> secrets() const {
    std::vector<std::string> all = {kToken, kPassword, kUrlPassword, "PRIVATE KEY"};
    std::istringstream key(read_file(dir_.file("client.key")));
    for (std::string line; std::getline(key, line);)
      if (line.size() >= 32 && line.find("-----") == std::string::npos) all.push_back(line);
    return all;
  }

  TempDir dir_;
  std::unique_ptr<FakeUpstream> upstream_;
  std::unique_ptr<Exporter> exporter_;
  std::string bodies_;
};

TEST_F(SecretsTest, NoSecretInLogsMetricsOrErrorBodies) {
  // Success: the token and the client certificate reach the upstream.
  ASSERT_TRUE(wait_until([&] {
    return find_value(seen(exporter_->get("/metrics")).second, "upgrade_exporter_target_up", {{"target", "sf"}}) == 1.0;
  })) << exporter_->process().output();
  ASSERT_FALSE(upstream_->request_headers("Authorization").empty());
  EXPECT_EQ(upstream_->request_headers("Authorization").front(), "Bearer " + kToken);

  // The upstream refuses the token.
  upstream_->set(kClusterPath, {401, R"({"Error":{"Code":"FABRIC_E_UNAUTHORIZED","Message":"Access denied"}})"});
  ASSERT_TRUE(wait_until([&] { return cluster_errors("http_status") >= 1; })) << exporter_->process().output();

  // Scrapes without or with wrong credentials.
  Exporter& exporter = *exporter_;
  exporter.set_basic_auth("", "");
  EXPECT_EQ(seen(exporter.get("/metrics")).first, 401);
  exporter.set_basic_auth("alice", kPassword + "x");
  EXPECT_EQ(seen(exporter.get("/metrics")).first, 401);
  exporter.set_basic_auth("alice", kPassword);
  EXPECT_EQ(seen(exporter.get("/nope")).first, 404);

  // Reloads that fail: the password written where its hash belongs, then a
  // password written into the upstream URL.
  const std::string good_web = read_file(dir_.file("web.yml"));
  write_file(dir_.file("web.yml"), "basic_auth_users:\n  alice: " + kPassword + "\n");
  EXPECT_EQ(seen(exporter.post("/-/reload")).first, 500);
  write_file(dir_.file("web.yml"), good_web);
  write_file(dir_.file("config.yml"), config("https://alice:" + kUrlPassword + "@127.0.0.1:" +
                                            std::to_string(upstream_->port())));
  EXPECT_EQ(seen(exporter.post("/-/reload")).first, 500);
  exporter.process().signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return count_lines(exporter.process().output(), "reload failed") == 3; }));
  EXPECT_EQ(find_value(seen(exporter.get("/metrics")).second, "upgrade_exporter_config_reload_success", {}), 0.0);

  // Shut down, so every log line is in.
  exporter.process().signal(SIGTERM);
  ASSERT_TRUE(exporter.process().wait_exit(10s));
  const std::string logs = exporter.process().output();
  for (const std::string& secret : secrets()) {
    EXPECT_EQ(logs.find(secret), std::string::npos) << "in the logs: " << secret;
    EXPECT_EQ(bodies_.find(secret), std::string::npos) << "in an HTTP answer: " << secret;
  }
}

TEST_F(SecretsTest, AnEmptyBearerTokenFileTakesTheTargetDownAndSaysWhichFile) {
  const auto up = [&] {
    return find_value(seen(exporter_->get("/metrics")).second, "upgrade_exporter_target_up", {{"target", "sf"}});
  };
  ASSERT_TRUE(wait_until([&] { return up() == 1.0; })) << exporter_->process().output();

  // Rewritten empty (a newline only): no request goes out without its token.
  write_file(dir_.file("token"), "\n");
  ASSERT_TRUE(wait_until([&] { return up() == 0.0; })) << exporter_->process().output();
  const std::string logged = "msg=\"cannot prepare connection\" target=sf err=\"bearer_token_file " +
                             dir_.file("token") + " is empty\"";
  EXPECT_TRUE(exporter_->process().wait_for_output(logged)) << exporter_->process().output();
  for (const FakeUpstream::Request& request : upstream_->received())
    EXPECT_EQ(request.header("Authorization"), "Bearer " + kToken) << request.target;

  // The token is back: the next poll reads it.
  write_file(dir_.file("token"), kToken + "\n");
  ASSERT_TRUE(wait_until([&] { return up() == 1.0; })) << exporter_->process().output();
  EXPECT_EQ(exporter_->process().output().find(kToken), std::string::npos);
}

}  // namespace
}  // namespace ue::test
