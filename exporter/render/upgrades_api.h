// GET /api/v1/upgrades: the status page's content as JSON for scripts, with
// every field the metrics carry. Field names are a public contract, like
// metric names: add, never rename. The schema is in the README.
#pragma once

#include <string>

#include "render/status_query.h"
#include "snapshot/fleet_view.h"

namespace ue {

std::string render_upgrades_json(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options);

}  // namespace ue
