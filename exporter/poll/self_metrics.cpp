#include "poll/self_metrics.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace ue {
namespace {

const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                                 0.5,   1,    2.5,   5,    10,  30};

template <class Builder>
auto& build(Builder builder, prometheus::Registry& registry, const char* name, const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

SelfMetrics::SelfMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      up_(build(prometheus::BuildGauge(), *registry_, "upgrade_exporter_target_up",
                "1 if the target's last poll reached its API and every list endpoint answered, else 0.")),
      requests_(build(prometheus::BuildCounter(), *registry_, "upgrade_exporter_requests_total",
                      "Upstream requests made.")),
      errors_(build(prometheus::BuildCounter(), *registry_, "upgrade_exporter_request_errors_total",
                    "Failed upstream requests by reason: connect, timeout, tls, http_status, parse, schema, too_large.")),
      request_duration_(build(prometheus::BuildHistogram(), *registry_, "upgrade_exporter_request_duration_seconds",
                              "Upstream request latency.")),
      poll_duration_(build(prometheus::BuildGauge(), *registry_, "upgrade_exporter_poll_duration_seconds",
                           "How long the target's last full poll took.")),
      last_success_(build(prometheus::BuildGauge(), *registry_, "upgrade_exporter_last_success_timestamp_seconds",
                          "End of the target's last fully successful poll, Unix seconds: the freshness of its series.")),
      objects_(build(prometheus::BuildGauge(), *registry_, "upgrade_exporter_objects",
                     "Objects currently exported.")),
      dropped_(build(prometheus::BuildCounter(), *registry_, "upgrade_exporter_objects_dropped_total",
                     "Objects left out because the target listed more than max_objects.")),
      reload_success_(build(prometheus::BuildGauge(), *registry_, "upgrade_exporter_config_reload_success",
                            "1 if the last configuration reload succeeded.")),
      reloads_(build(prometheus::BuildCounter(), *registry_, "upgrade_exporter_config_reloads_total",
                     "Configuration reloads by result (success, failure).")),
      build_info_(build(prometheus::BuildGauge(), *registry_, "upgrade_exporter_build_info",
                        "Constant 1; labels name the exporter's version and revision.")) {
  build_info_.Add({{"version", UE_VERSION}, {"revision", UE_REVISION}}).Set(1);
  reload_success_.Add({}).Set(1);
  reloads_.Add({{"result", "success"}});
  reloads_.Add({{"result", "failure"}});
}

TargetMetrics& SelfMetrics::target(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& slot = targets_[name];
  if (!slot) {
    slot = std::make_unique<TargetMetrics>();
    slot->owner_ = this;
    slot->target_ = name;
    slot->up_ = &up_.Add({{"target", name}});
    slot->poll_duration_ = &poll_duration_.Add({{"target", name}});
  }
  return *slot;
}

void SelfMetrics::remove_target(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = targets_.find(name);
  if (it == targets_.end()) return;
  TargetMetrics& t = *it->second;
  up_.Remove(t.up_);
  poll_duration_.Remove(t.poll_duration_);
  if (t.last_success_) last_success_.Remove(t.last_success_);
  for (auto& [kind, gauge] : t.objects_) objects_.Remove(gauge);
  for (auto& [kind, counter] : t.dropped_) dropped_.Remove(counter);
  for (auto& [endpoint, e] : t.endpoints_) {
    requests_.Remove(e.requests);
    request_duration_.Remove(e.duration);
    for (auto& [reason, counter] : e.errors) errors_.Remove(counter);
  }
  targets_.erase(it);
}

void SelfMetrics::reload_finished(bool success) {
  reload_success_.Add({}).Set(success ? 1 : 0);
  reloads_.Add({{"result", success ? "success" : "failure"}}).Increment();
}

std::string SelfMetrics::render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return std::move(out).str();
}

TargetMetrics::Endpoint& TargetMetrics::endpoint(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = endpoints_.find(name);
  if (it != endpoints_.end()) return it->second;
  prometheus::Labels labels = {{"target", target_}, {"endpoint", std::string(name)}};
  Endpoint e;
  e.requests = &owner_->requests_.Add(labels);
  e.duration = &owner_->request_duration_.Add(labels, kLatencyBuckets);
  for (Reason reason : kAllReasons) {
    auto with_reason = labels;
    with_reason.emplace("reason", std::string(reason_name(reason)));
    e.errors[reason] = &owner_->errors_.Add(with_reason);
  }
  return endpoints_.emplace(std::string(name), std::move(e)).first->second;
}

void TargetMetrics::request(std::string_view name, double seconds) {
  Endpoint& e = endpoint(name);
  e.requests->Increment();
  e.duration->Observe(seconds);
}

void TargetMetrics::error(std::string_view name, Reason reason, double now_unix) {
  endpoint(name).errors.at(reason)->Increment();
  std::lock_guard lock(mutex_);
  // Workers fail in any order; the latest time wins, so the status page never shows an older error as the last.
  if (!last_error_ || now_unix >= last_error_->time) last_error_ = LastError{std::string(name), reason, now_unix};
}

std::optional<LastError> TargetMetrics::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void TargetMetrics::set_up(bool up) { up_->Set(up ? 1 : 0); }

void TargetMetrics::poll_finished(double seconds, bool success, double now_unix) {
  poll_duration_->Set(seconds);
  if (!success) return;
  // Created at the first success: a 0 here would read as "fresh in 1970".
  std::lock_guard lock(mutex_);
  if (!last_success_) last_success_ = &owner_->last_success_.Add({{"target", target_}});
  last_success_->Set(now_unix);
}

void TargetMetrics::set_objects(Kind kind, double count) {
  std::lock_guard lock(mutex_);
  auto& gauge = objects_[kind];
  if (!gauge) gauge = &owner_->objects_.Add({{"target", target_}, {"kind", std::string(kind_name(kind))}});
  gauge->Set(count);
}

void TargetMetrics::dropped(Kind kind, double count) {
  std::lock_guard lock(mutex_);
  auto& counter = dropped_[kind];
  if (!counter) counter = &owner_->dropped_.Add({{"target", target_}, {"kind", std::string(kind_name(kind))}});
  counter->Increment(count);
}

void TargetMetrics::forget_kind(Kind kind) {
  std::lock_guard lock(mutex_);
  if (auto it = objects_.find(kind); it != objects_.end()) {
    owner_->objects_.Remove(it->second);
    objects_.erase(it);
  }
  if (auto it = dropped_.find(kind); it != dropped_.end()) {
    owner_->dropped_.Remove(it->second);
    dropped_.erase(it);
  }
}

}  // namespace ue
