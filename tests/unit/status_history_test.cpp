// Upgrade history in the status page's view model (render/status_model),
// without HTML: which past upgrades an object shows, how its domain bars are
// scaled, the typical domain time beside the current one, the forecast and
// its method, and where a settled object's history goes (a compact cell; the
// cluster's under its target).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "render/status_model.h"
#include "unit/view_util.h"

namespace ue {
namespace {

using test::object_view;
using test::past_upgrade;
using test::with_history;

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr double kDay = 86400;
constexpr double kWindowStart = kNow - 7 * kDay;

Upgrade settled_upgrade() {
  Upgrade up;
  up.phase = Phase::idle;
  up.state = "RollingForwardCompleted";
  return up;
}

// Rolling forward in its third domain of five, 40 minutes into it.
Upgrade rolling_forward(double domain_duration) {
  Upgrade up;
  up.phase = Phase::rolling_forward;
  up.state = "RollingForwardInProgress";
  up.progress_ratio = 0.4;
  up.domains = DomainCounts{2, 1, 2, 0};
  up.current_domain = "UD2";
  up.start_time = kNow - 3600;
  up.duration = 3600;
  up.domain_duration = domain_duration;
  return up;
}

// `count` completed upgrades, one a day, the i-th taking 600 + 60·i seconds per domain.
std::vector<PastUpgrade> daily_upgrades(int count) {
  std::vector<PastUpgrade> upgrades;
  for (int i = 0; i < count; ++i) {
    const double start = kNow - (count - i) * kDay;
    const double domain = 600 + 60 * i;
    upgrades.push_back(past_upgrade("1." + std::to_string(i), "1." + std::to_string(i + 1), start, start + 3 * domain,
                                    UpgradeOutcome::completed, {domain, domain, domain}));
  }
  return upgrades;
}

ObjectHistory history_of(std::vector<PastUpgrade> upgrades, std::string_view source = kHistoryFromEventStore) {
  return summarize_history(std::move(upgrades), kWindowStart, source);
}

FleetView fleet_with(std::vector<std::shared_ptr<const ObjectView>> objects) {
  auto target = std::make_shared<TargetView>();
  target->name = "prod-west";
  target->polled = target->up = true;
  target->poll_interval = 15;
  target->objects = std::move(objects);
  FleetView fleet;
  fleet.generated = kNow;
  fleet.targets = {target};
  return fleet;
}

StatusModel build(const FleetView& fleet) { return build_status_model(fleet, {}, {}); }
// The model points into the fleet: never built from a temporary one.
StatusModel build(const FleetView&& fleet) = delete;

TEST(StatusHistory, ShowsTheLastFiveUpgradesNewestFirstAndTheirSource) {
  const auto view = with_history(object_view(Kind::application, "fabric:/shop/cart", settled_upgrade(), kNow - kDay),
                                 history_of(daily_upgrades(7), kHistoryObserved), kNow - 5);
  const std::optional<HistoryPanel> panel = history_panel(*view);
  ASSERT_TRUE(panel);
  EXPECT_EQ(panel->source, "as observed by this exporter");
  ASSERT_EQ(panel->recent.size(), kMaxRecentUpgrades);
  EXPECT_EQ(panel->recent[0].upgrade->to_version, "1.7");
  EXPECT_EQ(panel->recent[4].upgrade->to_version, "1.3");
  EXPECT_EQ(panel->recent[0].duration, 3 * 960.0);
  EXPECT_FALSE(panel->recent[0].so_far);
}

TEST(StatusHistory, SourceCaptionsNameEventStoreAndTheExporter) {
  EXPECT_EQ(history_source_caption(kHistoryFromEventStore), "from EventStore");
  EXPECT_EQ(history_source_caption(kHistoryObserved), "as observed by this exporter");
  EXPECT_EQ(forecast_method_caption(ForecastMethod::typical_domain), "typical domain time × domains left");
  EXPECT_EQ(forecast_method_caption(ForecastMethod::linear), "linear in progress");
}

TEST(StatusHistory, DomainBarsAreScaledToTheSlowestDomainShown) {
  std::vector<PastUpgrade> upgrades = daily_upgrades(6);
  upgrades[0].domains[0].seconds = 99999;  // the sixth newest: not shown, so not the scale
  const auto view = with_history(object_view(Kind::application, "fabric:/a", settled_upgrade(), kNow - kDay),
                                 history_of(std::move(upgrades)), kNow);
  const HistoryPanel panel = *history_panel(*view);
  EXPECT_EQ(panel.slowest_domain, 900.0);  // the newest: 600 + 60·5
  EXPECT_DOUBLE_EQ(panel.recent[0].bars[0].ratio, 1.0);
  EXPECT_DOUBLE_EQ(panel.recent[4].bars[0].ratio, 660.0 / 900.0);
}

TEST(StatusHistory, AnUpgradeShowsItsLastTwentyDomainsAndCountsTheRest) {
  std::vector<double> domains;
  for (int i = 1; i <= 25; ++i) domains.push_back(i);
  const auto view = with_history(
      object_view(Kind::cluster, "prod-west", settled_upgrade(), kNow - kDay),
      history_of({past_upgrade("9", "10", kNow - kDay, kNow - kDay + 400, UpgradeOutcome::completed, domains)}), kNow);
  const HistoryPanel panel = *history_panel(*view);
  ASSERT_EQ(panel.recent[0].bars.size(), kMaxDomainBars);
  EXPECT_EQ(panel.recent[0].domains_hidden, 5u);
  EXPECT_EQ(panel.recent[0].bars.front().seconds, 6.0);
  EXPECT_EQ(panel.slowest_domain, 25.0);
}

TEST(StatusHistory, TheRunningUpgradeShowsItsDurationSoFarAsOfTheRead) {
  std::vector<PastUpgrade> upgrades = daily_upgrades(2);
  upgrades.push_back(past_upgrade("1.2", "1.3", kNow - 3600, std::nullopt, UpgradeOutcome::running, {600}));
  const auto view = with_history(object_view(Kind::application, "fabric:/a", rolling_forward(600), kNow - 60),
                                 history_of(std::move(upgrades)), kNow - 10);
  const HistoryPanel panel = *history_panel(*view);
  EXPECT_EQ(panel.recent[0].upgrade->outcome, UpgradeOutcome::running);
  EXPECT_EQ(panel.recent[0].duration, 3590.0);
  EXPECT_TRUE(panel.recent[0].so_far);
}

TEST(StatusHistory, AnUpgradeInProgressComparesItsDomainWithTheTypicalOneAndForecastsFromIt) {
  // Typical: the median of 9 domains of 600, 660 and 720 s is 660 s.
  const auto slow = with_history(object_view(Kind::cluster, "prod-west", rolling_forward(40 * 60), kNow - 60),
                                 history_of(daily_upgrades(3)), kNow - 5);
  const FleetView model_fleet = fleet_with({slow});
  const StatusModel model = build(model_fleet);
  ASSERT_EQ(model.upgrades.size(), 1u);
  const UpgradeItem& item = model.upgrades[0];
  ASSERT_TRUE(item.history);
  ASSERT_TRUE(item.typical_domain);
  EXPECT_EQ(item.typical_domain->typical, 660.0);
  EXPECT_EQ(item.typical_domain->samples, 9u);
  EXPECT_TRUE(item.typical_domain->slower_than_usual);  // 2400 > 3 × 660 and > 660 + 900
  ASSERT_TRUE(item.forecast);
  EXPECT_EQ(item.forecast->method, ForecastMethod::typical_domain);
  EXPECT_EQ(item.forecast->completion, kNow - 5 + 2 * 660);  // two pending; the current one is past typical

  // 3 × typical but not typical + 15 min: not slower than usual, as UpgradeDomainSlowerThanUsual judges it.
  const auto short_domains = with_history(object_view(Kind::cluster, "prod-west", rolling_forward(301), kNow - 60),
                                          history_of({past_upgrade("1", "2", kNow - kDay, kNow - kDay + 300,
                                                                   UpgradeOutcome::completed, {100, 100, 100})}),
                                          kNow);
  const FleetView short_fleet = fleet_with({short_domains});
  EXPECT_FALSE(build(short_fleet).upgrades[0].typical_domain->slower_than_usual);
}

TEST(StatusHistory, UnderThreeSamplesThereIsNoTypicalTimeAndTheForecastIsLinear) {
  const auto view = with_history(
      object_view(Kind::application, "fabric:/a", rolling_forward(600), kNow - 60),
      history_of({past_upgrade("1", "2", kNow - kDay, kNow - kDay + 1200, UpgradeOutcome::completed, {600, 600})}),
      kNow);
  const FleetView fleet = fleet_with({view});
  const StatusModel model = build(fleet);
  const UpgradeItem& item = model.upgrades[0];
  ASSERT_TRUE(item.typical_domain);
  EXPECT_FALSE(item.typical_domain->typical);
  EXPECT_EQ(item.typical_domain->samples, 2u);
  ASSERT_TRUE(item.forecast);
  EXPECT_EQ(item.forecast->method, ForecastMethod::linear);
  EXPECT_EQ(item.forecast->completion, kNow - 3600 + 3600 / 0.4);
}

TEST(StatusHistory, WithoutHistoryACardHasNoPanelTypicalTimeOrForecast) {
  const FleetView model_fleet = fleet_with({object_view(Kind::cluster, "prod-west", rolling_forward(600), kNow - 60)});
  const StatusModel model = build(model_fleet);
  ASSERT_EQ(model.upgrades.size(), 1u);
  EXPECT_FALSE(model.upgrades[0].history);
  EXPECT_FALSE(model.upgrades[0].typical_domain);
  EXPECT_FALSE(model.upgrades[0].forecast);
  EXPECT_FALSE(model.targets[0].cluster_history);
  EXPECT_TRUE(model.targets[0].settled.empty());
}

TEST(StatusHistory, ASettledObjectKeepsItsHistoryOutOfTheFoldedTableButTheClusterShowsUnderItsTarget) {
  const ObjectHistory history = history_of(daily_upgrades(2));
  const auto cluster = with_history(object_view(Kind::cluster, "prod-west", settled_upgrade(), kNow - 40 * kDay),
                                    history, kNow);
  const auto app = with_history(object_view(Kind::application, "fabric:/a", settled_upgrade(), kNow - 40 * kDay),
                                history, kNow);
  const auto plain = object_view(Kind::application, "fabric:/b", settled_upgrade(), kNow - 40 * kDay);
  const FleetView model_fleet = fleet_with({cluster, app, plain});
  const StatusModel model = build(model_fleet);
  EXPECT_TRUE(model.upgrades.empty());
  const TargetSection& section = model.targets[0];
  EXPECT_EQ(section.cluster, cluster.get());
  ASSERT_TRUE(section.cluster_history);
  EXPECT_EQ(section.cluster_history->recent.size(), 2u);
  ASSERT_EQ(section.settled.size(), 1u);
  EXPECT_TRUE(section.settled[0].has_history);
  EXPECT_EQ(section.settled[0].rows.size(), 3u);

  const FleetView no_history_fleet = fleet_with({plain});
  const StatusModel no_history = build(no_history_fleet);
  EXPECT_FALSE(no_history.targets[0].settled[0].has_history);
  EXPECT_EQ(no_history.targets[0].cluster, nullptr);
}

TEST(StatusHistory, ANotableClusterShowsItsHistoryOnItsCardNotUnderItsTarget) {
  const auto cluster = with_history(object_view(Kind::cluster, "prod-west", rolling_forward(600), kNow - 60),
                                    history_of(daily_upgrades(2)), kNow);
  const FleetView model_fleet = fleet_with({cluster});
  const StatusModel model = build(model_fleet);
  ASSERT_EQ(model.upgrades.size(), 1u);
  EXPECT_TRUE(model.upgrades[0].history);
  EXPECT_EQ(model.targets[0].cluster, nullptr);
  EXPECT_FALSE(model.targets[0].cluster_history);
}

TEST(StatusHistory, AHistoryWithoutUpgradesHasAnEmptyPanel) {
  const auto view = with_history(object_view(Kind::application, "fabric:/a", settled_upgrade(), kNow - kDay),
                                 history_of({}), kNow);
  const std::optional<HistoryPanel> panel = history_panel(*view);
  ASSERT_TRUE(panel);
  EXPECT_TRUE(panel->recent.empty());
  EXPECT_EQ(panel->slowest_domain, 0.0);
}

}  // namespace
}  // namespace ue
