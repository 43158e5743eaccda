// A restart must not hide a stall the upstream proves: upgrade_simulator plays
// an application whose health checks have been retrying for minutes, and an
// exporter started (or restarted) in the middle of it dates the last
// transition from HealthCheckElapsedTime, not from its own start.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/harness.h"

namespace ue::test {
namespace {

// Health checks after the second domain have failed since 9 minutes before
// the simulator started; the retry timeout lets them go on for hours.
constexpr const char* kRetryingScenario = R"(
objects:
  - kind: application
    name: fabric:/shop/search
    mode: Monitored
    policy: {health_check_retry: 3h}
    start: -10m
    steps:
      - {state: RollingForwardInProgress, for: 1m, progress: 40}
      - {state: RollingForwardPending, for: 2h, unhealthy: true}
)";

const std::map<std::string, std::string> kSearch = {
    {"target", "sf"}, {"kind", "application"}, {"name", "fabric:/shop/search"}};

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What one scrape says about the retrying upgrade, and when it was taken.
struct Reading {
  double transition = 0, elapsed = 0, scraped_at = 0;
};

std::optional<Reading> read_retry(const Exporter& exporter) {
  double scraped_at = unix_now();
  std::string page = exporter.metrics();
  std::map<std::string, std::string> retry = kSearch;
  retry["phase"] = "Retry";
  auto transition = find_value(page, "upgrade_last_transition_timestamp_seconds", kSearch);
  auto elapsed = find_value(page, "upgrade_health_check_elapsed_seconds", kSearch);
  if (find_value(page, "upgrade_health_check_phase", retry) != 1.0 || !transition || !elapsed) return std::nullopt;
  return Reading{*transition, *elapsed, scraped_at};
}

Reading first_reading(const std::string& config_file) {
  Exporter exporter(config_file);
  std::optional<Reading> reading;
  EXPECT_TRUE(wait_until([&] { return (reading = read_retry(exporter)).has_value(); })) << exporter.process().output();
  return reading.value_or(Reading{});
}

TEST(HealthCheckRestart, TransitionTimeComesFromTheElapsedHealthCheck) {
  if (simulator_binary().empty()) GTEST_SKIP() << "built without upgrade_simulator";
  TempDir dir;
  write_file(dir.file("scenario.yml"), kRetryingScenario);
  Simulator simulator(dir.file("scenario.yml"));
  write_file(dir.file("config.yml"), "global:\n  poll_interval: 200ms\n  idle_poll_interval: 1h\n"
                                     "targets:\n"
                                     "  - name: sf\n    type: service_fabric\n    url: " + simulator.url() + "\n"
                                     "    collect: [applications]\n");

  const Reading before = first_reading(dir.file("config.yml"));
  const double restarted_at = unix_now();
  const Reading after = first_reading(dir.file("config.yml"));

  EXPECT_GE(after.elapsed, 9 * 60.0 - 1) << "the retry began 9 minutes before the simulator started";
  EXPECT_NEAR(after.transition, after.scraped_at - after.elapsed, 3.0);
  EXPECT_LT(after.transition, restarted_at - 8 * 60.0) << "not the restart time";
  EXPECT_NEAR(after.transition, before.transition, 3.0) << "both runs date the stall alike";
  EXPECT_NEAR(before.transition, before.scraped_at - before.elapsed, 3.0);
}

}  // namespace
}  // namespace ue::test
