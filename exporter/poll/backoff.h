// How long a poller holds off after polls that met an overloaded gateway
// (503/504): poll_interval doubled per consecutive such poll, or Retry-After
// when longer, never more than five minutes.
#pragma once

#include <chrono>
#include <optional>

#include "config/config.h"        // Duration
#include "snapshot/snapshot.h"    // SteadyTime

namespace ue {

class Backoff {
 public:
  // Longest wait between polls of a gateway that keeps answering 503/504.
  static constexpr auto kMax = std::chrono::minutes(5);

  // Takes a finished poll into account; returns the delay it imposes from
  // `started`, or nullopt when the gateway was fine.
  std::optional<SteadyTime::duration> after_poll(bool overloaded, int retry_after_seconds, Duration poll_interval,
                                                 SteadyTime started);
  // No poll before this.
  SteadyTime until() const { return until_; }

 private:
  int level_ = 0;  // consecutive polls that met a 503/504
  SteadyTime until_{};
};

}  // namespace ue
