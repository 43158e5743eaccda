// The poller driven through whole polls with a scripted upstream and a fake
// clock: what it lists and reads, what it keeps, drops and reports, and when
// it reads again. Nothing here opens a socket or sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "config/config.h"
#include "poll/backoff.h"
#include "poll/listing_plan.h"
#include "poll/poll_round.h"
#include "poll/target_poller.h"
#include "render/catalogue.h"
#include "render/page.h"
#include "unit/poll_test_util.h"

namespace ue {
namespace {

using namespace std::chrono_literals;
using test::FakeClock;
using test::ScriptedUpstream;

constexpr const char* kListPath = "/Applications?api-version=6.1&ExcludeApplicationParameters=true";

std::string list_path(const std::string& token = "") {
  return token.empty() ? kListPath : std::string(kListPath) + "&ContinuationToken=" + token;
}
std::string progress_path(const std::string& id) {
  return "/Applications/" + id + "/$/GetUpgradeProgress?api-version=6.0";
}

struct App {
  std::string id;  // fabric:/<id>
  std::string status = "Ready";
};
std::string listing(const std::vector<App>& apps, const std::string& token = "") {
  std::string items;
  for (const App& app : apps) {
    if (!items.empty()) items += ",";
    items += R"({"Name": "fabric:/)" + app.id + R"(", "Id": ")" + app.id + R"(", "Status": ")" + app.status + R"("})";
  }
  return R"({"ContinuationToken": ")" + token + R"(", "Items": [)" + items + "]}";
}
std::string progress(const std::string& state) { return R"({"UpgradeState": ")" + state + R"("})"; }

std::shared_ptr<const TargetConfig> target(const std::string& extra = "", int concurrency = 3,
                                           const std::string& collect = "applications") {
  Config config = parse_config(R"(
targets:
  - name: sf
    type: service_fabric
    url: http://127.0.0.1:1
    collect: [)" + collect + R"(]
    concurrency: )" + std::to_string(concurrency) + R"(
    poll_interval: 30s
    idle_poll_interval: 1h
    max_staleness: 10m
    history: {enabled: false}  # its requests have their own tests (history_poll_test.cpp)
)" + extra,
                               "test.yml");
  return std::make_shared<const TargetConfig>(config.targets.at(0));
}

// How many samples of `family` the page holds.
std::size_t count_samples_of(const std::string& page, const std::string& family) {
  std::size_t n = 0;
  for (auto at = page.find("\n" + family + "{"); at != std::string::npos; at = page.find("\n" + family + "{", at + 1))
    ++n;
  return n;
}

class PollerTest : public ::testing::Test {
 protected:
  void make_poller(std::shared_ptr<const TargetConfig> config = target()) {
    poller = std::make_unique<TargetPoller>(std::move(config), metrics, nullptr, upstream, clock);
  }
  // Serves a listing of `apps` on one page and a progress body for each.
  void serve(const std::vector<App>& apps, const std::string& state = "RollingForwardCompleted") {
    upstream.set_json(list_path(), listing(apps));
    for (const App& app : apps) upstream.set_json(progress_path(app.id), progress(state));
  }
  std::string page() const { return assemble_page({poller->samples()}, ""); }
  bool exported(const std::string& id) const {
    return page().find("upgrade_in_progress{target=\"sf\",kind=\"application\",name=\"fabric:/" + id + "\"}") !=
           std::string::npos;
  }
  std::size_t exported_count() const {
    const std::string text = page();
    std::size_t n = 0;
    for (auto at = text.find("\nupgrade_in_progress{"); at != std::string::npos;
         at = text.find("\nupgrade_in_progress{", at + 1))
      ++n;
    return n;
  }
  bool self_metric(const std::string& line) const { return metrics.render().find(line) != std::string::npos; }
  // The value of the self-metric series written `series` (labels in their sorted order); -1 when absent.
  double self_value(const std::string& series) const {
    const std::string text = metrics.render();
    const auto at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
  }
  std::size_t reads(const std::string& id) const { return upstream.count(progress_path(id)); }

  FakeClock clock;
  ScriptedUpstream upstream;
  SelfMetrics metrics;
  std::unique_ptr<TargetPoller> poller;
};

TEST_F(PollerTest, ReadsEveryPageOfTheListing) {
  make_poller();
  upstream.set_json(list_path(), listing({{"a"}, {"b"}}, "fabric:/b"));
  upstream.set_json(list_path("fabric:/b"), listing({{"c"}}));
  for (const char* id : {"a", "b", "c"}) upstream.set_json(progress_path(id), progress("RollingForwardCompleted"));
  poller->poll_once();
  EXPECT_TRUE(exported("a") && exported("b") && exported("c")) << page();
  EXPECT_EQ(upstream.count(kListPath), 2u);
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 1"));
}

TEST_F(PollerTest, ARepeatedContinuationTokenFailsThePollAndKeepsWhatWasKnown) {
  make_poller();
  serve({{"a"}});
  poller->poll_once();
  ASSERT_TRUE(exported("a"));

  upstream.set_json(list_path(), listing({{"b"}}, "again"));
  upstream.set_json(list_path("again"), listing({{"c"}}, "again"));
  poller->poll_once();
  EXPECT_TRUE(exported("a")) << "a failed listing removes nothing";
  EXPECT_FALSE(exported("b"));
  EXPECT_EQ(upstream.count(list_path("again")), 1u) << "the repeated token is not followed";
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 0"));
  EXPECT_TRUE(self_metric(
      "upgrade_exporter_request_errors_total{endpoint=\"applications_list\",reason=\"schema\",target=\"sf\"} 1"));
}

TEST_F(PollerTest, AnObjectDeletedBetweenListingAndReadGoesAtOnce) {
  make_poller();
  serve({{"a"}, {"b"}});
  poller->poll_once();
  ASSERT_TRUE(exported("b"));

  // b is listed again, upgrading, but is gone when its progress is read.
  upstream.set_json(list_path(), listing({{"a"}, {"b", "Upgrading"}}));
  upstream.remove(progress_path("b"));
  poller->poll_once();
  EXPECT_TRUE(exported("a"));
  EXPECT_FALSE(exported("b")) << page();
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 1"));
}

TEST_F(PollerTest, AnObjectGoneFromTheListingGoesAtOnce) {
  make_poller();
  serve({{"a"}, {"b"}});
  poller->poll_once();
  serve({{"a"}});
  poller->poll_once();
  EXPECT_TRUE(exported("a"));
  EXPECT_FALSE(exported("b"));
}

TEST_F(PollerTest, A503EndsTheRoundAndReportsRetryAfter) {
  std::vector<App> apps;
  for (int i = 0; i < 30; ++i) apps.push_back({"app" + std::to_string(i), "Upgrading"});
  serve(apps, "RollingForwardInProgress");
  upstream.set(progress_path("app0"), {503, "busy", "120"});
  upstream.set(progress_path("app1"), {504, "busy"});

  const auto config = target();
  TargetState state;
  RequestWatch watch;
  WorkerPool workers(1);  // one worker, so the order of requests is certain
  TargetMetrics& target_metrics = metrics.target("sf");
  const RoundTools tools{upstream, watch, workers, target_metrics, clock};
  const RoundResult result = PollRound(*config, state, tools).run();
  EXPECT_TRUE(result.overloaded);
  EXPECT_EQ(result.retry_after_seconds, 120);
  EXPECT_TRUE(result.up) << "the API answered";
  EXPECT_EQ(upstream.requests().size(), 2u) << "the listing, the 503, and no more requests";
  const double errors = self_value(
      "upgrade_exporter_request_errors_total{endpoint=\"application_upgrade\",reason=\"http_status\",target=\"sf\"}");
  EXPECT_EQ(errors, 1);

  // The next round starts afresh.
  upstream.set_json(progress_path("app0"), progress("RollingForwardInProgress"));
  upstream.set_json(progress_path("app1"), progress("RollingForwardInProgress"));
  const RoundResult next = PollRound(*config, state, tools).run();
  EXPECT_FALSE(next.overloaded);
  EXPECT_EQ(state.snapshot.count(Kind::application), apps.size());
}

TEST(Backoff, DoublesThePollIntervalOrTakesRetryAfterAndResets) {
  Backoff backoff;
  const SteadyTime t0 = SteadyTime{} + 1h;
  EXPECT_FALSE(backoff.after_poll(false, 0, 30s, t0));
  EXPECT_EQ(backoff.after_poll(true, 0, 30s, t0), SteadyTime::duration(60s));
  EXPECT_EQ(backoff.until(), t0 + 60s);
  EXPECT_EQ(backoff.after_poll(true, 0, 30s, t0), SteadyTime::duration(120s));
  EXPECT_EQ(backoff.after_poll(true, 200, 30s, t0), SteadyTime::duration(240s)) << "doubling wins when longer";
  EXPECT_EQ(backoff.after_poll(true, 0, 30s, t0), SteadyTime::duration(Backoff::kMax));
  EXPECT_FALSE(backoff.after_poll(false, 0, 30s, t0));
  EXPECT_EQ(backoff.after_poll(true, 250, 30s, t0), SteadyTime::duration(250s)) << "Retry-After wins when longer";
  EXPECT_EQ(backoff.after_poll(true, 3600, 30s, t0), SteadyTime::duration(Backoff::kMax));
}

TEST_F(PollerTest, AnObjectThatCannotBeReadStaysUntilMaxStaleness) {
  make_poller();
  serve({{"a", "Upgrading"}}, "RollingForwardInProgress");
  poller->poll_once();
  ASSERT_TRUE(exported("a"));

  upstream.set(progress_path("a"), {500, "oops"});
  clock.advance(9min);
  poller->poll_once();
  EXPECT_TRUE(exported("a")) << "within max_staleness its last values stay";
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 1")) << "the API answered";
  clock.advance(2min);
  poller->poll_once();
  EXPECT_FALSE(exported("a")) << "past max_staleness (10m) nobody vouches for it";
}

TEST_F(PollerTest, AReadThatThrowsSomethingElseFailsOnlyThatObject) {
  make_poller();
  serve({{"a", "Upgrading"}, {"b", "Upgrading"}, {"c", "Upgrading"}}, "RollingForwardInProgress");
  upstream.on_request([](const std::string& path) {
    if (path == progress_path("b")) throw std::logic_error("not a SourceError");
  });
  poller->poll_once();
  EXPECT_TRUE(exported("a") && exported("c"));
  EXPECT_FALSE(exported("b")) << "its read failed";
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 1")) << "the API answered";
  EXPECT_EQ(self_value("upgrade_exporter_last_success_timestamp_seconds{target=\"sf\"}"), -1)
      << "a poll that left an object unread is not fully successful";

  upstream.on_request(nullptr);
  clock.advance(30s);
  poller->poll_once();
  EXPECT_TRUE(exported("a") && exported("b") && exported("c")) << "the next poll reads it, on the same workers";
  EXPECT_GT(self_value("upgrade_exporter_last_success_timestamp_seconds{target=\"sf\"}"), 0);
}

TEST_F(PollerTest, AnIdleObjectListedUnchangedIsVouchedForByTheListing) {
  make_poller();
  serve({{"a"}});
  poller->poll_once();
  upstream.set(progress_path("a"), {500, "oops"});
  for (int i = 0; i < 5; ++i) {
    clock.advance(5min);
    poller->poll_once();
  }
  EXPECT_TRUE(exported("a")) << "25 minutes, never re-read, but listed every poll";
  EXPECT_EQ(reads("a"), 1u);
}

TEST_F(PollerTest, MaxObjectsKeepsTheFirstListedAndCountsTheRest) {
  make_poller(target("    max_objects: 2\n"));
  serve({{"a"}, {"b"}, {"c"}});
  poller->poll_once();
  EXPECT_TRUE(exported("a") && exported("b"));
  EXPECT_FALSE(exported("c"));
  EXPECT_EQ(reads("c"), 0u);
  EXPECT_TRUE(self_metric("upgrade_exporter_objects_dropped_total{kind=\"application\",target=\"sf\"} 1"));
  EXPECT_TRUE(self_metric("upgrade_exporter_objects{kind=\"application\",target=\"sf\"} 2"));
}

TEST_F(PollerTest, IncludeAndExcludeSelectBeforeAnythingIsRead) {
  make_poller(target("    include: ['^fabric:/shop/']\n    exclude: ['test']\n"));
  upstream.set_json(progress_path("shop~cart"), progress("RollingForwardCompleted"));
  upstream.set_json(list_path(), R"({"Items": [
      {"Name": "fabric:/shop/cart", "Status": "Ready"},
      {"Name": "fabric:/shop/test-cart", "Status": "Ready"},
      {"Name": "fabric:/other", "Status": "Ready"}]})");
  poller->poll_once();
  EXPECT_TRUE(exported("shop/cart")) << page();
  EXPECT_EQ(exported_count(), 1u);
  EXPECT_EQ(upstream.requests().size(), 2u) << "one listing, one read: the others are never asked for";
}

TEST_F(PollerTest, UpgradingObjectsAreReadEveryPollAndIdleOnesOnlyWhenDue) {
  make_poller();
  serve({{"idle"}, {"busy", "Upgrading"}});
  upstream.set_json(progress_path("busy"), progress("RollingForwardInProgress"));
  for (int i = 0; i < 3; ++i) {
    poller->poll_once();
    clock.advance(30s);
  }
  EXPECT_EQ(reads("busy"), 3u);
  EXPECT_EQ(reads("idle"), 1u);

  // A changed listing status is a reason to read at once.
  upstream.set_json(list_path(), listing({{"idle", "Deleting"}, {"busy", "Upgrading"}}));
  poller->poll_once();
  EXPECT_EQ(reads("idle"), 2u);
}

TEST_F(PollerTest, IdleReReadsSpreadOverTheIdleInterval) {
  make_poller(target("", 8));
  std::vector<App> apps;
  for (int i = 0; i < 200; ++i) apps.push_back({"app" + std::to_string(i)});
  serve(apps);
  poller->poll_once();
  upstream.forget_requests();

  clock.advance(30min);
  poller->poll_once();
  const std::size_t first_half = upstream.requests().size() - 1;  // less the listing
  EXPECT_GT(first_half, 50u) << "re-reads start within the interval, not all at its end";
  EXPECT_LT(first_half, 150u) << "and not all at once";

  upstream.forget_requests();
  clock.advance(30min);
  poller->poll_once();
  EXPECT_EQ(upstream.requests().size() - 1, apps.size() - first_half) << "each object once per interval";

  upstream.forget_requests();
  clock.advance(30min);
  poller->poll_once();
  EXPECT_EQ(upstream.requests().size() - 1, first_half) << "then a whole interval after its last read";
}

TEST_F(PollerTest, AReloadThatDropsAKindRemovesItsSeriesAtOnce) {
  make_poller(target());
  serve({{"a"}});
  poller->poll_once();
  ASSERT_TRUE(exported("a"));
  ASSERT_TRUE(self_metric("upgrade_exporter_objects{kind=\"application\",target=\"sf\"} 1"));

  upstream.set_json("/$/GetUpgradeProgress?api-version=8.2", progress("RollingForwardCompleted"));
  poller->reconfigure(target("", 3, "cluster"));
  poller->poll_once();
  EXPECT_FALSE(exported("a")) << page();
  EXPECT_NE(page().find("upgrade_in_progress{target=\"sf\",kind=\"cluster\",name=\"sf\"} 0"), std::string::npos);
  EXPECT_FALSE(self_metric("kind=\"application\""));
}

TEST_F(PollerTest, TheStallWindowIsExportedBeforeTheFirstPoll) {
  make_poller(target("    stall_window: 2m\n"));
  EXPECT_EQ(page(), family_header(static_cast<std::size_t>(Family::stall_window)) +
                        "upgrade_stall_window_seconds{target=\"sf\"} 120\n");
  EXPECT_EQ(poller->view()->stall_window, 120);
  serve({{"a"}});
  poller->poll_once();
  EXPECT_NE(page().find("\nupgrade_stall_window_seconds{target=\"sf\"} 120\n"), std::string::npos) << page();
}

TEST_F(PollerTest, AReloadThatChangesOnlyTheStallWindowShowsItWithoutAPoll) {
  make_poller(target());
  serve({{"a"}});
  poller->poll_once();
  const auto objects = poller->samples()->objects;
  EXPECT_NE(page().find("upgrade_stall_window_seconds{target=\"sf\"} 1800\n"), std::string::npos) << "the default";
  const std::size_t requests = upstream.requests().size();

  poller->reconfigure(target("    stall_window: 45m\n"));
  EXPECT_EQ(upstream.requests().size(), requests);
  EXPECT_NE(page().find("upgrade_stall_window_seconds{target=\"sf\"} 2700\n"), std::string::npos) << page();
  EXPECT_EQ(count_samples_of(page(), "upgrade_stall_window_seconds"), 1u);
  EXPECT_EQ(poller->view()->stall_window, 2700);
  EXPECT_EQ(poller->samples()->objects, objects) << "the objects' text is kept as it is";
  EXPECT_TRUE(exported("a"));
  EXPECT_EQ(poller->view()->objects.size(), 1u);

  poller->poll_once();
  EXPECT_NE(page().find("upgrade_stall_window_seconds{target=\"sf\"} 2700\n"), std::string::npos) << page();
  EXPECT_EQ(poller->view()->stall_window, 2700);
}

TEST_F(PollerTest, AKindTheTargetDoesNotServeIsAskedForAgainAfterTheIdleInterval) {
  make_poller(target("", 3, "application_resources"));
  poller->poll_once();  // every path answers 404: the resource model is absent
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 1")) << "absent is not down";
  const std::size_t asked = upstream.requests().size();
  clock.advance(30min);
  poller->poll_once();
  EXPECT_EQ(upstream.requests().size(), asked) << "not asked again within idle_poll_interval";
  clock.advance(31min);
  poller->poll_once();
  EXPECT_GT(upstream.requests().size(), asked);
}

TEST_F(PollerTest, AConnectionThatCannotBePreparedMarksTheTargetDown) {
  make_poller();
  upstream.fail_open = true;
  poller->poll_once();
  EXPECT_TRUE(self_metric("upgrade_exporter_target_up{target=\"sf\"} 0"));
  EXPECT_TRUE(upstream.requests().empty());
}

TEST(ListingPlan, SaysWhatIsGoneDueAndVouchedFor) {
  const Listing& listing = *source_for(Kind::application).listing;
  Snapshot snapshot;
  const SteadyTime now = SteadyTime{} + 1h;
  snapshot.record(Kind::application, "gone", Upgrade{}, 0, now);
  ObjectState& idle = snapshot.record(Kind::application, "idle", Upgrade{}, 0, now);
  idle.listing_status = "Ready";
  idle.next_read = now + 1min;
  ObjectState& due = snapshot.record(Kind::application, "due", Upgrade{}, 0, now);
  due.listing_status = "Ready";
  due.next_read = now;
  ObjectState& moving = snapshot.record(Kind::application, "moving", Upgrade{}, 0, now);
  moving.upgrade.phase = Phase::rolling_forward;
  moving.listing_status = "Ready";
  moving.next_read = now + 1h;

  const std::vector<ListedObject> listed = {
      {"idle", "idle", "Ready"},       {"due", "due", "Ready"},         {"moving", "moving", "Ready"},
      {"new", "new", "Ready"},         {"upgrading", "u", "Upgrading"},
  };
  snapshot.record(Kind::application, "upgrading", Upgrade{}, 0, now).next_read = now + 1h;
  snapshot.find(Kind::application, "upgrading")->listing_status = "Upgrading";

  const ListingPlan plan = plan_listing(listing, Kind::application, listed, snapshot, now);
  EXPECT_EQ(plan.gone, std::vector<std::string>{"gone"});
  std::vector<std::string> due_names, vouched_names;
  for (const ListedObject* o : plan.due) due_names.push_back(o->name);
  for (const ListedObject* o : plan.vouched) vouched_names.push_back(o->name);
  EXPECT_EQ(due_names, (std::vector<std::string>{"due", "moving", "new", "upgrading"}));
  EXPECT_EQ(vouched_names, std::vector<std::string>{"idle"});
}

TEST_F(PollerTest, TheViewBeforeAnyPollSaysSo) {
  make_poller();
  const auto view = poller->view();
  EXPECT_EQ(view->name, "sf");
  EXPECT_FALSE(view->polled);
  EXPECT_FALSE(view->last_success);
  EXPECT_TRUE(view->objects.empty());
  EXPECT_EQ(view->poll_interval, 30);
  ASSERT_EQ(view->objects_per_kind.size(), 1u);
  EXPECT_EQ(view->objects_per_kind[0], (std::pair<Kind, std::size_t>{Kind::application, 0}));
}

TEST_F(PollerTest, EachPollPublishesAViewThatSharesTheObjectsItDidNotRead) {
  make_poller();
  serve({{"idle"}, {"moving", "Upgrading"}});
  upstream.set_json(progress_path("moving"), progress("RollingForwardInProgress"));
  poller->poll_once();
  const auto first = poller->view();
  EXPECT_TRUE(first->polled);
  EXPECT_TRUE(first->up);
  EXPECT_EQ(first->last_success, clock.unix_now());
  EXPECT_FALSE(first->last_error);
  ASSERT_EQ(first->objects.size(), 2u);
  EXPECT_EQ(first->objects_per_kind[0].second, 2u);

  clock.advance(30s);
  poller->poll_once();
  const auto second = poller->view();
  ASSERT_EQ(second->objects.size(), 2u);
  EXPECT_EQ(second->objects[0]->name, "fabric:/idle");
  EXPECT_EQ(second->objects[0], first->objects[0]) << "listed unchanged: not read, not copied";
  EXPECT_NE(second->objects[1], first->objects[1]) << "upgrading: read again";
  EXPECT_EQ(second->last_success, clock.unix_now());
}

TEST_F(PollerTest, TheViewCarriesTheLastErrorAndTheLastSuccessOutlivesAFailedPoll) {
  make_poller();
  serve({{"a"}});
  poller->poll_once();
  const double succeeded_at = clock.unix_now();

  clock.advance(30s);
  upstream.set(list_path(), {500, "oops"});
  poller->poll_once();
  const auto view = poller->view();
  EXPECT_FALSE(view->up);
  EXPECT_EQ(view->last_success, succeeded_at);
  ASSERT_TRUE(view->last_error);
  EXPECT_EQ(view->last_error->endpoint, "applications_list");
  EXPECT_EQ(view->last_error->reason, Reason::http_status);
  EXPECT_EQ(view->last_error->time, clock.unix_now());
  EXPECT_EQ(view->objects.size(), 1u) << "a failed listing removes nothing";
}

}  // namespace
}  // namespace ue
