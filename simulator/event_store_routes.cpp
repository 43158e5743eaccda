#include "event_store_routes.h"

#include <cctype>
#include <charconv>
#include <optional>

#include "routes.h"
#include "sf_format.h"

namespace sim {
namespace {

constexpr const char* kSfContentType = "application/json; charset=utf-8";

std::string percent_decoded(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    int byte = 0;
    if (raw[i] == '%' && i + 2 < raw.size() &&
        std::from_chars(raw.data() + i + 1, raw.data() + i + 3, byte, 16).ptr == raw.data() + i + 3) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += raw[i] == '+' ? ' ' : raw[i];
    }
  }
  return out;
}

// The value of `name`, matched case-insensitively; nullopt when absent.
std::optional<std::string> parameter(const RawQuery& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    const bool same = key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                      });
    if (same) return percent_decoded(value);
  }
  return std::nullopt;
}

// The store's own api-version rule (EventStore.Service): 6.4 up to the runtime's
// version, or a -preview from 6.2 below 6.4. The gateway has already checked 1.0-10.1.
bool event_store_api_version(std::string_view text) {
  const bool preview = text.ends_with("-preview");
  const auto version = parse_api_version(text);
  if (!version) return false;
  return preview ? (*version >= 6.2 - 1e-9 && *version < 6.4 - 1e-9) : *version >= 6.4 - 1e-9;
}

// Events the store holds for `entity` that `query` asks for, or its refusal.
void answer(const httplib::Request&, httplib::Response& res, const RawQuery& query, const World& world,
            EventEntity entity, SimTime now) {
  // Without the EventStore system service the gateway has nowhere to send the request. Service Fabric
  // Explorer reads this 404 as "EventStore system service is not found" (its pull request #111).
  if (!world.event_store_available()) {
    return fabric_error(res, 404, "FABRIC_E_SERVICE_DOES_NOT_EXIST",
                        "Service fabric:/System/EventStoreService does not exist.");
  }
  auto request = parse_event_request(query, entity, world.epoch());
  if (auto* refused = std::get_if<EventRequestError>(&request)) return fabric_error(res, 400, "E_INVALIDARG", refused->message);
  // The whole body in one write: a week of a large cluster's events is a big answer.
  res.status = 200;
  res.set_content(world.events(entity, now, std::get<EventQuery>(request)).dump(), kSfContentType);
}

}  // namespace

std::variant<EventQuery, EventRequestError> parse_event_request(const RawQuery& query, EventEntity entity,
                                                                WallClock::time_point epoch) {
  const auto version = query.find("api-version");
  if (version == query.end() || !event_store_api_version(version->second)) return EventRequestError{"Invalid API version"};
  const auto start = parameter(query, "StartTimeUtc"), end = parameter(query, "EndTimeUtc");
  if (!start || !end || start->empty() || end->empty()) return EventRequestError{"Invalid Arguments"};
  const auto start_time = parse_event_query_time(*start), end_time = parse_event_query_time(*end);
  if (!start_time || !end_time) {
    return EventRequestError{"Couldn't parse query Dates. Specified Start: " + *start + ", End: " + *end};
  }
  const Micros since_unix = std::chrono::floor<Micros>(epoch.time_since_epoch());  // as the store keeps it
  EventQuery parsed{.start = *start_time - since_unix, .end = *end_time - since_unix, .kinds = {}};
  if (parsed.end < parsed.start) {
    return EventRequestError{"EndTimeUtc " + *end + " is before StartTimeUtc " + *start};
  }
  EventKindFilter filter = parse_event_kind_filter(parameter(query, "EventsTypesFilter").value_or(""), entity);
  if (filter.unknown) {
    return EventRequestError{"EventType " + *filter.unknown + " Not Supported for Entity " +
                             std::string(entity_name(entity))};
  }
  parsed.kinds = std::move(filter.kinds);
  return parsed;
}

void install_event_store_routes(httplib::Server& server, World& world, std::function<SimTime()> now,
                                const SfGate& gate) {
  for (auto [path, entity] : {std::pair{"/EventsStore/Cluster/Events", EventEntity::cluster},
                              std::pair{"/EventsStore/Applications/Events", EventEntity::applications}}) {
    server.Get(path, gate([&world, now, entity](const httplib::Request& req, httplib::Response& res,
                                                 const RawQuery& query, double) {
      answer(req, res, query, world, entity, now());
    }));
  }
}

}  // namespace sim
