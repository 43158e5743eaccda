// Upgrade history: the event log, upgrades built from events, the observed
// recorder and the completion forecast; see history.h.
#include "model/history.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace ue {

namespace {

bool finished(UpgradeOutcome outcome) {
  return outcome == UpgradeOutcome::completed || outcome == UpgradeOutcome::rolled_back;
}

// A Started that names a target version the running upgrade does not: a new upgrade.
bool names_another_target(const PastUpgrade& running, const HistoryEvent& started) {
  return !running.to_version.empty() && !started.to_version.empty() && running.to_version != started.to_version;
}

// The upgrade an event opens: from its Started, or, when the Started is older
// than the log, from whatever event comes first (a rollback's events name the
// version it returns to, so they say nothing of the target).
PastUpgrade open_upgrade(const HistoryEvent& event) {
  PastUpgrade upgrade;
  if (event.type == HistoryEventType::started) upgrade.start = event.time;
  const bool rollback =
      event.type == HistoryEventType::rollback_started || event.type == HistoryEventType::rollback_completed;
  if (!rollback) {
    upgrade.from_version = event.from_version;
    upgrade.to_version = event.to_version;
  }
  return upgrade;
}

// A repeated Started fills what the first one left out; its time is not the start.
void join_started(PastUpgrade& running, const HistoryEvent& started) {
  if (running.from_version.empty()) running.from_version = started.from_version;
  if (running.to_version.empty()) running.to_version = started.to_version;
}

void add_domain(PastUpgrade& upgrade, const HistoryEvent& event) {
  if (!event.domain_seconds || upgrade.domains.size() >= kMaxDomainsPerUpgrade) return;
  upgrade.domains.push_back({.end = event.time, .seconds = *event.domain_seconds, .rolling_back = upgrade.rollback_started});
}

void close_upgrade(PastUpgrade& upgrade, const HistoryEvent& event) {
  upgrade.end = event.time;
  upgrade.outcome =
      event.type == HistoryEventType::completed ? UpgradeOutcome::completed : UpgradeOutcome::rolled_back;
  if (event.overall_seconds)
    upgrade.duration = event.overall_seconds;
  else if (upgrade.start)
    upgrade.duration = std::max(0.0, event.time - *upgrade.start);
}

std::string_view info_value(const Upgrade& upgrade, std::string_view label) {
  for (const auto& [name, value] : upgrade.info)
    if (name == label) return value;
  return {};
}

UpgradeOutcome outcome_of(Phase phase) {
  if (phase == Phase::completed) return UpgradeOutcome::completed;
  if (phase == Phase::rolled_back) return UpgradeOutcome::rolled_back;
  return UpgradeOutcome::unknown;  // failed, or idle without saying how it ended
}

// The index of a domain state in DomainCounts.
constexpr std::size_t domain_state_index(std::string_view state) {
  return static_cast<std::size_t>(std::find(kDomainStates.begin(), kDomainStates.end(), state) - kDomainStates.begin());
}
constexpr std::size_t kPendingDomains = domain_state_index("Pending");
constexpr std::size_t kDomainsInProgress = domain_state_index("InProgress");
static_assert(kPendingDomains < kDomainStates.size() && kDomainsInProgress < kDomainStates.size());

}  // namespace

std::string_view history_event_type_name(HistoryEventType type) {
  switch (type) {
    case HistoryEventType::started: return "UpgradeStarted";
    case HistoryEventType::domain_completed: return "UpgradeDomainCompleted";
    case HistoryEventType::completed: return "UpgradeCompleted";
    case HistoryEventType::rollback_started: return "UpgradeRollbackStarted";
    case HistoryEventType::rollback_completed: return "UpgradeRollbackCompleted";
  }
  return "UpgradeStarted";
}

std::string_view upgrade_outcome_name(UpgradeOutcome outcome) {
  switch (outcome) {
    case UpgradeOutcome::running: return "running";
    case UpgradeOutcome::completed: return "completed";
    case UpgradeOutcome::rolled_back: return "rolled_back";
    case UpgradeOutcome::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view forecast_method_name(ForecastMethod method) {
  return method == ForecastMethod::typical_domain ? "typical_domain" : "linear";
}

HistoryTextPool::HistoryTextPool(const HistoryTextPool& other) {
  for (const std::string& text : other.texts_) intern(text);
}

HistoryTextPool& HistoryTextPool::operator=(const HistoryTextPool& other) {
  if (this != &other) *this = HistoryTextPool(other);
  return *this;
}

std::uint32_t HistoryTextPool::intern(std::string_view text) {
  const auto found = ids_.find(text);
  if (found != ids_.end()) return found->second;
  const auto id = static_cast<std::uint32_t>(texts_.size());
  ids_.emplace(texts_.emplace_back(text), id);
  return id;
}

bool HistoryLog::before(const Logged& a, const Logged& b) const {
  if (a.time != b.time) return a.time < b.time;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.object != b.object) return pool_.text(a.object) < pool_.text(b.object);
  if (a.type != b.type) return a.type < b.type;
  return a.instance_id != b.instance_id && pool_.text(a.instance_id) < pool_.text(b.instance_id);
}

void HistoryLog::restore(const Logged& logged, HistoryEvent& event) const {
  event.kind = static_cast<Kind>(logged.kind);
  event.object = pool_.text(logged.object);
  event.type = logged.type;
  event.instance_id = pool_.text(logged.instance_id);
  event.time = logged.time;
  event.from_version = pool_.text(logged.from_version);
  event.to_version = pool_.text(logged.to_version);
  event.domain_seconds = logged.has_domain_seconds ? std::optional(logged.domain_seconds) : std::nullopt;
  event.overall_seconds = logged.has_overall_seconds ? std::optional(logged.overall_seconds) : std::nullopt;
}

bool HistoryLog::add(const HistoryEvent& event) {
  if (max_events_ == 0) return false;
  const Logged logged{.time = event.time,
                      .domain_seconds = event.domain_seconds.value_or(0),
                      .overall_seconds = event.overall_seconds.value_or(0),
                      .object = pool_.intern(event.object),
                      .instance_id = pool_.intern(event.instance_id),
                      .from_version = pool_.intern(event.from_version),
                      .to_version = pool_.intern(event.to_version),
                      .kind = static_cast<std::uint8_t>(event.kind),
                      .type = event.type,
                      .has_domain_seconds = event.domain_seconds.has_value(),
                      .has_overall_seconds = event.overall_seconds.has_value()};
  const auto less = [this](const Logged& a, const Logged& b) { return before(a, b); };
  // Reads come in time order, so the place is almost always the end.
  auto at = events_.end();
  if (!events_.empty() && !before(events_.back(), logged)) at = std::lower_bound(events_.begin(), events_.end(), logged, less);
  if (at != events_.end() && !before(logged, *at)) return false;  // held already
  const bool full = events_.size() >= max_events_;
  if (full && at == events_.begin()) return false;  // older than everything kept
  events_.insert(at, logged);
  if (events_.size() > max_events_) events_.pop_front();
  return true;
}

void HistoryLog::prune(double oldest_unix) {
  while (!events_.empty() && events_.front().time < oldest_unix) events_.pop_front();
  drop_unused_texts();
}

// Every upgrade brings new strings (its EventInstanceId, versions): once the
// pool holds twice what the kept events did at the last compaction, it is
// rebuilt from them, so a long-running exporter's pool follows its window.
void HistoryLog::drop_unused_texts() {
  if (pool_.size() <= 2 * texts_after_compaction_ + 64) return;
  HistoryTextPool kept;
  for (Logged& logged : events_) {
    for (std::uint32_t* id : {&logged.object, &logged.instance_id, &logged.from_version, &logged.to_version})
      *id = kept.intern(pool_.text(*id));
  }
  pool_ = std::move(kept);
  texts_after_compaction_ = pool_.size();
}

void HistoryLog::for_each(const std::function<void(const HistoryEvent& event)>& visit) const {
  HistoryEvent event;  // one, refilled: its strings keep their capacity
  for (const Logged& logged : events_) {
    restore(logged, event);
    visit(event);
  }
}

std::map<HistoryObject, std::vector<HistoryEvent>> HistoryLog::by_object() const {
  std::map<HistoryObject, std::vector<HistoryEvent>> objects;
  for_each([&](const HistoryEvent& event) { objects[{event.kind, event.object}].push_back(event); });
  return objects;
}

UpgradeBuilder::UpgradeBuilder() = default;

void UpgradeBuilder::add(const HistoryEvent& event) {
  const bool started = event.type == HistoryEventType::started;
  if (started && running_ && names_another_target(upgrades_.back(), event)) {
    upgrades_.back().outcome = UpgradeOutcome::unknown;
    running_ = false;
  }
  if (!running_) {
    upgrades_.push_back(open_upgrade(event));
    running_ = true;
  } else if (started) {
    join_started(upgrades_.back(), event);
  }
  PastUpgrade& upgrade = upgrades_.back();
  switch (event.type) {
    case HistoryEventType::started: break;
    case HistoryEventType::domain_completed: add_domain(upgrade, event); break;
    case HistoryEventType::rollback_started: upgrade.rollback_started = true; break;
    case HistoryEventType::completed:
    case HistoryEventType::rollback_completed:
      close_upgrade(upgrade, event);
      running_ = false;
      break;
  }
}

std::vector<PastUpgrade> build_upgrades(const std::vector<const HistoryEvent*>& events) {
  UpgradeBuilder builder;
  for (const HistoryEvent* event : events) builder.add(*event);
  return builder.take();
}

std::optional<double> median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  const double upper = *middle;
  const double lower = *std::max_element(values.begin(), middle);
  return (lower + upper) / 2;
}

ObjectHistory summarize_history(std::vector<PastUpgrade> upgrades, double window_start, std::string_view source) {
  ObjectHistory history;
  history.source = source;
  std::vector<double> samples;
  for (const PastUpgrade& upgrade : upgrades) {
    const bool ended_in_window = upgrade.end && *upgrade.end >= window_start;
    if (ended_in_window && upgrade.outcome == UpgradeOutcome::completed) history.completed += 1;
    if (ended_in_window && upgrade.outcome == UpgradeOutcome::rolled_back) history.rolled_back += 1;
    if (finished(upgrade.outcome) && (!history.last_finished || *upgrade.end >= *history.last_finished->end))
      history.last_finished = upgrade;
    for (const CompletedDomain& domain : upgrade.domains)
      if (domain.end >= window_start && !domain.rolling_back) samples.push_back(domain.seconds);
  }
  history.domain_samples = samples.size();
  if (samples.size() >= kMinDomainSamples) history.typical_domain_seconds = median(std::move(samples));
  history.upgrades = std::move(upgrades);
  return history;
}

std::map<HistoryObject, ObjectHistory> histories_from_log(const HistoryLog& log, double window_start) {
  // Event by event, each object's upgrades built as they come: no copy of the log stands whole.
  std::map<HistoryObject, UpgradeBuilder> builders;
  HistoryObject last;
  UpgradeBuilder* builder = nullptr;
  log.for_each([&](const HistoryEvent& event) {
    if (!builder || last.kind != event.kind || last.name != event.object) {
      last = {event.kind, event.object};
      builder = &builders[last];
    }
    builder->add(event);
  });
  std::map<HistoryObject, ObjectHistory> histories;
  for (auto& [object, upgrades] : builders)
    histories.emplace(object, summarize_history(upgrades.take(), window_start, kHistoryFromEventStore));
  return histories;
}

void ObservedHistory::observe(const Upgrade& upgrade, double read_unix) {
  if (in_progress(upgrade.phase)) {
    const std::string_view target = info_value(upgrade, "target_version");
    const bool another_target = current_ && !target.empty() && !current_->to_version.empty() &&
                                current_->to_version != target;
    const bool another_start = current_ && current_->start && upgrade.start_time && *upgrade.start_time != *current_->start;
    if (!current_ || another_target || another_start) begin(upgrade, read_unix);
    const bool rolling_back = upgrade.phase == Phase::rolling_back;
    if (rolling_back) current_->rollback_started = true;
    track_domain(upgrade.current_domain, rolling_back, read_unix);
    return;
  }
  if (current_) {
    const UpgradeOutcome outcome = outcome_of(upgrade.phase);
    // The domain under way at the last read ended with the upgrade.
    if (outcome == UpgradeOutcome::completed) track_domain("", false, read_unix);
    finish(outcome, upgrade.duration, read_unix);
  }
  if (upgrade.phase == Phase::completed || upgrade.phase == Phase::idle)
    settled_version_ = std::string(info_value(upgrade, "target_version"));
}

void ObservedHistory::begin(const Upgrade& upgrade, double read_unix) {
  if (current_) finish(UpgradeOutcome::unknown, std::nullopt, read_unix);
  current_ = PastUpgrade{};
  current_->from_version = settled_version_;
  current_->to_version = std::string(info_value(upgrade, "target_version"));
  current_->start = upgrade.start_time ? *upgrade.start_time : read_unix;
  // The domain under way now began before this read: its time is not known.
  domain_ = upgrade.current_domain;
  domain_started_.reset();
}

void ObservedHistory::finish(UpgradeOutcome outcome, std::optional<double> duration, double read_unix) {
  PastUpgrade& upgrade = *current_;
  upgrade.end = read_unix;
  upgrade.outcome = outcome;
  upgrade.duration = duration ? duration : std::optional<double>(std::max(0.0, read_unix - upgrade.start.value_or(read_unix)));
  finished_.push_back(std::move(upgrade));
  if (finished_.size() > kMaxObservedUpgrades) finished_.erase(finished_.begin());
  current_.reset();
  domain_.clear();
  domain_started_.reset();
}

void ObservedHistory::track_domain(const std::string& domain, bool rolling_back, double read_unix) {
  if (domain == domain_) return;
  if (!domain_.empty() && domain_started_ && current_ && current_->domains.size() < kMaxDomainsPerUpgrade)
    current_->domains.push_back(
        {.end = read_unix, .seconds = std::max(0.0, read_unix - *domain_started_), .rolling_back = rolling_back});
  domain_ = domain;
  domain_started_ = domain.empty() ? std::nullopt : std::optional<double>(read_unix);
}

void ObservedHistory::prune(double window_start) {
  std::erase_if(finished_, [&](const PastUpgrade& upgrade) { return upgrade.end && *upgrade.end < window_start; });
}

ObjectHistory ObservedHistory::history(double window_start) const {
  std::vector<PastUpgrade> upgrades = finished_;
  if (current_) upgrades.push_back(*current_);
  return summarize_history(std::move(upgrades), window_start, kHistoryObserved);
}

std::optional<Forecast> forecast_completion(const Upgrade& upgrade, const ObjectHistory* history, double read_unix) {
  if (upgrade.phase == Phase::rolling_forward && upgrade.domains && history && history->typical_domain_seconds) {
    const DomainCounts& counts = *upgrade.domains;
    double total = 0;
    for (const double count : counts) total += count;
    if (total > 0) {
      const double typical = *history->typical_domain_seconds;
      const double rest_of_current = std::max(0.0, typical - upgrade.domain_duration.value_or(0));
      const double left = counts[kPendingDomains] * typical + counts[kDomainsInProgress] * rest_of_current;
      return Forecast{.completion = read_unix + left, .method = ForecastMethod::typical_domain};
    }
  }
  if (const std::optional<double> linear = estimated_completion(upgrade))
    return Forecast{.completion = *linear, .method = ForecastMethod::linear};
  return std::nullopt;
}

}  // namespace ue
