// The view the pollers publish: an object's view is copied when it moves and
// shared, unchanged, while it does not; the phase change time is set only
// when a read's phase differs from the one before.
#include <gtest/gtest.h>

#include "snapshot/fleet_view.h"

namespace ue {
namespace {

Upgrade upgrade(Phase phase, std::string state, double ratio = 0) {
  Upgrade u;
  u.phase = phase;
  u.state = std::move(state);
  u.progress_ratio = ratio;
  return u;
}

TEST(PhaseChanged, NeverAtTheFirstReadThenAtEachChangeOfPhase) {
  Snapshot s;
  s.record(Kind::application, "a", upgrade(Phase::completed, "RollingForwardCompleted"), 100, {});
  EXPECT_FALSE(s.find(Kind::application, "a")->phase_changed);

  s.record(Kind::application, "a", upgrade(Phase::rolling_forward, "RollingForwardInProgress", 0.1), 200, {});
  EXPECT_EQ(s.find(Kind::application, "a")->phase_changed, 200);
  s.record(Kind::application, "a", upgrade(Phase::rolling_forward, "RollingForwardPending", 0.5), 300, {});
  EXPECT_EQ(s.find(Kind::application, "a")->phase_changed, 200) << "a new state in the same phase";
  EXPECT_EQ(s.find(Kind::application, "a")->last_transition, 300);
  s.record(Kind::application, "a", upgrade(Phase::failed, "Failed", 0.5), 400, {});
  EXPECT_EQ(s.find(Kind::application, "a")->phase_changed, 400);
}

TEST(ViewObjects, CopiesEveryObjectInSnapshotOrder) {
  Snapshot s;
  s.record(Kind::application, "b", upgrade(Phase::completed, "RollingForwardCompleted"), 10, {});
  s.record(Kind::cluster, "c", upgrade(Phase::rolling_forward, "RollingForwardInProgress", 0.5), 20, {});
  s.record(Kind::application, "a", upgrade(Phase::failed, "Failed"), 30, {});
  auto views = view_objects(s, nullptr);
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[0]->kind, Kind::cluster);
  EXPECT_EQ(views[1]->name, "a");
  EXPECT_EQ(views[1]->upgrade.state, "Failed");
  EXPECT_EQ(views[1]->last_transition, 30);
  EXPECT_EQ(views[2]->name, "b");
  EXPECT_EQ(views[0]->upgrade.progress_ratio, 0.5);
}

TEST(ViewObjects, ReusesTheViewOfEveryObjectThatWasNotReadAgain) {
  Snapshot s;
  for (int i = 0; i < 1000; ++i)
    s.record(Kind::application, "idle-" + std::to_string(i), upgrade(Phase::completed, "RollingForwardCompleted"), 1,
             {});
  s.record(Kind::application, "moving", upgrade(Phase::rolling_forward, "RollingForwardInProgress", 0.1), 1, {});
  TargetView previous;
  previous.objects = view_objects(s, nullptr);

  s.record(Kind::application, "moving", upgrade(Phase::rolling_forward, "RollingForwardInProgress", 0.2), 2, {});
  s.erase(Kind::application, "idle-7");
  const auto next = view_objects(s, &previous);
  ASSERT_EQ(next.size(), 1000u);
  std::size_t shared = 0;
  for (const auto& view : next) {
    const bool reused = std::find(previous.objects.begin(), previous.objects.end(), view) != previous.objects.end();
    if (view->name == "moving") {
      EXPECT_FALSE(reused) << "it was read again";
      EXPECT_EQ(view->upgrade.progress_ratio, 0.2);
    } else {
      EXPECT_TRUE(reused) << view->name;
      shared += reused;
    }
  }
  EXPECT_EQ(shared, 999u);
}

}  // namespace
}  // namespace ue
