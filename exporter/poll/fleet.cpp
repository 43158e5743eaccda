#include "poll/fleet.h"

#include <algorithm>
#include <tuple>

#include "log/log.h"

namespace ue {
namespace {

auto comparable(const PollSettings& s) {
  return std::tie(s.poll_interval, s.timeout, s.concurrency, s.max_staleness, s.idle_poll_interval, s.max_objects,
                  s.max_response_bytes, s.max_results);
}

auto comparable(const TlsConfig& t) {
  return std::tie(t.ca_file, t.cert_file, t.key_file, t.server_name, t.insecure_skip_verify);
}

auto comparable(const ParsedUrl& u) { return std::tie(u.scheme, u.host, u.port, u.base_path); }

bool same_tls(const std::optional<TlsConfig>& a, const std::optional<TlsConfig>& b) {
  return a.has_value() == b.has_value() && (!a || comparable(*a) == comparable(*b));
}

bool same_oauth2(const std::optional<OAuth2Config>& a, const std::optional<OAuth2Config>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return std::tie(a->client_id, a->client_secret_file, a->token_url, a->scopes, a->endpoint_params) ==
             std::tie(b->client_id, b->client_secret_file, b->token_url, b->scopes, b->endpoint_params) &&
         comparable(a->token_endpoint) == comparable(b->token_endpoint) && same_tls(a->tls, b->tls);
}

bool same_qumulo_login(const std::optional<QumuloLoginConfig>& a, const std::optional<QumuloLoginConfig>& b) {
  return a.has_value() == b.has_value() &&
         (!a || std::tie(a->username, a->password_file) == std::tie(b->username, b->password_file));
}

}  // namespace

bool same_token_auth(const TargetConfig& a, const TargetConfig& b) {
  return same_oauth2(a.oauth2, b.oauth2) && same_qumulo_login(a.qumulo_login, b.qumulo_login);
}

bool same_target_config(const TargetConfig& a, const TargetConfig& b) {
  return a.name == b.name && a.type == b.type && a.url == b.url && comparable(a.settings) == comparable(b.settings) &&
         a.collect == b.collect && a.include_patterns == b.include_patterns &&
         a.exclude_patterns == b.exclude_patterns && same_tls(a.tls, b.tls) &&
         a.bearer_token_file == b.bearer_token_file && same_token_auth(a, b);
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
      // The stall window changes no poll, but what the target's page, API and series say.
      if (!same_target_config(*old->config, target) ||
          old->config->settings.stall_window != target.settings.stall_window) {
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
