// What the status page and /api/v1/upgrades show: every target's poll health
// and a read-only copy of its objects, published by each poller after a poll
// (the snapshot itself belongs to the poller's thread). An object's view is
// shared, unchanged, by later views until the object moves again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/upgrade.h"
#include "snapshot/snapshot.h"

namespace ue {

struct ObjectView {
  Kind kind = Kind::cluster;
  std::string name;
  Upgrade upgrade;
  double last_transition = 0;             // Unix seconds (ObjectState::last_transition)
  std::optional<double> phase_changed;    // Unix seconds: when a poll saw the phase change; absent if never seen
  double read_at = 0;                     // Unix seconds (ObjectState::read_at)
  std::shared_ptr<const ObjectHistory> history;  // ObjectState::history: shared, never copied
  std::uint64_t revision = 0;             // of the snapshot record copied
};

// The most recent failed request of a target.
struct LastError {
  std::string endpoint;  // the `endpoint` label of request_errors_total
  Reason reason = Reason::connect;
  double time = 0;  // Unix seconds
};

struct TargetView {
  std::string name;
  TargetType type = TargetType::service_fabric;
  double poll_interval = 0;              // seconds, from the configuration
  double stall_window = 30 * 60;         // seconds, from the configuration (is_stalled)
  bool polled = false;                   // a poll has finished since the target was added
  bool up = false;                       // the last poll reached the API
  std::optional<double> last_success;    // Unix seconds of the last fully successful poll
  double last_poll_duration = 0;         // seconds
  std::optional<LastError> last_error;
  std::vector<std::pair<Kind, std::size_t>> objects_per_kind;  // each collected kind, in `collect` order
  std::vector<std::shared_ptr<const ObjectView>> objects;       // snapshot order: kind, then name
};

struct ReloadResult {
  bool success = true;
  double time = 0;    // Unix seconds
  std::string error;  // empty on success
};

struct FleetView {
  std::string version;    // the exporter's build (upgrade_exporter_build_info): UE_VERSION
  std::string revision;   // UE_REVISION
  double generated = 0;   // Unix seconds: when this view was assembled
  double started = 0;     // Unix seconds: when the exporter started
  std::optional<ReloadResult> last_reload;
  double stall_window = 30 * 60;  // seconds: `global`'s, which a target inherits unless it sets its own
  std::vector<std::shared_ptr<const TargetView>> targets;  // configuration order
};

// Copies the snapshot's objects into views, reusing those of `previous`
// whose revision is unchanged.
std::vector<std::shared_ptr<const ObjectView>> view_objects(const Snapshot& snapshot, const TargetView* previous);

}  // namespace ue
