// The filters of the status page and /api/v1/upgrades (`?target=&kind=&phase=`,
// each repeatable), and the two judgements both renderers make of an object:
// is it stalled, and does it matter enough to be listed first.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/upgrade.h"
#include "snapshot/fleet_view.h"

namespace ue {

// How the status page and the API are rendered, beyond their data.
struct StatusOptions {
  std::string telemetry_path = "/metrics";
};

struct StatusQuery {
  std::vector<std::string> targets;  // empty: every target
  std::vector<Kind> kinds;           // empty: every kind
  std::vector<Phase> phases;         // empty: every phase
  bool refresh = true;               // the page reloads itself every poll interval (`refresh=0` pauses)

  bool unfiltered() const { return targets.empty() && kinds.empty() && phases.empty(); }
  bool matches_target(std::string_view target) const;
  bool matches(const ObjectView& object) const;  // kind and phase
  // The query string (without '?') that gives this query back; empty for the default.
  std::string to_query_string() const;
};

// Parses the request's query parameters. Unknown parameters are ignored, as
// browsers and proxies add their own; an unknown kind or phase value is an
// error (returned in `error`, for a 400), as a typo would otherwise show nothing.
std::optional<StatusQuery> parse_status_query(const std::multimap<std::string, std::string>& params,
                                              std::string& error);

// The exporter's one meaning of "stalled": in progress, not awaiting an
// operator, and no transition for longer than its target's stall window.
// Never a repair task: its Executing state normally lasts hours, and the
// RepairTask* alerts judge each of its states by Service Fabric Explorer's
// thresholds instead (the rules leave kind="repair_task" out alike).
bool is_stalled(const TargetView& target, const ObjectView& object, double now);
// Listed first on the page: in progress, failed, rolled back, or its phase
// changed within the last 24 hours.
bool is_notable(const ObjectView& object, double now);
inline constexpr double kRecentPhaseChange = 24 * 60 * 60;

}  // namespace ue
