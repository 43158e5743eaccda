// The status page (render/status_page) and its escaping (render/html): golden
// pages of hand-built fleets, the DOM contract the browser tests read, and
// hostile upstream strings. After an intended change to the page, regenerate with
//   UE_UPDATE_GOLDEN=1 build/tests/unit_tests --gtest_filter='StatusPage*'
// and look at the pages in a browser before committing them.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "render/html.h"
#include "render/status_page.h"
#include "render/status_style.h"
#include "unit/golden_util.h"
#include "unit/view_util.h"

namespace ue {
namespace {

constexpr double kNow = 1767225600;  // 2026-01-01T00:00:00Z

// ---- html_escape ----

TEST(HtmlEscape, MarkupCharactersBecomeEntities) {
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(html_escape("fabric:/shop/cart v1.2"), "fabric:/shop/cart v1.2");
  EXPECT_EQ(html_escape(""), "");
}

TEST(HtmlEscape, ControlCharactersBecomeReplacementCharacters) {
  EXPECT_EQ(html_escape(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(html_escape("a\tb\nc\rd\x1b" "e\x7f"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d\xEF\xBF\xBD"
                                                  "e\xEF\xBF\xBD");
  EXPECT_EQ(html_escape("\xC2\x85"), "\xEF\xBF\xBD");  // U+0085, a C1 control
}

TEST(HtmlEscape, ValidUtf8PassesUnchanged) {
  const std::string text = "caf\xC3\xA9 \xC2\xA0 \xE2\x82\xAC \xF0\x9F\x9A\x80 \xEF\xBF\xBD \xF4\x8F\xBF\xBF";
  EXPECT_EQ(html_escape(text), text);
}

TEST(HtmlEscape, InvalidUtf8BecomesOneReplacementPerMaximalSubpart) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(html_escape("a\xFF" "b"), "a" + fffd + "b");
  EXPECT_EQ(html_escape("\x80\x80"), fffd + fffd);            // lone continuation bytes
  EXPECT_EQ(html_escape("\xC0\xAF"), fffd + fffd);            // overlong '/'
  EXPECT_EQ(html_escape("\xE0\x80\xAF"), fffd + fffd + fffd);  // overlong, second byte out of range
  EXPECT_EQ(html_escape("\xED\xA0\x80"), fffd + fffd + fffd);  // a surrogate
  EXPECT_EQ(html_escape("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // beyond U+10FFFF
  EXPECT_EQ(html_escape("\xE2\x82<"), fffd + "&lt;");          // truncated, then markup
  EXPECT_EQ(html_escape("x\xF0\x9F\x9A"), "x" + fffd);         // truncated at the end
}

// ---- helpers ----

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    const unsigned char c1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F) ||
        c > 0xF4)
      return false;
    i += n;
  }
  return true;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

using test::object_view;

Upgrade idle_app(std::string version) {
  Upgrade up;
  up.state = "RollingForwardCompleted";
  up.phase = Phase::idle;
  up.info = {{"target_version", std::move(version)}, {"rolling_upgrade_mode", "Monitored"}};
  return up;
}

// A Service Fabric cluster rolling forward in UD2, held by safety checks for 40 minutes.
Upgrade cluster_in_progress() {
  Upgrade up;
  up.state = "RollingForwardInProgress";
  up.phase = Phase::rolling_forward;
  up.progress_ratio = 0.4;
  up.domains = DomainCounts{2, 1, 2, 0};
  up.current_domain = "UD2";
  up.start_time = kNow - 2 * 3600 - 5 * 60;
  up.duration = 2 * 3600 + 5 * 60;
  up.domain_duration = 40 * 60;
  up.timeout = 12 * 3600;
  up.domain_timeout = 30 * 60;
  up.health_check_wait = 5 * 60;
  up.health_check_stable = 2 * 60;
  up.health_check_retry_timeout = 10 * 60;
  up.pending_safety_checks = 3;
  up.nodes = NodePhaseCounts{2, 0, 0};
  up.current_nodes = {
      {"_Node_2", "PreUpgradeSafetyCheck",
       {{"EnsurePartitionQuorum", "a1b2c3d4-0000-4000-8000-000000000001"},
        {"EnsurePartitionQuorum", "a1b2c3d4-0000-4000-8000-000000000002"}}},
      {"_Node_7", "PreUpgradeSafetyCheck", {{"EnsureSeedNodeQuorum", ""}}},
  };
  up.info = {{"target_version", "10.1.1951.9590"}, {"rolling_upgrade_mode", "Monitored"}};
  return up;
}

Upgrade app_rolling(double ratio, double domain_duration) {
  Upgrade up;
  up.state = "RollingForwardInProgress";
  up.phase = Phase::rolling_forward;
  up.progress_ratio = ratio;
  up.domains = DomainCounts{2, 1, 2, 0};
  up.current_domain = "UD2";
  up.duration = 25 * 60;
  up.timeout = 3600;
  up.domain_duration = domain_duration;
  up.domain_timeout = 20 * 60;
  up.health_check_phase = "WaitDuration";
  up.health_check_elapsed = 90;
  up.health_check_wait = 5 * 60;
  up.info = {{"target_version", "2.4.0"}, {"rolling_upgrade_mode", "Monitored"}};
  return up;
}

Upgrade app_failed() {
  Upgrade up;
  up.state = "Failed";
  up.phase = Phase::failed;
  up.progress_ratio = 0.2;
  up.domains = DomainCounts{3, 0, 1, 1};
  up.start_time = kNow - 3 * 3600;
  up.failure_time = kNow - 2 * 3600;
  up.duration = 3600;
  up.timeout = 3600;
  up.unhealthy_evaluations = 2;
  up.unhealthy_evaluations_by_kind = {{"Partitions", 1}, {"Services", 1}};
  up.info = {{"target_version", "7.0.3"},
             {"rolling_upgrade_mode", "Monitored"},
             {"failure_reason", "HealthCheck"},
             {"failure_action", "Manual"}};
  return up;
}

Upgrade app_rolled_back() {
  Upgrade up;
  up.state = "RollingBackCompleted";
  up.phase = Phase::rolled_back;
  up.progress_ratio = 1;
  up.start_time = kNow - 5 * 3600;
  up.info = {{"target_version", "3.1.0"}, {"failure_reason", "UpgradeDomainTimeout"}};
  return up;
}

Upgrade app_rolling_back() {
  Upgrade up;
  up.state = "RollingBackInProgress";
  up.phase = Phase::rolling_back;
  up.progress_ratio = 0.5;
  up.domains = DomainCounts{1, 1, 2, 0};
  up.current_domain = "UD1";
  up.duration = 50 * 60;
  up.timeout = 45 * 60;  // overdue
  up.info = {{"target_version", "1.9.0"}};
  return up;
}

Upgrade resource_completed() {
  Upgrade up;
  up.state = "Ready";
  up.phase = Phase::completed;
  up.progress_ratio = 1;
  up.replicas = {{"inventory-api", 3, 0}, {"inventory-worker", 2, 0}};
  up.info = {{"target_version", "1.0.7"}};
  return up;
}

Upgrade qumulo_rebooting() {
  Upgrade up;
  up.state = "UPGRADE_STATE_COMMITTING";
  up.phase = Phase::rolling_forward;
  up.reboot = RebootProgress{"REBOOT_IN_PROGRESS", 2, 4};
  up.blocked = UpgradeBlocked{true, false};
  up.info = {{"target_version", "7.2.1"},
             {"upgrade_type", "ROLLING_REBOOT"},
             {"auto_commit", "true"},
             {"blocked_reason", "Node 3 is offline"}};
  return up;
}

std::shared_ptr<TargetView> target(std::string name, TargetType type, double poll_interval, bool up) {
  auto view = std::make_shared<TargetView>();
  view->name = std::move(name);
  view->type = type;
  view->poll_interval = poll_interval;
  view->polled = true;
  view->up = up;
  view->last_poll_duration = 0.42;
  if (up) view->last_success = kNow - 12;
  return view;
}

void count_kinds(TargetView& view) {
  for (const auto& object : view.objects) {
    auto it = std::find_if(view.objects_per_kind.begin(), view.objects_per_kind.end(),
                           [&](const auto& entry) { return entry.first == object->kind; });
    if (it == view.objects_per_kind.end())
      view.objects_per_kind.emplace_back(object->kind, 1);
    else
      ++it->second;
  }
}

// Three targets: a Service Fabric cluster with every kind of upgrade, a
// rebooting Qumulo cluster, and a Service Fabric cluster that is down.
FleetView sample_fleet() {
  FleetView fleet;
  fleet.generated = kNow;
  fleet.started = kNow - (3 * 3600 + 12 * 60);
  fleet.last_reload = ReloadResult{true, kNow - 300, ""};

  auto sf = target("prod-west", TargetType::service_fabric, 15, true);
  sf->objects = {
      object_view(Kind::cluster, "prod-west", cluster_in_progress(), kNow - 40 * 60, kNow - 2 * 3600),
      object_view(Kind::application, "fabric:/billing", app_rolled_back(), kNow - 4 * 3600, kNow - 4 * 3600),
      object_view(Kind::application, "fabric:/shop/cart", app_rolling(0.4, 12 * 60), kNow - 3 * 60, kNow - 25 * 60),
      object_view(Kind::application, "fabric:/shop/idle-a", idle_app("1.0.0"), kNow - 40 * 86400),
      object_view(Kind::application, "fabric:/shop/idle-b", idle_app("1.0.1"), kNow - 3 * 86400, kNow - 3 * 86400),
      object_view(Kind::application, "fabric:/shop/orders", app_rolling_back(), kNow - 5 * 60, kNow - 50 * 60),
      object_view(Kind::application, "fabric:/shop/search", app_failed(), kNow - 2 * 3600, kNow - 2 * 3600),
      object_view(Kind::application_resource, "inventory", resource_completed(), kNow - 6 * 3600, kNow - 6 * 3600),
  };
  count_kinds(*sf);

  auto nas = target("nas-01", TargetType::qumulo, 30, true);
  nas->objects = {object_view(Kind::qumulo, "nas-01", qumulo_rebooting(), kNow - 8 * 60, kNow - 3600)};
  count_kinds(*nas);

  auto east = target("prod-east", TargetType::service_fabric, 15, false);
  east->last_success = kNow - 47 * 60;
  east->last_error = LastError{"cluster_upgrade_progress", Reason::timeout, kNow - 20};
  east->objects = {object_view(Kind::cluster, "prod-east", idle_app("10.0.2"), kNow - 9 * 86400)};
  count_kinds(*east);

  fleet.targets = {sf, nas, east};
  return fleet;
}

Upgrade repair_task(std::string state, Phase phase, std::vector<RepairTaskNode> nodes, std::string action,
                    std::string result) {
  Upgrade up;
  up.state = std::move(state);
  up.phase = phase;
  up.start_time = kNow - 3 * 3600;
  up.info = {{"action", std::move(action)},
             {"executor", "fabric:/System/InfrastructureService/FrontEnd"},
             {"result_status", std::move(result)}};
  up.repair_task = RepairTaskDetail{std::move(nodes), {}, {}};
  return up;
}

// The sample fleet with prod-west's repair tasks: a platform update executing
// on the cluster's _Node_2, a node restart stuck in its preparing health check
// on _Node_2 and _Node_9, and a tenant update that failed an hour ago.
FleetView repair_fleet() {
  FleetView fleet = sample_fleet();
  auto sf = std::const_pointer_cast<TargetView>(fleet.targets[0]);
  Upgrade executing = repair_task("Executing", Phase::rolling_forward, {{"_Node_2", "Restart"}},
                                  "System.Azure.Job.PlatformUpdate", "Pending");
  executing.repair_task->preparing = {"Succeeded", kNow - 2 * 3600};
  Upgrade preparing =
      repair_task("Preparing", Phase::rolling_forward, {{"_Node_2", ""}, {"_Node_9", ""}}, "External.RestartNode", "");
  preparing.start_time = kNow - 25 * 60;
  preparing.repair_task->preparing = {"InProgress", kNow - 20 * 60};
  Upgrade failed = repair_task("Completed", Phase::failed, {{"_Node_4", "RemoveData"}},
                               "System.Azure.Job.TenantUpdate", "Failed");
  failed.end_time = kNow - 3600;
  failed.repair_task->preparing = {"Succeeded", kNow - 2 * 3600};
  failed.repair_task->restoring = {"TimedOut", kNow - 70 * 60};
  sf->objects.push_back(object_view(Kind::repair_task, "Azure/PlatformUpdate/6d1f/UD2/0", executing, kNow - 12 * 60,
                                    kNow - 3 * 3600));
  sf->objects.push_back(object_view(Kind::repair_task, "Azure/TenantUpdate/91ac/UD0/1", failed, kNow - 3600,
                                    kNow - 3600));
  sf->objects.push_back(object_view(Kind::repair_task, "IM/Node/_Node_2", preparing, kNow - 25 * 60));
  sf->objects_per_kind.emplace_back(Kind::repair_task, 3);
  return fleet;
}

// 10 000 idle applications and three upgrading, on one target.
FleetView large_fleet() {
  FleetView fleet;
  fleet.generated = kNow;
  fleet.started = kNow - 86400 * 2 - 3600;
  fleet.last_reload = ReloadResult{false, kNow - 45, "config/upgrade_exporter.yml:12: unknown key \"polll_interval\""};
  auto sf = target("big", TargetType::service_fabric, 60, true);
  sf->objects.reserve(10003);
  char name[32];
  for (int i = 0; i < 10000; ++i) {
    std::snprintf(name, sizeof name, "fabric:/app-%05d", i);
    sf->objects.push_back(object_view(Kind::application, name, idle_app("1.0.0"), kNow - 30 * 86400));
  }
  sf->objects.push_back(object_view(Kind::application, "fabric:/x-rolling-1", app_rolling(0.2, 60), kNow - 60));
  sf->objects.push_back(object_view(Kind::application, "fabric:/x-rolling-2", app_rolling(0.8, 600), kNow - 600));
  sf->objects.push_back(object_view(Kind::application, "fabric:/x-failed", app_failed(), kNow - 7200, kNow - 7200));
  count_kinds(*sf);
  fleet.targets = {sf};
  return fleet;
}

// An EventStore history of one upgrade a day for `count` days, the i-th
// upgrade's domains taking 8 + i minutes (the third and fourth slower), the
// fifth one rolled back; `running`: the last one is the upgrade under way.
ObjectHistory daily_history(int count, std::string_view source, bool running) {
  std::vector<PastUpgrade> upgrades;
  for (int i = 0; i < count; ++i) {
    const double start = kNow - (count - i) * 86400 + 3600;
    const double minutes = 8 + i;
    std::vector<double> domains = {minutes * 60, (minutes + 2) * 60, (minutes + (i % 3)) * 60, minutes * 60};
    const bool rolled_back = i == 4;
    PastUpgrade past = test::past_upgrade("10.0." + std::to_string(i), "10.0." + std::to_string(i + 1), start,
                                          start + 4 * minutes * 60,
                                          rolled_back ? UpgradeOutcome::rolled_back : UpgradeOutcome::completed,
                                          domains);
    if (rolled_back) past.domains.back().rolling_back = true;
    upgrades.push_back(std::move(past));
  }
  if (running)
    upgrades.push_back(test::past_upgrade("10.0." + std::to_string(count), "10.1.1951.9590", kNow - 2 * 3600 - 5 * 60,
                                          std::nullopt, UpgradeOutcome::running, {9 * 60, 11 * 60}));
  return summarize_history(std::move(upgrades), kNow - 7 * 86400, source);
}

// Histories on the page: the cluster rolling forward, slower than usual, with
// six days of EventStore history; an application rolling forward with too
// few observed domains for a typical time; settled applications with and
// without history; and an idle cluster whose history shows under its target,
// with a hostile version.
FleetView history_fleet() {
  FleetView fleet;
  fleet.generated = kNow;
  fleet.started = kNow - 3600;
  auto west = target("prod-west", TargetType::service_fabric, 15, true);
  Upgrade cart = app_rolling(0.4, 12 * 60);
  cart.start_time = kNow - 25 * 60;
  ObjectHistory observed = summarize_history(
      {test::past_upgrade("2.3.0", "2.4.0", kNow - 20 * 60, std::nullopt, UpgradeOutcome::running, {6 * 60, 7 * 60})},
      kNow - 7 * 86400, kHistoryObserved);
  west->objects = {
      test::with_history(object_view(Kind::cluster, "prod-west", cluster_in_progress(), kNow - 40 * 60, kNow - 2 * 3600),
                         daily_history(6, kHistoryFromEventStore, true), kNow - 5),
      test::with_history(object_view(Kind::application, "fabric:/shop/cart", cart, kNow - 3 * 60, kNow - 25 * 60),
                         observed, kNow - 5),
      test::with_history(object_view(Kind::application, "fabric:/shop/idle-a", idle_app("1.0.0"), kNow - 3 * 86400),
                         daily_history(2, kHistoryFromEventStore, false), kNow - 5),
      object_view(Kind::application, "fabric:/shop/idle-b", idle_app("1.0.1"), kNow - 40 * 86400),
      test::with_history(object_view(Kind::application, "fabric:/shop/quiet", idle_app("3.0.0"), kNow - 40 * 86400),
                         summarize_history({}, kNow - 7 * 86400, kHistoryFromEventStore), kNow - 5),
  };
  count_kinds(*west);
  auto east = target("prod-east", TargetType::service_fabric, 15, true);
  ObjectHistory east_history = daily_history(5, kHistoryObserved, false);
  east_history.upgrades.front().to_version = "<b>10.0.1</b>";
  east_history.upgrades.front().start.reset();
  east->objects = {test::with_history(object_view(Kind::cluster, "prod-east", idle_app("10.0.5"), kNow - 2 * 86400),
                                      east_history, kNow - 5)};
  count_kinds(*east);
  fleet.targets = {west, east};
  return fleet;
}

// The revision changes with every commit; goldens hold a placeholder.
std::string without_revision(std::string page) {
  const std::string revision = std::string("<code>") + UE_REVISION + "</code>";
  const std::size_t at = page.find(revision);
  if (at != std::string::npos) page.replace(at, revision.size(), "<code>REVISION</code>");
  return page;
}

// Every element the page opens it closes: a cheap guard against a broken
// layout (the browser tests check the DOM itself).
void expect_balanced(const std::string& page) {
  for (const char* tag : {"html", "head", "body", "header", "main", "section", "article", "details", "summary", "div",
                          "span", "a", "p", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "time",
                          "form", "select", "option", "label", "ul", "li", "b", "code", "h1", "h2", "h3", "progress",
                          "title"}) {
    const std::string open = std::string("<") + tag;
    std::size_t opened = 0;
    for (std::size_t at = page.find(open); at != std::string::npos; at = page.find(open, at + 1)) {
      const char next = page[at + open.size()];
      opened += next == '>' || next == ' ';
    }
    EXPECT_EQ(opened, count(page, std::string("</") + tag + ">")) << "<" << tag << ">";
  }
}

void expect_golden(const std::string& page, const std::string& name) {
  expect_balanced(page);
  test::expect_golden_file(without_revision(page), std::string(UE_TESTDATA) + "/golden/" + name + ".html");
}

// ---- goldens ----

TEST(StatusPageGolden, Fleet) { expect_golden(render_status_page(sample_fleet(), {}, {}), "fleet"); }

TEST(StatusPageGolden, FilteredWithRefreshOff) {
  StatusQuery query;
  query.targets = {"prod-west"};
  query.phases = {Phase::failed, Phase::idle};
  query.refresh = false;
  expect_golden(render_status_page(sample_fleet(), query, {}), "filtered");
}

TEST(StatusPageGolden, RepairTasks) { expect_golden(render_status_page(repair_fleet(), {}, {}), "repair_tasks"); }

TEST(StatusPageGolden, TenThousandIdleObjectsFolded) {
  expect_golden(render_status_page(large_fleet(), {}, {}), "large");
}

TEST(StatusPageGolden, RecentUpgradesFromHistory) {
  expect_golden(render_status_page(history_fleet(), {}, {}), "history");
}

// Full recent upgrades on the cards and under a settled cluster's target; a
// settled application gets one compact cell in its folded table, nothing more.
TEST(StatusPage, SettledObjectsShowOnlyTheirLastOutcomeAndVersionsAreEscaped) {
  const std::string page = render_status_page(history_fleet(), {}, {});
  EXPECT_EQ(count(page, "<table class=\"history-table\">"), 3u);
  EXPECT_EQ(count(page, "<th>Last upgrade</th>"), 2u);
  const std::size_t idle_a = page.find("<td class=\"wrap-cell\">fabric:/shop/idle-a</td>");
  ASSERT_NE(idle_a, std::string::npos);
  const std::string row = page.substr(idle_a, page.find("</tr>", idle_a) - idle_a);
  EXPECT_NE(row.find("<span class=\"dot phase-completed\"></span>completed <time"), std::string::npos) << row;
  EXPECT_NE(row.find(" · took 36 min"), std::string::npos) << row;
  EXPECT_NE(page.find("none in the window"), std::string::npos) << "fabric:/shop/quiet: a history, nothing finished";
  EXPECT_NE(page.find("&lt;b&gt;10.0.1&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<b>10.0.1</b>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"history-source\">from EventStore</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"history-source\">as observed by this exporter</span>"), std::string::npos);
  EXPECT_NE(page.find("typical domain time × domains left"), std::string::npos);
  EXPECT_NE(page.find("linear in progress"), std::string::npos);
}

TEST(StatusPageGolden, EmptyStates) {
  FleetView none;
  none.generated = kNow;
  none.started = kNow - 5;
  expect_golden(render_status_page(none, {}, {}), "no_targets");

  FleetView waiting = none;
  auto fresh = std::make_shared<TargetView>();
  fresh->name = "prod-west";
  fresh->poll_interval = 2;
  waiting.targets = {fresh};
  expect_golden(render_status_page(waiting, {}, {}), "waiting");
}

// ---- the DOM contract ----

TEST(StatusPage, ContractElements) {
  const std::string page = render_status_page(sample_fleet(), {}, {});
  EXPECT_NE(page.find("<header class=\"page-header\">"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"reload-result\""), std::string::npos);
  EXPECT_EQ(count(page, "<section class=\"target\" data-up=\"1\""), 2u);
  EXPECT_EQ(count(page, "<section class=\"target\" data-up=\"0\""), 1u);
  EXPECT_EQ(count(page, "<h2 class=\"target-name\">"), 3u);
  // Cluster, cart, orders, search, billing, inventory (completed 6 h ago), the Qumulo cluster.
  EXPECT_EQ(count(page, "<article class=\"upgrade phase-"), 7u);
  EXPECT_NE(page.find("<span class=\"name\">fabric:/shop/cart</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"badge phase\">rolling_forward</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"percent\">40%</span>"), std::string::npos);
  EXPECT_NE(page.find("<div class=\"failure-reason\">HealthCheck</div>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"state\">RollingForwardInProgress</span>"), std::string::npos);
  EXPECT_NE(page.find("<details class=\"settled\"><summary><span class=\"dot phase-idle\"></span>idle: 2</summary>"),
            std::string::npos);
  EXPECT_NE(page.find("last change <time datetime=\"2025-12-31T23:20:00Z\" title=\"2025-12-31T23:20:00Z\">40 min ago"
                      "</time>"),
            std::string::npos);
  // Only the cluster (40 min without a transition) is stalled; the Qumulo cluster (8 min) is not.
  EXPECT_EQ(count(page, "<span class=\"badge stalled\">stalled</span>"), 1u);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_TRUE(valid_utf8(page));
}

// The CSP (style-src 'self') forbids inline styles: one linked sheet, no <style>, no style attribute.
TEST(StatusPage, StylesComeFromTheLinkedSheetOnly) {
  for (const std::string& page :
       {render_status_page(sample_fleet(), {}, {}), render_status_page(large_fleet(), {}, {})}) {
    EXPECT_EQ(count(page, "<link "), 1u);
    EXPECT_NE(page.find("<link rel=\"stylesheet\" href=\"static/status.css\">\n</head>"), std::string::npos)
        << "relative to the page at /, so a prefix of a reverse proxy is kept";
    EXPECT_EQ(page.find("<style"), std::string::npos);
    EXPECT_EQ(page.find(" style="), std::string::npos);
  }
  const std::string page = render_status_page(sample_fleet(), {}, {});
  EXPECT_NE(page.find("<div class=\"progress\"><progress class=\"bar\" max=\"1\" value=\"0.400\"></progress>"
                      "<span class=\"percent\">40%</span>"),
            std::string::npos);
  EXPECT_NE(page.find("<dt>Time in domain</dt><dd><div class=\"timing\"><progress class=\"bar over\" max=\"1\" "
                      "value=\"1.000\"></progress><span>40 min of 30 min"),
            std::string::npos)
      << "overdue: a full red bar";
}

TEST(StatusPage, StylesheetIsStaticTextWithStrongValidators) {
  const Stylesheet& sheet = status_stylesheet();
  EXPECT_EQ(&sheet, &status_stylesheet()) << "made once";
  EXPECT_EQ(sheet.plain.bytes.rfind(":root{", 0), 0u);
  EXPECT_EQ(sheet.plain.bytes.find("url("), std::string::npos) << "nothing fetched from elsewhere";
  EXPECT_EQ(sheet.plain.bytes.find("@import"), std::string::npos);
  for (const char* rule : {".bar::-webkit-progress-value{", ".bar::-moz-progress-bar{", ".bar.over::-webkit-progress-value{",
                           ".bar.over::-moz-progress-bar{", ".badge.awaiting{", "@media (prefers-color-scheme:dark)"})
    EXPECT_NE(sheet.plain.bytes.find(rule), std::string::npos) << rule;
  ASSERT_GE(sheet.gzip.bytes.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(sheet.gzip.bytes[0]), 0x1f);
  EXPECT_LT(sheet.gzip.bytes.size(), sheet.plain.bytes.size());
  EXPECT_EQ(sheet.plain.etag, content_etag(sheet.plain.bytes));
  EXPECT_EQ(sheet.gzip.etag, content_etag(sheet.gzip.bytes));
  EXPECT_NE(sheet.plain.etag, sheet.gzip.etag) << "two representations, two strong validators";
}

// Every class the page writes is styled by the sheet, but for a few that
// only name an element (for tests, for a reader of the HTML): a class the
// sheet lost, or a typo, would otherwise leave an element unstyled unnoticed.
TEST(StatusPage, EveryClassThePageUsesIsInTheStyleSheet) {
  const std::set<std::string> hooks = {"clear", "nodes", "refresh", "repair", "target-name"};
  const std::string& sheet = status_stylesheet().plain.bytes;
  const auto defined = [&](const std::string& name) {
    for (std::size_t at = sheet.find("." + name); at != std::string::npos; at = sheet.find("." + name, at + 1)) {
      const char next = at + 1 + name.size() < sheet.size() ? sheet[at + 1 + name.size()] : ' ';
      if (!std::isalnum(static_cast<unsigned char>(next)) && next != '-' && next != '_') return true;
    }
    return false;
  };
  std::set<std::string> used;
  for (const std::string& page : {render_status_page(repair_fleet(), {}, {}), render_status_page(large_fleet(), {}, {}),
                                   render_status_page(history_fleet(), {}, {})}) {
    for (std::size_t at = page.find(" class=\""); at != std::string::npos; at = page.find(" class=\"", at + 1)) {
      const std::size_t start = at + 8, end = page.find('"', start);
      std::istringstream names(page.substr(start, end - start));
      for (std::string name; names >> name;) used.insert(name);
    }
  }
  EXPECT_GT(used.size(), 40u);
  for (const std::string& name : used)
    if (!hooks.count(name)) EXPECT_TRUE(defined(name)) << "." << name << " is used by the page but not in the sheet";
}

TEST(StatusPage, ContentEtagIsAQuotedHashOfTheBytes) {
  EXPECT_EQ(content_etag(""), "\"cbf29ce484222325\"");  // FNV-1a's offset basis
  EXPECT_EQ(content_etag("a"), "\"af63dc4c8601ec8c\"");
  EXPECT_NE(content_etag("a{}"), content_etag("a{ }"));
}

TEST(StatusPage, AwaitingOperatorBadge) {
  FleetView fleet = sample_fleet();
  auto& objects = std::const_pointer_cast<TargetView>(fleet.targets[0])->objects;
  auto cart = std::find_if(objects.begin(), objects.end(), [](const auto& o) { return o->name == "fabric:/shop/cart"; });
  ASSERT_NE(cart, objects.end());
  Upgrade waiting = (*cart)->upgrade;
  waiting.awaiting_operator = true;
  *cart = object_view(Kind::application, "fabric:/shop/cart", waiting, (*cart)->last_transition, (*cart)->phase_changed);
  const std::string page = render_status_page(fleet, {}, {});
  EXPECT_EQ(count(page, "<span class=\"badge awaiting\">awaiting operator</span>"), 1u);
  EXPECT_NE(page.find("<span class=\"badge awaiting\">awaiting operator</span><span class=\"kind\">application</span>"
                      "<span class=\"name\">fabric:/shop/cart</span>"),
            std::string::npos);
  EXPECT_EQ(count(render_status_page(sample_fleet(), {}, {}), "badge awaiting"), 0u);
}

TEST(StatusPage, StalledFirstThenFailedRollingBackRollingForwardRolledBackCompleted) {
  const std::string page = render_status_page(sample_fleet(), {}, {});
  const char* order[] = {">prod-west</span>", ">fabric:/shop/search<", ">fabric:/shop/orders<",
                         ">fabric:/shop/cart<", ">nas-01</span>",       ">fabric:/billing<",
                         ">inventory<"};
  std::size_t last = 0;
  for (const char* name : order) {
    const std::size_t at = page.find(std::string("<span class=\"name\"") + name);
    ASSERT_NE(at, std::string::npos) << name;
    EXPECT_GT(at, last) << name;
    last = at;
  }
}

TEST(StatusPage, StallWindowIsEachTargets) {
  FleetView fleet = sample_fleet();
  // Now the Qumulo cluster (8 min) is judged by its 5 min; prod-west keeps 30 min.
  std::const_pointer_cast<TargetView>(fleet.targets[1])->stall_window = 5 * 60;
  const std::string page = render_status_page(fleet, {}, {});
  EXPECT_EQ(count(page, "<span class=\"badge stalled\">stalled</span>"), 2u);
  EXPECT_EQ(count(page, "(no change for longer than the 30 min stall window)"), 1u);
  EXPECT_EQ(count(page, "(no change for longer than the 5 min stall window)"), 1u);
}

TEST(StatusPage, AnUpgradeAwaitingAnOperatorIsNotStalled) {
  FleetView fleet = sample_fleet();
  auto sf = std::const_pointer_cast<TargetView>(fleet.targets[0]);
  Upgrade manual = sf->objects[0]->upgrade;  // the cluster, 40 min without a transition
  manual.state = "RollingForwardPending";
  manual.awaiting_operator = true;
  sf->objects[0] = object_view(Kind::cluster, "prod-west", manual, kNow - 40 * 60, kNow - 2 * 3600);
  EXPECT_EQ(count(render_status_page(fleet, {}, {}), "<span class=\"badge stalled\">stalled</span>"), 0u);
}

TEST(StatusPage, RefreshEveryShortestPollIntervalOfTheShownTargetsAtLeastFiveSeconds) {
  FleetView fleet = sample_fleet();
  EXPECT_NE(render_status_page(fleet, {}, {}).find("<meta http-equiv=\"refresh\" content=\"15\">"), std::string::npos);
  StatusQuery nas;
  nas.targets = {"nas-01"};
  EXPECT_NE(render_status_page(fleet, nas, {}).find("<meta http-equiv=\"refresh\" content=\"30\">"), std::string::npos);
  std::const_pointer_cast<TargetView>(fleet.targets[0])->poll_interval = 1;
  EXPECT_NE(render_status_page(fleet, {}, {}).find("<meta http-equiv=\"refresh\" content=\"5\">"), std::string::npos);

  StatusQuery paused;
  paused.refresh = false;
  const std::string page = render_status_page(fleet, paused, {});
  EXPECT_EQ(page.find("http-equiv=\"refresh\""), std::string::npos);
  EXPECT_NE(page.find(">Resume auto-refresh</a>"), std::string::npos);
  EXPECT_NE(page.find("<input type=\"hidden\" name=\"refresh\" value=\"0\">"), std::string::npos);
}

TEST(StatusPage, TelemetryPathFromTheOptionsIsLinkedAndEscaped) {
  StatusOptions options;
  options.telemetry_path = "/prom\"metrics";
  const std::string page = render_status_page(sample_fleet(), {}, options);
  EXPECT_NE(page.find("<a href=\"/prom&quot;metrics\">"), std::string::npos);
}

TEST(StatusPage, SettledListsCapAtFiveHundredRowsAndLinkTheRestToTheApi) {
  const std::string page = render_status_page(large_fleet(), {}, {});
  EXPECT_NE(page.find("<summary><span class=\"dot phase-idle\"></span>idle: 10000</summary>"), std::string::npos);
  EXPECT_EQ(count(page, "<tr><td>application</td>"), 500u);
  EXPECT_NE(page.find("9500 more not shown; <a href=\"/api/v1/upgrades?"), std::string::npos);
  EXPECT_EQ(count(page, "<article class=\"upgrade"), 3u);
}

TEST(StatusPage, AtMostAThousandUpgradesInFull) {
  FleetView fleet = large_fleet();
  auto& objects = std::const_pointer_cast<TargetView>(fleet.targets[0])->objects;
  for (std::size_t i = 0; i < 1200; ++i)
    objects[i] = object_view(Kind::application, objects[i]->name, app_failed(), kNow);
  const std::string page = render_status_page(fleet, {}, {});
  EXPECT_EQ(count(page, "<article class=\"upgrade"), 1000u);
  EXPECT_NE(page.find("203 more not shown; <a href=\"/api/v1/upgrades\">"), std::string::npos);
  EXPECT_NE(page.find("<li class=\"alert\"><b>1201</b>failed</li>"), std::string::npos);
}

// ---- hostile strings ----

TEST(StatusPage, HostileStringsAreShownAsTextNeverAsMarkup) {
  const std::vector<std::string> hostile = {
      "<img src=x onerror=alert(1)>",
      "\"'><script>alert(1)</script>",
      "</style><b>x</b>",
      std::string("ctl\x01\x1b[31m\t\n\r\0end", 17),
      "bad\xFF\xC0\xAF\xED\xA0\x80utf8\xE2\x82",
  };
  FleetView fleet;
  fleet.generated = kNow;
  fleet.started = kNow - 60;
  fleet.last_reload = ReloadResult{false, kNow - 1, hostile[1]};
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    const std::string& h = hostile[i];
    auto view = target(h + std::to_string(i), TargetType::service_fabric, 15, i % 2 == 0);
    view->last_error = LastError{h, Reason::http_status, kNow - 5};
    Upgrade failed = app_failed();
    failed.state = h;
    failed.current_domain = h;
    failed.health_check_phase = h;
    failed.health_check_elapsed = 10;
    failed.info = {{"target_version", h}, {"failure_reason", h}, {"blocked_reason", h}, {"upgrade_type", h}};
    failed.current_nodes = {{h, h, {{h, h}}}};
    failed.unhealthy_evaluations_by_kind = {{h, 1}};
    failed.replicas = {{h, 1, 1}};
    failed.reboot = RebootProgress{h, 1, 2};
    Upgrade idle = idle_app(h);
    idle.state = h;
    view->objects = {object_view(Kind::application, h, failed, kNow - 60),
                     object_view(Kind::application, h + "idle", idle, 0)};
    count_kinds(*view);
    fleet.targets.push_back(view);
  }
  StatusQuery query;
  query.targets = {hostile[0] + "0", hostile[1] + "1", hostile[2] + "2", hostile[3] + "3", hostile[4] + "4"};
  for (const StatusQuery& q : {StatusQuery{}, query}) {
    const std::string page = render_status_page(fleet, q, {});
    expect_balanced(page);
    EXPECT_TRUE(valid_utf8(page));
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("<b>x"), std::string::npos);
    EXPECT_EQ(page.find("</style>"), std::string::npos);  // the page has no style element of its own
    EXPECT_EQ(page.find(" style="), std::string::npos);
    // The one place "onerror=" may appear is inside escaped text, after "&lt;img src=x ".
    const std::string_view escaped_img = "&lt;img src=x ";
    for (std::size_t at = page.find("onerror="); at != std::string::npos; at = page.find("onerror=", at + 1))
      EXPECT_EQ(page.compare(at - escaped_img.size(), escaped_img.size(), escaped_img), 0) << page.substr(at - 40, 80);
    EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    // Every control character except the page's own newlines was replaced.
    EXPECT_EQ(std::count_if(page.begin(), page.end(),
                            [](char c) { return c != '\n' && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f); }),
              0);
  }
}

}  // namespace
}  // namespace ue
