#include "poll/whole_listing.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <unordered_set>

namespace ue {
namespace {

// A candidate for a place: read this poll (`fresh`), or known and ended.
struct Candidate {
  std::string_view name;
  std::optional<double> end_time;
  WholeObject* fresh = nullptr;
};

// Under way first (in upstream order), then the most recently ended.
bool earlier_place(const Candidate& a, const Candidate& b) {
  if (a.end_time.has_value() != b.end_time.has_value()) return !a.end_time.has_value();
  return a.end_time && *a.end_time > *b.end_time;
}

}  // namespace

std::vector<std::string> vanished_objects(const WholeRead& read, const Snapshot& snapshot, Kind kind) {
  std::unordered_set<std::string_view> listed;
  for (const WholeObject& object : read.active) listed.insert(object.name);
  if (read.ended)
    for (const WholeObject& object : *read.ended) listed.insert(object.name);
  std::vector<std::string> vanished;
  snapshot.for_each(kind, [&](const std::string& name, const ObjectState& object) {
    if (in_progress(object.upgrade.phase) && !listed.count(name)) vanished.push_back(name);
  });
  return vanished;
}

bool retained(const Upgrade& upgrade, Duration retention, double now_unix) {
  if (in_progress(upgrade.phase)) return true;
  const double retention_seconds = std::chrono::duration<double>(retention).count();
  return upgrade.end_time && now_unix - *upgrade.end_time <= retention_seconds;
}

bool worth_holding(const WholeObject& object, const Snapshot& snapshot, Kind kind, const TargetConfig& target,
                   Duration retention, double now_unix) {
  if (retained(object.upgrade, retention, now_unix) && target.selects(object.name)) return true;
  const ObjectState* known = snapshot.find(kind, object.name);
  return known && in_progress(known->upgrade.phase);
}

WholeSelection select_whole(WholeRead read, const Snapshot& snapshot, Kind kind, const TargetConfig& target,
                            Duration retention, double now_unix) {
  const auto retained = [&](const Upgrade& u) { return ue::retained(u, retention, now_unix); };
  std::vector<WholeObject> objects = std::move(read.active);
  for (WholeObject& object : read.looked_up) objects.push_back(std::move(object));
  if (read.ended)
    for (WholeObject& object : *read.ended) objects.push_back(std::move(object));

  WholeSelection selection;
  std::unordered_set<std::string_view> names;  // views into `objects` and the snapshot, both stable below
  selection.fresh.reserve(objects.size());
  std::vector<Candidate> candidates;
  for (WholeObject& object : objects) {
    if (!retained(object.upgrade) || !target.selects(object.name) || !names.insert(object.name).second) continue;
    candidates.push_back({object.name, object.upgrade.end_time, &object});
  }
  for (const std::string& name : read.unread) names.insert(name);
  if (!read.ended) {  // the ended ones known from before still hold
    snapshot.for_each(kind, [&](const std::string& name, const ObjectState& object) {
      if (!in_progress(object.upgrade.phase) && retained(object.upgrade) && target.selects(name) && names.insert(name).second)
        candidates.push_back({name, object.upgrade.end_time});
    });
  }
  std::stable_sort(candidates.begin(), candidates.end(), earlier_place);
  const std::size_t places = std::min(candidates.size(), target.settings.max_objects);
  selection.dropped = candidates.size() - places;
  for (std::size_t i = 0; i < places; ++i) {
    if (candidates[i].fresh)
      selection.fresh.push_back(std::move(*candidates[i].fresh));
    else
      selection.kept.emplace_back(candidates[i].name);
  }
  selection.unread = std::move(read.unread);
  return selection;
}

}  // namespace ue
