// One poll of one target: opens its connections, reads each kind it
// collects, in order, into the target's state, and says whether the target
// could be reached and whether every object due was read.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "config/config.h"
#include "base/clock.h"
#include "poll/request_watch.h"
#include "poll/self_metrics.h"
#include "poll/target_state.h"
#include "net/upstream.h"
#include "poll/upstream_fetcher.h"
#include "poll/worker_pool.h"

namespace ue {

struct RoundResult {
  bool up = true;          // the API answered
  std::size_t unread = 0;  // objects due this poll that could not be read
  bool overloaded = false;  // a 503/504 ended the poll early
  int retry_after_seconds = 0;
};

// What a round works with, owned by the target's poller and kept across
// polls. A round copies this struct: the references in it are the poller's
// members, which outlive every round, never a temporary's.
struct RoundTools {
  Upstream& upstream;
  RequestWatch& watch;  // also says when the poller is stopping
  WorkerPool& workers;  // as many as settings.concurrency
  TargetMetrics& metrics;
  const Clock& clock;
};

// Made for one poll and run once: `PollRound(target, state, tools).run()`.
// `target` and `state` are the poller's and outlive the round; what the round
// opens (transports, fetchers) it owns, and the watch lets go of it before it
// is destroyed.
class PollRound {
 public:
  PollRound(const TargetConfig& target, TargetState& state, RoundTools tools)
      : target_(target), state_(state), tools_(tools) {}
  PollRound(const PollRound&) = delete;
  PollRound& operator=(const PollRound&) = delete;

  RoundResult run() &&;

 private:
  // Returns how many due objects could not be read.
  std::size_t poll_kind(const Source& source);
  void poll_single(const Source& source);
  // Reads the EventStore when its interval has come (poll/history_poll).
  void poll_history();
  std::size_t poll_listed(const Source& source);
  // Returns how many objects to be read by name could not be.
  std::size_t poll_whole(const Source& source);
  // Reads one answer of a kind listed whole as it streams, holding the objects
  // `keep` wants. `listing`: one of the kind's two lists, a feature probe when the kind is one.
  std::vector<WholeObject> read_whole(const Source& source, std::string_view endpoint, const std::string& path,
                                      double now_unix, bool listing,
                                      const std::function<bool(const WholeObject&)>& keep);
  // Reads the due objects of a listing and records them as of `now`; returns how many could not be read.
  std::size_t read_due(const Source& source, const std::vector<const ListedObject*>& due, SteadyTime now);
  void report_dropped(Kind kind, std::size_t dropped);

  const TargetConfig& target_;
  TargetState& state_;
  const RoundTools tools_;
  SteadyTime started_{};
  GatewayLoad load_;
  std::vector<std::unique_ptr<Transport>> transports_;
  std::vector<UpstreamFetcher> fetchers_;  // one per transport, worker i uses fetchers_[i]
};

}  // namespace ue
