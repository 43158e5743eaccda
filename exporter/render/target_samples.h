// One target's samples, object by object: each object's text is rendered once
// per read of the object (on its target's poller thread) and shared, unchanged,
// by every later page until the object moves again.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "render/catalogue.h"
#include "render/text_format.h"
#include "snapshot/snapshot.h"

namespace ue {

// One object's sample lines, family after family.
struct ObjectSamples {
  std::uint64_t revision = 0;  // of the snapshot record rendered
  std::string text;
  FamilyStarts starts{};

  std::string_view family(std::size_t f) const {
    return std::string_view(text).substr(starts[f], starts[f + 1] - starts[f]);
  }
};

// One target's objects in snapshot order, and the bytes each family takes.
struct TargetSamples {
  std::vector<std::shared_ptr<const ObjectSamples>> objects;
  std::array<std::size_t, kFamilyCount> family_bytes{};
};

// Renders the snapshot of one target. Objects whose record is unchanged since
// `previous` (the target's last samples) are taken from it as they are: at
// fleet scale most objects are idle, and their text is neither rendered nor
// held twice.
TargetSamples render_target(std::string_view target, const Snapshot& snapshot, const TargetSamples* previous = nullptr);

}  // namespace ue
