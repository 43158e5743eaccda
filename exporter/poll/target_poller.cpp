#include "poll/target_poller.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <unordered_set>
#include <utility>

#include "log/log.h"
#include "poll/http_fetcher.h"

namespace ue {
namespace {

using Clock = std::chrono::steady_clock;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A hostile upstream could hand out fresh continuation tokens forever.
constexpr int kMaxPages = 10000;

// Longest wait between polls of a gateway that keeps answering 503/504.
constexpr auto kMaxBackoff = std::chrono::minutes(5);

// Runs job(worker, item) for items [0, n) on up to `workers` threads at once.
template <class Job>
void run_parallel(std::size_t workers, std::size_t n, Job job) {
  std::atomic<std::size_t> next{0};
  auto work = [&](std::size_t worker) {
    for (std::size_t i; (i = next++) < n;) job(worker, i);
  };
  std::vector<std::jthread> threads;
  for (std::size_t w = 1; w < std::min(workers, n); ++w) threads.emplace_back(work, w);
  work(0);
}

// Where in the idle interval an object is re-read, so idle reads spread
// evenly instead of arriving all at once an hour after start.
Clock::duration idle_offset(const std::string& name, Duration idle_interval) {
  double fraction = static_cast<double>(std::hash<std::string>{}(name) % 10007) / 10007.0;
  return std::chrono::duration_cast<Clock::duration>(idle_interval * fraction);
}

}  // namespace

TargetPoller::TargetPoller(std::shared_ptr<const TargetConfig> config, SelfMetrics& metrics,
                           std::function<void()> on_render)
    : name_(config->name),
      metrics_(metrics.target(config->name)),
      on_render_(std::move(on_render)),
      config_(std::move(config)),
      samples_(std::make_shared<TargetSamples>()) {}

TargetPoller::~TargetPoller() { stop(); }

void TargetPoller::start() { thread_ = std::thread([this] { run(); }); }

void TargetPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (HttpFetcher* fetcher : active_) fetcher->abort();
  }
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

std::shared_ptr<const TargetSamples> TargetPoller::samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

bool TargetPoller::sleep_until(SteadyTime when) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, when, [&] { return stopping_.load() || reconfigured_; });
  reconfigured_ = false;
  return !stopping_;
}

void TargetPoller::run() {
  while (!stopping_) {
    auto started = Clock::now();
    poll_once();
    Duration interval;
    {
      std::lock_guard lock(mutex_);
      interval = config_->settings.poll_interval;
    }
    if (!sleep_until(std::max(started + interval, backoff_until_))) break;
  }
}

void TargetPoller::poll_once() {
  std::shared_ptr<const TargetConfig> config;
  {
    std::lock_guard lock(mutex_);
    config = config_;
  }
  const auto started = Clock::now();
  bool up = true;
  std::size_t unread = 0;  // objects due this poll that could not be read
  if (started >= memo_expires_) {
    memo_.clear();
    memo_expires_ = started + config->settings.idle_poll_interval;
  }

  std::vector<std::unique_ptr<HttpFetcher>> fetchers;
  ConnectionSettings connection;
  try {
    connection = prepare_connection(*config);
    std::lock_guard lock(mutex_);
    for (int i = 0; i < config->settings.concurrency && !stopping_; ++i) {
      fetchers.push_back(std::make_unique<HttpFetcher>(connection, metrics_, memo_));
      active_.insert(fetchers.back().get());
    }
  } catch (const SourceError& e) {
    Log::error("cannot prepare connection", {{"target", name_}, {"err", e.message}});
    up = false;
  }

  std::jthread watchdog([this](std::stop_token stop) { watch_deadlines(stop); });
  for (Kind kind : config->collect) {
    if (fetchers.empty() || stopping_) break;
    const Source& source = source_for(kind);
    auto absent = absent_until_.find(kind);
    if (absent != absent_until_.end() && started < absent->second) continue;
    try {
      if (source.read)
        poll_single(source, *config, *fetchers.front());
      else
        unread += poll_listed(source, *config, fetchers);
      absent_until_.erase(kind);
    } catch (const FeatureAbsent& e) {
      // Not an error: this cluster does not serve the kind. Ask again later.
      Log::debug("kind not served by this target", {{"target", name_}, {"kind", kind_name(kind)},
                                                    {"status", std::to_string(e.http_status)}});
      absent_until_[kind] = started + config->settings.idle_poll_interval;
      snapshot_.retain(kind, [](const std::string&) { return false; });
    } catch (const SourceError& e) {
      up = false;
      Log::warn("poll failed", {{"target", name_}, {"kind", kind_name(kind)}, {"err", e.message}});
      // An unreachable API would make every further kind wait out its own timeout.
      if (e.reason == Reason::connect || e.reason == Reason::timeout || e.reason == Reason::tls) break;
    }
    if (*connection.overloaded) break;  // a struggling gateway gets no more requests this poll
  }
  schedule_backoff(connection, *config, started);

  watchdog.request_stop();
  watchdog.join();
  {
    std::lock_guard lock(mutex_);
    active_.clear();
  }
  fetchers.clear();

  // Kinds a reload took out of `collect` go at once, with their series.
  for (Kind kind : kAllKinds) {
    if (std::find(config->collect.begin(), config->collect.end(), kind) != config->collect.end()) continue;
    snapshot_.retain(kind, [](const std::string&) { return false; });
    metrics_.forget_kind(kind);
    absent_until_.erase(kind);
    dropped_before_.erase(kind);
  }
  snapshot_.expire(Clock::now(), config->settings.max_staleness);
  auto rendered = std::make_shared<const TargetSamples>(render_target(name_, snapshot_, samples().get()));
  {
    std::lock_guard lock(mutex_);
    samples_ = std::move(rendered);
  }
  // The self-metrics go live at once while the samples wait for the next page,
  // which another target's poll may render: samples first, so a page never
  // says a poll succeeded without holding what that poll read.
  for (Kind kind : config->collect) metrics_.set_objects(kind, static_cast<double>(snapshot_.count(kind)));
  metrics_.set_up(up);
  // Up is about reaching the API; a poll that also left objects unread is not "fully successful".
  metrics_.poll_finished(std::chrono::duration<double>(Clock::now() - started).count(), up && unread == 0,
                         unix_now());
  if (on_render_) on_render_();
  malloc_trim(0);  // what the poll parsed and freed goes back to the system now, not at the next high-water mark
}

void TargetPoller::watch_deadlines(std::stop_token stop) {
  // A tenth of a second past a timeout is close enough; requests themselves
  // are ended by their socket timeouts in all but the trickling case.
  constexpr auto kTick = std::chrono::milliseconds(100);
  std::unique_lock lock(mutex_);
  while (!watchdog_wake_.wait_for(lock, stop, kTick, [] { return false; })) {
    if (stop.stop_requested()) return;
    const auto now = Clock::now();
    for (HttpFetcher* fetcher : active_) fetcher->abort_if_overdue(now);
  }
}

void TargetPoller::schedule_backoff(const ConnectionSettings& connection, const TargetConfig& config,
                                    SteadyTime started) {
  if (!*connection.overloaded) {
    backoff_level_ = 0;
    return;
  }
  backoff_level_ = std::min(backoff_level_ + 1, 10);
  // poll_interval doubled per consecutive overloaded poll, or Retry-After if longer; at most kMaxBackoff.
  Clock::duration delay = std::max<Clock::duration>(config.settings.poll_interval * (1LL << backoff_level_),
                                                     std::chrono::seconds(*connection.retry_after_seconds));
  delay = std::min<Clock::duration>(delay, kMaxBackoff);
  backoff_until_ = started + delay;
  Log::warn("upstream answered 503/504; backing off",
            {{"target", name_}, {"backoff", std::to_string(std::chrono::duration<double>(delay).count()) + "s"}});
}

void TargetPoller::poll_single(const Source& source, const TargetConfig& config, HttpFetcher& fetcher) {
  Upgrade upgrade = source.read(fetcher);
  snapshot_.record(source.kind, config.name, std::move(upgrade), unix_now(), Clock::now());
}

std::size_t TargetPoller::poll_listed(const Source& source, const TargetConfig& config,
                               std::vector<std::unique_ptr<HttpFetcher>>& fetchers) {
  const Listing& listing = *source.listing;
  const PollSettings& settings = config.settings;
  HttpFetcher& lister = *fetchers.front();

  // 1. The whole listing, every page, before anything is removed.
  std::vector<ListedObject> selected;
  std::unordered_set<std::string> names;
  std::unordered_set<std::string> tokens_seen;
  std::size_t dropped = 0;
  std::string token;
  for (int page_number = 0;; ++page_number) {
    if (page_number == kMaxPages) {
      lister.count_error(listing.list_endpoint, Reason::schema);
      throw SourceError{Reason::schema, "listing did not end after " + std::to_string(kMaxPages) + " pages"};
    }
    ListPage page = lister.get(listing.list_endpoint, listing.list_path(token, settings.max_results),
                               listing.parse_list, source.feature_probe && page_number == 0);
    for (ListedObject& item : page.items) {
      if (!config.selects(item.name) || !names.insert(item.name).second) continue;
      if (selected.size() >= settings.max_objects) {
        ++dropped;
        continue;
      }
      selected.push_back(std::move(item));
    }
    if (page.continuation_token.empty()) break;
    if (!tokens_seen.insert(page.continuation_token).second) {
      lister.count_error(listing.list_endpoint, Reason::schema);
      throw SourceError{Reason::schema, "listing repeated a continuation token"};
    }
    token = std::move(page.continuation_token);
  }
  if (dropped > 0) metrics_.dropped(source.kind, static_cast<double>(dropped));
  // Said once, and again when the number changes: not every poll.
  if (std::exchange(dropped_before_[source.kind], dropped) != dropped && dropped > 0) {
    Log::warn("more objects than max_objects; some are not exported",
              {{"target", name_}, {"kind", kind_name(source.kind)}, {"dropped", std::to_string(dropped)}});
  }

  // 2. Objects gone from a successful listing go at once.
  std::unordered_set<std::string> kept;
  for (const auto& item : selected) kept.insert(item.name);
  snapshot_.retain(source.kind, [&](const std::string& name) { return kept.count(name) > 0; });

  // 3. Which objects to read: upgrading ones every poll, the rest when first
  //    seen, when their status changes, or when their idle interval is due.
  const auto now = Clock::now();
  std::vector<const ListedObject*> due;
  for (const ListedObject& item : selected) {
    ObjectState* known = snapshot_.find(source.kind, item.name);
    bool read = !known || (!listing.upgrading_status.empty() && item.status == listing.upgrading_status) || known->listing_status != item.status ||
                in_progress(known->upgrade.phase) || now >= known->next_read;
    if (read)
      due.push_back(&item);
    else
      known->confirmed = now;  // listed unchanged: its last read still holds
  }

  // 4. Read them, at most `concurrency` at once; one failure loses only that object's fresh values.
  std::vector<std::optional<Upgrade>> results(due.size());
  std::vector<char> gone(due.size(), 0);  // deleted between the listing and its read
  run_parallel(fetchers.size(), due.size(), [&](std::size_t worker, std::size_t i) {
    if (stopping_ || fetchers[worker]->upstream_overloaded()) return;  // unread objects keep their last values
    try {
      results[i] = fetchers[worker]->get(listing.progress_endpoint, listing.progress_path(*due[i]), listing.parse_progress);
    } catch (const SourceError& e) {
      gone[i] = e.reason == Reason::http_status && listing.gone_http_status != 0 && e.http_status == listing.gone_http_status;
      Log::debug("object read failed", {{"target", name_}, {"kind", kind_name(source.kind)}, {"name", due[i]->name},
                                        {"err", e.message}});
    }
  });

  const double now_unix = unix_now();
  std::size_t unread = 0;
  for (std::size_t i = 0; i < due.size(); ++i) {
    if (gone[i]) {
      snapshot_.erase(source.kind, due[i]->name);
      continue;
    }
    if (!results[i]) {
      ++unread;
      continue;  // keeps its last values until max_staleness
    }
    bool first_read = snapshot_.find(source.kind, due[i]->name) == nullptr;
    ObjectState& object = snapshot_.record(source.kind, due[i]->name, std::move(*results[i]), now_unix, now);
    object.listing_status = due[i]->status;
    object.next_read = now + (first_read ? idle_offset(due[i]->name, settings.idle_poll_interval)
                                         : std::chrono::duration_cast<Clock::duration>(settings.idle_poll_interval));
  }
  return unread;
}

}  // namespace ue
