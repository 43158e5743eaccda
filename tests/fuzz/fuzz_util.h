// What the fuzz targets share: the input as text, the one exception each
// entry point may throw (anything else escapes, and libFuzzer reports it as a
// crash), and checks of the promises the parsers make about their output.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "model/upgrade.h"

namespace ue::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `call`, letting only `Allowed` (the entry point's documented failure) through.
template <class Allowed, class Call>
void allowing(Call&& call) {
  try {
    call();
  } catch (const Allowed&) {
    // A rejected input is an answer, not a finding; anything else escapes and fails the run.
  }
}

// Fails the run with `what`: libFuzzer saves the input that got here.
[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}
inline void require(bool condition, const char* what) {
  if (!condition) violated(what);
}

// For targets covering several entry points: the first byte picks one of
// `choices`, the rest is its input. Nullopt for an empty input.
struct Choice {
  std::size_t index;
  std::string_view input;
};
inline std::optional<Choice> choose(std::string_view text, std::size_t choices) {
  if (text.empty()) return std::nullopt;
  return Choice{static_cast<unsigned char>(text[0]) % choices, text.substr(1)};
}

inline void require_finite(const std::optional<double>& value, const char* what) {
  if (value) require(std::isfinite(*value), what);
}

// What the renderer relies on: a state to export, a ratio within 0..1, finite numbers.
inline void check_upgrade(const Upgrade& u) {
  require(!u.state.empty(), "a parsed upgrade has a state");
  if (u.progress_ratio) require(*u.progress_ratio >= 0 && *u.progress_ratio <= 1, "progress_ratio within 0..1");
  for (const auto* value : {&u.progress_ratio, &u.start_time, &u.failure_time, &u.duration, &u.domain_duration,
                            &u.pending_safety_checks, &u.unhealthy_evaluations, &u.timeout, &u.domain_timeout,
                            &u.health_check_elapsed, &u.health_check_retry_flips, &u.config_progress_status})
    require_finite(*value, "numeric fields are finite");
  if (u.domains)
    for (double count : *u.domains) require(std::isfinite(count) && count >= 0, "domain counts are finite");
  if (u.nodes)
    for (double count : *u.nodes) require(std::isfinite(count) && count >= 0, "node counts are finite");
  for (const auto& r : u.replicas)
    require(std::isfinite(r.completed) && std::isfinite(r.pending), "replica counts are finite");
}

}  // namespace ue::fuzz
