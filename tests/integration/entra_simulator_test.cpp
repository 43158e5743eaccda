// Secretless Entra sign-in from a configuration file through the built
// binaries: upgrade_simulator's gateway wants Entra tokens, and one exporter
// signs in to it three ways at once, none with a secret: a certificate
// credential (the simulator verifies the PS256 signature against the
// registered certificate), a federated token file, and a managed identity
// (its IMDS-like route throttles first). Token URL, scope and resource are
// left out and discovered from the cluster's GetAadMetadata.
#include <gtest/gtest.h>

#include "integration/harness.h"
#include "unit/x509_test_util.h"

namespace ue::test {
namespace {

const std::string kClientId = "7e0d6c1b-exporter";
const std::string kFederatedToken = "eyJhbGciOiJSUzI1NiJ9.SECRET-federated.c2ln";

std::string scenario(const std::string& certificate_file) {
  return "service_fabric:\n"
         "  oauth2:\n"
         "    client_id: " + kClientId + "\n"
         "    client_certificate_file: " + certificate_file + "\n"
         "    federated_token: " + kFederatedToken + "\n"
         "    imds_throttle_first: 1\n"
         "    scope: api://upgrade-simulator-cluster/.default\n"
         "objects:\n"
         "  - kind: cluster\n    version: \"10.0.2300.9590\"\n    from_version: \"10.0.2226.9590\"\n"
         "    steps:\n      - {state: RollingForwardInProgress, for: 1h, progress: 50}\n";
}

std::string target(const std::string& name, const std::string& url, const std::string& credential) {
  return "  - name: " + name + "\n    type: service_fabric\n    url: " + url + "\n    collect: [cluster]\n" +
         credential;
}

TEST(EntraSimulator, ThreeSecretlessFormsSignInWithDiscoveredSettings) {
  if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
  TempDir dir;
  const TestPki& pki = TestPki::get();
  write_file(dir.file("client.pem"), certificate_pem(pki.cert_a.get()));
  write_file(dir.file("client.key"), key_pem(pki.rsa_a.get()));
  write_file(dir.file("federated-token"), kFederatedToken + "\n");
  write_file(dir.file("scenario.yml"), scenario(dir.file("client.pem")));
  Simulator simulator(dir.file("scenario.yml"));
  const std::string client = "    oauth2:\n      client_id: " + kClientId + "\n";
  write_file(dir.file("config.yml"),
             "global:\n  poll_interval: 200ms\n  timeout: 5s\ntargets:\n" +
                 target("certificate", simulator.url(),
                        client + "      client_certificate_file: client.pem\n      client_key_file: client.key\n") +
                 target("federated", simulator.url(), client + "      client_assertion_file: federated-token\n") +
                 target("identity", simulator.url(), "    managed_identity:\n      endpoint: " + simulator.url() + "\n"));
  Exporter exporter(dir.file("config.yml"));
  std::string page;
  ASSERT_TRUE(wait_until([&] {
    page = exporter.metrics();
    for (const char* name : {"certificate", "federated", "identity"})
      if (find_value(page, "upgrade_exporter_target_up", {{"target", name}}) != 1.0) return false;
    return true;
  })) << page << exporter.process().output();
  for (const char* name : {"certificate", "federated", "identity"})
    EXPECT_GE(find_value(page, "upgrade_exporter_requests_total", {{"target", name}, {"endpoint", "aad_metadata"}})
                  .value_or(0),
              1.0)
        << name << ": token URL, scope or resource discovered";
  EXPECT_EQ(find_value(page, "upgrade_exporter_request_errors_total",
                       {{"target", "identity"}, {"endpoint", "managed_identity"}, {"reason", "http_status"}})
                .value_or(0),
            0.0)
      << "the throttled first answer was retried within the fetch";

  // Nothing secret on the pages or in the logs, at debug level.
  const std::string shown = page + exporter.get("/").second + exporter.get("/api/v1/upgrades").second;
  const std::string logs = exporter.process().output();
  for (const std::string& secret : {kFederatedToken, std::string("SECRET"), std::string("PRIVATE KEY")}) {
    EXPECT_EQ(shown.find(secret), std::string::npos) << secret;
    EXPECT_EQ(logs.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace ue::test
