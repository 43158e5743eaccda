#include "poll/poll_round.h"

#include <optional>
#include <utility>

#include "log/log.h"
#include "poll/listing_plan.h"
#include "poll/listing_reader.h"

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
      if (unreachable(e)) break;
    }
    if (load_.overloaded()) break;  // a struggling gateway gets no more requests this poll
  }
  result.overloaded = load_.overloaded();
  result.retry_after_seconds = load_.retry_after_seconds();
  return result;
}

std::size_t PollRound::poll_kind(const Source& source) {
  if (source.read) {
    poll_single(source);
    return 0;
  }
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
