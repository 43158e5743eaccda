#include "timeline.h"

#include <algorithm>
#include <cmath>

namespace sim {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Progress at the end of step `i`, given progress at its start.
double end_progress(const Script& s, Kind kind, size_t i, double at_start) {
  const Step& step = s.steps[i];
  if (auto settled = settled_progress(kind, step.state)) return *settled;
  return step.progress.value_or(at_start);
}

struct Located {
  SimTime cycle_start;
  size_t index;
  Micros into;       // time into step `index`
  Micros offset;     // step `index` begins this long after cycle_start
};

Located locate(const Script& s, SimTime t) {
  Micros cycle{0};
  for (const auto& step : s.steps) cycle += step.length.value_or(Micros(0));
  SimTime cycle_start = s.start;
  if (s.repeat) {
    cycle_start = s.start + cycle * floor_div((t - s.start).count(), cycle.count());
  } else {
    t = std::max(t, s.start);  // before it starts, a one-shot script shows its first step
  }
  Micros into = t - cycle_start, offset{0};
  size_t i = 0;
  for (; i + 1 < s.steps.size(); ++i) {
    Micros length = s.steps[i].length.value_or(Micros::max());
    if (into - offset < length) break;
    offset += length;
  }
  return {cycle_start, i, into - offset, offset};
}

// Upgrade-run facts (start, elapsed, failure) at step `index`, `into` it, of the cycle at `cycle_start`.
void fill_run(const Script& s, Kind kind, const Located& at, Moment& m) {
  Micros offset{0};
  for (size_t j = 0; j <= at.index; ++j) {
    const Step& step = s.steps[j];
    Micros spent = j == at.index ? at.into : step.length.value_or(Micros(0));
    if (is_in_progress(kind, step.state)) {
      if (!m.run_start) m.run_start = at.cycle_start + offset;
      m.run_elapsed += spent;
    }
    if (!step.failure.empty() && m.run_start) {
      m.failure_reason = step.failure;
      m.failure_time = at.cycle_start + offset;
    }
    offset += step.length.value_or(Micros(0));
  }
}

}  // namespace

Moment evaluate(const Script& s, Kind kind, SimTime t) {
  Moment m;
  if (s.steps.empty()) return m;
  Located at = locate(s, t);
  const Step& step = s.steps[at.index];
  m.step = &step;
  m.step_index = at.index;
  m.cycle_start = at.cycle_start;
  m.step_start = at.cycle_start + at.offset;
  m.into_step = at.into;
  m.step_length = step.length;
  m.in_progress = is_in_progress(kind, step.state);

  double p = 0;
  for (size_t j = 0; j < at.index; ++j) p = end_progress(s, kind, j, p);
  m.progress_at_step_start = p;
  m.progress_at_step_end = end_progress(s, kind, at.index, p);
  double fraction = 1;
  if (m.in_progress) {
    fraction = step.length ? std::min(1.0, double(at.into.count()) / double(step.length->count())) : 0.0;
  }
  m.progress = p + (m.progress_at_step_end - p) * fraction;

  fill_run(s, kind, at, m);
  if (!m.run_start && s.repeat) {
    // Resting before this cycle's upgrade begins: report the previous cycle's run.
    Micros cycle{0};
    for (const auto& st : s.steps) cycle += *st.length;  // repeating scripts have no `forever` step
    Located previous{at.cycle_start - cycle, s.steps.size() - 1, *s.steps.back().length, cycle - *s.steps.back().length};
    Moment last;
    fill_run(s, kind, previous, last);
    m.run_start = last.run_start;
    m.run_elapsed = last.run_elapsed;
    m.failure_reason = last.failure_reason;
    m.failure_time = last.failure_time;
  }
  return m;
}

std::optional<Micros> time_per_unit(const Moment& m, int units) {
  double moved = std::fabs(m.progress_at_step_end - m.progress_at_step_start) * units;
  if (!m.step_length || moved <= 0 || !m.in_progress) return std::nullopt;
  return Micros(static_cast<std::int64_t>(double(m.step_length->count()) / moved));
}

}  // namespace sim
