// The history series of one object and the completion forecast's switch,
// at the render level: linear without a history or under three domain
// samples, the typical domain time from three; the history series only on
// cluster and application objects that have a history.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "model/history.h"
#include "render/object_series.h"
#include "render/text_format.h"
#include "snapshot/snapshot.h"

namespace ue {
namespace {

constexpr double kReadAt = 1767225600;  // 2026-01-01

// Rolling forward: started an hour before the read, 40% done, 2 domains
// pending, 1 in progress for 100 s, 2 completed.
ObjectState rolling_object() {
  ObjectState object;
  Upgrade& u = object.upgrade;
  u.state = "RollingForwardInProgress";
  u.phase = Phase::rolling_forward;
  u.progress_ratio = 0.4;
  u.start_time = kReadAt - 3600;
  u.duration = 3600;
  u.domain_duration = 100;
  u.domains = DomainCounts{2, 1, 2, 0};  // like kDomainStates: Pending, InProgress, Completed, Failed
  object.read_at = kReadAt;
  return object;
}

// An upgrade from 1.0 to 1.1 that started at `start`, still running.
PastUpgrade upgrade_from_1_0(double start) {
  PastUpgrade upgrade;
  upgrade.from_version = "1.0";
  upgrade.to_version = "1.1";
  upgrade.start = start;
  return upgrade;
}

// A history whose domains all took `seconds`, `samples` of them.
std::shared_ptr<const ObjectHistory> history_with_samples(std::size_t samples, double seconds) {
  PastUpgrade past = upgrade_from_1_0(kReadAt - 86400);
  for (std::size_t i = 0; i < samples; ++i) {
    const double end = kReadAt - 86400 + 60.0 * static_cast<double>(i + 1);
    past.domains.push_back({.end = end, .seconds = seconds, .rolling_back = false});
  }
  past.end = kReadAt - 80000;
  past.outcome = UpgradeOutcome::completed;
  past.duration = 6400;
  return std::make_shared<const ObjectHistory>(summarize_history({past}, kReadAt - 7 * 86400, kHistoryFromEventStore));
}

std::string render(Kind kind, const ObjectState& object) {
  SampleWriter writer("t");
  std::string text;
  writer.begin_object(kind, "o", text);
  render_object(writer, kind, object);
  writer.finish();
  return text;
}

// The value of the one series `series` (name and extra labels, e.g.
// `upgrade_last_outcome{...,outcome="completed"}` as `upgrade_last_outcome`,
// `,outcome="completed"`), absent when the page has none.
std::optional<double> value(const std::string& text, const std::string& name, const std::string& extra = "") {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t brace = line.find('{');
    if (brace == std::string::npos || line.substr(0, brace) != name) continue;
    const std::size_t close = line.find("} ");
    const std::string labels = line.substr(brace, close - brace);
    if (!extra.empty() ? labels.ends_with(extra) : labels.ends_with("name=\"o\""))
      return std::stod(line.substr(close + 2));
  }
  return std::nullopt;
}

constexpr const char* kForecast = "upgrade_estimated_completion_timestamp_seconds";

TEST(RenderHistory, ForecastIsLinearWithoutAHistory) {
  const ObjectState object = rolling_object();
  const std::optional<double> linear = estimated_completion(object.upgrade);
  ASSERT_TRUE(linear);
  EXPECT_EQ(value(render(Kind::cluster, object), kForecast), *linear);  // start + elapsed / progress
}

TEST(RenderHistory, ForecastStaysLinearUnderThreeSamples) {
  ObjectState object = rolling_object();
  object.history = history_with_samples(2, 600);
  const std::string text = render(Kind::cluster, object);
  EXPECT_EQ(value(text, kForecast), estimated_completion(object.upgrade));
  EXPECT_EQ(value(text, "upgrade_domain_duration_samples"), 2);
  EXPECT_EQ(value(text, "upgrade_domain_typical_duration_seconds"), std::nullopt);
}

TEST(RenderHistory, ForecastUsesTheTypicalDomainTimeFromThreeSamples) {
  ObjectState object = rolling_object();
  object.history = history_with_samples(3, 600);
  const std::string text = render(Kind::application, object);
  // Two pending domains of 600 s, and what is left of the one in progress (600 - 100).
  EXPECT_EQ(value(text, kForecast), kReadAt + 2 * 600 + 500);
  EXPECT_EQ(value(text, "upgrade_domain_typical_duration_seconds"), 600);
  EXPECT_EQ(value(text, "upgrade_domain_duration_samples"), 3);
}

TEST(RenderHistory, ForecastStaysLinearWhileRollingBack) {
  ObjectState object = rolling_object();
  object.upgrade.phase = Phase::rolling_back;
  object.history = history_with_samples(5, 600);
  EXPECT_EQ(value(render(Kind::cluster, object), kForecast), estimated_completion(object.upgrade));
}

TEST(RenderHistory, LastFinishedUpgradeSeries) {
  ObjectState object = rolling_object();
  object.history = history_with_samples(3, 600);
  const std::string text = render(Kind::cluster, object);
  EXPECT_EQ(value(text, "upgrade_history_upgrades", ",outcome=\"completed\""), 1);
  EXPECT_EQ(value(text, "upgrade_history_upgrades", ",outcome=\"rolled_back\""), 0);
  EXPECT_EQ(value(text, "upgrade_last_outcome", ",outcome=\"completed\""), 1);
  EXPECT_EQ(value(text, "upgrade_last_outcome", ",outcome=\"rolled_back\""), 0);
  EXPECT_EQ(value(text, "upgrade_last_finished_timestamp_seconds"), kReadAt - 80000);
  EXPECT_EQ(value(text, "upgrade_last_duration_seconds"), 6400);
  EXPECT_EQ(value(text, "upgrade_last_info", ",from_version=\"1.0\",to_version=\"1.1\""), 1);
}

TEST(RenderHistory, NothingFinishedYetIsZerosWithoutTheLastUpgrade) {
  ObjectState object = rolling_object();
  PastUpgrade running = upgrade_from_1_0(kReadAt - 600);
  running.domains.push_back({.end = kReadAt - 300, .seconds = 300, .rolling_back = false});
  object.history = std::make_shared<const ObjectHistory>(
      summarize_history({running}, kReadAt - 7 * 86400, kHistoryFromEventStore));
  const std::string text = render(Kind::application, object);
  EXPECT_EQ(value(text, "upgrade_history_upgrades", ",outcome=\"completed\""), 0);
  EXPECT_EQ(value(text, "upgrade_history_upgrades", ",outcome=\"rolled_back\""), 0);
  EXPECT_EQ(value(text, "upgrade_domain_duration_samples"), 1);
  for (const char* family : {"upgrade_last_outcome", "upgrade_last_finished_timestamp_seconds",
                             "upgrade_last_duration_seconds", "upgrade_last_info"})
    EXPECT_EQ(text.find(std::string(family) + "{"), std::string::npos) << family << " before one finishes";
  EXPECT_EQ(value(text, "upgrade_domain_typical_duration_seconds"), std::nullopt);
}

TEST(RenderHistory, EmptyHistoryStillSaysNothingYet) {
  ObjectState object = rolling_object();
  auto empty = std::make_shared<ObjectHistory>();
  empty->source = kHistoryObserved;
  object.history = empty;
  const std::string text = render(Kind::cluster, object);
  EXPECT_EQ(value(text, "upgrade_history_upgrades", ",outcome=\"completed\""), 0);
  EXPECT_EQ(value(text, "upgrade_domain_duration_samples"), 0);
}

TEST(RenderHistory, NoHistoryNoHistorySeries) {
  const std::string text = render(Kind::cluster, rolling_object());
  EXPECT_EQ(text.find("upgrade_history_upgrades"), std::string::npos);
  EXPECT_EQ(text.find("upgrade_domain_duration_samples"), std::string::npos);
}

TEST(RenderHistory, OnlyClusterAndApplicationObjectsCarryAHistory) {
  ObjectState object = rolling_object();
  object.history = history_with_samples(3, 600);
  const std::string text = render(Kind::compose_deployment, object);
  EXPECT_EQ(text.find("upgrade_history_upgrades"), std::string::npos);
  EXPECT_EQ(value(text, kForecast), estimated_completion(object.upgrade)) << "and its forecast stays linear";
}

}  // namespace
}  // namespace ue
