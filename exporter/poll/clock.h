// Where the poller reads the time: the system's clocks in production, a
// fake one in tests, so schedules (idle re-reads, staleness, back-off) can
// be tested without waiting for them.
#pragma once

#include <chrono>

#include "snapshot/snapshot.h"  // SteadyTime

namespace ue {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;   // schedules and deadlines
  virtual double unix_now() const = 0;  // timestamps that go on /metrics

  // The real clocks.
  static const Clock& system();
};

}  // namespace ue
