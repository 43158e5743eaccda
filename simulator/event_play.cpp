#include "event_play.h"

#include <algorithm>
#include <cmath>

#include "event_fields.h"
#include "sf_format.h"
#include "unit_walk.h"

namespace sim {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

Micros cycle_length(const Script& s) {
  Micros cycle{0};
  for (const Step& step : s.steps) cycle += step.length.value_or(Micros(0));
  return cycle;
}

// How far into a cycle its run begins: the first upgrading step.
std::optional<Micros> run_offset(const SfObject& o) {
  Micros offset{0};
  for (const Step& step : o.script.steps) {
    if (is_in_progress(o.kind, step.state)) return offset;
    offset += step.length.value_or(Micros(0));
  }
  return std::nullopt;
}

// One pass through the steps, emitting as it goes.
class CyclePlay {
 public:
  CyclePlay(const SfObject& o, std::uint64_t seed, SimTime cycle_start, std::vector<StoredEvent>& out)
      : o_(o), units_(upgrade_units(o)), monitored_(o.mode == "Monitored"), out_(out) {
    attempt_ = {&o, stable_guid("upgrade " + std::to_string(seed) + " " + o.name + " " +
                                std::to_string(cycle_start.count())),
                o.from_version, o.version, o.mode};
    at_ = cycle_start;
  }

  void run() {
    for (const Step& step : o_.script.steps) {
      enter(step);
      if (step.state == "RollingForwardInProgress") walk_forward(step);
      const double before = progress_;
      progress_ = step_end_progress(step, before);
      if (is_in_progress(o_.kind, step.state) && step.length) elapsed_ += *step.length;
      if (!step.length) break;  // a last step that lasts forever
      at_ += *step.length;
    }
  }

 private:
  double step_end_progress(const Step& step, double before) const {
    if (auto settled = settled_progress(o_.kind, step.state)) return *settled;
    return step.progress.value_or(before);
  }

  // What happens as a step begins.
  void enter(const Step& step) {
    if (is_in_progress(o_.kind, step.state) && !started_) {
      started_ = true;
      unit_start_ = at_;
      out_.push_back(upgrade_started(attempt_, at_));
    }
    if (!step.failure.empty() && started_) failure_ = step.failure;
    if (step.unhealthy && started_)
      out_.push_back(health_report(o_, at_, "Error", "The upgrade's health check failed: " + step.state, ++reports_));
    if (!started_) return;
    if (is_rolling_back(o_.kind, step.state) && !rolling_back_) {
      rolling_back_ = true;
      out_.push_back(rollback_started(attempt_, at_, failure_, elapsed_));
    } else if (step.state == "RollingBackCompleted") {
      out_.push_back(rollback_completed(attempt_, at_, failure_, elapsed_));
    } else if (step.state == "RollingForwardCompleted") {
      out_.push_back(upgrade_completed(attempt_, at_, elapsed_));
    }
  }

  // Domains done while progress moves forward through the step: Monitored walks
  // complete a domain 60 % into its share (the health check follows), others at its end.
  void walk_forward(const Step& step) {
    const double n = static_cast<double>(units_.size());
    const double from = progress_ * n, to = step_end_progress(step, progress_) * n;
    if (!step.length || to <= from || units_.empty()) return;
    auto time_at = [&](double pos) {
      return at_ + Micros(static_cast<std::int64_t>(double(step.length->count()) * (pos - from) / (to - from)));
    };
    auto crossed = [&](double pos) { return pos > from + 1e-9 && pos <= to + 1e-9; };
    for (int d = static_cast<int>(std::floor(from)); d < static_cast<int>(units_.size()) && d <= to; ++d) {
      const double done = d + (monitored_ ? kUpgradeShare : 1.0);
      if (crossed(done)) {
        const SimTime t = time_at(done);
        out_.push_back(domain_completed(attempt_, t, domains_text(units_[d]), t - unit_start_));
      }
      if (d + 1 < static_cast<int>(units_.size()) && crossed(d + 1.0)) {
        unit_start_ = time_at(d + 1.0);
        // The cluster's upgrade announces itself again as its next domains begin (SFX's fixture has four).
        if (o_.kind == Kind::cluster && d < 2) out_.push_back(upgrade_started(attempt_, unit_start_));
      }
    }
  }

  const SfObject& o_;
  const std::vector<std::string> units_;
  const bool monitored_;
  std::vector<StoredEvent>& out_;
  UpgradeAttempt attempt_;
  SimTime at_{0};          // the current step's start
  SimTime unit_start_{0};  // when the current domain began
  Micros elapsed_{0};      // upgrading time of the run before the current step
  double progress_ = 0;
  bool started_ = false, rolling_back_ = false;
  std::string failure_ = "None";
  std::int64_t reports_ = 0;
};

}  // namespace

std::optional<SimTime> first_played_run(const SfObject& o) {
  const auto offset = run_offset(o);
  if (!offset) return std::nullopt;
  const Script& s = o.script;
  if (!s.repeat) return s.start + *offset;
  const Micros cycle = cycle_length(s);
  SimTime cycle_start = s.start + cycle * floor_div((SimTime(0) - s.start).count(), cycle.count());
  if (cycle_start + *offset > SimTime(0)) cycle_start -= cycle;  // resting before it: the last run is reported
  return cycle_start + *offset;
}

void play_events(const SfObject& o, std::uint64_t seed, SimTime from, SimTime to, std::vector<StoredEvent>& out) {
  const auto first_run = first_played_run(o);
  if (!first_run || to < *first_run) return;
  const Script& s = o.script;
  if (!s.repeat) {
    CyclePlay(o, seed, s.start, out).run();
    return;
  }
  const Micros cycle = cycle_length(s);
  const SimTime first_cycle = *first_run - *run_offset(o);
  const std::int64_t first = std::max<std::int64_t>(0, floor_div((from - first_cycle).count(), cycle.count()));
  const std::int64_t last = floor_div((to - first_cycle).count(), cycle.count());
  for (std::int64_t k = first; k <= last; ++k) CyclePlay(o, seed, first_cycle + cycle * k, out).run();
}

}  // namespace sim
