#include "poll/target_poller.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "log/log.h"
#include "poll/history_poll.h"
#include "poll/poll_round.h"

namespace ue {
namespace {

double stall_window_seconds(const TargetConfig& config) {
  return std::chrono::duration<double>(config.settings.stall_window).count();
}

// What a view says of the target's configuration.
std::shared_ptr<TargetView> configured_view(const TargetConfig& config) {
  auto view = std::make_shared<TargetView>();
  view->name = config.name;
  view->type = config.type;
  view->poll_interval = std::chrono::duration<double>(config.settings.poll_interval).count();
  view->stall_window = stall_window_seconds(config);
  return view;
}

// The target as known before its first poll: configured, nothing read yet.
std::shared_ptr<const TargetView> unpolled_view(const TargetConfig& config) {
  auto view = configured_view(config);
  for (Kind kind : config.collect) view->objects_per_kind.emplace_back(kind, 0);
  return view;
}

// The target's samples before its first poll: its own series only.
std::shared_ptr<const TargetSamples> unpolled_samples(const TargetConfig& config) {
  auto samples = std::make_shared<TargetSamples>();
  samples->set_own(render_target_series(config.name, stall_window_seconds(config)));
  return samples;
}

}  // namespace

TargetPoller::TargetPoller(std::shared_ptr<const TargetConfig> config, SelfMetrics& metrics,
                           std::function<void()> on_render, Upstream& upstream, const Clock& clock)
    : name_(config->name),
      metrics_(metrics.target(config->name)),
      on_render_(std::move(on_render)),
      upstream_(upstream),
      clock_(clock),
      config_(std::move(config)),
      samples_(unpolled_samples(*config_)),
      view_(unpolled_view(*config_)) {}

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
    // The stall window needs no poll: the page and the API rendered after the
    // reload show the new one, as does the series.
    const double window = stall_window_seconds(*config);
    if (window != view_->stall_window) {
      auto samples = std::make_shared<TargetSamples>(*samples_);
      samples->set_own(render_target_series(name_, window));
      samples_ = std::move(samples);
      auto view = std::make_shared<TargetView>(*view_);
      view->stall_window = window;
      view_ = std::move(view);
    }
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

std::shared_ptr<const TargetView> TargetPoller::view() const {
  std::lock_guard lock(mutex_);
  return view_;
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
  const RoundTools tools{upstream_, watch_, *workers_, metrics_, clock_};
  const RoundResult result = PollRound(*config, state_, tools).run();
  if (auto delay = backoff_.after_poll(result.overloaded, result.retry_after_seconds, settings.poll_interval,
                                       started)) {
    Log::warn("upstream answered 503/504; backing off",
              {{"target", name_}, {"backoff", std::to_string(std::chrono::duration<double>(*delay).count()) + "s"}});
  }
  forget_uncollected_kinds(*config);
  state_.snapshot.expire(clock_.now(), settings.max_staleness);
  attach_histories(*config, state_, clock_.unix_now());
  const double poll_duration = std::chrono::duration<double>(clock_.now() - started).count();
  // Up is about reaching the API; a poll that also left objects unread is not "fully successful".
  const bool success = result.up && result.unread == 0;
  const double finished = clock_.unix_now();
  if (success) last_success_ = finished;
  publish(*config, result.up, poll_duration);

  // The self-metrics go live at once while the samples wait for the next page,
  // which another target's poll may render: samples first, so a page never
  // says a poll succeeded without holding what that poll read.
  for (Kind kind : config->collect) metrics_.set_objects(kind, static_cast<double>(state_.snapshot.count(kind)));
  metrics_.set_up(result.up);
  metrics_.poll_finished(poll_duration, success, finished);
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

void TargetPoller::publish(const TargetConfig& config, bool up, double poll_duration) {
  auto rendered = std::make_shared<TargetSamples>(render_target(name_, state_.snapshot, samples().get()));
  auto view = configured_view(config);
  view->polled = true;
  view->up = up;
  view->last_success = last_success_;
  view->last_poll_duration = poll_duration;
  view->last_error = metrics_.last_error();
  for (Kind kind : config.collect) view->objects_per_kind.emplace_back(kind, state_.snapshot.count(kind));
  view->objects = view_objects(state_.snapshot, this->view().get());
  std::lock_guard lock(mutex_);
  // The stall window of the running configuration: a reload during the poll has already shown its own.
  view->stall_window = stall_window_seconds(*config_);
  rendered->set_own(render_target_series(name_, view->stall_window));
  samples_ = std::move(rendered);
  view_ = std::move(view);
}

}  // namespace ue
