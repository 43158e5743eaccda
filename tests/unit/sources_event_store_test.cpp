// The EventStore's upgrade events: real-shaped bodies (one cluster upgrade
// that re-announces itself four times among health reports; an application
// upgrade that times out, rolls back and is retried), other kinds ignored,
// hostile elements rejected as schema errors naming the field.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time_formats.h"
#include "model/history.h"
#include "sources/event_store.h"
#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;

const std::string kClusterEvents = "service_fabric/events_cluster_upgrade.json";
const std::string kApplicationEvents = "service_fabric/events_application_rollback_then_retry.json";

double at(const char* text) { return *parse_utc_timestamp(text); }

// One event element from JSON text.
std::optional<HistoryEvent> parse_one(const std::string& text) { return parse_history_event(Json::parse(text)); }

std::string schema_message(const std::string& text) {
  const SourceError e = test::source_error([&] { parse_one(text); });
  EXPECT_EQ(e.reason, Reason::schema) << text;
  return e.message;
}

// A valid ClusterUpgradeDomainCompleted with `field` set to `value` (JSON text).
std::string domain_event_with(const std::string& field, const std::string& value) {
  Json event = Json::parse(R"json({"Kind":"ClusterUpgradeDomainCompleted","TargetClusterVersion":"10.0.1816.9590",
      "UpgradeState":"RollingForwardInProgress","UpgradeDomains":"(3)","UpgradeDomainElapsedTimeInMs":140.4,
      "EventInstanceId":"6513270e-269e-0d37-f2a7-4de452e6b438","TimeStamp":"2026-11-28T17:03:11.1404007Z",
      "Category":"Upgrade","HasCorrelatedEvents":false})json");
  event[field] = Json::parse(value);
  return event.dump();
}

std::vector<const HistoryEvent*> pointers(const std::vector<HistoryEvent>& events) {
  std::vector<const HistoryEvent*> out;
  for (const HistoryEvent& event : events) out.push_back(&event);
  return out;
}

TEST(EventStore, ClusterUpgradeKeepsItsTenEventsAndIgnoresHealthReports) {
  const std::vector<HistoryEvent> events = parse_history_events(payload(kClusterEvents));
  ASSERT_EQ(events.size(), 10u);  // 26 in the body: 16 are ClusterNewHealthReport
  int started = 0;
  for (const HistoryEvent& event : events) {
    EXPECT_EQ(event.kind, Kind::cluster);
    EXPECT_EQ(event.object, "");
    EXPECT_EQ(event.instance_id, "6513270e-269e-0d37-f2a7-4de452e6b438");  // one id for the whole upgrade
    started += event.type == HistoryEventType::started;
  }
  EXPECT_EQ(started, 4);
  const HistoryEvent& first = events.front();
  EXPECT_EQ(first.from_version, "9.1.1436.9590");
  EXPECT_EQ(first.to_version, "10.0.1816.9590");
  EXPECT_DOUBLE_EQ(first.time, at("2026-11-28T17:01:51Z"));
  EXPECT_EQ(events[3].type, HistoryEventType::domain_completed);
  EXPECT_EQ(events[3].upgrade_domains, "(0)");
  EXPECT_NEAR(*events[3].domain_seconds, 0.1404, 1e-9);
  EXPECT_FALSE(events[3].overall_seconds);
}

TEST(EventStore, ClusterUpgradeIsOneCompletedUpgradeWithItsDomainsInOrder) {
  const std::vector<HistoryEvent> events = parse_history_events(payload(kClusterEvents));
  const std::vector<PastUpgrade> upgrades = build_upgrades(pointers(events));
  ASSERT_EQ(upgrades.size(), 1u);  // four Started, one upgrade
  const PastUpgrade& upgrade = upgrades[0];
  EXPECT_EQ(upgrade.outcome, UpgradeOutcome::completed);
  EXPECT_EQ(upgrade.from_version, "9.1.1436.9590");
  EXPECT_EQ(upgrade.to_version, "10.0.1816.9590");
  EXPECT_DOUBLE_EQ(*upgrade.start, at("2026-11-28T17:01:51Z"));
  EXPECT_EQ(upgrade.end, events.back().time);
  EXPECT_NEAR(*upgrade.duration, *upgrade.end - *upgrade.start, 0.01);  // OverallUpgradeElapsedTimeInMs
  const std::vector<double> expected = {0.1404, 961.4032, 15.2117, 310.067, 455.9329};
  ASSERT_EQ(upgrade.domains.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(upgrade.domains[i].seconds, expected[i], 1e-9) << i;
  const ObjectHistory history = summarize_history(upgrades, *upgrade.start, kHistoryFromEventStore);
  EXPECT_EQ(history.completed, 1);
  EXPECT_EQ(history.domain_samples, 5u);
  EXPECT_DOUBLE_EQ(*history.typical_domain_seconds, 310.067);  // the median, untouched by 0.14 s and 961 s
}

TEST(EventStore, ApplicationRollbackThenRetryIsTwoUpgradesOfOneObject) {
  HistoryLog log;
  for (HistoryEvent& event : parse_history_events(payload(kApplicationEvents))) log.add(std::move(event));
  const auto histories = histories_from_log(log, at("2026-11-26T00:00:00Z"));
  ASSERT_EQ(histories.size(), 2u);
  const ObjectHistory& orders = histories.at({Kind::application, "fabric:/shop/orders"});
  EXPECT_EQ(orders.source, "event_store");
  ASSERT_EQ(orders.upgrades.size(), 2u);
  const PastUpgrade& timed_out = orders.upgrades[0];
  EXPECT_EQ(timed_out.outcome, UpgradeOutcome::rolled_back);
  EXPECT_TRUE(timed_out.rollback_started);
  // The rollback's events name 1.4.0, the version it returns to: the upgrade still went 1.4.0 → 1.5.0.
  EXPECT_EQ(timed_out.from_version, "1.4.0");
  EXPECT_EQ(timed_out.to_version, "1.5.0");
  EXPECT_NEAR(*timed_out.duration, 1980.1188, 1e-9);
  ASSERT_EQ(timed_out.domains.size(), 3u);
  EXPECT_TRUE(timed_out.domains[2].rolling_back);
  const PastUpgrade& retry = orders.upgrades[1];
  EXPECT_EQ(retry.outcome, UpgradeOutcome::completed);
  EXPECT_EQ(retry.to_version, "1.5.0");
  EXPECT_NEAR(*retry.duration, 140.0924, 1e-9);
  EXPECT_EQ(orders.completed, 1);
  EXPECT_EQ(orders.rolled_back, 1);
  ASSERT_TRUE(orders.last_finished);
  EXPECT_EQ(orders.last_finished->outcome, UpgradeOutcome::completed);
  EXPECT_EQ(orders.last_finished->end, retry.end);
  // Five domains rolled forward (the one rolled back is no sample): median 40.21 s.
  EXPECT_EQ(orders.domain_samples, 5u);
  EXPECT_DOUBLE_EQ(*orders.typical_domain_seconds, 40.2100);
  const ObjectHistory& billing = histories.at({Kind::application, "fabric:/shop/billing"});
  EXPECT_EQ(billing.completed, 1);
  EXPECT_EQ(billing.domain_samples, 1u);
  EXPECT_FALSE(billing.typical_domain_seconds);  // under three samples
}

TEST(EventStore, OverlappingReadsAddEachEventOnce) {
  const std::vector<HistoryEvent> events = parse_history_events(payload(kClusterEvents));
  HistoryLog log;
  int added = 0;
  for (std::size_t i = 0; i < 7; ++i) added += log.add(events[i]);          // first read
  for (std::size_t i = 4; i < events.size(); ++i) added += log.add(events[i]);  // the next overlaps by three
  EXPECT_EQ(added, 10);
  EXPECT_EQ(log.size(), 10u);
  const auto histories = histories_from_log(log, 0);
  ASSERT_EQ(histories.size(), 1u);
  EXPECT_EQ(histories.begin()->second.upgrades.size(), 1u);
  EXPECT_EQ(histories.begin()->second.domain_samples, 5u);
}

TEST(EventStore, OtherKindsAreIgnored) {
  for (const char* text : {
           R"({"Kind":"ClusterNewHealthReport","TimeStamp":"2026-11-28T17:01:56Z","EventInstanceId":"x"})",
           R"({"Kind":"NodeUp","TimeStamp":{"not":"read"},"NodeInstance":7})",
           R"({"Kind":"ApplicationProcessExited","ApplicationId":42})",
           R"({"Kind":"clusterupgradestarted","TimeStamp":"2026-11-28T17:01:56Z"})",
           R"({"TimeStamp":"2026-11-28T17:01:56Z"})",
           R"({"Kind":null})",
           R"({})",
       })
    EXPECT_FALSE(parse_one(text)) << text;
}

TEST(EventStore, ReadsTimestampsWithOrWithoutFractions) {
  EXPECT_DOUBLE_EQ(parse_one(domain_event_with("TimeStamp", R"("2026-11-28T17:03:11Z")"))->time,
                   at("2026-11-28T17:03:11Z"));
  EXPECT_NEAR(parse_one(domain_event_with("TimeStamp", R"("2026-11-28T17:03:11.1234567Z")"))->time,
              at("2026-11-28T17:03:11Z") + 0.1234567, 1e-6);
  EXPECT_DOUBLE_EQ(parse_one(domain_event_with("TimeStamp", R"("2026-11-28T18:03:11+01:00")"))->time,
                   at("2026-11-28T17:03:11Z"));
}

TEST(EventStore, ReadsLenientlyWhatOnlyFixturesShow) {
  EXPECT_NEAR(*parse_one(domain_event_with("UpgradeDomainElapsedTimeInMs", R"("961403.2")"))->domain_seconds, 961.4032,
              1e-9);
  EXPECT_EQ(parse_one(domain_event_with("UpgradeDomains", R"(["UD1","UD2"])"))->upgrade_domains, "UD1, UD2");
  EXPECT_EQ(parse_one(domain_event_with("TargetClusterVersion", "10"))->to_version, "10");
  EXPECT_EQ(parse_one(domain_event_with("FailureReason", R"("None")"))->failure_reason, "");
  EXPECT_EQ(parse_one(domain_event_with("FailureReason", R"("HealthCheck")"))->failure_reason, "HealthCheck");
  EXPECT_EQ(parse_one(domain_event_with("EventInstanceId", "null"))->instance_id, "");
  EXPECT_FALSE(parse_one(domain_event_with("UpgradeDomainElapsedTimeInMs", "null"))->domain_seconds);
}

TEST(EventStore, HostileTypesAreSchemaErrorsNamingTheField) {
  EXPECT_EQ(schema_message(domain_event_with("Kind", "7")), "Kind: expected a string");
  EXPECT_EQ(schema_message(domain_event_with("TargetClusterVersion", R"({"a":1})")),
            "TargetClusterVersion: expected a string");
  EXPECT_EQ(schema_message(domain_event_with("EventInstanceId", "[1]")), "EventInstanceId: expected a string");
  EXPECT_EQ(schema_message(domain_event_with("UpgradeDomainElapsedTimeInMs", "true")).find("UpgradeDomainElapsedTimeInMs"),
            0u);
  EXPECT_EQ(schema_message(domain_event_with("UpgradeDomains", "[1]")),
            "UpgradeDomains: expected a string or an array of strings");
  EXPECT_EQ(schema_message(domain_event_with("FailureReason", "false")), "FailureReason: expected a string");
  EXPECT_SOURCE_ERROR(parse_one("42"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_one("[]"), Reason::schema);
}

TEST(EventStore, HostileDurationsAreSchemaErrors) {
  for (const char* value : {"-5", R"("-5")", R"("NaN")", R"("inf")", "1e300", R"("1e300")", "3.2e10", R"("soon")"})
    EXPECT_EQ(schema_message(domain_event_with("UpgradeDomainElapsedTimeInMs", value)).find("UpgradeDomainElapsedTimeInMs"),
              0u)
        << value;
  EXPECT_EQ(schema_message(domain_event_with("OverallUpgradeElapsedTimeInMs", "-0.5")).find("OverallUpgradeElapsedTimeInMs"),
            0u);
  // A year of milliseconds is still a (long) upgrade.
  EXPECT_TRUE(parse_one(domain_event_with("OverallUpgradeElapsedTimeInMs", "31536000000")));
}

TEST(EventStore, MissingOrAbsurdTimestampsAreSchemaErrors) {
  for (const char* value : {"null", R"("0001-01-01T00:00:00Z")", R"("1970-01-01T00:00:00Z")", R"("1999-12-31T23:59:59Z")",
                            R"("2200-01-01T00:00:00Z")", R"("9999-12-31T23:59:59.9999999Z")", R"("2026-11-28T17:03:11")",
                            R"("2026-13-28T17:03:11Z")", R"("yesterday")", R"("")"})
    EXPECT_EQ(schema_message(domain_event_with("TimeStamp", value)), "TimeStamp: expected a UTC timestamp") << value;
  EXPECT_EQ(schema_message(domain_event_with("TimeStamp", "1796000000")), "TimeStamp: expected a string");
  Json event = Json::parse(domain_event_with("Kind", R"("ClusterUpgradeCompleted")"));
  event.erase("TimeStamp");
  EXPECT_EQ(schema_message(event.dump()), "TimeStamp: expected a UTC timestamp");
}

TEST(EventStore, HugeStringsAreSchemaErrors) {
  const std::string longest(kMaxEventTextBytes, '9');
  EXPECT_EQ(parse_one(domain_event_with("TargetClusterVersion", Json(longest).dump()))->to_version, longest);
  EXPECT_EQ(schema_message(domain_event_with("TargetClusterVersion", Json(longest + "9").dump())),
            "TargetClusterVersion: expected at most 256 bytes");
  EXPECT_EQ(schema_message(domain_event_with("EventInstanceId", Json(std::string(100000, 'e')).dump())),
            "EventInstanceId: expected at most 256 bytes");
  EXPECT_EQ(schema_message(domain_event_with("UpgradeDomains", Json(std::string(5000, '(')).dump())),
            "UpgradeDomains: expected at most 1024 bytes");
  EXPECT_EQ(schema_message(domain_event_with("UpgradeDomains", Json(std::vector<std::string>(500, "UD12")).dump())),
            "UpgradeDomains: expected at most 1024 bytes");
}

TEST(EventStore, ApplicationEventsNameTheirApplication) {
  const std::string started = R"({"Kind":"ApplicationUpgradeStarted","ApplicationTypeName":"OrdersType",
      "CurrentApplicationTypeVersion":"1.4.0","ApplicationTypeVersion":"1.5.0","TimeStamp":"2026-11-26T09:00:00Z")";
  const std::optional<HistoryEvent> event = parse_one(started + R"(,"ApplicationId":"shop~orders"})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, Kind::application);
  EXPECT_EQ(event->object, "fabric:/shop/orders");
  EXPECT_EQ(event->from_version, "1.4.0");
  EXPECT_EQ(event->to_version, "1.5.0");
  EXPECT_EQ(schema_message(started + "}"), "ApplicationId: expected an application id");
  EXPECT_EQ(schema_message(started + R"(,"ApplicationId":""})"), "ApplicationId: expected an application id");
  EXPECT_EQ(schema_message(started + R"(,"ApplicationId":["shop"]})"), "ApplicationId: expected a string");
  EXPECT_EQ(schema_message(started + R"(,"ApplicationId":")" + std::string(2000, 'a') + R"("})"),
            "ApplicationId: expected at most 1024 bytes");
}

TEST(EventStore, ApplicationNamesMatchTheApplicationsListing) {
  EXPECT_EQ(application_name_from_id("shop~orders"), "fabric:/shop/orders");
  EXPECT_EQ(application_name_from_id("a~b~c"), "fabric:/a/b/c");
  EXPECT_EQ(application_name_from_id("solo"), "fabric:/solo");
  EXPECT_EQ(application_name_from_id("fabric:/shop/orders"), "fabric:/shop/orders");
  EXPECT_EQ(application_name_from_id("fabric:"), "fabric:/fabric:");  // found by fuzz_event_store
  for (const char* name : {"fabric:/shop/orders", "fabric:/a/b/c", "fabric:/solo"})
    EXPECT_EQ(application_name_from_id(application_id_from_name(name)), name);
}

TEST(EventStore, WholeBodiesFailAsTheirFirstBadElement) {
  EXPECT_SOURCE_ERROR(parse_history_events("{}"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_history_events("[1e400]"), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_history_events("[{\"Kind\":\"ClusterUpgradeStarted\""), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_history_events(payload("service_fabric/hostile_events.json")), Reason::schema);
  EXPECT_TRUE(parse_history_events("[]").empty());
}

TEST(EventStore, PathsAskForTheUpgradeKindsOverTheWindow) {
  const double start = at("2026-11-28T17:01:51.750Z");
  EXPECT_EQ(cluster_events_path(start, start + 3600),
            "/EventsStore/Cluster/Events?api-version=6.4&StartTimeUtc=2026-11-28T17:01:51Z&EndTimeUtc=2026-11-28T18:01:51Z"
            "&EventsTypesFilter=ClusterUpgradeStarted,ClusterUpgradeDomainCompleted,ClusterUpgradeCompleted,"
            "ClusterUpgradeRollbackStarted,ClusterUpgradeRollbackCompleted");
  EXPECT_EQ(application_events_path(start, start + 60),
            "/EventsStore/Applications/Events?api-version=6.4&StartTimeUtc=2026-11-28T17:01:51Z"
            "&EndTimeUtc=2026-11-28T17:02:51Z&EventsTypesFilter=ApplicationUpgradeStarted,"
            "ApplicationUpgradeDomainCompleted,ApplicationUpgradeCompleted,ApplicationUpgradeRollbackStarted,"
            "ApplicationUpgradeRollbackCompleted");
}

TEST(EventStore, TheReadHasItsOwnBodyLimitAtLeast256MiB) {
  // 50 000 events are ~17 MiB, over the 16 MiB default of max_response_bytes; the read streams.
  EXPECT_EQ(history_body_limit(16ull << 20), 256ull << 20);
  EXPECT_EQ(history_body_limit(1ull << 30), 1ull << 30);  // a larger max_response_bytes still counts
  EXPECT_LT(kMaxHistoryElementBytes, 16ull << 20) << "one event stays small";
}

}  // namespace
}  // namespace ue
