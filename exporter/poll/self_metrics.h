// The exporter's own metrics, kept in a prometheus-cpp Registry. A Family
// keeps series until told otherwise, so a removed target is removed here too.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "model/upgrade.h"
#include "net/upstream.h"  // RequestCounter
#include "snapshot/fleet_view.h"  // LastError

namespace ue {

class SelfMetrics;

// Handles for one target; obtained from SelfMetrics, valid until remove_target.
class TargetMetrics final : public RequestCounter {
 public:
  void request(std::string_view endpoint, double seconds) override;
  // Counts a failed request and remembers it as the last error, as of `now_unix`.
  void error(std::string_view endpoint, Reason reason, double now_unix) override;
  void set_up(bool up);
  void poll_finished(double seconds, bool success, double now_unix);
  void set_objects(Kind kind, double count);
  void dropped(Kind kind, double count);
  // Removes the series of a kind the target no longer collects.
  void forget_kind(Kind kind);
  // The most recent failed request; absent until one fails.
  std::optional<LastError> last_error() const;

 private:
  friend class SelfMetrics;
  struct Endpoint {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
    std::map<Reason, prometheus::Counter*> errors;
  };
  Endpoint& endpoint(std::string_view name);

  SelfMetrics* owner_ = nullptr;
  std::string target_;
  mutable std::mutex mutex_;  // endpoints_ is filled lazily from the poller's worker threads; guards last_error_
  std::map<std::string, Endpoint, std::less<>> endpoints_;
  prometheus::Gauge* up_ = nullptr;
  prometheus::Gauge* poll_duration_ = nullptr;
  prometheus::Gauge* last_success_ = nullptr;
  std::map<Kind, prometheus::Gauge*> objects_;
  std::map<Kind, prometheus::Counter*> dropped_;
  std::optional<LastError> last_error_;
};

class SelfMetrics {
 public:
  SelfMetrics();
  TargetMetrics& target(const std::string& name);
  void remove_target(const std::string& name);
  void reload_finished(bool success);
  // Full exposition text of every self-metric.
  std::string render() const;

 private:
  friend class TargetMetrics;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& up_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Histogram>& request_duration_;
  prometheus::Family<prometheus::Gauge>& poll_duration_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Gauge>& objects_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Family<prometheus::Gauge>& reload_success_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Family<prometheus::Gauge>& build_info_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<TargetMetrics>> targets_;
};

}  // namespace ue
