#include "poll/target_poller.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "log/log.h"
#include "poll/poll_round.h"

namespace ue {

TargetPoller::TargetPoller(std::shared_ptr<const TargetConfig> config, SelfMetrics& metrics,
                           std::function<void()> on_render, Upstream& upstream, const Clock& clock)
    : name_(config->name),
      metrics_(metrics.target(config->name)),
      on_render_(std::move(on_render)),
      upstream_(upstream),
      clock_(clock),
      config_(std::move(config)),
      samples_(std::make_shared<TargetSamples>()) {}

TargetPoller::~TargetPoller() { stop(); }

void TargetPoller::start() { thread_ = std::thread([this] { run(); }); }

void TargetPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  watch_.close();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TargetPoller::reconfigure(std::shared_ptr<const TargetConfig> config) {
  {
    std::lock_guard lock(mutex_);
    config_ = std::move(config);
    reconfigured_ = true;
  }
  wake_.notify_all();
}

std::shared_ptr<const TargetConfig> TargetPoller::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

std::shared_ptr<const TargetSamples> TargetPoller::samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

bool TargetPoller::sleep_until(SteadyTime when) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, when, [&] { return stopping_ || reconfigured_; });
  reconfigured_ = false;
  return !stopping_;
}

void TargetPoller::run() {
  while (!watch_.closed()) {
    const SteadyTime started = clock_.now();
    poll_once();
    if (!sleep_until(std::max(started + config()->settings.poll_interval, backoff_.until()))) break;
  }
}

void TargetPoller::poll_once() {
  const std::shared_ptr<const TargetConfig> config = this->config();
  const PollSettings& settings = config->settings;
  const auto concurrency = static_cast<std::size_t>(settings.concurrency);
  if (!workers_ || workers_->size() != concurrency) workers_ = std::make_unique<WorkerPool>(concurrency);

  const SteadyTime started = clock_.now();
  const RoundResult result =
      PollRound(*config, state_, {upstream_, watch_, *workers_, metrics_, clock_}).run();
  if (auto delay = backoff_.after_poll(result.overloaded, result.retry_after_seconds, settings.poll_interval,
                                       started)) {
    Log::warn("upstream answered 503/504; backing off",
              {{"target", name_}, {"backoff", std::to_string(std::chrono::duration<double>(*delay).count()) + "s"}});
  }
  forget_uncollected_kinds(*config);
  state_.snapshot.expire(clock_.now(), settings.max_staleness);
  publish();

  // The self-metrics go live at once while the samples wait for the next page,
  // which another target's poll may render: samples first, so a page never
  // says a poll succeeded without holding what that poll read.
  for (Kind kind : config->collect) metrics_.set_objects(kind, static_cast<double>(state_.snapshot.count(kind)));
  metrics_.set_up(result.up);
  // Up is about reaching the API; a poll that also left objects unread is not "fully successful".
  metrics_.poll_finished(std::chrono::duration<double>(clock_.now() - started).count(),
                         result.up && result.unread == 0, clock_.unix_now());
  if (on_render_) on_render_();
  malloc_trim(0);  // what the poll parsed and freed goes back to the system now, not at the next high-water mark
}

void TargetPoller::forget_uncollected_kinds(const TargetConfig& config) {
  for (Kind kind : kAllKinds) {
    if (std::find(config.collect.begin(), config.collect.end(), kind) != config.collect.end()) continue;
    state_.forget(kind);
    metrics_.forget_kind(kind);
  }
}

void TargetPoller::publish() {
  auto rendered = std::make_shared<const TargetSamples>(render_target(name_, state_.snapshot, samples().get()));
  std::lock_guard lock(mutex_);
  samples_ = std::move(rendered);
}

}  // namespace ue
