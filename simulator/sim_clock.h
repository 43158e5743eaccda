// The simulated clock: real time scaled by --speed, from zero at start-up.
#pragma once

#include <chrono>
#include <cstdint>

#include "timeline.h"

namespace sim {

// Simulated time runs `speed` times faster than real time, from zero at construction.
class SimClock {
 public:
  explicit SimClock(double speed) : origin_(std::chrono::steady_clock::now()), speed_(speed) {}
  SimTime now() const {
    auto real = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - origin_);
    return Micros(static_cast<std::int64_t>(real.count() * speed_));
  }

 private:
  std::chrono::steady_clock::time_point origin_;
  double speed_;
};

}  // namespace sim
