// Qumulo data protection: the restriper, the protection status and the nodes,
// read with the upgrade status when the cluster serves them.
#include <gtest/gtest.h>

#include <string>

#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;

TEST(SourcesQumuloRestriper, Reprotecting) {
  const RestriperStatus r = parse_qumulo_restriper_status(payload("qumulo/restriper_status_reprotect.json"));
  EXPECT_EQ(r.state, "RUNNING");
  EXPECT_EQ(r.phase, "REPROTECT");
  EXPECT_EQ(r.data_at_risk, true);
  EXPECT_DOUBLE_EQ(*r.progress_ratio, 0.37);
  EXPECT_EQ(r.elapsed_seconds, 412.0);
  EXPECT_EQ(r.blocked_reason, "");
}

TEST(SourcesQumuloRestriper, ProgressOnlyWhileRunning) {
  const RestriperStatus finished = parse_qumulo_restriper_status(payload("qumulo/restriper_status_finished.json"));
  EXPECT_EQ(finished.state, "FINISHED");
  EXPECT_EQ(finished.phase, "");
  EXPECT_EQ(finished.data_at_risk, false);
  EXPECT_FALSE(finished.progress_ratio);
  const RestriperStatus idle = parse_qumulo_restriper_status(payload("qumulo/restriper_status_not_started.json"));
  EXPECT_EQ(idle.state, "NOT_STARTED");
  EXPECT_FALSE(idle.progress_ratio);
  EXPECT_EQ(parse_qumulo_restriper_status(R"({"state": "RUNNING", "percent_complete": 250})").progress_ratio, 1.0);
  EXPECT_EQ(parse_qumulo_restriper_status(R"({"state": "RUNNING", "percent_complete": -4})").progress_ratio, 0.0);
}

TEST(SourcesQumuloRestriper, LenientFields) {
  const RestriperStatus r = parse_qumulo_restriper_status(payload("qumulo/restriper_status_numbers_as_strings.json"));
  EXPECT_DOUBLE_EQ(*r.progress_ratio, 0.625);
  EXPECT_EQ(r.elapsed_seconds, 95.0);
  // Missing fields are absent, not zero.
  const RestriperStatus bare = parse_qumulo_restriper_status(R"({"state": "RUNNING"})");
  EXPECT_FALSE(bare.data_at_risk);
  EXPECT_FALSE(bare.progress_ratio);
  EXPECT_EQ(parse_qumulo_restriper_status(R"({"data_at_risk": true})").state, "");
  // Older releases call the state `status`; a newer value is kept verbatim.
  EXPECT_EQ(parse_qumulo_restriper_status(R"({"status": "NOT_RUNNING"})").state, "NOT_RUNNING");
  EXPECT_EQ(parse_qumulo_restriper_status(R"({"state": "PAUSED", "coordinator_node": "x"})").state, "PAUSED");
}

TEST(SourcesQumuloRestriper, HostileBodies) {
  EXPECT_SOURCE_ERROR(parse_qumulo_restriper_status(payload("qumulo/hostile_restriper_risk_word.json")),
                      Reason::schema);
  EXPECT_SOURCE_ERROR(parse_qumulo_restriper_status(payload("qumulo/hostile_truncated.json")), Reason::parse);
  for (const char* body : {"{}", "[]", R"({"state": 3})", R"({"state": "RUNNING", "percent_complete": "lots"})",
                           R"({"state": "RUNNING", "phase": ["REPROTECT"]})", R"({"phase": "REPROTECT"})"})
    EXPECT_SOURCE_ERROR(parse_qumulo_restriper_status(body), Reason::schema) << body;
  EXPECT_SOURCE_ERROR(parse_qumulo_restriper_status("<html>"), Reason::parse);
}

TEST(SourcesQumuloProtection, Status) {
  const ProtectionStatus p = parse_qumulo_protection_status(payload("qumulo/protection_status.json"));
  EXPECT_EQ(p.remaining_node_failures, 1.0);
  EXPECT_EQ(p.max_node_failures, 2.0);
  EXPECT_EQ(p.remaining_drive_failures, 1.0);
  EXPECT_EQ(p.max_drive_failures, 2.0);
  EXPECT_EQ(p.protection_system_type, "PROTECTION_SYSTEM_TYPE_EC");
  const ProtectionStatus exhausted = parse_qumulo_protection_status(payload("qumulo/protection_status_exhausted.json"));
  EXPECT_EQ(exhausted.remaining_node_failures, 0.0) << "numbers may arrive as strings";
  EXPECT_EQ(exhausted.max_node_failures, 1.0);
  const ProtectionStatus partial = parse_qumulo_protection_status(R"({"max_node_failures": 2})");
  EXPECT_FALSE(partial.remaining_node_failures);
  EXPECT_FALSE(partial.remaining_drive_failures);
}

TEST(SourcesQumuloProtection, HostileBodies) {
  EXPECT_SOURCE_ERROR(parse_qumulo_protection_status(payload("qumulo/hostile_protection_negative.json")),
                      Reason::schema);
  for (const char* body : {"{}", "[1]", R"({"remaining_node_failures": "one"})",
                           R"({"remaining_node_failures": true})", R"({"max_node_failures": 2, "protection_system_type": 5})",
                           R"({"blocks_per_stripe": 6})"})
    EXPECT_SOURCE_ERROR(parse_qumulo_protection_status(body), Reason::schema) << body;
  EXPECT_SOURCE_ERROR(parse_qumulo_protection_status(R"({"remaining_node_failures": 1e999})"), Reason::parse);
}

TEST(SourcesQumuloNodes, List) {
  const std::vector<ClusterNode> nodes = parse_qumulo_nodes(payload("qumulo/nodes.json"));
  ASSERT_EQ(nodes.size(), 8u);
  EXPECT_EQ(nodes[0].name, "qumulo-1");
  EXPECT_EQ(nodes[0].status, "online");
  EXPECT_EQ(nodes[3].name, "qumulo-4");
  EXPECT_EQ(nodes[3].status, "offline");
  EXPECT_FALSE(node_online(nodes[3]));
  EXPECT_TRUE(parse_qumulo_nodes("[]").empty());
}

TEST(SourcesQumuloNodes, NamelessNodesUseTheirIdAndDuplicatesCountOnce) {
  const std::vector<ClusterNode> nodes = parse_qumulo_nodes(
      R"([{"id": 7, "node_status": "online"}, {"id": "8"}, {"node_name": "a"}, {"node_name": "a", "node_status": "x"}, {}])");
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].name, "7");
  EXPECT_EQ(nodes[1].name, "8");
  EXPECT_EQ(nodes[1].status, "") << "a missing node_status is kept empty";
  EXPECT_EQ(nodes[2].name, "a");
  EXPECT_EQ(nodes[2].status, "");
}

TEST(SourcesQumuloNodes, HostileBodies) {
  EXPECT_EQ(parse_qumulo_nodes(payload("qumulo/hostile_nodes_many.json")).size(), kMaxDetailedNodes);
  EXPECT_SOURCE_ERROR(parse_qumulo_nodes(payload("qumulo/hostile_nodes_object.json")), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_qumulo_nodes(payload("qumulo/hostile_nodes_name_object.json")), Reason::schema);
  for (const char* body : {"[1]", R"(["qumulo-1"])", R"([{"id": 1.5}])", R"([{"node_status": 1, "node_name": "a"}])",
                           "\"online\"", "3"})
    EXPECT_SOURCE_ERROR(parse_qumulo_nodes(body), Reason::schema) << body;
  EXPECT_SOURCE_ERROR(parse_qumulo_nodes("[{"), Reason::parse);
  EXPECT_SOURCE_ERROR(parse_qumulo_nodes(std::string(100, '[')), Reason::parse);
}

// ---- read ----

constexpr const char* kStatusPath = "/v3/upgrade/status";
constexpr const char* kRestriperPath = "/v1/cluster/protection/restriper/status";
constexpr const char* kProtectionPath = "/v1/cluster/protection/status";
constexpr const char* kNodesPath = "/v1/cluster/nodes/";

TEST(SourcesQumuloProtectionRead, ReadsTheThreeRoutesAsProbes) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = payload("qumulo/upgrade_status_rebooting.json");
  fetch.answers[kRestriperPath] = payload("qumulo/restriper_status_reprotect.json");
  fetch.answers[kProtectionPath] = payload("qumulo/protection_status.json");
  fetch.answers[kNodesPath] = payload("qumulo/nodes.json");
  const Upgrade up = source_for(Kind::qumulo).read(fetch);
  ASSERT_TRUE(up.restriper);
  EXPECT_EQ(up.restriper->phase, "REPROTECT");
  ASSERT_TRUE(up.protection);
  EXPECT_EQ(up.protection->remaining_node_failures, 1.0);
  EXPECT_EQ(up.cluster_nodes.size(), 8u);
  ASSERT_EQ(fetch.requests.size(), 6u);
  const std::pair<const char*, const char*> expected[] = {
      {"qumulo_restriper_status", kRestriperPath},
      {"qumulo_protection_status", kProtectionPath},
      {"qumulo_nodes", kNodesPath},
  };
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(fetch.requests[3 + i].endpoint, expected[i].first);
    EXPECT_EQ(fetch.requests[3 + i].path, expected[i].second);
    EXPECT_TRUE(fetch.requests[3 + i].feature_probe);
  }
}

TEST(SourcesQumuloProtectionRead, AbsentRoutesAreSkipped) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = payload("qumulo/upgrade_status_idle.json");
  fetch.answers[kRestriperPath] = FeatureAbsent{404};
  fetch.answers[kProtectionPath] = FeatureAbsent{403};
  const Upgrade up = source_for(Kind::qumulo).read(fetch);  // nodes unscripted: not served
  EXPECT_EQ(up.state, "UPGRADE_STATE_IDLE");
  EXPECT_FALSE(up.restriper);
  EXPECT_FALSE(up.protection);
  EXPECT_TRUE(up.cluster_nodes.empty());
  EXPECT_TRUE(fetch.counted_errors.empty());
}

TEST(SourcesQumuloProtectionRead, ABadBodyCostsOnlyItsPart) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = payload("qumulo/upgrade_status_rebooting.json");
  fetch.answers[kRestriperPath] = payload("qumulo/hostile_restriper_risk_word.json");
  fetch.answers[kProtectionPath] = std::string("not json");
  fetch.answers[kNodesPath] = payload("qumulo/nodes.json");
  const Upgrade up = source_for(Kind::qumulo).read(fetch);
  EXPECT_EQ(up.state, "UPGRADE_STATE_REBOOTING");
  EXPECT_FALSE(up.restriper);
  EXPECT_FALSE(up.protection);
  EXPECT_EQ(up.cluster_nodes.size(), 8u);
  ASSERT_EQ(fetch.counted_errors.size(), 2u);
  EXPECT_EQ(fetch.counted_errors[0], (std::pair<std::string, Reason>{"qumulo_restriper_status", Reason::schema}));
  EXPECT_EQ(fetch.counted_errors[1], (std::pair<std::string, Reason>{"qumulo_protection_status", Reason::parse}));

  fetch.answers[kNodesPath] = test::http_error(500);
  EXPECT_TRUE(source_for(Kind::qumulo).read(fetch).cluster_nodes.empty());
}

}  // namespace
}  // namespace ue
