// A kind's upstream state enum with the normalized phase of each value, in
// the reference's order. One table gives both the exported StateSet and the
// phase mapping, so the two cannot drift apart.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/upgrade.h"

namespace ue {

struct StatePhase {
  std::string_view state;
  Phase phase;
};
using StateTable = std::span<const StatePhase>;

inline std::vector<std::string_view> state_names(StateTable table) {
  std::vector<std::string_view> names;
  names.reserve(table.size());
  for (const StatePhase& entry : table) names.push_back(entry.state);
  return names;
}

// The phase of a known state; nullopt for a value the table does not know.
inline std::optional<Phase> known_phase(std::string_view state, StateTable table) {
  for (const StatePhase& entry : table)
    if (entry.state == state) return entry.phase;
  return std::nullopt;
}

}  // namespace ue
