// Time as every layer sees it: steady time points for schedules and
// deadlines, millisecond durations for configured intervals, and the Clock
// the poller reads: the system's clocks in production, a fake one in tests,
// so schedules (idle re-reads, staleness, back-off) can be tested without
// waiting for them.
#pragma once

#include <chrono>

namespace ue {

using SteadyTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;   // schedules and deadlines
  virtual double unix_now() const = 0;  // timestamps that go on /metrics

  // The real clocks.
  static const Clock& system();
};

}  // namespace ue
