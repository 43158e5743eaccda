// Qumulo: /v3/upgrade/status and /v1/shutdown/reboot/status.
#include <gtest/gtest.h>

#include <string>

#include "log/log.h"
#include "sources/parsers.h"
#include "unit/sources_test_util.h"

namespace ue {
namespace {

using test::payload;
using Info = decltype(Upgrade::info);

Upgrade status(const std::string& file) { return parse_qumulo_upgrade_status(payload("qumulo/" + file)); }

void expect_no_service_fabric_fields(const Upgrade& up) {
  EXPECT_FALSE(up.domains);
  EXPECT_EQ(up.current_domain, "");
  EXPECT_FALSE(up.start_time);
  EXPECT_FALSE(up.failure_time);
  EXPECT_FALSE(up.duration);
  EXPECT_FALSE(up.domain_duration);
  EXPECT_FALSE(up.pending_safety_checks);
  EXPECT_FALSE(up.nodes);
  EXPECT_FALSE(up.unhealthy_evaluations);
  EXPECT_TRUE(up.replicas.empty());
  EXPECT_FALSE(up.timeout);
  EXPECT_FALSE(up.domain_timeout);
  EXPECT_EQ(up.health_check_phase, "");
  EXPECT_FALSE(up.config_progress_status);
  EXPECT_FALSE(up.reboot);
}

TEST(SourcesQumulo, Preparing) {
  const Upgrade up = status("upgrade_status_preparing.json");
  EXPECT_EQ(up.state, "UPGRADE_STATE_PREPARING");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 0.42);
  EXPECT_EQ(up.info, (Info{{"target_version", "7.2.0"}, {"upgrade_type", "SOFTWARE_AND_PLATFORM"},
                           {"auto_commit", "true"}}));
  expect_no_service_fabric_fields(up);
}

TEST(SourcesQumulo, Idle) {
  const Upgrade up = status("upgrade_status_idle.json");
  EXPECT_EQ(up.state, "UPGRADE_STATE_IDLE");
  EXPECT_EQ(up.phase, Phase::idle);
  EXPECT_FALSE(up.progress_ratio);
  EXPECT_TRUE(up.info.empty());
  expect_no_service_fabric_fields(up);
}

TEST(SourcesQumulo, ErrorInfoMeansFailedWhateverTheState) {
  const Upgrade up = status("upgrade_status_error.json");
  EXPECT_EQ(up.state, "UPGRADE_STATE_PREPARING");
  EXPECT_EQ(up.phase, Phase::failed);
  EXPECT_DOUBLE_EQ(*up.progress_ratio, 0.17);
  EXPECT_EQ(up.info, (Info{{"target_version", "7.2.1"},
                           {"failure_reason",
                            "Image verification failed: checksum mismatch in /upgrade/qumulo_core_7.2.1.qimg"},
                           {"upgrade_type", "SOFTWARE_ONLY"},
                           {"auto_commit", "false"}}));
  EXPECT_EQ(parse_qumulo_upgrade_status(R"({"state": "UPGRADE_STATE_IDLE", "error_info": "boom"})").phase,
            Phase::failed);
}

TEST(SourcesQumulo, ProgressOnlyCountsWhilePreparing) {
  const Upgrade prepared = status("upgrade_status_prepared.json");
  EXPECT_EQ(prepared.phase, Phase::rolling_forward);
  EXPECT_FALSE(prepared.progress_ratio);
  EXPECT_EQ(prepared.info, (Info{{"target_version", "7.2.0"}, {"upgrade_type", "SOFTWARE_ONLY"},
                                 {"auto_commit", "false"}}));

  const Upgrade committing = status("upgrade_status_committing.json");
  EXPECT_EQ(committing.state, "UPGRADE_STATE_COMMITTING");
  EXPECT_EQ(committing.phase, Phase::rolling_forward);
  EXPECT_FALSE(committing.progress_ratio);
  EXPECT_EQ(committing.info, (Info{{"target_version", "7.2.0"}, {"upgrade_type", "SOFTWARE_ONLY"},
                                   {"auto_commit", "true"}}));

  const Upgrade rebooting = status("upgrade_status_rebooting.json");
  EXPECT_EQ(rebooting.state, "UPGRADE_STATE_REBOOTING");
  EXPECT_EQ(rebooting.phase, Phase::rolling_forward);
  EXPECT_FALSE(rebooting.progress_ratio);

  EXPECT_FALSE(parse_qumulo_upgrade_status(R"({"state": "UPGRADE_STATE_PREPARING", "progress": null})").progress_ratio);
  EXPECT_EQ(parse_qumulo_upgrade_status(R"({"state": "UPGRADE_STATE_PREPARING", "progress": "7"})").progress_ratio,
            0.07);
  EXPECT_EQ(parse_qumulo_upgrade_status(R"({"state": "UPGRADE_STATE_PREPARING", "progress": -3})").progress_ratio,
            0.0);
}

TEST(SourcesQumulo, MapsEveryStateToItsPhase) {
  const std::pair<const char*, Phase> cases[] = {
      {"UPGRADE_STATE_IDLE", Phase::idle},
      {"UPGRADE_STATE_PREPARING", Phase::rolling_forward},
      {"UPGRADE_STATE_PREPARED", Phase::rolling_forward},
      {"UPGRADE_STATE_COMMITTING", Phase::rolling_forward},
      {"UPGRADE_STATE_COMMITTED", Phase::rolling_forward},
      {"UPGRADE_STATE_REBOOTING", Phase::rolling_forward},
      {"UPGRADE_STATE_SOMETHING_NEW", Phase::rolling_forward},
  };
  for (const auto& [state, phase] : cases) {
    const Upgrade up = parse_qumulo_upgrade_status(std::string(R"({"state": ")") + state + "\"}");
    EXPECT_EQ(up.state, state);
    EXPECT_EQ(phase_name(up.phase), phase_name(phase)) << state;
  }
}

TEST(SourcesQumulo, UnknownStatesAndFieldsAreTolerated) {
  const Upgrade up = status("upgrade_status_future_state.json");
  EXPECT_EQ(up.state, "UPGRADE_STATE_VERIFYING");
  EXPECT_EQ(up.phase, Phase::rolling_forward);
  EXPECT_FALSE(up.progress_ratio);
  EXPECT_TRUE(up.info.empty());
  // The legacy /v1/conf/upgrade/status shape still has a string `state`.
  EXPECT_EQ(status("legacy_v1_shape.json").state, "UPGRADE_PREPARING");
}

TEST(SourcesQumulo, ClampsProgressAndKeepsLabelBytes) {
  const Upgrade up = status("hostile_progress_out_of_range.json");
  EXPECT_EQ(up.phase, Phase::rolling_forward);  // an empty error_info is no error
  EXPECT_EQ(up.progress_ratio, 1.0);
  EXPECT_EQ(up.info, (Info{{"target_version", "7.2.0\n\"x\""}}));
}

TEST(SourcesQumulo, HostileBodies) {
  const std::pair<const char*, Reason> cases[] = {
      {"hostile_error_info_object.json", Reason::schema}, {"hostile_progress_word.json", Reason::schema},
      {"hostile_no_state.json", Reason::schema},          {"hostile_settings_string.json", Reason::schema},
      {"hostile_truncated.json", Reason::parse},
  };
  for (const auto& [file, reason] : cases) EXPECT_SOURCE_ERROR(status(file), reason) << file;
  for (const char* body : {"", "<html></html>", "[]", R"({"state": null})", R"({"state": 3})", R"({"state": ""})",
                           R"({"state": "UPGRADE_STATE_IDLE", "settings": {"auto_commit": "yes"}})",
                           R"({"state": "UPGRADE_STATE_IDLE", "settings": {"target_version": [7]}})",
                           R"({"state": "UPGRADE_STATE_PREPARING", "progress": "NaN"})"}) {
    EXPECT_THROW(parse_qumulo_upgrade_status(body), SourceError) << body;
  }
}

TEST(SourcesQumuloReboot, Status) {
  const RebootProgress running = parse_qumulo_reboot_status(payload("qumulo/reboot_status_in_progress.json"));
  EXPECT_EQ(running.state, "REBOOT_IN_PROGRESS");
  EXPECT_EQ(running.rebooted_nodes, 3.0);
  EXPECT_EQ(running.total_nodes, 8.0);
  const RebootProgress idle = parse_qumulo_reboot_status(payload("qumulo/reboot_status_idle.json"));
  EXPECT_EQ(idle.state, "REBOOT_IDLE");
  EXPECT_EQ(idle.total_nodes, 0.0);
  EXPECT_SOURCE_ERROR(parse_qumulo_reboot_status(payload("qumulo/hostile_reboot_counts_word.json")), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_qumulo_reboot_status(R"({"total_node_count": 3})"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_qumulo_reboot_status("{"), Reason::parse);
}

// ---- read ----

constexpr const char* kStatusPath = "/v3/upgrade/status";
constexpr const char* kRebootPath = "/v1/shutdown/reboot/status";

TEST(SourcesQumuloRead, ReadsStatusThenReboot) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = payload("qumulo/upgrade_status_rebooting.json");
  fetch.answers[kRebootPath] = payload("qumulo/reboot_status_in_progress.json");
  const Upgrade up = source_for(Kind::qumulo).read(fetch);
  EXPECT_EQ(up.state, "UPGRADE_STATE_REBOOTING");
  ASSERT_TRUE(up.reboot);
  EXPECT_EQ(up.reboot->state, "REBOOT_IN_PROGRESS");
  EXPECT_EQ(up.reboot->rebooted_nodes, 3.0);
  EXPECT_EQ(up.reboot->total_nodes, 8.0);
  ASSERT_EQ(fetch.requests.size(), 6u) << "then the data protection (sources_qumulo_protection_test.cpp)";
  EXPECT_EQ(fetch.requests[0].endpoint, "qumulo_upgrade_status");
  EXPECT_FALSE(fetch.requests[0].feature_probe);
  EXPECT_EQ(fetch.requests[1].endpoint, "qumulo_reboot_status");
  EXPECT_TRUE(fetch.requests[1].feature_probe);
  EXPECT_EQ(fetch.requests[2].endpoint, "qumulo_upgrade_blocked");
  EXPECT_EQ(fetch.requests[2].path, "/v2/upgrade/blocked");
  EXPECT_TRUE(fetch.requests[2].feature_probe);
  EXPECT_FALSE(up.blocked) << "unscripted: not served";
}

TEST(SourcesQumuloRead, BlockedStatusAndReason) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = payload("qumulo/upgrade_status_prepared.json");
  fetch.answers["/v2/upgrade/blocked"] = payload("qumulo/upgrade_blocked.json");
  const Upgrade up = source_for(Kind::qumulo).read(fetch);
  ASSERT_TRUE(up.blocked);
  EXPECT_TRUE(up.blocked->is_blocked);
  EXPECT_TRUE(up.blocked->cluster_degraded);
  ASSERT_FALSE(up.info.empty());
  EXPECT_EQ(up.info.back().first, "blocked_reason");
  EXPECT_EQ(up.info.back().second, "Node 3 is offline; the cluster must be fully healthy to upgrade");

  fetch.answers["/v2/upgrade/blocked"] = std::string(R"({"is_blocked": false, "cluster_degraded": false, "blocked_reason": ""})");
  const Upgrade clear = source_for(Kind::qumulo).read(fetch);
  ASSERT_TRUE(clear.blocked);
  EXPECT_FALSE(clear.blocked->is_blocked);
  for (const auto& [label, value] : clear.info) EXPECT_NE(label, "blocked_reason") << "an empty reason is no label";

  // A bad blocked body costs only the blocked status.
  fetch.answers["/v2/upgrade/blocked"] = std::string(R"({"is_blocked": "yes"})");
  const Upgrade bad = source_for(Kind::qumulo).read(fetch);
  EXPECT_FALSE(bad.blocked);
  EXPECT_EQ(bad.state, "UPGRADE_STATE_PREPARED");
}

TEST(SourcesQumulo, ParsesTheBlockedStatus) {
  const QumuloBlockedStatus blocked = parse_qumulo_upgrade_blocked(payload("qumulo/upgrade_blocked.json"));
  EXPECT_TRUE(blocked.blocked.is_blocked);
  EXPECT_TRUE(blocked.blocked.cluster_degraded);
  EXPECT_FALSE(parse_qumulo_upgrade_blocked(R"({"is_blocked": false})").blocked.cluster_degraded);
  EXPECT_SOURCE_ERROR(parse_qumulo_upgrade_blocked(R"({"cluster_degraded": true})"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_qumulo_upgrade_blocked(R"({"is_blocked": 1})"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_qumulo_upgrade_blocked(R"({"is_blocked": true, "blocked_reason": 7})"), Reason::schema);
  EXPECT_SOURCE_ERROR(parse_qumulo_upgrade_blocked("[true]"), Reason::schema);
}

TEST(SourcesQumuloRead, RebootProblemsLeaveRebootAbsent) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = payload("qumulo/upgrade_status_preparing.json");
  for (const test::ScriptedFetcher::Answer& answer :
       {test::ScriptedFetcher::Answer{FeatureAbsent{403}}, test::ScriptedFetcher::Answer{test::http_error(500)},
        test::ScriptedFetcher::Answer{SourceError{Reason::timeout, "slow"}},
        test::ScriptedFetcher::Answer{std::string("not json")}}) {
    fetch.answers[kRebootPath] = answer;
    const Upgrade up = source_for(Kind::qumulo).read(fetch);
    EXPECT_EQ(up.state, "UPGRADE_STATE_PREPARING");
    EXPECT_FALSE(up.reboot);
  }
  // The malformed reboot body was still counted, under its own endpoint.
  ASSERT_EQ(fetch.counted_errors.size(), 1u);
  EXPECT_EQ(fetch.counted_errors[0].first, "qumulo_reboot_status");
  EXPECT_EQ(fetch.counted_errors[0].second, Reason::parse);
}

// Skipping the reboot status is noted at debug level, with no upstream bytes
// beyond the SourceError's own message.
TEST(SourcesQumuloRead, RebootProblemsAreLoggedAtDebug) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = payload("qumulo/upgrade_status_preparing.json");
  Log::configure(LogLevel::debug, LogFormat::logfmt);
  testing::internal::CaptureStderr();
  fetch.answers[kRebootPath] = std::string("<html>secret-token-123</html>");
  source_for(Kind::qumulo).read(fetch);
  fetch.answers[kRebootPath] = FeatureAbsent{403};
  source_for(Kind::qumulo).read(fetch);
  const std::string logged = testing::internal::GetCapturedStderr();
  Log::configure(LogLevel::info, LogFormat::logfmt);
  EXPECT_NE(logged.find("level=debug msg=\"reboot status unread; upgrade status exported without it\" "
                        "endpoint=qumulo_reboot_status err=\"invalid JSON at byte 1\""),
            std::string::npos)
      << logged;
  EXPECT_NE(logged.find("level=debug msg=\"reboot status not served; upgrade status exported without it\" "
                        "endpoint=qumulo_reboot_status status=403"),
            std::string::npos)
      << logged;
  EXPECT_EQ(logged.find("secret"), std::string::npos) << logged;
}

TEST(SourcesQumuloRead, StatusFailuresPropagate) {
  test::ScriptedFetcher fetch;
  fetch.answers[kStatusPath] = SourceError{Reason::connect, "refused"};
  fetch.answers[kRebootPath] = payload("qumulo/reboot_status_in_progress.json");
  EXPECT_SOURCE_ERROR(source_for(Kind::qumulo).read(fetch), Reason::connect);
  EXPECT_EQ(fetch.requests.size(), 1u);

  fetch.answers[kStatusPath] = payload("qumulo/hostile_no_state.json");
  EXPECT_SOURCE_ERROR(source_for(Kind::qumulo).read(fetch), Reason::schema);
  ASSERT_EQ(fetch.counted_errors.size(), 1u);
  EXPECT_EQ(fetch.counted_errors[0].first, "qumulo_upgrade_status");
}

}  // namespace
}  // namespace ue
