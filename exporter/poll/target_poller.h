// Polls one target on its own thread: every poll_interval it reads each kind
// it collects, updates the target's snapshot, renders the target's samples
// and tells the page cache.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>

#include "config/config.h"
#include "poll/self_metrics.h"
#include "render/target_samples.h"
#include "snapshot/snapshot.h"
#include "sources/source.h"

namespace ue {

class HttpFetcher;
struct ConnectionSettings;

class TargetPoller {
 public:
  TargetPoller(std::shared_ptr<const TargetConfig> config, SelfMetrics& metrics, std::function<void()> on_render);
  ~TargetPoller();  // stops

  void start();
  // Stops within a second: requests in flight are aborted.
  void stop();
  // Applies a changed configuration at once, keeping what is known of the objects.
  void reconfigure(std::shared_ptr<const TargetConfig> config);

  std::shared_ptr<const TargetSamples> samples() const;
  const std::string& name() const { return name_; }

  // One poll, on the caller's thread (tests, and the poller loop).
  void poll_once();

 private:
  void run();
  void poll_single(const Source& source, const TargetConfig& config, HttpFetcher& fetcher);
  // Returns how many due objects could not be read.
  std::size_t poll_listed(const Source& source, const TargetConfig& config,
                          std::vector<std::unique_ptr<HttpFetcher>>& fetchers);
  bool sleep_until(SteadyTime when);  // false when stopping
  void schedule_backoff(const ConnectionSettings& connection, const TargetConfig& config, SteadyTime started);
  // Runs beside a poll and aborts requests that outlive their timeout.
  void watch_deadlines(std::stop_token stop);

  const std::string name_;
  TargetMetrics& metrics_;
  std::function<void()> on_render_;

  mutable std::mutex mutex_;  // guards config_, pending_, samples_, active_
  std::condition_variable wake_;
  std::condition_variable_any watchdog_wake_;  // only ever woken by the poll's stop request
  std::shared_ptr<const TargetConfig> config_;
  bool reconfigured_ = false;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<const TargetSamples> samples_;
  std::set<HttpFetcher*> active_;  // fetchers of the poll in flight, aborted on stop
  std::thread thread_;

  // Poller-thread state.
  Snapshot snapshot_;
  std::map<std::string, std::string> memo_;
  SteadyTime memo_expires_{};  // negotiated settings are re-checked: a cluster may have been upgraded since
  std::map<Kind, SteadyTime> absent_until_;  // kinds the upstream does not serve, and when to ask again
  std::map<Kind, std::size_t> dropped_before_;  // objects over max_objects at the last listing, per kind
  int backoff_level_ = 0;                    // consecutive polls that met a 503/504
  SteadyTime backoff_until_{};
};

}  // namespace ue
