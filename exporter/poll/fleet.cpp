#include "poll/fleet.h"

#include <algorithm>

#include "log/log.h"

namespace ue {

// Whole structs compare with their defaulted ==: no field list to keep up.
bool same_token_auth(const TargetConfig& a, const TargetConfig& b) {
  return a.oauth2 == b.oauth2 && a.qumulo_login == b.qumulo_login;
}

bool same_target_config(const TargetConfig& a, const TargetConfig& b) {
  if (a.settings.stall_window == b.settings.stall_window) return a == b;
  TargetConfig b_in_a_window = b;
  b_in_a_window.settings.stall_window = a.settings.stall_window;
  return a == b_in_a_window;
}

Fleet::Fleet(SelfMetrics& metrics, std::function<void()> on_render, Upstream& upstream)
    : metrics_(metrics), on_render_(std::move(on_render)), upstream_(upstream) {}

Fleet::~Fleet() { stop(); }

void Fleet::apply(const Config& config) {
  std::vector<Entry> next;
  std::vector<Entry> retired;
  {
    std::lock_guard lock(mutex_);
    for (const TargetConfig& target : config.targets) {
      auto fresh = std::make_shared<const TargetConfig>(target);
      auto old = std::find_if(entries_.begin(), entries_.end(),
                              [&](const Entry& e) { return e.poller && e.config->name == target.name; });
      if (old == entries_.end()) {
        Entry entry{fresh, std::make_unique<TargetPoller>(fresh, metrics_, on_render_, upstream_)};
        entry.poller->start();
        Log::info("target added", {{"target", target.name}, {"url", target.url}});
        next.push_back(std::move(entry));
        continue;
      }
      // Any field, the stall window too: it changes no poll, but what the target's page, API and series say.
      if (*old->config != target) {
        old->poller->reconfigure(fresh);
        old->config = fresh;
        Log::info("target changed", {{"target", target.name}});
      }
      next.push_back(std::move(*old));
    }
    for (Entry& e : entries_)
      if (e.poller) retired.push_back(std::move(e));
    entries_ = std::move(next);
  }
  // Stopped outside the lock: a poll in flight may take up to a second to abort.
  for (Entry& e : retired) {
    e.poller->stop();
    metrics_.remove_target(e.config->name);
    Log::info("target removed", {{"target", e.config->name}});
  }
  if (!retired.empty() && on_render_) on_render_();
}

std::vector<std::shared_ptr<const TargetSamples>> Fleet::samples() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const TargetSamples>> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.poller->samples());
  return out;
}

std::vector<std::shared_ptr<const TargetView>> Fleet::view() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const TargetView>> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.poller->view());
  return out;
}

void Fleet::stop() {
  std::vector<Entry> all;
  {
    std::lock_guard lock(mutex_);
    all = std::move(entries_);
    entries_.clear();
  }
  for (Entry& e : all) e.poller->stop();
}

}  // namespace ue
