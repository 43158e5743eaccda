#include "event_store.h"

#include <algorithm>
#include <cctype>

#include "event_history.h"
#include "event_play.h"
#include "sf_format.h"

namespace sim {
namespace {

bool same_letters(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// The objects whose upgrades the store records: the cluster and the applications with a script.
bool recorded(const SfObject& o) {
  return (o.kind == Kind::cluster || o.kind == Kind::application) && !o.script.steps.empty();
}

EventEntity entity_of(const SfObject& o) {
  return o.kind == Kind::cluster ? EventEntity::cluster : EventEntity::applications;
}

bool selected(const StoredEvent& e, SimTime from, const EventQuery& query) {
  if (e.time < from || e.time > query.end) return false;
  return query.kinds.empty() || std::find(query.kinds.begin(), query.kinds.end(), e.kind) != query.kinds.end();
}

// A whole-second TimeStamp is written as the time it is stored at, so filtering and text agree.
void settle_whole_seconds(std::vector<StoredEvent>& events, WallClock::time_point epoch) {
  for (StoredEvent& e : events) {
    if (!e.whole_second) continue;
    const auto at = std::chrono::floor<std::chrono::seconds>(epoch + e.time);
    e.time = std::chrono::duration_cast<Micros>(at - epoch);
  }
}

void by_time(std::vector<StoredEvent>& events) {
  std::stable_sort(events.begin(), events.end(), [](const StoredEvent& a, const StoredEvent& b) { return a.time < b.time; });
}

}  // namespace

std::string_view entity_name(EventEntity entity) {
  return entity == EventEntity::cluster ? "Cluster" : "Application";
}

const std::vector<std::string_view>& known_event_kinds(EventEntity entity) {
  static const std::vector<std::string_view> cluster = {
      "ClusterNewHealthReport",        "ClusterHealthReportExpired",      "ClusterUpgradeCompleted",
      "ClusterUpgradeDomainCompleted", "ClusterUpgradeRollbackCompleted", "ClusterUpgradeRollbackStarted",
      "ClusterUpgradeStarted",         "ChaosStarted",                    "ChaosStopped"};
  static const std::vector<std::string_view> applications = {
      "ApplicationCreated",
      "ApplicationDeleted",
      "ApplicationNewHealthReport",
      "ApplicationHealthReportExpired",
      "ApplicationUpgradeCompleted",
      "ApplicationUpgradeDomainCompleted",
      "ApplicationUpgradeRollbackCompleted",
      "ApplicationUpgradeRollbackStarted",
      "ApplicationUpgradeStarted",
      "DeployedApplicationNewHealthReport",
      "DeployedApplicationHealthReportExpired",
      "ApplicationProcessExited",
      "ApplicationContainerInstanceExited",
      "DeployedServicePackageNewHealthReport",
      "DeployedServicePackageHealthReportExpired",
      "ChaosCodePackageRestartScheduled"};
  return entity == EventEntity::cluster ? cluster : applications;
}

EventKindFilter parse_event_kind_filter(std::string_view text, EventEntity entity) {
  EventKindFilter filter;
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); })) return filter;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    const std::string_view bare = name.size() > 5 && same_letters(name.substr(name.size() - 5), "Event")
                                      ? name.substr(0, name.size() - 5)
                                      : name;
    const auto& kinds = known_event_kinds(entity);
    auto known = std::find_if(kinds.begin(), kinds.end(), [&](std::string_view k) { return same_letters(k, bare); });
    if (known == kinds.end()) {
      filter.unknown = std::string(name);
      return filter;
    }
    filter.kinds.emplace_back(*known);
    if (comma == std::string_view::npos) return filter;
    text.remove_prefix(comma + 1);
  }
}

EventStore::EventStore(std::vector<SfObject> objects, std::uint64_t seed, WallClock::time_point epoch)
    : epoch_(std::chrono::floor<Micros>(epoch)), seed_(seed) {
  for (SfObject& o : objects) {
    if (!recorded(o)) continue;
    const SimTime before = first_played_run(o).value_or(SimTime(0));
    std::vector<StoredEvent> past = past_upgrades(o, seed, before);
    std::vector<StoredEvent>& into = entity_of(o) == EventEntity::cluster ? past_cluster_ : past_applications_;
    into.insert(into.end(), std::make_move_iterator(past.begin()), std::make_move_iterator(past.end()));
    objects_.push_back(std::move(o));
  }
  for (auto* past : {&past_cluster_, &past_applications_}) {
    settle_whole_seconds(*past, epoch_);
    by_time(*past);
  }
}

std::vector<StoredEvent> EventStore::played(EventEntity entity, SimTime now, const EventQuery& query) const {
  const SimTime from = std::max(query.start, now - kEventRetention), to = std::min(query.end, now);
  std::vector<StoredEvent> events;
  if (to < from) return events;
  for (const SfObject& o : objects_)
    if (entity_of(o) == entity) play_events(o, seed_, from, to, events);
  std::erase_if(events, [&](const StoredEvent& e) { return e.time > now; });
  settle_whole_seconds(events, epoch_);
  by_time(events);
  return events;
}

Json EventStore::events(EventEntity entity, SimTime now, const EventQuery& query) const {
  const SimTime from = std::max(query.start, now - kEventRetention);
  const std::vector<StoredEvent>& past = entity == EventEntity::cluster ? past_cluster_ : past_applications_;
  const std::vector<StoredEvent> live = played(entity, now, query);
  std::vector<const StoredEvent*> chosen;
  for (const auto* list : {&past, &live})
    for (const StoredEvent& e : *list)
      if (e.time <= now && selected(e, from, query)) chosen.push_back(&e);
  std::stable_sort(chosen.begin(), chosen.end(), [](const StoredEvent* a, const StoredEvent* b) { return a->time < b->time; });
  return write(chosen);
}

Json EventStore::write(const std::vector<const StoredEvent*>& events) const {
  Json list = Json::array();
  for (const StoredEvent* e : events) {
    Json event = {{"Kind", e->kind},
                  {"EventInstanceId", e->instance_id},
                  {"TimeStamp", event_timestamp(epoch_ + e->time, e->whole_second)},
                  {"Category", e->category},
                  {"HasCorrelatedEvents", e->correlated}};
    for (const auto& [key, value] : e->fields.items()) event[key] = value;
    // The reporter stamped it a moment before the store recorded it.
    if (event.contains("SourceUtcTimestamp"))
      event["SourceUtcTimestamp"] = event_timestamp(epoch_ + e->time - std::chrono::milliseconds(250), false);
    list.push_back(std::move(event));
  }
  return list;
}

}  // namespace sim
