// The listed kinds: applications, application resources and compose
// deployments. Listing pages, request paths, Id derivation, every model field
// of the reference payloads, phase tables and hostile bodies.
#include <gtest/gtest.h>

#include <string>

#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;
using Info = decltype(Upgrade::info);

std::string sf(const std::string& file) { return payload("service_fabric/" + file); }

const Listing& listing(Kind kind) {
  const Listing* found = source_for(kind).listing;
  if (!found) throw std::runtime_error("kind has no listing");
  return *found;
}

struct PhaseCase {
  const char* state;
  Phase phase;
};

void expect_phases(Upgrade (*parse)(std::string_view), std::initializer_list<PhaseCase> cases) {
  for (const PhaseCase& c : cases) {
    const Upgrade up = parse(std::string(R"({"UpgradeState": ")") + c.state + "\"}");
    EXPECT_EQ(up.state, c.state);
    EXPECT_EQ(phase_name(up.phase), phase_name(c.phase)) << c.state;
  }
}

// ================= applications =================

TEST(SourcesApplications, NeverUpgradedIsCompleted) {
  const Upgrade up = parse_application_upgrade(sf("application_never_upgraded.json"));
  EXPECT_EQ(up.state, "RollingForwardCompleted");
  EXPECT_EQ(up.phase, Phase::completed);
  EXPECT_FALSE(in_progress(up.phase));
  EXPECT_EQ(up.progress_ratio, 1.0);
  EXPECT_EQ(up.domains, (DomainCounts{0, 0, 0, 0}));
  EXPECT_EQ(up.current_domain, "");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 0, 0}));
  EXPECT_EQ(up.pending_safety_checks, 0.0);
  EXPECT_FALSE(up.start_time);
  EXPECT_FALSE(up.failure_time);
  EXPECT_EQ(up.duration, 0.0);
  EXPECT_EQ(up.domain_duration, 0.0);
  EXPECT_EQ(up.unhealthy_evaluations, 0.0);
  EXPECT_FALSE(up.timeout);
  EXPECT_FALSE(up.domain_timeout);
  EXPECT_EQ(up.health_check_phase, "");
  EXPECT_FALSE(up.health_check_elapsed);
  EXPECT_FALSE(up.health_check_retry_flips);
  EXPECT_EQ(up.info, (Info{{"target_version", "33.0.0"},
                           {"rolling_upgrade_mode", "Invalid"},
                           {"type_name", "VisualObjectsApplicationType"}}));
}

TEST(SourcesApplications, InProgressFromSfx) {
  const Upgrade up = parse_application_upgrade(sf("application_in_progress.json"));
  EXPECT_EQ(up.state, "RollingForwardInProgress");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_EQ(up.domains, (DomainCounts{2, 1, 0, 0}));
  EXPECT_EQ(up.progress_ratio, 0.0);
  EXPECT_EQ(up.current_domain, "0");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 0, 0}));
  EXPECT_EQ(up.pending_safety_checks, 0.0);
  EXPECT_DOUBLE_EQ(*up.start_time, 1628110949.882);
  EXPECT_FALSE(up.failure_time);
  EXPECT_DOUBLE_EQ(*up.duration, 0.0816586);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 0.0816586);
  EXPECT_EQ(up.unhealthy_evaluations, 0.0);
  EXPECT_FALSE(up.timeout);
  EXPECT_EQ(up.info, (Info{{"target_version", "21.0.0"},
                           {"rolling_upgrade_mode", "Monitored"},
                           {"type_name", "VisualObjectsApplicationType"}}));
}

TEST(SourcesApplications, FailedHealthCheck) {
  const Upgrade up = parse_application_upgrade(sf("application_failed_health_check.json"));
  EXPECT_EQ(up.state, "Failed");
  EXPECT_EQ(up.phase, Phase::failed);
  EXPECT_EQ(up.domains, (DomainCounts{1, 1, 1, 0}));  // UpgradeDomains, not the units list
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 1.0 / 3.0);
  EXPECT_EQ(up.current_domain, "");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 0, 0}));
  EXPECT_DOUBLE_EQ(*up.start_time, 1676365200);
  EXPECT_DOUBLE_EQ(*up.failure_time, 1676366265.125);
  EXPECT_DOUBLE_EQ(*up.duration, 1065.125);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 422);
  EXPECT_EQ(up.unhealthy_evaluations, 2.0);  // top-level entries; nested ones are details
  EXPECT_EQ(up.timeout, 14400.0);
  EXPECT_EQ(up.domain_timeout, 3600.0);
  EXPECT_EQ(up.health_check_phase, "");  // "Invalid" is not a phase worth exporting
  EXPECT_EQ(up.health_check_elapsed, 300.0);
  EXPECT_EQ(up.health_check_retry_flips, 3.0);
  EXPECT_EQ(up.info, (Info{{"target_version", "4.2.0"},
                           {"rolling_upgrade_mode", "Monitored"},
                           {"failure_reason", "HealthCheck"},
                           {"type_name", "CheckoutType"}, {"failure_action", "Manual"}}));
}

TEST(SourcesApplications, RollingBackWithMillisecondTimeouts) {
  const Upgrade up = parse_application_upgrade(sf("application_rolling_back.json"));
  EXPECT_EQ(up.state, "RollingBackInProgress");
  EXPECT_EQ(up.phase, Phase::rolling_back);
  EXPECT_TRUE(in_progress(up.phase));
  EXPECT_EQ(up.domains, (DomainCounts{0, 1, 3, 0}));
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 0.75);
  EXPECT_EQ(up.current_domain, "1");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{1, 1, 0}));
  EXPECT_EQ(up.pending_safety_checks, 1.0);
  EXPECT_DOUBLE_EQ(*up.start_time, 1730775845.6);
  EXPECT_DOUBLE_EQ(*up.failure_time, 1730776800);
  EXPECT_DOUBLE_EQ(*up.duration, 1440);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 90);
  EXPECT_EQ(up.unhealthy_evaluations, 0.0);
  EXPECT_EQ(up.timeout, 3600.0);         // "3600000" ms
  EXPECT_EQ(up.domain_timeout, 1200.0);  // 1200000 ms as a JSON number
  EXPECT_EQ(up.info, (Info{{"target_version", "1.9.0"},
                           {"rolling_upgrade_mode", "UnmonitoredAuto"},
                           {"failure_reason", "UpgradeDomainTimeout"},
                           {"type_name", "CartType"}, {"failure_action", "Rollback"}}));
}

TEST(SourcesApplications, MapsEveryStateToItsPhase) {
  expect_phases(parse_application_upgrade, {{"Invalid", Phase::idle},
                                            {"RollingBackInProgress", Phase::rolling_back},
                                            {"RollingBackCompleted", Phase::rolled_back},
                                            {"RollingForwardPending", Phase::rolling_forward},
                                            {"RollingForwardInProgress", Phase::rolling_forward},
                                            {"RollingForwardCompleted", Phase::completed},
                                            {"Failed", Phase::failed},
                                            {"RollingBackSomehow", Phase::rolling_back},
                                            {"Paused", Phase::idle}});
}

TEST(SourcesApplications, InfoFieldsOfTheWrongTypeAreSchemaErrors) {
  EXPECT_SOURCE_ERROR(parse_application_upgrade(R"({"UpgradeState": "Failed", "TypeName": ["x"]})"), Reason::schema);
}

TEST(SourcesApplications, ListingPageFromTheDocs) {
  const ListPage page = parse_applications_page(sf("applications_list_page.json"));
  EXPECT_EQ(page.continuation_token, "fabric:/samples/PQueueApp1");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].name, "fabric:/samples/CalculatorApp");
  EXPECT_EQ(page.items[0].path_segment, "samples~CalculatorApp");
  EXPECT_EQ(page.items[0].status, "Ready");
  EXPECT_EQ(page.items[1].name, "fabric:/samples/PQueueApp1");
  EXPECT_EQ(page.items[1].path_segment, "samples~PQueueApp1");
  EXPECT_EQ(page.items[1].status, "Ready");
}

TEST(SourcesApplications, LastPageHasNoToken) {
  EXPECT_EQ(parse_applications_page(R"({"ContinuationToken": "", "Items": []})").continuation_token, "");
  EXPECT_EQ(parse_applications_page(R"({"Items": []})").continuation_token, "");
  EXPECT_EQ(parse_applications_page(R"({"ContinuationToken": null, "Items": []})").continuation_token, "");
}

// Items are read while the page streams through the parser; what the DOM
// would have said must still hold.
TEST(SourcesApplications, StreamedItemsKeepTheDomRules) {
  auto names = [](const ListPage& page) {
    std::vector<std::string> out;
    for (const auto& item : page.items) out.push_back(item.name);
    return out;
  };
  using Names = std::vector<std::string>;
  // Entries that are not objects are skipped, nested arrays and objects included.
  EXPECT_EQ(names(parse_applications_page(
                R"({"Items": [1, "x", null, [{"Name": "fabric:/no"}], {"Name": "fabric:/a", "P": [{"Name": "fabric:/no"}]}]})")),
            (Names{"fabric:/a"}));
  // The token may come after the items; "Items" wins over "items" in either order.
  const ListPage page = parse_applications_page(
      R"({"items": [{"Name": "fabric:/lower"}], "Items": [{"Name": "fabric:/upper"}], "ContinuationToken": "t"})");
  EXPECT_EQ(names(page), (Names{"fabric:/upper"}));
  EXPECT_EQ(page.continuation_token, "t");
  EXPECT_EQ(names(parse_applications_page(R"({"Items": null, "items": [{"Name": "fabric:/lower"}]})")),
            (Names{"fabric:/lower"}));
  // Objects named Items deeper down are not the listing.
  EXPECT_EQ(names(parse_applications_page(R"({"X": {"Items": [{"Name": "fabric:/no"}]}, "Items": []})")), Names{});
  EXPECT_SOURCE_ERROR(parse_applications_page(R"({"Items": {"a": {"Name": "fabric:/no"}}})"), Reason::schema);
}

TEST(SourcesApplications, DerivesIdsFromNames) {
  const std::pair<const char*, const char*> cases[] = {
      {"fabric:/samples/CalculatorApp", "samples~CalculatorApp"},
      {"fabric:/myapp/app1", "myapp~app1"},
      {"fabric:/a/b/c", "a~b~c"},
      {"fabric:/VisualObjects", "VisualObjects"},
      {"/x/y", "x~y"},
      {"plain", "plain"},
  };
  for (const auto& [name, id] : cases) EXPECT_EQ(application_id_from_name(name), id) << name;
}

TEST(SourcesApplications, HostileNamesAreKeptVerbatimAndSentSafely) {
  const ListPage page = parse_applications_page(sf("hostile_names.json"));
  EXPECT_EQ(page.continuation_token, "fabric:/weird/\xC3\xA9t\xC3\xA9 #1&x=y%2F");
  ASSERT_EQ(page.items.size(), 6u);  // unusable names and non-object entries are skipped
  EXPECT_EQ(page.items[0].name, "fabric:/weird/line\nbreak");
  EXPECT_EQ(page.items[0].path_segment, "weird~line\nbreak");
  EXPECT_EQ(page.items[0].status, "Upgrading");
  EXPECT_EQ(page.items[1].name, "fabric:/weird/quote\"back\\slash");
  EXPECT_EQ(page.items[1].path_segment, "weird~quote\"back\\slash");
  EXPECT_EQ(page.items[2].name, "fabric:/weird/ctl\x01\x1f\x7f");
  EXPECT_EQ(page.items[3].name, "fabric:/caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x9A\x80");
  EXPECT_EQ(page.items[3].path_segment, "caf\xC3\xA9~\xE6\x97\xA5\xE6\x9C\xAC~\xF0\x9F\x9A\x80");
  EXPECT_EQ(page.items[4].path_segment, "weird~with space");  // empty Id: derived
  EXPECT_EQ(page.items[4].status, "");                        // a non-string Status is dropped
  EXPECT_EQ(page.items[5].path_segment, "weird~bad-id");      // non-string Id: derived

  const Listing& apps = listing(Kind::application);
  EXPECT_EQ(apps.progress_path(page.items[0]), "/Applications/weird~line%0Abreak/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(apps.progress_path(page.items[1]),
            "/Applications/weird~quote%22back%5Cslash/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(apps.progress_path(page.items[2]), "/Applications/weird~ctl%01%1F%7F/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(apps.progress_path(page.items[3]),
            "/Applications/caf%C3%A9~%E6%97%A5%E6%9C%AC~%F0%9F%9A%80/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(apps.progress_path(page.items[4]), "/Applications/weird~with%20space/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(apps.list_path(page.continuation_token, 0),
            "/Applications?api-version=6.1&ExcludeApplicationParameters=true"
            "&ContinuationToken=fabric:/weird/%C3%A9t%C3%A9%20%231&x=y%2F");
}

TEST(SourcesApplications, RequestPaths) {
  const Listing& apps = listing(Kind::application);
  EXPECT_EQ(apps.list_endpoint, "applications_list");
  EXPECT_EQ(apps.progress_endpoint, "application_upgrade");
  EXPECT_EQ(apps.list_path("", 0), "/Applications?api-version=6.1&ExcludeApplicationParameters=true");
  EXPECT_EQ(apps.list_path("", -3), "/Applications?api-version=6.1&ExcludeApplicationParameters=true");
  EXPECT_EQ(apps.list_path("fabric:/samples/PQueueApp1", 50),
            "/Applications?api-version=6.1&ExcludeApplicationParameters=true&MaxResults=50"
            "&ContinuationToken=fabric:/samples/PQueueApp1");
  EXPECT_EQ(apps.progress_path({"fabric:/samples/CalculatorApp", "samples~CalculatorApp", "Ready"}),
            "/Applications/samples~CalculatorApp/$/GetUpgradeProgress?api-version=6.0");
  // The Id stays one path segment; its pct-encodings (the runtime escapes names) are not escaped twice.
  EXPECT_EQ(apps.progress_path({"fabric:/a b/c", "a%20b~c/d?e#f%", "Ready"}),
            "/Applications/a%20b~c%2Fd%3Fe%23f%25/$/GetUpgradeProgress?api-version=6.0");
  EXPECT_EQ(apps.parse_list, &parse_applications_page);
  EXPECT_EQ(apps.parse_progress, &parse_application_upgrade);
}

struct HostileCase {
  const char* file;
  Reason reason;
};

const HostileCase kHostileListings[] = {
    {"hostile_list_no_items.json", Reason::schema},
    {"hostile_list_items_object.json", Reason::schema},
    {"hostile_list_items_null.json", Reason::schema},
    {"hostile_list_token_number.json", Reason::schema},
    {"hostile_top_level_array.json", Reason::schema},  // api-version 1.0's bare array
    {"hostile_fabric_error.json", Reason::schema},
    {"hostile_truncated.json", Reason::parse},
    {"hostile_empty.json", Reason::parse},
    {"hostile_html_error_page.json", Reason::parse},
    {"hostile_deep_nesting.json", Reason::parse},
    {"hostile_invalid_utf8.json", Reason::parse},
};

TEST(SourcesApplications, MalformedListingsNeverLookEmpty) {
  for (const HostileCase& c : kHostileListings) {
    const std::string body = sf(c.file);
    EXPECT_SOURCE_ERROR(parse_applications_page(body), c.reason) << c.file;
    EXPECT_SOURCE_ERROR(parse_application_resources_page(body), c.reason) << c.file;
    EXPECT_SOURCE_ERROR(parse_compose_deployments_page(body), c.reason) << c.file;
  }
}

// ================= application resources =================

TEST(SourcesApplicationResources, ListingFromTheSpec) {
  const ListPage page = parse_application_resources_page(sf("application_resources_list.json"));
  EXPECT_EQ(page.continuation_token, "");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].name, "sampleApplication");
  EXPECT_EQ(page.items[0].path_segment, "sampleApplication");
  EXPECT_EQ(page.items[0].status, "Ready");
}

TEST(SourcesApplicationResources, ListingAcceptsPascalCase) {
  const ListPage page = parse_application_resources_page(R"({"ContinuationToken": "t2", "Items": [
      {"Name": "App2", "Properties": {"Status": "Upgrading"}},
      {"name": "App3", "properties": "broken"},
      {"name": "App4"},
      {"properties": {"status": "Ready"}}]})");
  EXPECT_EQ(page.continuation_token, "t2");
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].name, "App2");
  EXPECT_EQ(page.items[0].status, "Upgrading");
  EXPECT_EQ(page.items[1].name, "App3");
  EXPECT_EQ(page.items[1].status, "");
  EXPECT_EQ(page.items[2].status, "");
  EXPECT_EQ(parse_application_resources_page(R"({"continuationToken": "t3", "items": [{"name": "a"}]})")
                .items.size(),
            1u);
}

TEST(SourcesApplicationResources, ProgressExample) {
  const Upgrade up = parse_application_resource_upgrade(sf("application_resource_progress.json"));
  EXPECT_EQ(up.state, "RollingForward");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 0.4);
  ASSERT_EQ(up.replicas.size(), 1u);
  EXPECT_EQ(up.replicas[0].service_name, "helloWorldService");
  EXPECT_EQ(up.replicas[0].completed, 2.0);
  EXPECT_EQ(up.replicas[0].pending, 3.0);
  EXPECT_DOUBLE_EQ(*up.start_time, 1579082531);
  EXPECT_FALSE(up.failure_time);
  EXPECT_DOUBLE_EQ(*up.duration, 252);
  EXPECT_FALSE(up.domain_duration);
  EXPECT_FALSE(up.domains);
  EXPECT_FALSE(up.nodes);
  EXPECT_FALSE(up.pending_safety_checks);
  EXPECT_FALSE(up.unhealthy_evaluations);
  EXPECT_FALSE(up.timeout);
  EXPECT_EQ(up.current_domain, "");
  EXPECT_EQ(up.info, (Info{{"target_version", "2.0"}, {"rolling_upgrade_mode", "Monitored"}}));
}

TEST(SourcesApplicationResources, MapsEveryStateToItsPhase) {
  expect_phases(parse_application_resource_upgrade, {{"Invalid", Phase::idle},
                                                     {"ProvisioningTarget", Phase::rolling_forward},
                                                     {"RollingForward", Phase::rolling_forward},
                                                     {"UnprovisioningCurrent", Phase::rolling_forward},
                                                     {"CompletedRollforward", Phase::completed},
                                                     {"RollingBack", Phase::rolling_back},
                                                     {"UnprovisioningTarget", Phase::rolling_back},
                                                     {"CompletedRollback", Phase::rolled_back},
                                                     {"Failed", Phase::failed},
                                                     {"RollingForwardCompleted", Phase::rolling_forward},
                                                     {"Paused", Phase::idle}});
}

TEST(SourcesApplicationResources, PercentIsClampedAndCompletedIsOne) {
  const auto ratio = [](const char* body) { return parse_application_resource_upgrade(body).progress_ratio; };
  EXPECT_EQ(ratio(R"({"UpgradeState": "RollingForward", "PercentCompleted": "150"})"), 1.0);
  EXPECT_EQ(ratio(R"({"UpgradeState": "RollingForward", "PercentCompleted": "-4"})"), 0.0);
  EXPECT_EQ(ratio(R"({"UpgradeState": "RollingForward", "PercentCompleted": 12.5})"), 0.125);
  EXPECT_FALSE(ratio(R"({"UpgradeState": "RollingForward"})"));
  EXPECT_EQ(ratio(R"({"UpgradeState": "CompletedRollforward", "PercentCompleted": "0"})"), 1.0);
  EXPECT_EQ(ratio(R"({"UpgradeState": "CompletedRollforward"})"), 1.0);
  const Upgrade up = parse_application_resource_upgrade(sf("hostile_percent_out_of_range.json"));
  EXPECT_EQ(up.progress_ratio, 1.0);
  ASSERT_EQ(up.replicas.size(), 1u);
  EXPECT_EQ(up.replicas[0].completed, -5.0);  // exported as reported
}

TEST(SourcesApplicationResources, RepeatedServicesAreSummedAndNamelessOnesSkipped) {
  const Upgrade up = parse_application_resource_upgrade(R"({"UpgradeState": "RollingForward", "ServiceUpgradeProgress": [
      {"ServiceName": "a", "CompletedReplicaCount": "1", "PendingReplicaCount": "2"},
      {"ServiceName": "b\nc", "CompletedReplicaCount": 4},
      {"ServiceName": "a", "CompletedReplicaCount": "10", "PendingReplicaCount": null},
      {"CompletedReplicaCount": "7"}]})");
  ASSERT_EQ(up.replicas.size(), 2u);
  EXPECT_EQ(up.replicas[0].service_name, "a");
  EXPECT_EQ(up.replicas[0].completed, 11.0);
  EXPECT_EQ(up.replicas[0].pending, 2.0);
  EXPECT_EQ(up.replicas[1].service_name, "b\nc");
  EXPECT_EQ(up.replicas[1].completed, 4.0);
  EXPECT_EQ(up.replicas[1].pending, 0.0);
}

TEST(SourcesApplicationResources, ServicesComeOutInNameOrder) {
  // The renderer writes them as they are: one series per name, sorted.
  const Upgrade up = parse_application_resource_upgrade(R"({"UpgradeState": "RollingForward", "ServiceUpgradeProgress": [
      {"ServiceName": "web", "CompletedReplicaCount": "1"},
      {"ServiceName": "api", "CompletedReplicaCount": "2"}]})");
  ASSERT_EQ(up.replicas.size(), 2u);
  EXPECT_EQ(up.replicas[0].service_name, "api");
  EXPECT_EQ(up.replicas[1].service_name, "web");
}

TEST(SourcesApplicationResources, HostileBodies) {
  const HostileCase cases[] = {
      {"hostile_percent_nan.json", Reason::schema},
      {"hostile_percent_inf.json", Reason::schema},
      {"hostile_percent_overflow.json", Reason::schema},
      {"hostile_replica_count_word.json", Reason::schema},
      {"hostile_huge_duration.json", Reason::schema},
      {"hostile_state_object.json", Reason::schema},
      {"hostile_nulls.json", Reason::schema},
      {"hostile_truncated.json", Reason::parse},
      {"hostile_deep_in_field.json", Reason::parse},
      {"hostile_html_error_page.json", Reason::parse},
  };
  for (const HostileCase& c : cases)
    EXPECT_SOURCE_ERROR(parse_application_resource_upgrade(sf(c.file)), c.reason) << c.file;
  EXPECT_SOURCE_ERROR(
      parse_application_resource_upgrade(R"({"UpgradeState": "RollingForward", "ServiceUpgradeProgress": {}})"),
      Reason::schema);
  EXPECT_SOURCE_ERROR(
      parse_application_resource_upgrade(R"({"UpgradeState": "RollingForward", "ServiceUpgradeProgress": ["x"]})"),
      Reason::schema);
}

TEST(SourcesApplicationResources, RequestPaths) {
  const Listing& resources = listing(Kind::application_resource);
  EXPECT_EQ(resources.list_endpoint, "application_resources_list");
  EXPECT_EQ(resources.progress_endpoint, "application_resource_upgrade");
  EXPECT_EQ(resources.list_path("", 0), "/Resources/Applications?api-version=6.4-preview");
  EXPECT_EQ(resources.list_path("tok en", 100),  // no MaxResults on this route
            "/Resources/Applications?api-version=6.4-preview&ContinuationToken=tok%20en");
  EXPECT_EQ(resources.progress_path({"sampleApplication", "sampleApplication", "Ready"}),
            "/Resources/Applications/sampleApplication/$/GetUpgradeProgress?api-version=7.0");
  EXPECT_EQ(resources.progress_path({"a#b", "a#b", ""}),
            "/Resources/Applications/a%23b/$/GetUpgradeProgress?api-version=7.0");
  EXPECT_EQ(resources.progress_path({"a/b?c", "a/b?c", ""}),
            "/Resources/Applications/a%2Fb%3Fc/$/GetUpgradeProgress?api-version=7.0");
}

// ================= compose deployments =================

TEST(SourcesComposeDeployments, Listings) {
  const ListPage empty = parse_compose_deployments_page(sf("compose_deployments_list_empty.json"));
  EXPECT_TRUE(empty.items.empty());
  EXPECT_EQ(empty.continuation_token, "");

  const ListPage page = parse_compose_deployments_page(sf("compose_deployments_list.json"));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].name, "mydeployment");
  EXPECT_EQ(page.items[0].path_segment, "mydeployment");
  EXPECT_EQ(page.items[0].status, "Upgrading");
}

TEST(SourcesComposeDeployments, ProgressExample) {
  const Upgrade up = parse_compose_deployment_upgrade(sf("compose_deployment_progress.json"));
  EXPECT_EQ(up.state, "RollingForwardInProgress");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_FALSE(up.progress_ratio);
  EXPECT_FALSE(up.domains);  // compose has no domain list
  EXPECT_EQ(up.current_domain, "1");
  EXPECT_EQ(up.nodes, (NodePhaseCounts{0, 1, 0}));
  EXPECT_EQ(up.pending_safety_checks, 0.0);
  EXPECT_DOUBLE_EQ(*up.start_time, 1709287200);
  EXPECT_FALSE(up.failure_time);
  EXPECT_DOUBLE_EQ(*up.duration, 192.512);
  EXPECT_DOUBLE_EQ(*up.domain_duration, 41.2);
  EXPECT_EQ(up.unhealthy_evaluations, 0.0);
  EXPECT_FALSE(up.timeout);  // TimeSpan.MaxValue
  EXPECT_FALSE(up.domain_timeout);
  EXPECT_EQ(up.health_check_phase, "");
  EXPECT_TRUE(up.replicas.empty());
  EXPECT_EQ(up.info, (Info{{"target_version", "v2"},
                           {"rolling_upgrade_mode", "Monitored"},
                           {"application_name", "fabric:/mydeployment"}, {"failure_action", "Rollback"}}));
}

TEST(SourcesComposeDeployments, OwnFieldNames) {
  const Upgrade up = parse_compose_deployment_upgrade(R"({"UpgradeState": "RollingForwardCompleted",
      "FailureReason": "None", "MonitoringPolicy": {"UpgradeTimeoutInMilliseconds": "PT1H0M0S",
      "UpgradeDomainTimeoutInMilliseconds": "PT0H10M0S"},
      "ApplicationUnhealthyEvaluations": [{}, {}, {}], "UnhealthyEvaluations": [{}],
      "UpgradeDurationInMilliseconds": "PT1H0M0S"})");
  EXPECT_EQ(up.phase, Phase::completed);
  EXPECT_EQ(up.progress_ratio, 1.0);
  EXPECT_EQ(up.timeout, 3600.0);
  EXPECT_EQ(up.domain_timeout, 600.0);
  EXPECT_EQ(up.unhealthy_evaluations, 3.0);
  EXPECT_FALSE(up.duration);  // compose calls it UpgradeDuration
  EXPECT_TRUE(up.info.empty()) << "FailureReason None is no failure reason";
}

TEST(SourcesComposeDeployments, DocumentedMinimalBodyHasNoStateAndIsRejected) {
  EXPECT_SOURCE_ERROR(parse_compose_deployment_upgrade(sf("compose_deployment_progress_minimal.json")),
                      Reason::schema);
}

TEST(SourcesComposeDeployments, MapsEveryStateToItsPhase) {
  expect_phases(parse_compose_deployment_upgrade, {{"Invalid", Phase::idle},
                                                   {"ProvisioningTarget", Phase::rolling_forward},
                                                   {"RollingForwardInProgress", Phase::rolling_forward},
                                                   {"RollingForwardPending", Phase::rolling_forward},
                                                   {"UnprovisioningCurrent", Phase::rolling_forward},
                                                   {"RollingForwardCompleted", Phase::completed},
                                                   {"RollingBackInProgress", Phase::rolling_back},
                                                   {"UnprovisioningTarget", Phase::rolling_back},
                                                   {"RollingBackCompleted", Phase::rolled_back},
                                                   {"Failed", Phase::failed},
                                                   {"CompletedRollforward", Phase::idle}});
}

TEST(SourcesComposeDeployments, HostileBodies) {
  for (const HostileCase& c : {HostileCase{"hostile_truncated.json", Reason::parse},
                               HostileCase{"hostile_empty.json", Reason::parse},
                               HostileCase{"hostile_nulls.json", Reason::schema},
                               HostileCase{"hostile_node_list_object.json", Reason::schema},
                               HostileCase{"hostile_progress_string.json", Reason::schema},
                               HostileCase{"hostile_timestamp_garbage.json", Reason::schema}})
    EXPECT_SOURCE_ERROR(parse_compose_deployment_upgrade(sf(c.file)), c.reason) << c.file;
  EXPECT_SOURCE_ERROR(parse_compose_deployment_upgrade(R"({"UpgradeState": "Failed", "MonitoringPolicy": "none"})"),
                      Reason::schema);
  EXPECT_SOURCE_ERROR(
      parse_compose_deployment_upgrade(R"({"UpgradeState": "Failed", "ApplicationUnhealthyEvaluations": {}})"),
      Reason::schema);
}

TEST(SourcesComposeDeployments, RequestPaths) {
  const Listing& compose = listing(Kind::compose_deployment);
  EXPECT_EQ(compose.list_endpoint, "compose_deployments_list");
  EXPECT_EQ(compose.progress_endpoint, "compose_deployment_upgrade");
  EXPECT_EQ(compose.list_path("", 0), "/ComposeDeployments?api-version=6.0-preview");
  EXPECT_EQ(compose.list_path("next", 10), "/ComposeDeployments?api-version=6.0-preview&MaxResults=10&ContinuationToken=next");
  EXPECT_EQ(compose.progress_path({"mydeployment", "mydeployment", "Upgrading"}),
            "/ComposeDeployments/mydeployment/$/GetUpgradeProgress?api-version=6.0-preview");
  EXPECT_EQ(compose.progress_path({"my deployment/{1}", "my deployment/{1}", "Upgrading"}),
            "/ComposeDeployments/my%20deployment%2F%7B1%7D/$/GetUpgradeProgress?api-version=6.0-preview");
}

}  // namespace
}  // namespace ue
