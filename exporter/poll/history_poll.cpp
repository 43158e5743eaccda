#include "poll/history_poll.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/json_array_stream.h"
#include "log/log.h"
#include "sources/event_store.h"

namespace ue {
namespace {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

bool collects(const TargetConfig& target, Kind kind) {
  return std::find(target.collect.begin(), target.collect.end(), kind) != target.collect.end();
}

// Streams one answer of the store into the log; returns how many events were
// new. A hostile event is skipped; the request counts one schema error for them all.
std::size_t stream_events(UpstreamFetcher& fetcher, const TargetConfig& target, const std::string& path,
                          HistoryLog& log) {
  std::size_t added = 0;
  std::size_t skipped = 0;
  std::string first_problem;
  JsonArrayReader reader(
      [&](const Json& element) {
        try {
          std::optional<HistoryEvent> event = parse_history_event(element);
          if (event) added += log.add(std::move(*event));
        } catch (const SourceError& e) {
          if (skipped++ == 0) first_problem = e.message;
        }
      },
      kMaxHistoryElementBytes);
  fetcher.stream_body(kHistoryEndpoint, path, false, [&](std::string_view chunk) { reader.feed(chunk); },
                      history_body_limit(target.settings.max_response_bytes));
  try {
    reader.finish();
  } catch (const SourceError& e) {
    fetcher.count_error(kHistoryEndpoint, e.reason);
    throw;
  }
  if (skipped > 0) {
    fetcher.count_error(kHistoryEndpoint, Reason::schema);
    Log::warn("EventStore events skipped", {{"target", target.name}, {"skipped", std::to_string(skipped)},
                                            {"err", first_problem}});
  }
  return added;
}

// The history an object of the store carries: its own, or none in the window.
std::shared_ptr<const ObjectHistory> store_history(TargetHistory& history, const HistoryObject& object) {
  auto found = history.from_store.find(object);
  if (found != history.from_store.end()) return found->second;
  static const auto kNone = std::make_shared<const ObjectHistory>(ObjectHistory{.source = kHistoryFromEventStore});
  return kNone;
}

// Builds every object's history from the log again, keeping the pointer of each that did not change.
void rebuild_from_store(TargetHistory& history, double window_start) {
  std::map<HistoryObject, std::shared_ptr<const ObjectHistory>> rebuilt;
  for (auto& [object, fresh] : histories_from_log(history.log, window_start)) {
    auto old = history.from_store.find(object);
    if (old != history.from_store.end() && *old->second == fresh)
      rebuilt.emplace(object, old->second);
    else
      rebuilt.emplace(object, std::make_shared<const ObjectHistory>(std::move(fresh)));
  }
  history.from_store = std::move(rebuilt);
  history.log_changed = false;
}

// Feeds an object's read to its observed history when it is fresh; rebuilds that history when it may have moved.
const std::shared_ptr<const ObjectHistory>& observed_history(TargetHistory::Observed& seen, const ObjectState& object,
                                                             double window_start) {
  const bool fed = object.read_at > seen.fed_at;
  if (fed) {
    seen.history.observe(object.upgrade, object.read_at);
    seen.history.prune(window_start);
    seen.fed_at = object.read_at;
  }
  if (fed || !seen.built) {
    ObjectHistory fresh = seen.history.history(window_start);
    if (!seen.built || !(*seen.built == fresh)) seen.built = std::make_shared<const ObjectHistory>(std::move(fresh));
  }
  return seen.built;
}

}  // namespace

void TargetHistory::forget_store() {
  log = HistoryLog();
  read_until.reset();
  next_read.reset();
  store_answered = false;
  log_changed = false;
  from_store.clear();
}

bool keeps_history(const TargetConfig& target) {
  return target.type == TargetType::service_fabric &&
         (collects(target, Kind::cluster) || collects(target, Kind::application));
}

bool history_store_due(const TargetConfig& target, TargetHistory& history, SteadyTime now) {
  const HistorySettings& settings = target.settings.history;
  if (history.settings != settings) {
    history.settings = settings;
    // A longer window needs its start read; a shorter one is pruned; an interval applies from now.
    history.read_until.reset();
    history.next_read.reset();
    if (!settings.enabled) history.forget_store();
  }
  if (!settings.enabled || !keeps_history(target)) return false;
  return !history.next_read || now >= *history.next_read;
}

bool read_event_store(UpstreamFetcher& fetcher, const TargetConfig& target, TargetHistory& history,
                      double now_unix, SteadyTime now) {
  const HistorySettings& settings = target.settings.history;
  history.next_read = now + std::chrono::duration_cast<SteadyTime::duration>(settings.interval);
  double start = now_unix - seconds(settings.window);
  if (history.read_until) start = std::max(start, *history.read_until - kHistoryOverlapSeconds);
  std::vector<std::string> paths;
  if (collects(target, Kind::cluster)) paths.push_back(cluster_events_path(start, now_unix));
  if (collects(target, Kind::application)) paths.push_back(application_events_path(start, now_unix));
  bool answered = true, absent = false;
  for (const std::string& path : paths) {
    try {
      if (stream_events(fetcher, target, path, history.log) > 0) history.log_changed = true;
    } catch (const SourceError& e) {
      answered = false;
      absent = e.reason == Reason::http_status && e.http_status >= 400 && e.http_status < 500;
      // Said when the store stops answering, not at every interval of a cluster that has none.
      Log::write(history.store_failing ? LogLevel::debug : LogLevel::warn,
                 "EventStore not read; history from what the exporter saw",
                 {{"target", target.name}, {"err", e.message}});
      break;  // the next read, an interval from now, asks again
    }
  }
  if (answered) history.read_until = now_unix;
  history.store_failing = !answered;
  // A store that says it is absent (4xx) gives way to what the exporter saw at
  // once; one that fails otherwise (5xx, a timeout) keeps showing what it last
  // said for max_staleness, as objects do, so one bad read does not flip the series.
  const bool recent = history.read_until && now_unix - *history.read_until <= seconds(target.settings.max_staleness);
  const bool shown = answered || (!absent && history.store_answered && recent);
  if (shown != history.store_answered) history.log_changed = true;
  history.store_answered = shown;
  return answered;
}

void attach_histories(const TargetConfig& target, TargetState& state, double now_unix) {
  TargetHistory& history = state.history;
  if (!keeps_history(target)) {
    history.observed.clear();
    history.forget_store();
    return;
  }
  Snapshot& snapshot = state.snapshot;
  std::erase_if(history.observed, [&](const auto& entry) {
    return snapshot.find(entry.first.first, entry.first.second) == nullptr;
  });
  const double window_start = now_unix - seconds(target.settings.history.window);
  const bool from_store = target.settings.history.enabled && history.store_answered;
  if (from_store) {
    const std::size_t held = history.log.size();
    history.log.prune(window_start);
    if (history.log.size() != held || history.log_changed) rebuild_from_store(history, window_start);
  }
  std::vector<std::pair<ObjectKey, std::shared_ptr<const ObjectHistory>>> attached;
  for (Kind kind : {Kind::cluster, Kind::application}) {
    snapshot.for_each(kind, [&](const std::string& name, const ObjectState& object) {
      // Fed every poll, store or not, so a store that starts failing leaves a history behind it.
      const auto& seen = observed_history(history.observed[{kind, name}], object, window_start);
      if (!from_store) {
        attached.emplace_back(ObjectKey{kind, name}, seen);
        return;
      }
      // A cluster event names no object: the cluster's one object is named after the target.
      const HistoryObject key{kind, kind == Kind::cluster ? std::string() : name};
      attached.emplace_back(ObjectKey{kind, name}, store_history(history, key));
    });
  }
  for (auto& [key, pointer] : attached) snapshot.set_history(key.first, key.second, std::move(pointer));
}

}  // namespace ue
