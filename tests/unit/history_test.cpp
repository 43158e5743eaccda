// Upgrade history, pure: the event log (dedup, window, bound), upgrades
// built from events, the per-object summary and its median, the observed
// recorder fed successive reads, and the completion forecast both ways.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model/history.h"

namespace ue {
namespace {

using Type = HistoryEventType;

HistoryEvent event(Type type, double time, std::string to = "2.0", std::string from = "1.0") {
  HistoryEvent e;
  e.kind = Kind::application;
  e.object = "fabric:/shop/orders";
  e.type = type;
  e.instance_id = "one-id-for-the-upgrade";
  e.time = time;
  e.from_version = std::move(from);
  e.to_version = std::move(to);
  return e;
}
HistoryEvent domain(double time, double seconds) {
  HistoryEvent e = event(Type::domain_completed, time);
  e.domain_seconds = seconds;
  return e;
}
HistoryEvent ended(Type type, double time, std::optional<double> overall, std::string version = "2.0") {
  HistoryEvent e = event(type, time, std::move(version), "");
  e.overall_seconds = overall;
  return e;
}

std::vector<PastUpgrade> build(const std::vector<HistoryEvent>& events) {
  std::vector<const HistoryEvent*> pointers;
  for (const HistoryEvent& e : events) pointers.push_back(&e);
  return build_upgrades(pointers);
}

// An upgrade that ended at `end` with domains of these durations, each ending just before.
PastUpgrade upgrade_with_domains(double end, const std::vector<double>& seconds,
                                 UpgradeOutcome outcome = UpgradeOutcome::completed) {
  PastUpgrade upgrade;
  upgrade.from_version = "1.0";
  upgrade.to_version = "2.0";
  upgrade.start = end - 1000;
  upgrade.end = end;
  upgrade.outcome = outcome;
  for (std::size_t i = 0; i < seconds.size(); ++i)
    upgrade.domains.push_back({.end = end - static_cast<double>(seconds.size() - i), .seconds = seconds[i]});
  return upgrade;
}

TEST(History, MedianOfOddAndEvenCounts) {
  EXPECT_FALSE(median({}));
  EXPECT_EQ(median({5}), 5);
  EXPECT_EQ(median({3, 1}), 2);
  EXPECT_EQ(median({3, 100, 2}), 3);
  EXPECT_EQ(median({4, 1, 30, 2}), 3);
}

TEST(History, TypicalDomainNeedsThreeSamples) {
  const ObjectHistory two = summarize_history({upgrade_with_domains(5000, {10, 20})}, 0, kHistoryFromEventStore);
  EXPECT_EQ(two.domain_samples, 2u);
  EXPECT_FALSE(two.typical_domain_seconds);
  const ObjectHistory three = summarize_history({upgrade_with_domains(5000, {10, 20, 90})}, 0, kHistoryFromEventStore);
  EXPECT_EQ(three.domain_samples, 3u);
  EXPECT_EQ(three.typical_domain_seconds, 20);
  const ObjectHistory four =
      summarize_history({upgrade_with_domains(5000, {10, 20}), upgrade_with_domains(6000, {40, 900})}, 0, "x");
  EXPECT_EQ(four.domain_samples, 4u);
  EXPECT_EQ(four.typical_domain_seconds, 30);  // across upgrades, the mean of the middle two
}

TEST(History, SummaryCountsOnlyWhatEndedInTheWindow) {
  std::vector<PastUpgrade> upgrades = {
      upgrade_with_domains(1000, {500, 500, 500}, UpgradeOutcome::completed),  // before the window
      upgrade_with_domains(5000, {10, 20, 30}, UpgradeOutcome::rolled_back),
      upgrade_with_domains(6000, {40}, UpgradeOutcome::completed),
  };
  upgrades.emplace_back().start = 7000;  // running
  const ObjectHistory history = summarize_history(upgrades, 2000, kHistoryFromEventStore);
  EXPECT_EQ(history.completed, 1);
  EXPECT_EQ(history.rolled_back, 1);
  EXPECT_EQ(history.domain_samples, 4u);
  EXPECT_EQ(history.typical_domain_seconds, 25);
  ASSERT_TRUE(history.last_finished);
  EXPECT_EQ(history.last_finished->end, 6000);
  EXPECT_EQ(history.last_finished->outcome, UpgradeOutcome::completed);
  EXPECT_EQ(history.upgrades.size(), 4u);
}

TEST(History, LogDeduplicatesByKindTimeAndInstanceTogether) {
  HistoryLog log;
  EXPECT_TRUE(log.add(event(Type::started, 100)));
  EXPECT_FALSE(log.add(event(Type::started, 100)));         // the same event, read again
  EXPECT_TRUE(log.add(event(Type::started, 160)));          // a re-announcement: same id, another time
  EXPECT_TRUE(log.add(domain(160, 50)));                    // same id and time, another kind
  HistoryEvent other = event(Type::started, 100);
  other.instance_id = "another-id";
  EXPECT_TRUE(log.add(other));
  HistoryEvent cluster = event(Type::started, 100);
  cluster.kind = Kind::cluster;
  cluster.object = "";
  EXPECT_TRUE(log.add(cluster));  // another object
  EXPECT_EQ(log.size(), 5u);
  EXPECT_EQ(log.by_object().size(), 2u);
}

TEST(History, LogPrunesTheWindowAndDropsTheOldestWhenFull) {
  HistoryLog log(3);
  for (double t : {500.0, 100.0, 300.0, 400.0}) log.add(domain(t, 1));
  EXPECT_EQ(log.size(), 3u);
  EXPECT_FALSE(log.add(domain(50, 1)));  // older than all a full log keeps
  std::vector<double> times;
  const auto objects = log.by_object();
  for (const HistoryEvent& e : objects.begin()->second) times.push_back(e.time);
  EXPECT_EQ(times, (std::vector<double>{300, 400, 500}));  // in time order, the oldest (100) dropped
  log.prune(400);
  EXPECT_EQ(log.size(), 2u);
  log.prune(10000);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_FALSE(HistoryLog(0).add(domain(1, 1)));
}

TEST(History, TextPoolInternsEachStringOnce) {
  HistoryTextPool pool;
  const std::uint32_t id = pool.intern("6513270e-269e-0d37-f2a7-4de452e6b438");
  EXPECT_EQ(pool.intern(std::string("6513270e-269e-0d37-f2a7-4de452e6b438")), id);
  const std::uint32_t other = pool.intern("10.0.2226.9590");
  EXPECT_NE(other, id);
  EXPECT_EQ(pool.intern(""), pool.intern(""));
  for (int i = 0; i < 1000; ++i) pool.intern("filler-" + std::to_string(i));  // the early strings stay put
  EXPECT_EQ(pool.text(id), "6513270e-269e-0d37-f2a7-4de452e6b438");
  EXPECT_EQ(pool.text(other), "10.0.2226.9590");
  EXPECT_EQ(pool.size(), 1003u);
  const HistoryTextPool copy = pool;  // a copy looks up in its own strings
  EXPECT_EQ(HistoryTextPool(copy).intern("10.0.2226.9590"), other);
  EXPECT_EQ(copy.size(), pool.size());
}

TEST(History, LogGivesBackEveryFieldItKeeps) {
  HistoryLog log;
  HistoryEvent started = event(Type::started, 100, "2.0", "1.0");
  started.failure_reason = "HealthCheck";  // not kept
  started.upgrade_domains = "(3)";
  log.add(started);
  log.add(domain(150, 42.5));
  log.add(ended(Type::completed, 200, 100.25));
  const auto events = log.by_object().at({Kind::application, "fabric:/shop/orders"});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].instance_id, "one-id-for-the-upgrade");
  EXPECT_EQ(events[0].from_version, "1.0");
  EXPECT_EQ(events[0].to_version, "2.0");
  EXPECT_EQ(events[0].failure_reason, "");
  EXPECT_FALSE(events[0].domain_seconds);
  EXPECT_EQ(events[1].type, Type::domain_completed);
  EXPECT_EQ(events[1].domain_seconds, 42.5);
  EXPECT_EQ(events[2].overall_seconds, 100.25);
  EXPECT_EQ(events[2].from_version, "");
  EXPECT_EQ(log.texts(), 5u);  // the object, the id, "1.0", "2.0" and ""
}

TEST(History, LogDeduplicatesOverlappingReadsOutOfOrder) {
  HistoryLog log;
  std::vector<HistoryEvent> events;
  for (int i = 0; i < 100; ++i) events.push_back(domain(1000 + 10 * i, i));
  std::size_t added = 0;
  for (int i = 0; i < 60; ++i) added += log.add(events[i]);             // first read
  for (int i = 99; i >= 40; --i) added += log.add(events[i]);           // the next overlaps, backwards
  for (int i = 0; i < 100; i += 7) added += log.add(events[i]);         // and again, all held
  EXPECT_EQ(added, 100u);
  EXPECT_EQ(log.size(), 100u);
  std::vector<double> times;
  log.for_each([&](const HistoryEvent& e) { times.push_back(e.time); });
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(times.front(), 1000);
  EXPECT_EQ(times.back(), 1990);
}

TEST(History, LogKeepsTheKeyOrderOfTiesByTheirText) {
  // Same time, object and kind: ordered by EventInstanceId's text, whatever order they were interned in.
  HistoryLog log;
  for (const char* id : {"c", "a", "b"}) {
    HistoryEvent e = event(Type::started, 100);
    e.instance_id = id;
    log.add(e);
  }
  std::string order;
  log.for_each([&](const HistoryEvent& e) { order += e.instance_id; });
  EXPECT_EQ(order, "abc");
}

TEST(History, FullLogDropsTheOldestAndPruningForgetsUnusedTexts) {
  HistoryLog log(1000);
  for (int i = 0; i < 5000; ++i) {
    HistoryEvent e = domain(i, 1);
    e.instance_id = "upgrade-" + std::to_string(i);  // a new string per event
    EXPECT_TRUE(log.add(e));
  }
  EXPECT_EQ(log.size(), 1000u);
  double oldest = -1;
  log.for_each([&](const HistoryEvent& e) { if (oldest < 0) oldest = e.time; });
  EXPECT_EQ(oldest, 4000);  // the newest 1000 kept
  log.prune(4500);
  EXPECT_EQ(log.size(), 500u);
  EXPECT_LE(log.texts(), 2 * 500u + 64 + 4) << "pruning rebuilds a pool that outgrew its events";
  std::vector<std::string> ids;
  log.for_each([&](const HistoryEvent& e) { ids.push_back(e.instance_id); });
  EXPECT_EQ(ids.front(), "upgrade-4500");
  EXPECT_EQ(ids.back(), "upgrade-4999");
  HistoryEvent again = domain(4700, 1);
  again.instance_id = "upgrade-4700";
  EXPECT_FALSE(log.add(again));
}

TEST(History, RepeatedStartedEventsMakeOneUpgrade) {
  const std::vector<PastUpgrade> upgrades = build({event(Type::started, 100), event(Type::started, 102),
                                                   domain(150, 40), event(Type::started, 155), domain(200, 45),
                                                   ended(Type::completed, 260, std::nullopt)});
  ASSERT_EQ(upgrades.size(), 1u);
  EXPECT_EQ(upgrades[0].start, 100);
  EXPECT_EQ(upgrades[0].duration, 160);  // no OverallUpgradeElapsedTimeInMs: end − start
  EXPECT_EQ(upgrades[0].domains.size(), 2u);
  EXPECT_EQ(upgrades[0].domains[1].end, 200);
}

TEST(History, StartedForAnotherTargetBeginsANewUpgrade) {
  const std::vector<PastUpgrade> upgrades =
      build({event(Type::started, 100, "2.0"), domain(150, 40), event(Type::started, 300, "3.0", "1.0"),
             ended(Type::completed, 400, 90, "3.0")});
  ASSERT_EQ(upgrades.size(), 2u);
  EXPECT_EQ(upgrades[0].outcome, UpgradeOutcome::unknown);
  EXPECT_FALSE(upgrades[0].end);
  EXPECT_EQ(upgrades[1].to_version, "3.0");
  EXPECT_EQ(upgrades[1].outcome, UpgradeOutcome::completed);
  EXPECT_EQ(upgrades[1].duration, 90);  // OverallUpgradeElapsedTimeInMs of the end event
  const ObjectHistory history = summarize_history(upgrades, 0, kHistoryFromEventStore);
  EXPECT_EQ(history.completed, 1);
  EXPECT_EQ(history.rolled_back, 0);
}

TEST(History, NeverPairsByVersion) {
  // The rollback's events name 1.0, the version it returns to; the retry goes to 2.0 again.
  const std::vector<PastUpgrade> upgrades =
      build({event(Type::started, 100), domain(150, 40), ended(Type::rollback_started, 200, 100, "1.0"),
             ended(Type::rollback_completed, 260, 160, "1.0"), event(Type::started, 1000), domain(1050, 42)});
  ASSERT_EQ(upgrades.size(), 2u);
  EXPECT_EQ(upgrades[0].to_version, "2.0");
  EXPECT_EQ(upgrades[0].outcome, UpgradeOutcome::rolled_back);
  EXPECT_EQ(upgrades[0].end, 260);
  EXPECT_EQ(upgrades[1].outcome, UpgradeOutcome::running);
  EXPECT_FALSE(upgrades[1].end);
  EXPECT_FALSE(upgrades[1].duration);
  EXPECT_EQ(upgrades[1].start, 1000);
}

TEST(History, EventsBeforeAnyStartedMakeAnUpgradeWithoutAStart) {
  const std::vector<PastUpgrade> upgrades = build({domain(150, 40), ended(Type::completed, 200, 300)});
  ASSERT_EQ(upgrades.size(), 1u);
  EXPECT_FALSE(upgrades[0].start);
  EXPECT_EQ(upgrades[0].to_version, "2.0");
  EXPECT_EQ(upgrades[0].duration, 300);
  const std::vector<PastUpgrade> rollback_only = build({ended(Type::rollback_completed, 200, std::nullopt, "1.0")});
  ASSERT_EQ(rollback_only.size(), 1u);
  EXPECT_EQ(rollback_only[0].to_version, "");  // a rollback's version is where it returned to
  EXPECT_FALSE(rollback_only[0].duration);
}

TEST(History, DomainsPerUpgradeAreBounded) {
  std::vector<HistoryEvent> events = {event(Type::started, 0)};
  for (std::size_t i = 0; i < kMaxDomainsPerUpgrade + 50; ++i) events.push_back(domain(1.0 + static_cast<double>(i), 1));
  EXPECT_EQ(build(events)[0].domains.size(), kMaxDomainsPerUpgrade);
}

// A read of an application upgrade, as the sources make it.
Upgrade read(Phase phase, std::string domain, std::string target = "2.0", std::optional<double> start = 1000) {
  Upgrade u;
  u.phase = phase;
  u.current_domain = std::move(domain);
  u.start_time = start;
  u.info.emplace_back("target_version", std::move(target));
  return u;
}

TEST(History, ObservedRecorderLearnsTheDomainsItWatched) {
  ObservedHistory observed;
  observed.observe(read(Phase::completed, "", "1.0"), 900);
  observed.observe(read(Phase::rolling_forward, "UD0"), 1010);  // under way already: not a sample
  observed.observe(read(Phase::rolling_forward, "UD0"), 1040);
  observed.observe(read(Phase::rolling_forward, "UD1"), 1070);
  observed.observe(read(Phase::rolling_forward, "UD2"), 1140);  // UD1: 70 s
  observed.observe(read(Phase::rolling_forward, ""), 1200);     // UD2: 60 s
  observed.observe(read(Phase::rolling_forward, "UD3"), 1210);
  Upgrade done = read(Phase::completed, "");
  done.duration = 290;
  observed.observe(done, 1300);  // UD3: 90 s
  const ObjectHistory history = observed.history(0);
  EXPECT_EQ(history.source, "observed");
  ASSERT_EQ(history.upgrades.size(), 1u);
  const PastUpgrade& upgrade = history.upgrades[0];
  EXPECT_EQ(upgrade.outcome, UpgradeOutcome::completed);
  EXPECT_EQ(upgrade.from_version, "1.0");
  EXPECT_EQ(upgrade.to_version, "2.0");
  EXPECT_EQ(upgrade.start, 1000);  // the upstream's start time
  EXPECT_EQ(upgrade.end, 1300);
  EXPECT_EQ(upgrade.duration, 290);
  std::vector<double> seconds;
  for (const CompletedDomain& d : upgrade.domains) seconds.push_back(d.seconds);
  EXPECT_EQ(seconds, (std::vector<double>{70, 60, 90}));
  EXPECT_EQ(history.domain_samples, 3u);
  EXPECT_EQ(history.typical_domain_seconds, 70);
  EXPECT_EQ(history.completed, 1);
  ASSERT_TRUE(history.last_finished);
  EXPECT_EQ(history.last_finished->to_version, "2.0");
}

TEST(History, ObservedRecorderSeesRollbacksAndNewTargets) {
  ObservedHistory observed;
  observed.observe(read(Phase::rolling_forward, "UD0", "2.0", 1000), 1010);
  observed.observe(read(Phase::rolling_forward, "UD0", "3.0", 2000), 2010);  // another upgrade began meanwhile
  observed.observe(read(Phase::rolling_forward, "UD1", "3.0", 2000), 2050);
  observed.observe(read(Phase::rolling_back, "UD0", "3.0", 2000), 2100);  // UD1 rolled back: no sample
  observed.observe(read(Phase::rolled_back, "", "3.0", 2000), 2200);
  observed.observe(read(Phase::idle, ""), 2300);  // nothing under way: nothing learnt
  const ObjectHistory history = observed.history(0);
  ASSERT_EQ(history.upgrades.size(), 2u);
  EXPECT_EQ(history.upgrades[0].outcome, UpgradeOutcome::unknown);
  EXPECT_EQ(history.upgrades[0].to_version, "2.0");
  EXPECT_EQ(history.upgrades[1].outcome, UpgradeOutcome::rolled_back);
  EXPECT_TRUE(history.upgrades[1].rollback_started);
  EXPECT_EQ(history.upgrades[1].duration, 200);  // no duration read: end − start
  EXPECT_EQ(history.rolled_back, 1);
  EXPECT_EQ(history.domain_samples, 0u);
  observed.prune(2201);
  EXPECT_TRUE(observed.history(0).upgrades.empty());
}

TEST(History, ObservedRecorderIsBounded) {
  ObservedHistory observed;
  for (std::size_t i = 0; i < kMaxObservedUpgrades + 10; ++i) {
    const double t = 1000.0 * static_cast<double>(i + 1);
    observed.observe(read(Phase::rolling_forward, "UD0", "v" + std::to_string(i), t), t);
    observed.observe(read(Phase::completed, "", "v" + std::to_string(i), t), t + 500);
  }
  const ObjectHistory history = observed.history(0);
  EXPECT_EQ(history.upgrades.size(), kMaxObservedUpgrades);
  EXPECT_EQ(history.upgrades.front().to_version, "v10");
}

// An upgrade rolling forward: 2 domains done, 1 under way for `in_domain` seconds, 2 pending.
Upgrade rolling(std::optional<double> in_domain) {
  Upgrade u = read(Phase::rolling_forward, "UD2");
  u.domains = DomainCounts{2, 1, 2, 0};  // Pending, InProgress, Completed, Failed
  u.domain_duration = in_domain;
  u.duration = 500;
  u.progress_ratio = 0.4;
  return u;
}

TEST(History, ForecastFromTheTypicalDomain) {
  const ObjectHistory history = summarize_history({upgrade_with_domains(500, {90, 100, 110})}, 0, kHistoryObserved);
  const std::optional<Forecast> early = forecast_completion(rolling(30), &history, 10000);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->method, ForecastMethod::typical_domain);
  EXPECT_EQ(forecast_method_name(early->method), "typical_domain");
  EXPECT_EQ(early->completion, 10000 + 2 * 100 + 70);
  // A current domain already past the typical time adds nothing of its own.
  EXPECT_EQ(forecast_completion(rolling(150), &history, 10000)->completion, 10000 + 200);
  EXPECT_EQ(forecast_completion(rolling(std::nullopt), &history, 10000)->completion, 10000 + 300);
}

TEST(History, ForecastFallsBackToLinear) {
  const ObjectHistory sparse = summarize_history({upgrade_with_domains(500, {90, 100})}, 0, kHistoryObserved);
  const std::optional<Forecast> linear = forecast_completion(rolling(30), &sparse, 10000);
  ASSERT_TRUE(linear);
  EXPECT_EQ(linear->method, ForecastMethod::linear);
  EXPECT_EQ(forecast_method_name(linear->method), "linear");
  EXPECT_EQ(linear->completion, 1000 + 500 / 0.4);  // start + elapsed ÷ progress
  EXPECT_EQ(forecast_completion(rolling(30), nullptr, 10000)->method, ForecastMethod::linear);
  const ObjectHistory rich = summarize_history({upgrade_with_domains(500, {90, 100, 110})}, 0, kHistoryObserved);
  Upgrade back = rolling(30);
  back.phase = Phase::rolling_back;
  EXPECT_EQ(forecast_completion(back, &rich, 10000)->method, ForecastMethod::linear);
  Upgrade no_counts = rolling(30);
  no_counts.domains.reset();
  EXPECT_EQ(forecast_completion(no_counts, &rich, 10000)->method, ForecastMethod::linear);
  Upgrade settled = rolling(30);
  settled.phase = Phase::completed;
  EXPECT_FALSE(forecast_completion(settled, &rich, 10000));
}

TEST(History, NamesAreStable) {
  EXPECT_EQ(upgrade_outcome_name(UpgradeOutcome::rolled_back), "rolled_back");
  EXPECT_EQ(upgrade_outcome_name(UpgradeOutcome::running), "running");
  EXPECT_EQ(history_event_type_name(Type::rollback_completed), "UpgradeRollbackCompleted");
  EXPECT_EQ(kHistoryFromEventStore, "event_store");
}

}  // namespace
}  // namespace ue
