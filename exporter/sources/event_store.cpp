// Service Fabric's EventStore for upgrade history; see event_store.h. The
// quirks it is built for (Service Fabric Explorer's fixtures): one upgrade
// announces itself with several Started events, all its events share one
// EventInstanceId, health reports are mixed in, and a rollback's events name
// the version it returns to.
#include "sources/event_store.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/schema_error.h"
#include "base/time_formats.h"

namespace ue {

namespace {

struct EventKind {
  std::string_view name;
  Kind kind;
  HistoryEventType type;
};

constexpr std::array<EventKind, 10> kEventKinds = {{
    {"ClusterUpgradeStarted", Kind::cluster, HistoryEventType::started},
    {"ClusterUpgradeDomainCompleted", Kind::cluster, HistoryEventType::domain_completed},
    {"ClusterUpgradeCompleted", Kind::cluster, HistoryEventType::completed},
    {"ClusterUpgradeRollbackStarted", Kind::cluster, HistoryEventType::rollback_started},
    {"ClusterUpgradeRollbackCompleted", Kind::cluster, HistoryEventType::rollback_completed},
    {"ApplicationUpgradeStarted", Kind::application, HistoryEventType::started},
    {"ApplicationUpgradeDomainCompleted", Kind::application, HistoryEventType::domain_completed},
    {"ApplicationUpgradeCompleted", Kind::application, HistoryEventType::completed},
    {"ApplicationUpgradeRollbackStarted", Kind::application, HistoryEventType::rollback_started},
    {"ApplicationUpgradeRollbackCompleted", Kind::application, HistoryEventType::rollback_completed},
}};

// The EventsTypesFilter value: the kinds above of one collection.
std::string events_types_filter(Kind of) {
  std::string filter;
  for (const EventKind& kind : kEventKinds) {
    if (kind.kind != of) continue;
    if (!filter.empty()) filter += ',';
    filter += kind.name;
  }
  return filter;
}

std::string events_path(std::string_view collection, Kind kind, double start_unix, double end_unix) {
  return "/EventsStore/" + std::string(collection) + "/Events?api-version=6.4&StartTimeUtc=" +
         format_rfc3339(start_unix, SecondFraction::none) +
         "&EndTimeUtc=" + format_rfc3339(end_unix, SecondFraction::none) + "&EventsTypesFilter=" + events_types_filter(kind);
}

const EventKind* find_kind(std::string_view name) {
  for (const EventKind& kind : kEventKinds)
    if (kind.name == name) return &kind;
  return nullptr;
}

// A string of at most `max_bytes`; a bare number (a version) is kept as its text.
std::string bounded_text(const Json& event, std::string_view key, std::size_t max_bytes) {
  const Json* value = find_field(event, key);
  if (!value) return {};
  if (!value->is_string() && !value->is_number()) throw_schema(key, "a string");
  std::string text = value->is_string() ? value->get<std::string>() : value->dump();
  if (text.size() > max_bytes) throw_schema(key, "at most " + std::to_string(max_bytes) + " bytes");
  return text;
}

// UpgradeDomains: "(3)" in the fixtures; a list of names is joined, leniently.
std::string domain_list(const Json& event) {
  constexpr std::string_view kKey = "UpgradeDomains";
  const Json* value = find_field(event, kKey);
  if (!value || !value->is_array()) return bounded_text(event, kKey, kMaxEventDomainListBytes);
  std::string text;
  for (const Json& name : *value) {
    if (!name.is_string()) throw_schema(kKey, "a string or an array of strings");
    if (!text.empty()) text += ", ";
    text += name.get_ref<const std::string&>();
    if (text.size() > kMaxEventDomainListBytes)
      throw_schema(kKey, "at most " + std::to_string(kMaxEventDomainListBytes) + " bytes");
  }
  return text;
}

std::optional<double> elapsed_seconds(const Json& event, std::string_view key) {
  const std::optional<double> seconds = duration_field(event, key);  // ms as a number or numeric text
  if (seconds && *seconds > kMaxEventElapsedSeconds) throw_schema(key, "at most a year of milliseconds");
  return seconds;
}

double event_time(const Json& event) {
  constexpr std::string_view kKey = "TimeStamp";
  const std::optional<double> time = timestamp_field(event, kKey);
  if (!time || *time < kEarliestEventUnix || *time >= kLatestEventUnix) throw_schema(kKey, "a UTC timestamp");
  return *time;
}

std::string application_object(const Json& event) {
  std::string id = bounded_text(event, "ApplicationId", kMaxEventObjectBytes);
  if (id.empty()) throw_schema("ApplicationId", "an application id");
  return application_name_from_id(id);
}

void read_versions(const Json& event, HistoryEvent& out) {
  const bool cluster = out.kind == Kind::cluster;
  out.from_version =
      bounded_text(event, cluster ? "CurrentClusterVersion" : "CurrentApplicationTypeVersion", kMaxEventTextBytes);
  out.to_version = bounded_text(event, cluster ? "TargetClusterVersion" : "ApplicationTypeVersion", kMaxEventTextBytes);
}

}  // namespace

std::string cluster_events_path(double start_unix, double end_unix) {
  return events_path("Cluster", Kind::cluster, start_unix, end_unix);
}

std::string application_events_path(double start_unix, double end_unix) {
  return events_path("Applications", Kind::application, start_unix, end_unix);
}

std::string application_name_from_id(std::string_view id) {
  if (id.starts_with("fabric:/")) return std::string(id);
  std::string name = "fabric:/" + std::string(id);
  std::replace(name.begin() + 8, name.end(), '~', '/');
  return name;
}

std::optional<HistoryEvent> parse_history_event(const Json& element) {
  if (!element.is_object()) throw_schema("event", "an object");
  const std::optional<std::string> kind_name = string_field(element, "Kind");
  const EventKind* kind = kind_name ? find_kind(*kind_name) : nullptr;
  if (!kind) return std::nullopt;  // health reports and every other kind
  HistoryEvent event;
  event.kind = kind->kind;
  event.type = kind->type;
  event.time = event_time(element);
  event.instance_id = bounded_text(element, "EventInstanceId", kMaxEventTextBytes);
  if (event.kind == Kind::application) event.object = application_object(element);
  read_versions(element, event);
  event.domain_seconds = elapsed_seconds(element, "UpgradeDomainElapsedTimeInMs");
  event.overall_seconds = elapsed_seconds(element, "OverallUpgradeElapsedTimeInMs");
  event.failure_reason = bounded_text(element, "FailureReason", kMaxEventTextBytes);
  if (event.failure_reason == "None") event.failure_reason.clear();
  event.upgrade_domains = domain_list(element);
  return event;
}

std::vector<HistoryEvent> parse_history_events(std::string_view body) {
  std::vector<HistoryEvent> events;
  for (const Json& element : parse_json_array(body))
    if (std::optional<HistoryEvent> event = parse_history_event(element)) events.push_back(std::move(*event));
  return events;
}

}  // namespace ue
