// Golden tests, as in json_exporter: each reference payload goes through its
// parser, the snapshot and the renderer, and the page must equal
// tests/testdata/golden/<payload>.prom byte for byte. After an intended change
// to parsing or rendering, regenerate with
//   UE_UPDATE_GOLDEN=1 build/tests/unit_tests --gtest_filter='Payloads/Golden*:GoldenHistory.*'
// and review the diff like code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/time_formats.h"
#include "model/history.h"
#include "render/page.h"
#include "render/target_samples.h"
#include "snapshot/snapshot.h"
#include "sources/event_store.h"
#include "sources/parsers.h"
#include "unit/golden_util.h"

namespace ue {
namespace {

struct GoldenCase {
  const char* payload;  // under tests/testdata/payloads/
  Kind kind;
  const char* name;  // object name; single-object kinds are named after the target
  Upgrade (*parse)(std::string_view body);
  const char* reboot_payload = nullptr;   // qumulo: the reboot status read with it
  const char* blocked_payload = nullptr;  // qumulo: the blocked status read with it
  // qumulo: the data protection read with it (restriper, protection status, nodes)
  const char* restriper_payload = nullptr;
  const char* protection_payload = nullptr;
  const char* nodes_payload = nullptr;
};

const GoldenCase kCases[] = {
    {"service_fabric/cluster_7_1.json", Kind::cluster, "sf", parse_cluster_upgrade},
    {"service_fabric/cluster_completed_9_1.json", Kind::cluster, "sf", parse_cluster_upgrade},
    {"service_fabric/cluster_node_by_node_8_2.json", Kind::cluster, "sf", parse_cluster_upgrade},
    {"service_fabric/cluster_in_progress_10_0_retry.json", Kind::cluster, "sf", parse_cluster_upgrade},
    {"service_fabric/cluster_many_safety_checks.json", Kind::cluster, "sf", parse_cluster_upgrade},
    {"service_fabric/cluster_config_status.json", Kind::cluster_config, "sf", parse_cluster_config_upgrade},
    {"service_fabric/application_in_progress.json", Kind::application, "fabric:/shop/cart", parse_application_upgrade},
    {"service_fabric/application_failed_health_check.json", Kind::application, "fabric:/shop/search",
     parse_application_upgrade},
    {"service_fabric/application_rolling_back.json", Kind::application, "fabric:/shop/search",
     parse_application_upgrade},
    {"service_fabric/application_blocked_on_safety_checks.json", Kind::application, "fabric:/shop/orders",
     parse_application_upgrade},
    {"service_fabric/application_awaiting_manual_step.json", Kind::application, "fabric:/shop/checkout",
     parse_application_upgrade},
    {"service_fabric/application_never_upgraded.json", Kind::application, "fabric:/idle", parse_application_upgrade},
    {"service_fabric/application_resource_progress.json", Kind::application_resource, "inventory",
     parse_application_resource_upgrade},
    {"service_fabric/compose_deployment_progress.json", Kind::compose_deployment, "storefront",
     parse_compose_deployment_upgrade},
    {"qumulo/upgrade_status_idle.json", Kind::qumulo, "nas", parse_qumulo_upgrade_status,
     "qumulo/reboot_status_idle.json", nullptr, "qumulo/restriper_status_not_started.json"},
    {"qumulo/upgrade_status_preparing.json", Kind::qumulo, "nas", parse_qumulo_upgrade_status},
    {"qumulo/upgrade_status_prepared.json", Kind::qumulo, "nas", parse_qumulo_upgrade_status, nullptr,
     "qumulo/upgrade_blocked.json"},
    {"qumulo/upgrade_status_committing.json", Kind::qumulo, "nas", parse_qumulo_upgrade_status},
    {"qumulo/upgrade_status_rebooting.json", Kind::qumulo, "nas", parse_qumulo_upgrade_status,
     "qumulo/reboot_status_in_progress.json", nullptr, "qumulo/restriper_status_reprotect.json",
     "qumulo/protection_status.json", "qumulo/nodes.json"},
    {"qumulo/upgrade_status_error.json", Kind::qumulo, "nas", parse_qumulo_upgrade_status},
    {"qumulo/upgrade_status_future_state.json", Kind::qumulo, "nas", parse_qumulo_upgrade_status},
};

using test::read_text_file;

std::string golden_path(const std::string& payload) {
  std::string stem = payload.substr(0, payload.rfind('.'));
  for (char& c : stem)
    if (c == '/') c = '-';
  return std::string(UE_TESTDATA) + "/golden/" + stem + ".prom";
}

std::string payload_text(const char* file) { return read_text_file(std::string(UE_TESTDATA) + "/payloads/" + file); }

void add_protection(const GoldenCase& c, Upgrade& upgrade) {
  if (c.restriper_payload) upgrade.restriper = parse_qumulo_restriper_status(payload_text(c.restriper_payload));
  if (c.protection_payload) upgrade.protection = parse_qumulo_protection_status(payload_text(c.protection_payload));
  if (c.nodes_payload) upgrade.cluster_nodes = parse_qumulo_nodes(payload_text(c.nodes_payload));
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, PageMatches) {
  const GoldenCase& c = GetParam();
  Upgrade upgrade = c.parse(read_text_file(std::string(UE_TESTDATA) + "/payloads/" + c.payload));
  if (c.reboot_payload)
    upgrade.reboot =
        parse_qumulo_reboot_status(read_text_file(std::string(UE_TESTDATA) + "/payloads/" + c.reboot_payload));
  if (c.blocked_payload) {
    QumuloBlockedStatus blocked =
        parse_qumulo_upgrade_blocked(read_text_file(std::string(UE_TESTDATA) + "/payloads/" + c.blocked_payload));
    upgrade.blocked = blocked.blocked;
    upgrade.info.emplace_back("blocked_reason", std::move(blocked.reason));
  }
  add_protection(c, upgrade);
  Snapshot snapshot;
  snapshot.record(c.kind, c.name, std::move(upgrade), /*now_unix=*/1767225600, SteadyTime{});  // 2026-01-01
  const std::string target = c.kind == Kind::qumulo ? "nas" : "sf";
  auto samples = std::make_shared<TargetSamples>(render_target(target, snapshot));
  samples->set_own(render_target_series(target, 30 * 60));  // the default stall window
  const std::string page = assemble_page({samples}, "");
  test::expect_golden_file(page, golden_path(c.payload));
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.payload;
  name = name.substr(0, name.rfind('.'));
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Payloads, Golden, ::testing::ValuesIn(kCases), case_name);

// Kinds listed whole: every object of one answer on one page, read at
// 2026-01-01 like the rest.
struct GoldenWholeCase {
  const char* payload;
  Kind kind;
  std::vector<WholeObject> (*parse)(std::string_view body, double now_unix);
};

const GoldenWholeCase kWholeCases[] = {
    {"service_fabric/repair_tasks.json", Kind::repair_task, parse_repair_tasks},
    {"service_fabric/hostile_repair_tasks.json", Kind::repair_task, parse_repair_tasks},
};

class GoldenWhole : public ::testing::TestWithParam<GoldenWholeCase> {};

TEST_P(GoldenWhole, PageMatches) {
  const GoldenWholeCase& c = GetParam();
  constexpr double kNow = 1767225600;  // 2026-01-01
  std::vector<WholeObject> objects = c.parse(read_text_file(std::string(UE_TESTDATA) + "/payloads/" + c.payload), kNow);
  Snapshot snapshot;
  for (WholeObject& object : objects) snapshot.record(c.kind, object.name, std::move(object.upgrade), kNow, SteadyTime{});
  auto samples = std::make_shared<TargetSamples>(render_target("sf", snapshot));
  samples->set_own(render_target_series("sf", 30 * 60));
  test::expect_golden_file(assemble_page({samples}, ""), golden_path(c.payload));
}

std::string whole_case_name(const ::testing::TestParamInfo<GoldenWholeCase>& info) {
  std::string name = info.param.payload;
  name = name.substr(0, name.rfind('.'));
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Payloads, GoldenWhole, ::testing::ValuesIn(kWholeCases), whole_case_name);

// History: objects with their history built from the reference EventStore
// bodies, the way the poller builds it (parse, log, histories_from_log over a
// 7-day window). Target "sf" is read at 2026-11-28T18:00Z, after every event:
// - cluster sf: one completed upgrade, 5 domain samples, so the forecast is
//   the typical domain time times the domains left;
// - fabric:/shop/orders: rolled back then retried and completed, 5 samples;
// - fabric:/shop/billing: completed with 1 sample: no typical time, and the
//   forecast stays linear (the value it has without a history);
// - fabric:/shop/cart: no history, so none of the history series.
// Target "sf-early" holds the store as read at 2026-11-26T09:20Z, during the
// first upgrade of orders: nothing finished yet (0 and 0, 2 samples, no
// upgrade_last_*).
constexpr double kHistoryWindowSeconds = 7 * 86400.0;

HistoryLog history_log_until(double read_unix) {
  HistoryLog log;
  for (const char* body : {"service_fabric/events_cluster_upgrade.json",
                           "service_fabric/events_application_rollback_then_retry.json"})
    for (HistoryEvent& event : parse_history_events(payload_text(body)))
      if (event.time <= read_unix) log.add(std::move(event));
  return log;
}

struct HistoryObjectCase {
  Kind kind;
  const char* name;
  const char* payload;
  Upgrade (*parse)(std::string_view body);
};

std::shared_ptr<TargetSamples> history_target(const std::string& target, double read_unix,
                                              std::initializer_list<HistoryObjectCase> objects) {
  const auto histories = histories_from_log(history_log_until(read_unix), read_unix - kHistoryWindowSeconds);
  Snapshot snapshot;
  for (const HistoryObjectCase& c : objects) {
    snapshot.record(c.kind, c.name, c.parse(payload_text(c.payload)), read_unix, SteadyTime{});
    // The cluster's events name no object: its one object is named after the target.
    const HistoryObject key{c.kind, c.kind == Kind::cluster ? "" : c.name};
    if (const auto it = histories.find(key); it != histories.end())
      snapshot.set_history(c.kind, c.name, std::make_shared<const ObjectHistory>(it->second));
  }
  auto samples = std::make_shared<TargetSamples>(render_target(target, snapshot));
  samples->set_own(render_target_series(target, 30 * 60));
  return samples;
}

TEST(GoldenHistory, PageMatches) {
  const auto sf = history_target("sf", *parse_utc_timestamp("2026-11-28T18:00:00Z"),
                                 {{Kind::cluster, "sf", "service_fabric/cluster_7_1.json", parse_cluster_upgrade},
                                  {Kind::application, "fabric:/shop/orders",
                                   "service_fabric/application_blocked_on_safety_checks.json", parse_application_upgrade},
                                  {Kind::application, "fabric:/shop/billing",
                                   "service_fabric/application_awaiting_manual_step.json", parse_application_upgrade},
                                  {Kind::application, "fabric:/shop/cart", "service_fabric/application_in_progress.json",
                                   parse_application_upgrade}});
  const auto early = history_target("sf-early", *parse_utc_timestamp("2026-11-26T09:20:00Z"),
                                    {{Kind::application, "fabric:/shop/orders",
                                      "service_fabric/application_in_progress.json", parse_application_upgrade}});
  test::expect_golden_file(assemble_page({sf, early}, ""),
                           std::string(UE_TESTDATA) + "/golden/service_fabric-history.prom");
}

}  // namespace
}  // namespace ue
