// The status page (GET /): every target's health and the upgrades that
// matter, as HTML a person reads in five seconds, with no script, no inline
// style and nothing fetched but its own style sheet (render/status_style).
// What it shows is render/status_model's; every upstream string is HTML-escaped.
#pragma once

#include <string>

#include "render/status_query.h"
#include "snapshot/fleet_view.h"

namespace ue {

// `poll_interval` of the page's auto-refresh is the shortest of the targets'.
std::string render_status_page(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options);

}  // namespace ue
