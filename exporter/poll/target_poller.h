// Polls one target on its own thread: every poll_interval (longer while an
// overloaded gateway backs it off) one PollRound, then the snapshot's
// housekeeping, the target's samples rendered and published with its view
// (for the status page and the API), and its self-metrics.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "config/config.h"
#include "poll/backoff.h"
#include "base/clock.h"
#include "poll/request_watch.h"
#include "poll/self_metrics.h"
#include "poll/target_state.h"
#include "net/upstream.h"
#include "poll/worker_pool.h"
#include "render/target_samples.h"
#include "snapshot/fleet_view.h"

namespace ue {

class TargetPoller {
 public:
  // `on_render` is called after each poll has published new samples.
  // `upstream` and `clock` outlive the poller; start() needs the system clock,
  // as the poller sleeps on it.
  TargetPoller(std::shared_ptr<const TargetConfig> config, SelfMetrics& metrics, std::function<void()> on_render,
               Upstream& upstream, const Clock& clock = Clock::system());
  ~TargetPoller();  // stops

  void start();
  // Stops within a second: requests in flight are aborted.
  void stop();
  // Applies a changed configuration at once, keeping what is known of the objects.
  void reconfigure(std::shared_ptr<const TargetConfig> config);

  std::shared_ptr<const TargetSamples> samples() const;
  // What the status page shows of the target, as of its last poll (polled=false before the first).
  std::shared_ptr<const TargetView> view() const;
  const std::string& name() const { return name_; }

  // One poll, on the caller's thread (tests, and the poller loop).
  void poll_once();

 private:
  void run();
  bool sleep_until(SteadyTime when);  // false when stopping
  std::shared_ptr<const TargetConfig> config() const;
  // Drops the objects and series of kinds a reload took out of `collect`.
  void forget_uncollected_kinds(const TargetConfig& config);
  // Renders the snapshot (only what moved since the last samples) and makes it the target's samples,
  // and its view, from the poll that just ended.
  void publish(const TargetConfig& config, bool up, double poll_duration);

  const std::string name_;
  TargetMetrics& metrics_;
  std::function<void()> on_render_;
  Upstream& upstream_;
  const Clock& clock_;

  mutable std::mutex mutex_;  // guards config_, reconfigured_, stopping_, samples_, view_
  std::condition_variable wake_;
  std::shared_ptr<const TargetConfig> config_;
  bool reconfigured_ = false;
  bool stopping_ = false;
  std::shared_ptr<const TargetSamples> samples_;
  std::shared_ptr<const TargetView> view_;
  RequestWatch watch_;  // the poll's requests: timeouts, and aborted on stop
  std::thread thread_;

  // Poller-thread state.
  TargetState state_;
  std::unique_ptr<WorkerPool> workers_;
  Backoff backoff_;
  std::optional<double> last_success_;  // Unix seconds of the last fully successful poll
};

}  // namespace ue
