// Upgrade history: what an object's past upgrades were, learnt either from
// Service Fabric's EventStore (events parsed by sources/event_store) or, on
// clusters without it, from the exporter's own successive reads. Pure: no
// JSON, no clock; every time is Unix seconds given by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/upgrade.h"

namespace ue {

// The upgrade events of the EventStore that history reads, for the cluster
// (Cluster*) and applications (Application*) alike.
enum class HistoryEventType : std::uint8_t { started, domain_completed, completed, rollback_started, rollback_completed };
// "UpgradeStarted", "UpgradeDomainCompleted", ...: the Kind without its Cluster/Application prefix.
std::string_view history_event_type_name(HistoryEventType type);

// One upgrade event of one object.
struct HistoryEvent {
  Kind kind = Kind::cluster;  // Kind::cluster or Kind::application
  // The object's `name` label: "fabric:/shop/orders" for an application; empty
  // for the cluster, whose one object is named after the target.
  std::string object;
  HistoryEventType type = HistoryEventType::started;
  std::string instance_id;  // EventInstanceId; shared by every event of one upgrade, so never a key alone
  double time = 0;          // TimeStamp
  std::string from_version;  // CurrentClusterVersion / CurrentApplicationTypeVersion, when given
  // TargetClusterVersion / ApplicationTypeVersion. A rollback's events name
  // the version it returns to, so upgrades are never paired by version.
  std::string to_version;
  std::optional<double> domain_seconds;   // UpgradeDomainElapsedTimeInMs
  std::optional<double> overall_seconds;  // OverallUpgradeElapsedTimeInMs
  // Parsed, but not kept by HistoryLog: nothing built from the log reads them.
  std::string failure_reason;             // FailureReason; empty for "None"
  std::string upgrade_domains;            // UpgradeDomains verbatim, e.g. "(3)"

  // The identity the log deduplicates by: one event read twice (overlapping
  // reads) is the same (object, type, TimeStamp, EventInstanceId).
  auto key() const { return std::tie(time, kind, object, type, instance_id); }
};

// One object of a target: (kind, name label; empty name for the cluster).
struct HistoryObject {
  Kind kind = Kind::cluster;
  std::string name;
  auto operator<=>(const HistoryObject&) const = default;
};

// Interned text: each distinct string once, named by a small index. A log's
// events repeat a few strings (object names, versions, and one
// EventInstanceId for every event of an upgrade), so they hold indexes.
class HistoryTextPool {
 public:
  HistoryTextPool() = default;
  HistoryTextPool(const HistoryTextPool& other);  // interns anew: the index views its own strings
  HistoryTextPool& operator=(const HistoryTextPool& other);
  HistoryTextPool(HistoryTextPool&&) noexcept = default;  // a moved deque keeps its strings in place
  HistoryTextPool& operator=(HistoryTextPool&&) noexcept = default;

  std::uint32_t intern(std::string_view text);
  const std::string& text(std::uint32_t id) const { return texts_[id]; }
  std::size_t size() const { return texts_.size(); }

 private:
  std::deque<std::string> texts_;  // a deque: interned strings never move, so the views below stay valid
  std::unordered_map<std::string_view, std::uint32_t> ids_;
};

// The most events one target's log holds. A week of EventStore retention for
// a few hundred applications upgraded weekly, 20 domains each, is tens of
// thousands; beyond this the oldest are dropped. An event costs ~50 bytes
// (its strings are interned per log), so a full log is ~10 MB, and a hostile
// or huge store costs no more (strings are bounded by the parser).
inline constexpr std::size_t kMaxHistoryEvents = 200000;

// One target's upgrade events, each once, ordered in time, bounded, pruned by age.
class HistoryLog {
 public:
  explicit HistoryLog(std::size_t max_events = kMaxHistoryEvents) : max_events_(max_events) {}

  // Adds an event (without its failure_reason and upgrade_domains, which are
  // not kept); false when the log held it already (or it is older than
  // everything kept in a full log). Past max_events, the oldest is dropped.
  bool add(const HistoryEvent& event);
  // Drops every event before `oldest_unix` (the start of the window).
  void prune(double oldest_unix);
  std::size_t size() const { return events_.size(); }
  // The distinct strings the events hold (bounded: pruning forgets those no event holds).
  std::size_t texts() const { return pool_.size(); }
  // Every event, in key order (time first), one at a time: `event` lives until the next call.
  void for_each(const std::function<void(const HistoryEvent& event)>& visit) const;
  // Every object's events, each object's in time order (a copy: for tests and small logs).
  std::map<HistoryObject, std::vector<HistoryEvent>> by_object() const;

 private:
  // One event as the log keeps it: ~48 bytes, its strings indexes into pool_.
  struct Logged {
    double time = 0;
    double domain_seconds = 0;
    double overall_seconds = 0;
    std::uint32_t object = 0, instance_id = 0, from_version = 0, to_version = 0;
    std::uint8_t kind = 0;
    HistoryEventType type = HistoryEventType::started;
    bool has_domain_seconds = false, has_overall_seconds = false;
  };
  bool before(const Logged& a, const Logged& b) const;  // HistoryEvent::key() order
  void restore(const Logged& logged, HistoryEvent& event) const;
  void drop_unused_texts();

  std::size_t max_events_;
  std::deque<Logged> events_;  // sorted by key, time first: front() is the oldest
  HistoryTextPool pool_;
  std::size_t texts_after_compaction_ = 0;
};

// How a past upgrade ended. `unknown`: it ended without an end event we hold
// (a Started naming another target version began a new one; or, observed,
// it left progress without completing or rolling back).
enum class UpgradeOutcome { running, completed, rolled_back, unknown };
std::string_view upgrade_outcome_name(UpgradeOutcome outcome);  // "running", "completed", ...

struct CompletedDomain {
  double end = 0;      // when it completed
  double seconds = 0;  // how long it took
  // Completed after a rollback began: not a sample of how long a domain
  // takes rolling forward, which the typical domain time forecasts.
  bool rolling_back = false;

  bool operator==(const CompletedDomain&) const = default;
};

// The most domains (or node-by-node units) one upgrade keeps.
inline constexpr std::size_t kMaxDomainsPerUpgrade = 1000;

struct PastUpgrade {
  std::string from_version;  // from its Started
  std::string to_version;    // from its Started
  std::optional<double> start;  // absent when its Started is older than the log
  std::optional<double> end;
  UpgradeOutcome outcome = UpgradeOutcome::running;
  bool rollback_started = false;  // a RollbackStarted was seen (it may still be rolling back)
  // OverallUpgradeElapsedTimeInMs of the end event, else end − start; absent while running.
  std::optional<double> duration;
  std::vector<CompletedDomain> domains;  // in order, at most kMaxDomainsPerUpgrade

  bool operator==(const PastUpgrade&) const = default;
};

// One object's events, in time order, to its upgrades, in time order: an
// upgrade runs from its first Started to the next Completed or
// RollbackCompleted. Repeated Started events join the running upgrade, unless
// one names another target version, which begins a new one (the old one's
// outcome is `unknown`). Events before any Started make an upgrade without a start.
std::vector<PastUpgrade> build_upgrades(const std::vector<const HistoryEvent*>& events);

// build_upgrades one event at a time: add one object's events in time order, then take.
class UpgradeBuilder {
 public:
  UpgradeBuilder();
  void add(const HistoryEvent& event);
  std::vector<PastUpgrade> take() { return std::move(upgrades_); }

 private:
  std::vector<PastUpgrade> upgrades_;
  bool running_ = false;  // upgrades_.back() is under way
};

// Fewer completed domains than this give no typical domain time.
inline constexpr std::size_t kMinDomainSamples = 3;

// Where a history came from.
inline constexpr std::string_view kHistoryFromEventStore = "event_store";
inline constexpr std::string_view kHistoryObserved = "observed";

// One object's history over a window.
struct ObjectHistory {
  std::string_view source;  // kHistoryFromEventStore or kHistoryObserved
  std::vector<PastUpgrade> upgrades;  // every one known, in time order
  double completed = 0;    // upgrades that completed within the window
  double rolled_back = 0;  // upgrades that rolled back within the window
  std::optional<PastUpgrade> last_finished;  // the last completed or rolled back, when any
  // Median of the domains completed rolling forward within the window; absent under kMinDomainSamples.
  std::optional<double> typical_domain_seconds;
  std::size_t domain_samples = 0;  // the domains completed rolling forward within the window

  // Field by field: the poller keeps an unchanged history's pointer, so the object does not move.
  bool operator==(const ObjectHistory&) const = default;
};

// The window's counts and medians over `upgrades` (in time order).
ObjectHistory summarize_history(std::vector<PastUpgrade> upgrades, double window_start, std::string_view source);
// The median of `values` (the mean of the middle two when even); absent when empty.
std::optional<double> median(std::vector<double> values);

// Every object's history from one target's log.
std::map<HistoryObject, ObjectHistory> histories_from_log(const HistoryLog& log, double window_start);

// The most finished upgrades one ObservedHistory keeps.
inline constexpr std::size_t kMaxObservedUpgrades = 100;

// One object's history as the exporter saw it, for clusters without an
// EventStore: fed each read of the object, it learns the domains it watched
// complete (from one change of the current domain to the next) and the
// upgrades it saw end. A domain already under way at the first read is not
// counted: its start was not seen.
class ObservedHistory {
 public:
  // `read_unix`: when `upgrade` was read. Reads come in time order.
  void observe(const Upgrade& upgrade, double read_unix);
  // Forgets upgrades that ended before `window_start`.
  void prune(double window_start);
  ObjectHistory history(double window_start) const;

 private:
  void begin(const Upgrade& upgrade, double read_unix);
  void finish(UpgradeOutcome outcome, std::optional<double> duration, double read_unix);
  void track_domain(const std::string& domain, bool rolling_back, double read_unix);

  std::vector<PastUpgrade> finished_;  // oldest first
  std::optional<PastUpgrade> current_;
  std::string settled_version_;          // target_version of the last read not in progress
  std::string domain_;                   // the current domain at the last read
  std::optional<double> domain_started_;  // when domain_ was seen to begin
};

// The forecast of when an upgrade in progress completes, and how it was made.
enum class ForecastMethod { typical_domain, linear };
std::string_view forecast_method_name(ForecastMethod method);  // "typical_domain", "linear"
struct Forecast {
  double completion = 0;  // Unix seconds
  ForecastMethod method = ForecastMethod::linear;
};

// While rolling forward with a typical domain time (≥ kMinDomainSamples) and
// domain counts: `read_unix` + typical × pending domains + the rest of each
// domain in progress (typical − its elapsed time, at least 0). Otherwise the
// linear `estimated_completion`. Absent when neither applies.
std::optional<Forecast> forecast_completion(const Upgrade& upgrade, const ObjectHistory* history, double read_unix);

}  // namespace ue
