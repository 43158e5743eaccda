#include "poll/poll_round.h"

#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "base/json_array_stream.h"
#include "log/log.h"
#include "poll/history_poll.h"
#include "poll/listing_plan.h"
#include "poll/listing_reader.h"
#include "poll/whole_listing.h"

namespace ue {
namespace {

// An unreachable API would make every further kind wait out its own timeout.
bool unreachable(const SourceError& e) {
  return e.reason == Reason::connect || e.reason == Reason::timeout || e.reason == Reason::tls;
}

}  // namespace

void TargetState::forget(Kind kind) {
  snapshot.retain(kind, [](const std::string&) { return false; });
  absent_until.erase(kind);
  dropped_before.erase(kind);
  ended_due.erase(kind);
}

RoundResult PollRound::run() && {
  started_ = tools_.clock.now();
  if (started_ >= state_.memo_expires) {
    state_.memo.clear();
    state_.memo_expires = started_ + target_.settings.idle_poll_interval;
  }
  RoundResult result;
  try {
    transports_ = tools_.upstream.open(target_, tools_.workers.size(), tools_.metrics);
  } catch (const SourceError& e) {
    Log::error("cannot prepare connection", {{"target", target_.name}, {"err", e.message}});
    result.up = false;
    return result;
  }
  if (!tools_.watch.watch(transports_)) return result;  // stopping
  // However the round ends, the watch forgets the transports before they go.
  struct Unwatch {
    RequestWatch& watch;
    ~Unwatch() { watch.unwatch(); }
  } unwatch_on_return{tools_.watch};
  fetchers_.reserve(transports_.size());
  for (auto& transport : transports_)
    fetchers_.emplace_back(*transport, tools_.metrics, state_.memo, load_, tools_.clock);

  bool reached = true;
  for (Kind kind : target_.collect) {
    if (tools_.watch.closed()) break;
    const Source& source = source_for(kind);
    auto absent = state_.absent_until.find(kind);
    if (absent != state_.absent_until.end() && started_ < absent->second) continue;
    try {
      result.unread += poll_kind(source);
      state_.absent_until.erase(kind);
    } catch (const FeatureAbsent& e) {
      // Not an error: this target does not serve the kind. Ask again later.
      Log::debug("kind not served by this target", {{"target", target_.name}, {"kind", kind_name(kind)},
                                                    {"status", std::to_string(e.http_status)}});
      state_.absent_until[kind] = started_ + target_.settings.idle_poll_interval;
      state_.snapshot.retain(kind, [](const std::string&) { return false; });
    } catch (const SourceError& e) {
      result.up = false;
      Log::warn("poll failed", {{"target", target_.name}, {"kind", kind_name(kind)}, {"err", e.message}});
      if (unreachable(e)) {
        reached = false;
        break;
      }
    }
    if (load_.overloaded()) break;  // a struggling gateway gets no more requests this poll
  }
  // After the upgrades, which it never delays: at most two requests, once an interval.
  if (reached && !tools_.watch.closed() && !load_.overloaded()) poll_history();
  result.overloaded = load_.overloaded();
  result.retry_after_seconds = load_.retry_after_seconds();
  return result;
}

void PollRound::poll_history() {
  if (!history_store_due(target_, state_.history, tools_.clock.now())) return;
  // Its own load: a store that answers 503 is the store failing, which must
  // not back the upgrade polling off; a struggling gateway shows in the kinds.
  GatewayLoad store_load;
  UpstreamFetcher fetcher(*transports_.front(), tools_.metrics, state_.memo, store_load, tools_.clock);
  read_event_store(fetcher, target_, state_.history, tools_.clock.unix_now(), tools_.clock.now());
}

std::size_t PollRound::poll_kind(const Source& source) {
  if (source.read) {
    poll_single(source);
    return 0;
  }
  if (source.whole) return poll_whole(source);
  return poll_listed(source);
}

void PollRound::poll_single(const Source& source) {
  Upgrade upgrade = source.read(fetchers_.front());
  state_.snapshot.record(source.kind, target_.name, std::move(upgrade), tools_.clock.unix_now(), tools_.clock.now());
}

std::size_t PollRound::poll_listed(const Source& source) {
  ListingResult listed = read_listing(source, target_, fetchers_.front());
  report_dropped(source.kind, listed.dropped);

  Snapshot& snapshot = state_.snapshot;
  const SteadyTime now = tools_.clock.now();
  const ListingPlan plan = plan_listing(*source.listing, source.kind, listed.selected, snapshot, now);
  for (const std::string& name : plan.gone) snapshot.erase(source.kind, name);
  for (const ListedObject* item : plan.vouched) snapshot.find(source.kind, item->name)->confirmed = now;
  return read_due(source, plan.due, now);
}

// A kind listed whole: the objects under way every poll, the ended ones
// when due, and one read by name for each that left the list under way.
std::size_t PollRound::poll_whole(const Source& source) {
  const WholeListing& whole = *source.whole;
  const double now_unix = tools_.clock.unix_now();
  const SteadyTime now = tools_.clock.now();
  const Duration retention = target_.settings.repair_task_retention;  // repair_task is the one kind listed whole
  const auto worth_it = [&](const WholeObject& object) {
    return worth_holding(object, state_.snapshot, source.kind, target_, retention, now_unix);
  };
  WholeRead read;
  read.active = read_whole(source, whole.active_endpoint, std::string(whole.active_path), now_unix, true, worth_it);
  auto ended_due = state_.ended_due.find(source.kind);
  if (ended_due == state_.ended_due.end() || now >= ended_due->second) {
    read.ended = read_whole(source, whole.ended_endpoint, std::string(whole.ended_path), now_unix, true, worth_it);
    state_.ended_due[source.kind] = now + std::chrono::duration_cast<SteadyTime::duration>(target_.settings.idle_poll_interval);
  }
  for (const std::string& name : vanished_objects(read, state_.snapshot, source.kind)) {
    if (tools_.watch.closed() || load_.overloaded()) {
      read.unread.push_back(name);
      continue;
    }
    try {
      // The filter is a prefix: the answer may hold others, and none when the object was deleted.
      const auto named = [&](const WholeObject& object) { return object.name == name; };
      const std::string path = whole.object_path(name);
      for (WholeObject& object : read_whole(source, whole.object_endpoint, path, now_unix, false, named))
        read.looked_up.push_back(std::move(object));
    } catch (const SourceError& e) {
      read.unread.push_back(name);
      Log::debug("object read failed", {{"target", target_.name}, {"kind", kind_name(source.kind)},
                                        {"name", name}, {"err", e.message}});
    }
  }
  WholeSelection selection = select_whole(std::move(read), state_.snapshot, source.kind, target_, retention, now_unix);
  report_dropped(source.kind, selection.dropped);

  std::unordered_set<std::string_view> kept(selection.kept.begin(), selection.kept.end());
  for (const WholeObject& object : selection.fresh) kept.insert(object.name);
  for (const std::string& name : selection.unread) kept.insert(name);
  Snapshot& snapshot = state_.snapshot;
  snapshot.retain(source.kind, [&](const std::string& name) { return kept.count(name) > 0; });
  for (const std::string& name : selection.kept) snapshot.find(source.kind, name)->confirmed = now;
  for (WholeObject& object : selection.fresh)
    snapshot.record(source.kind, object.name, std::move(object.upgrade), now_unix, now);
  return selection.unread.size();
}

std::vector<WholeObject> PollRound::read_whole(const Source& source, std::string_view endpoint,
                                               const std::string& path, double now_unix, bool listing,
                                               const std::function<bool(const WholeObject&)>& keep) {
  UpstreamFetcher& fetcher = fetchers_.front();
  std::vector<WholeObject> held;
  // The answer is parsed as it arrives, one element at a time, and only what
  // `keep` wants is held: neither the body nor its DOM ever stands whole.
  JsonArrayReader reader(
      [&](const Json& element) {
        std::optional<WholeObject> object = source.whole->parse_element(element, now_unix);
        if (object && keep(*object)) held.push_back(std::move(*object));
      },
      target_.settings.max_response_bytes);
  fetcher.stream_body(endpoint, path, listing && source.feature_probe,
                      [&](std::string_view chunk) { reader.feed(chunk); }, target_.settings.max_response_bytes);
  try {
    reader.finish();
  } catch (const SourceError& e) {
    fetcher.count_error(endpoint, e.reason);
    throw;
  }
  return held;
}

std::size_t PollRound::read_due(const Source& source, const std::vector<const ListedObject*>& due, SteadyTime now) {
  const Listing& listing = *source.listing;
  // At most `concurrency` at once; one failure loses only that object's fresh values.
  std::vector<std::optional<Upgrade>> results(due.size());
  std::vector<char> gone(due.size(), 0);  // deleted between the listing and its read
  const auto failed = tools_.workers.run(due.size(), [&](std::size_t worker, std::size_t i) {
    if (tools_.watch.closed() || load_.overloaded()) return;  // unread objects keep their last values
    try {
      results[i] = fetchers_[worker].get(listing.progress_endpoint, listing.progress_path(*due[i]),
                                         listing.parse_progress);
    } catch (const SourceError& e) {
      gone[i] = listing.gone_http_status != 0 && e.reason == Reason::http_status &&
                e.http_status == listing.gone_http_status;
      Log::debug("object read failed", {{"target", target_.name}, {"kind", kind_name(source.kind)},
                                        {"name", due[i]->name}, {"err", e.message}});
    }
  });
  // A read that threw something else (a bug, or no memory left) fails that object all the same.
  for (const WorkerPool::FailedItem& f : failed) {
    results[f.item].reset();
    gone[f.item] = 0;
    Log::warn("object read failed", {{"target", target_.name}, {"kind", kind_name(source.kind)},
                                     {"name", due[f.item]->name}, {"err", f.error}});
  }

  Snapshot& snapshot = state_.snapshot;
  const double now_unix = tools_.clock.unix_now();
  std::size_t unread = 0;
  for (std::size_t i = 0; i < due.size(); ++i) {
    const std::string& name = due[i]->name;
    if (gone[i]) {
      snapshot.erase(source.kind, name);
      continue;
    }
    if (!results[i]) {
      ++unread;
      continue;  // keeps its last values until max_staleness
    }
    const bool first_read = snapshot.find(source.kind, name) == nullptr;
    ObjectState& object = snapshot.record(source.kind, name, std::move(*results[i]), now_unix, now);
    object.listing_status = due[i]->status;
    object.next_read = next_idle_read(name, first_read, target_.settings.idle_poll_interval, now);
  }
  return unread;
}

void PollRound::report_dropped(Kind kind, std::size_t dropped) {
  if (dropped > 0) tools_.metrics.dropped(kind, static_cast<double>(dropped));
  // Said once, and again when the number changes: not every poll.
  if (std::exchange(state_.dropped_before[kind], dropped) != dropped && dropped > 0) {
    Log::warn("more objects than max_objects; some are not exported",
              {{"target", target_.name}, {"kind", kind_name(kind)}, {"dropped", std::to_string(dropped)}});
  }
}

}  // namespace ue
