// All target pollers. A reload swaps the whole configuration: targets are
// added, removed or reconfigured in place, and unchanged ones keep running.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "config/config.h"
#include "poll/self_metrics.h"
#include "poll/target_poller.h"

namespace ue {

class Fleet {
 public:
  // Pollers reach their targets through `upstream`, which outlives the fleet.
  Fleet(SelfMetrics& metrics, std::function<void()> on_render, Upstream& upstream);
  ~Fleet();

  void apply(const Config& config);
  std::vector<std::shared_ptr<const TargetSamples>> samples() const;
  // Every target's view, in configuration order.
  std::vector<std::shared_ptr<const TargetView>> view() const;
  void stop();

 private:
  struct Entry {
    std::shared_ptr<const TargetConfig> config;
    std::unique_ptr<TargetPoller> poller;
  };
  SelfMetrics& metrics_;
  std::function<void()> on_render_;
  Upstream& upstream_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;  // in configuration order, which is the order on /metrics
};

// True when two target configurations would poll identically: equal in every
// field (TargetConfig's defaulted ==; include and exclude by their text) but
// the stall window, which changes what is said of the objects, not how they
// are read. A target's token source is kept while this holds.
bool same_target_config(const TargetConfig& a, const TargetConfig& b);
// True when two targets obtain their tokens the same way (`oauth2`, `qumulo_login`), so a cached token still holds.
bool same_token_auth(const TargetConfig& a, const TargetConfig& b);

}  // namespace ue
