// The simulated clock against real time.
#include "sim_clock.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

using namespace std::chrono_literals;

TEST(SimClock, SimulatedTimeRunsAtTheRequestedSpeed) {
  SimClock fast(1000), slow(1);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (fast.now() < 2s) ASSERT_LT(std::chrono::steady_clock::now(), deadline);  // ~2ms of real time
  EXPECT_LT(slow.now(), fast.now());
  EXPECT_LT(slow.now(), 2s);
}

}  // namespace
}  // namespace sim
