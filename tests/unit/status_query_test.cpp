// The status filters: what a query string parses into, what it refuses, that
// the page's links give the same query back, and the two judgements the
// renderers make of an object (stalled, notable).
#include <gtest/gtest.h>

#include "render/status_query.h"

#include "sources/parsers.h"
#include "unit/golden_util.h"

namespace ue {
namespace {

using Params = std::multimap<std::string, std::string>;

StatusQuery parse(const Params& params) {
  std::string error;
  std::optional<StatusQuery> query = parse_status_query(params, error);
  EXPECT_TRUE(query) << error;
  return query.value_or(StatusQuery{});
}

std::string parse_error(const Params& params) {
  std::string error;
  EXPECT_FALSE(parse_status_query(params, error));
  return error;
}

// The parameters of a query string, decoded as httplib decodes them.
Params decode(const std::string& query) {
  const auto unescape = [](std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += text[i];
      }
    }
    return out;
  };
  Params params;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    EXPECT_NE(eq, std::string::npos) << pair;
    params.emplace(unescape(pair.substr(0, eq)), unescape(pair.substr(eq + 1)));
    start = end + 1;
  }
  return params;
}

ObjectView object(Kind kind, Phase phase, double last_transition = 0, std::optional<double> phase_changed = {}) {
  ObjectView view;
  view.kind = kind;
  view.name = "x";
  view.upgrade.phase = phase;
  view.last_transition = last_transition;
  view.phase_changed = phase_changed;
  return view;
}

TEST(StatusQuery, NoParametersIsTheDefault) {
  StatusQuery query = parse({});
  EXPECT_TRUE(query.unfiltered());
  EXPECT_TRUE(query.refresh);
  EXPECT_EQ(query.to_query_string(), "");
}

TEST(StatusQuery, ParametersRepeatOrHoldCommaSeparatedValues) {
  StatusQuery query = parse({{"kind", "application,cluster"}, {"kind", "qumulo"}, {"phase", "failed"},
                             {"phase", "rolling_back,failed"}, {"target", "a"}, {"target", "b"}});
  EXPECT_EQ(query.kinds, (std::vector<Kind>{Kind::application, Kind::cluster, Kind::qumulo}));
  EXPECT_EQ(query.phases, (std::vector<Phase>{Phase::failed, Phase::rolling_back})) << "each value once";
  EXPECT_EQ(query.targets, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(query.unfiltered());
}

TEST(StatusQuery, ATargetNameWithACommaStillMatches) {
  StatusQuery query = parse({{"target", "eu,west"}});
  EXPECT_TRUE(query.matches_target("eu,west"));
  EXPECT_TRUE(query.matches_target("eu"));
  EXPECT_FALSE(query.matches_target("east"));
}

TEST(StatusQuery, EmptyValuesAndUnknownParametersAreIgnored) {
  StatusQuery query = parse({{"kind", ""}, {"target", ""}, {"utm_source", "mail"}, {"phase", "failed,"}});
  EXPECT_TRUE(query.kinds.empty());
  EXPECT_TRUE(query.targets.empty());
  EXPECT_EQ(query.phases, std::vector<Phase>{Phase::failed});
}

TEST(StatusQuery, RefreshZeroPauses) {
  EXPECT_FALSE(parse({{"refresh", "0"}}).refresh);
  EXPECT_TRUE(parse({{"refresh", "1"}}).refresh);
  EXPECT_EQ(parse({{"refresh", "0"}}).to_query_string(), "refresh=0");
}

TEST(StatusQuery, AnUnknownKindOrPhaseIsAnErrorNamingIt) {
  EXPECT_EQ(parse_error({{"kind", "application,aplication"}}),
            "unknown kind \"aplication\", expected one of cluster, cluster_config, application, "
            "application_resource, compose_deployment, repair_task, qumulo");
  EXPECT_EQ(parse_error({{"phase", "Failed"}}),
            "unknown phase \"Failed\", expected one of idle, rolling_forward, rolling_back, completed, rolled_back, "
            "failed");
  const std::string hostile = parse_error({{"kind", "a\nb\"<"}});
  EXPECT_EQ(hostile.find('\n'), std::string::npos) << "one line: " << hostile;
}

TEST(StatusQuery, QueryStringEncodesAnyTargetNameAndRoundTrips) {
  StatusQuery query;
  query.targets = {"prod west", "a&b=c", "100%", "x+y", "é</script>", "eu,west"};
  query.kinds = {Kind::compose_deployment};
  query.phases = {Phase::rolled_back, Phase::idle};
  query.refresh = false;
  const std::string text = query.to_query_string();
  EXPECT_EQ(text.find_first_of(" <>\"+,"), std::string::npos) << text;
  EXPECT_NE(text.find("target=a%26b%3Dc"), std::string::npos) << text;
  // A parsed query links to itself: the page's links keep every filter as it is.
  StatusQuery back = parse(decode(text));
  EXPECT_EQ(parse(decode(back.to_query_string())).to_query_string(), back.to_query_string());
  EXPECT_EQ(back.kinds, query.kinds);
  EXPECT_EQ(back.phases, query.phases);
  EXPECT_FALSE(back.refresh);
  for (const std::string& target : query.targets) EXPECT_TRUE(back.matches_target(target)) << target;
}

TEST(StatusQuery, MatchesKindAndPhase) {
  StatusQuery query;
  query.kinds = {Kind::application};
  query.phases = {Phase::failed};
  EXPECT_TRUE(query.matches(object(Kind::application, Phase::failed)));
  EXPECT_FALSE(query.matches(object(Kind::cluster, Phase::failed)));
  EXPECT_FALSE(query.matches(object(Kind::application, Phase::completed)));
  EXPECT_TRUE(StatusQuery{}.matches(object(Kind::qumulo, Phase::idle)));
}

TargetView target_with_window(double stall_window) {
  TargetView target;
  target.name = "t";
  target.stall_window = stall_window;
  return target;
}

// An object as the status page sees it after reading `payload` (under tests/testdata/payloads/).
ObjectView parsed(Kind kind, Upgrade (*parse)(std::string_view), const std::string& payload, double last_transition) {
  ObjectView view = object(kind, Phase::idle, last_transition);
  view.upgrade = parse(test::read_text_file(std::string(UE_TESTDATA) + "/payloads/" + payload));
  return view;
}

TEST(StatusJudgement, StalledIsInProgressWithNoTransitionForLongerThanTheWindow) {
  const TargetView target = target_with_window(1800);
  EXPECT_FALSE(is_stalled(target, object(Kind::cluster, Phase::rolling_forward, 1000), 1000 + 1800)) << "not longer";
  EXPECT_TRUE(is_stalled(target, object(Kind::cluster, Phase::rolling_forward, 1000), 1000 + 1801));
  EXPECT_TRUE(is_stalled(target, object(Kind::cluster, Phase::rolling_back, 1000), 1000 + 1801));
  EXPECT_FALSE(is_stalled(target, object(Kind::cluster, Phase::failed, 1000), 1000 + 9999)) << "not in progress";
  EXPECT_FALSE(is_stalled(target, object(Kind::cluster, Phase::idle, 1000), 1000 + 9999));
}

TEST(StatusJudgement, EachTargetJudgesByItsOwnWindow) {
  const ObjectView held = object(Kind::application, Phase::rolling_forward, 1000);
  const double now = 1000 + 10 * 60;  // ten minutes without a transition
  EXPECT_TRUE(is_stalled(target_with_window(5 * 60), held, now));
  EXPECT_FALSE(is_stalled(target_with_window(30 * 60), held, now));
  EXPECT_FALSE(is_stalled(TargetView{}, held, now)) << "a view knows the default window, 30 minutes";
  EXPECT_TRUE(is_stalled(TargetView{}, held, 1000 + 30 * 60 + 1));
}

TEST(StatusJudgement, AnUpgradeAwaitingAnOperatorIsNeverStalled) {
  const TargetView target = target_with_window(1800);
  const double days_later = 1000 + 3 * 86400;
  // Service Fabric, UnmonitoredManual, a domain done (RollingForwardPending): waits for "move next".
  ObjectView manual = parsed(Kind::application, parse_application_upgrade,
                             "service_fabric/application_awaiting_manual_step.json", 1000);
  ASSERT_TRUE(in_progress(manual.upgrade.phase));
  ASSERT_TRUE(manual.upgrade.awaiting_operator);
  EXPECT_FALSE(is_stalled(target, manual, days_later));
  // Qumulo, PREPARED without auto_commit: waits for POST /v2/upgrade/commit.
  ObjectView prepared = parsed(Kind::qumulo, parse_qumulo_upgrade_status, "qumulo/upgrade_status_prepared.json", 1000);
  ASSERT_TRUE(in_progress(prepared.upgrade.phase));
  ASSERT_TRUE(prepared.upgrade.awaiting_operator);
  EXPECT_FALSE(is_stalled(target, prepared, days_later));
  // The same waits in a mode that moves by itself are stalled like any other.
  ObjectView monitored = parsed(Kind::cluster, parse_cluster_upgrade,
                                "service_fabric/cluster_in_progress_10_0_retry.json", 1000);
  ASSERT_EQ(monitored.upgrade.state, "RollingForwardPending");
  EXPECT_FALSE(monitored.upgrade.awaiting_operator) << "Monitored: the pending domain runs its health checks";
  EXPECT_TRUE(is_stalled(target, monitored, days_later));
  ObjectView auto_commit = object(Kind::qumulo, Phase::idle, 1000);
  auto_commit.upgrade =
      parse_qumulo_upgrade_status(R"({"state": "UPGRADE_STATE_PREPARED", "settings": {"auto_commit": true}})");
  EXPECT_FALSE(auto_commit.upgrade.awaiting_operator) << "commits by itself";
  EXPECT_TRUE(is_stalled(target, auto_commit, days_later));
}

// A repair task Executing for hours is normal; RepairTaskExecutingTooLong,
// RepairTaskHealthCheckStuck and RepairTaskAwaitingApproval judge its states,
// and UpgradeStalled (upgrade:stalled:seconds_since_transition) leaves the
// kind out, so the status page and the API must too.
TEST(StatusJudgement, ARepairTaskIsNeverStalled) {
  const TargetView target = target_with_window(1800);
  const double days_later = 1000 + 3 * 86400;
  ObjectView executing = object(Kind::repair_task, Phase::rolling_forward, 1000);
  executing.upgrade.state = "Executing";
  ASSERT_TRUE(in_progress(executing.upgrade.phase));
  EXPECT_FALSE(is_stalled(target, executing, days_later));
  EXPECT_FALSE(is_stalled(target_with_window(60), executing, 1000 + 61)) << "whatever the window";
  // The same wait for any other kind in progress is stalled.
  EXPECT_TRUE(is_stalled(target, object(Kind::cluster, Phase::rolling_forward, 1000), days_later));
  EXPECT_TRUE(is_stalled(target, object(Kind::compose_deployment, Phase::rolling_forward, 1000), days_later));
}

TEST(StatusJudgement, NotableIsInProgressFailedRolledBackOrARecentPhaseChange) {
  const double now = 1'000'000;
  EXPECT_TRUE(is_notable(object(Kind::application, Phase::rolling_forward), now));
  EXPECT_TRUE(is_notable(object(Kind::application, Phase::rolling_back), now));
  EXPECT_TRUE(is_notable(object(Kind::application, Phase::failed), now));
  EXPECT_TRUE(is_notable(object(Kind::application, Phase::rolled_back), now));
  EXPECT_FALSE(is_notable(object(Kind::application, Phase::completed), now));
  EXPECT_FALSE(is_notable(object(Kind::application, Phase::idle), now));
  EXPECT_TRUE(is_notable(object(Kind::application, Phase::completed, 0, now - kRecentPhaseChange), now));
  EXPECT_FALSE(is_notable(object(Kind::application, Phase::completed, 0, now - kRecentPhaseChange - 1), now));
}

}  // namespace
}  // namespace ue
