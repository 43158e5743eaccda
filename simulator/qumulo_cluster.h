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
  // Data protection during the rolling reboot:
  // each batch's nodes are offline for the first half of its share of the
  // REBOOTING step, then the restriper reprotects; the middle batch's
  // reprotect has data at risk.
  Json restriper_status(SimTime t) const;
  Json protection_status(SimTime t) const;
  Json nodes(SimTime t) const;
  Json version(SimTime t) const;
  bool prepare(SimTime t, const PrepareRequest& request);
  bool commit(SimTime t);

 private:
  Moment moment(SimTime t) const { return evaluate(qumulo_.script, Kind::qumulo, t); }
  struct Batch {
    bool rebooting = false;  // in the REBOOTING step
    int index = 0;           // the batch being rebooted
    int count = 1;           // batches in the step
    int size = 1;            // nodes per batch
    double within = 0;       // 0..1 of this batch's share of the step
    bool offline(int node) const {  // node 0-based
      return rebooting && within < 0.5 && node >= index * size && node < (index + 1) * size;
    }
    bool reprotecting() const { return rebooting && within >= 0.5; }
  };
  Batch batch(SimTime t) const;
  int offline_nodes(SimTime t) const;
  int max_node_failures() const { return qumulo_.nodes >= 4 ? 2 : 1; }

  const Script scripted_;  // the scenario's steps: durations for upgrades started through the API
  Qumulo qumulo_;          // the scenario's, with the script and settings of the last prepare
};

}  // namespace sim
