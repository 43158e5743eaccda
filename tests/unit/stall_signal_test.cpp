// The stall signal: what moves upgrade_last_transition_timestamp_seconds, and
// what a restarted exporter takes it to be at the first read.
#include <gtest/gtest.h>

#include "snapshot/snapshot.h"

namespace ue {
namespace {

Upgrade in_domain(std::vector<NodeProgress> nodes) {
  Upgrade u;
  u.state = "RollingForwardInProgress";
  u.phase = Phase::rolling_forward;
  u.progress_ratio = 0.4;
  u.current_domain = "UD_2";
  u.current_nodes = std::move(nodes);
  return u;
}

NodeProgress node(std::string name, std::string phase, std::vector<SafetyCheck> pending = {}) {
  return {std::move(name), std::move(phase), std::move(pending)};
}

double transition_after(const Upgrade& first, const Upgrade& second) {
  Snapshot s;
  s.record(Kind::application, "a", first, 100, {});
  return s.record(Kind::application, "a", second, 200, {}).last_transition;
}

TEST(StallSignal, NodesMovingThroughTheirPhasesAreProgress) {
  const Upgrade checking = in_domain({node("n1", "PreUpgradeSafetyCheck", {{"EnsurePartitionQuorum", "p1"}})});
  const Upgrade upgrading = in_domain({node("n1", "Upgrading")});
  const Upgrade post = in_domain({node("n1", "PostUpgradeSafetyCheck")});
  EXPECT_EQ(transition_after(checking, upgrading), 200);
  EXPECT_EQ(transition_after(upgrading, post), 200);
}

TEST(StallSignal, ANodeWaitingOnTheSameCheckIsNot) {
  const Upgrade waiting = in_domain({node("n1", "PreUpgradeSafetyCheck", {{"EnsurePartitionQuorum", "p1"}}),
                                     node("n2", "PreUpgradeSafetyCheck", {{"EnsureSeedNodeQuorum", ""}})});
  EXPECT_EQ(transition_after(waiting, waiting), 100);
  // The same waits listed in another order are the same waits.
  const Upgrade reordered = in_domain({node("n2", "PreUpgradeSafetyCheck", {{"EnsureSeedNodeQuorum", ""}}),
                                       node("n1", "PreUpgradeSafetyCheck", {{"EnsurePartitionQuorum", "p1"}})});
  EXPECT_EQ(transition_after(waiting, reordered), 100);
}

TEST(StallSignal, TheSetOfPendingChecksChangingIsProgress) {
  const Upgrade one = in_domain({node("n1", "PreUpgradeSafetyCheck", {{"EnsurePartitionQuorum", "p1"}})});
  const Upgrade other_partition = in_domain({node("n1", "PreUpgradeSafetyCheck", {{"EnsurePartitionQuorum", "p2"}})});
  const Upgrade other_kind = in_domain({node("n1", "PreUpgradeSafetyCheck", {{"WaitForPrimarySwap", "p1"}})});
  const Upgrade cleared = in_domain({node("n1", "PreUpgradeSafetyCheck")});
  EXPECT_EQ(transition_after(one, other_partition), 200);
  EXPECT_EQ(transition_after(one, other_kind), 200);
  EXPECT_EQ(transition_after(one, cleared), 200);
}

TEST(StallSignal, HealthCheckPhaseFlipsAndEvaluationsAreProgress) {
  Upgrade waiting = in_domain({});
  waiting.state = "RollingForwardPending";
  waiting.health_check_phase = "WaitDuration";
  Upgrade stable = waiting;
  stable.health_check_phase = "StableDuration";
  EXPECT_EQ(transition_after(waiting, stable), 200);

  Upgrade retry = waiting;
  retry.health_check_phase = "Retry";
  retry.health_check_retry_flips = 1;
  Upgrade flipped = retry;
  flipped.health_check_retry_flips = 2;
  EXPECT_EQ(transition_after(retry, flipped), 200);

  Upgrade unhealthy = retry;
  unhealthy.unhealthy_evaluations = 1;
  Upgrade more = unhealthy;
  more.unhealthy_evaluations = 3;
  EXPECT_EQ(transition_after(unhealthy, more), 200);

  // Only the timer moving is not progress: that is what a stuck retry looks like.
  Upgrade later = unhealthy;
  later.health_check_elapsed = 500;
  EXPECT_EQ(transition_after(unhealthy, later), 100);
}

TEST(StallSignal, AFirstReadDuringAHealthCheckDatesTheStandstillFromItsTimer) {
  Upgrade retrying = in_domain({});
  retrying.state = "RollingForwardPending";
  retrying.health_check_phase = "Retry";
  retrying.health_check_elapsed = 1500;
  Snapshot s;
  EXPECT_EQ(s.record(Kind::cluster, "sf", retrying, 10'000, {}).last_transition, 8'500);
  EXPECT_EQ(first_transition(retrying, 10'000), 8'500);

  Upgrade no_phase = retrying;
  no_phase.health_check_phase.clear();
  EXPECT_EQ(first_transition(no_phase, 10'000), 10'000) << "the timer alone proves nothing";
  Upgrade no_timer = retrying;
  no_timer.health_check_elapsed.reset();
  EXPECT_EQ(first_transition(no_timer, 10'000), 10'000);
  Upgrade settled = retrying;
  settled.state = "RollingForwardCompleted";
  settled.phase = Phase::completed;
  EXPECT_EQ(first_transition(settled, 10'000), 10'000) << "only an upgrade in progress is dated back";
}

}  // namespace
}  // namespace ue
