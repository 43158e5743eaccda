#include "poll/backoff.h"

#include <algorithm>

namespace ue {

std::optional<SteadyTime::duration> Backoff::after_poll(bool overloaded, int retry_after_seconds,
                                                        Duration poll_interval, SteadyTime started) {
  if (!overloaded) {
    level_ = 0;
    return std::nullopt;
  }
  level_ = std::min(level_ + 1, 10);
  SteadyTime::duration delay = std::max<SteadyTime::duration>(poll_interval * (1LL << level_),
                                                              std::chrono::seconds(retry_after_seconds));
  delay = std::min<SteadyTime::duration>(delay, kMax);
  until_ = started + delay;
  return delay;
}

}  // namespace ue
