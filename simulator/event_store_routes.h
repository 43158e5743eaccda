// The EventStore's HTTP face: GET /EventsStore/Cluster/Events and
// /EventsStore/Applications/Events, with the store's own checks of the
// request (its api-versions, the two times, the kind filter) and the 404 of
// a cluster without the EventStore service.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <string>
#include <variant>

#include "world.h"

namespace sim {

using RawQuery = std::map<std::string, std::string>;
using SfRoute = std::function<void(const httplib::Request&, httplib::Response&, const RawQuery&, double api)>;
// Wraps a route in the gateway's token gate and api-version check (routes.cpp).
using SfGate = std::function<httplib::Server::Handler(SfRoute)>;

void install_event_store_routes(httplib::Server& server, World& world, std::function<SimTime()> now,
                                const SfGate& gate);

// A request the store refuses: 400 E_INVALIDARG with the store's own message.
struct EventRequestError {
  std::string message;
};

// The store's checks, in its order: the api-version (6.4 and up; 6.2 to 6.3
// only with -preview), both times present and well formed, then each kind
// of EventsTypesFilter. Parameter names are matched case-insensitively and
// values percent-decoded (the store is a service behind the gateway, and
// Service Fabric Explorer sends starttimeutc). Times become simulated time.
std::variant<EventQuery, EventRequestError> parse_event_request(const RawQuery& query, EventEntity entity,
                                                                WallClock::time_point epoch);

}  // namespace sim
