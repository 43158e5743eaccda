// The simulated Qumulo cluster: its upgrade status, rolling-reboot status,
// upgrade block and version at a simulated time, the reboot outage, and what
// prepare and commit do. Not thread-safe: World holds the lock. The calls are World's; see world.h.
#pragma once

#include <string_view>

#include "json.h"
#include "requests.h"
#include "scenario.h"
#include "timeline.h"

namespace sim {

// Qumulo's error body. Its exact shape is unverified (reference §9); this is the common one.
Json qumulo_error_body(std::string_view error_class, std::string_view description);

class QumuloCluster {
 public:
  explicit QumuloCluster(const Qumulo& scenario) : scripted_(scenario.script), qumulo_(scenario) {}

  bool reachable(SimTime t) const;
  Json status(SimTime t) const;
  Json reboot_status(SimTime t) const;
  Json blocked_status(SimTime t) const;
  Json version(SimTime t) const;
  bool prepare(SimTime t, const PrepareRequest& request);
  bool commit(SimTime t);

 private:
  Moment moment(SimTime t) const { return evaluate(qumulo_.script, Kind::qumulo, t); }

  const Script scripted_;  // the scenario's steps: durations for upgrades started through the API
  Qumulo qumulo_;          // the scenario's, with the script and settings of the last prepare
};

}  // namespace sim
