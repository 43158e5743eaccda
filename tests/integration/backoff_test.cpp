// A gateway answering 503/504 gets fewer requests, not more: the poll stops
// asking at the first one, and the next polls come exponentially later.
#include <gtest/gtest.h>

#include <regex>

#include "integration/harness.h"

namespace ue::test {
namespace {

std::vector<double> backoffs(const std::string& log) {
  static const std::regex kBackoff(R"(backing off" target=sf backoff=([0-9.]+)s)");
  std::vector<double> out;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kBackoff); it != std::sregex_iterator(); ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

TEST(Backoff, OverloadedGatewayIsAskedLessAndLess) {
  TempDir dir;
  FakeUpstream sf;
  const std::string apps = "/Applications?api-version=6.1&ExcludeApplicationParameters=true";
  std::string items;
  for (int i = 0; i < 5; ++i)
    items += std::string(i ? "," : "") + R"({"Id":"a)" + std::to_string(i) + R"(","Name":"fabric:/a)" +
             std::to_string(i) + R"(","Status":"Upgrading"})";
  sf.set(apps, {200, R"({"ContinuationToken":"","Items":[)" + items + "]}"});
  for (int i = 0; i < 5; ++i)
    sf.set("/Applications/a" + std::to_string(i) + "/$/GetUpgradeProgress?api-version=6.0",
           {503, R"({"Error":{"Code":"FABRIC_E_SERVICE_TOO_BUSY","Message":"busy"}})"});
  write_file(dir.file("config.yml"), "targets:\n  - name: sf\n    type: service_fabric\n    url: " + sf.url() +
                                         "\n    poll_interval: 100ms\n    concurrency: 1\n    collect: [applications]\n");
  Exporter exporter(dir.file("config.yml"));

  ASSERT_TRUE(exporter.process().wait_for_output("backing off"));
  EXPECT_EQ(sf.count("/Applications/a"), 1u) << "the first 503 ends the poll's requests";

  ASSERT_TRUE(wait_until([&] { return backoffs(exporter.process().output()).size() >= 4; }));
  auto waits = backoffs(exporter.process().output());
  for (std::size_t i = 1; i < waits.size(); ++i) EXPECT_DOUBLE_EQ(waits[i], 2 * waits[i - 1]) << i;
  EXPECT_DOUBLE_EQ(waits.front(), 0.2);

  // Once the gateway recovers, polling returns to its interval.
  for (int i = 0; i < 5; ++i)
    sf.set("/Applications/a" + std::to_string(i) + "/$/GetUpgradeProgress?api-version=6.0",
           {200, read_file(testdata("payloads/service_fabric/application_in_progress.json"))});
  EXPECT_TRUE(wait_until([&] {
    return find_value(exporter.metrics(), "upgrade_exporter_objects", {{"target", "sf"}, {"kind", "application"}}) == 5.0;
  }));
}

}  // namespace
}  // namespace ue::test
