// The step engine: where a script stands at a simulated time. Pure functions
// of (script, time); everything the world reports is derived from a Moment.
#pragma once

#include <optional>
#include <string>

#include "scenario.h"

namespace sim {

// Simulated time since the simulation began; negative values lie before it.
using SimTime = Micros;

struct Moment {
  const Step* step = nullptr;          // nullptr: the script has no steps (never upgraded, idle)
  size_t step_index = 0;
  SimTime cycle_start{0};              // when the current pass through the steps began
  SimTime step_start{0};
  Micros into_step{0};                 // time spent in the step so far
  std::optional<Micros> step_length;   // as written; unset for `forever`
  double progress = 0;                 // 0..1 of the object's work (domains, replicas, prepare)
  double progress_at_step_start = 0;
  double progress_at_step_end = 0;     // where the step is heading
  bool in_progress = false;            // the step's state is an upgrading one
  std::optional<SimTime> run_start;    // when the current or last upgrade began; unset: none yet
  Micros run_elapsed{0};               // time spent upgrading in that run
  std::string failure_reason = "None";
  std::optional<SimTime> failure_time;

  bool has(std::string_view state) const { return step && step->state == state; }
};

// Evaluates `script` for an object of `kind` at simulated time `t`.
// Repeating scripts cycle forever (also backwards: before `start`, the
// previous cycle plays); a non-repeating script holds its last step.
Moment evaluate(const Script& script, Kind kind, SimTime t);

// Where a Service Fabric object's script stands at `t`.
inline Moment moment_of(const SfObject& o, SimTime t) { return evaluate(o.script, o.kind, t); }

// Real time per unit of progress movement in the current step
// (e.g. per upgrade domain when `units` domains are walked); unset when the step does not move.
std::optional<Micros> time_per_unit(const Moment& m, int units);

}  // namespace sim
