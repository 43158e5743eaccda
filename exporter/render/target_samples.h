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

// One target's own series and its objects' in snapshot order, and the bytes each family takes.
struct TargetSamples {
  // The series of the target itself (upgrade_stall_window_seconds), from its
  // configuration, so they are there before any object is; in each family
  // they come before the objects'. May be null.
  std::shared_ptr<const ObjectSamples> own;
  std::vector<std::shared_ptr<const ObjectSamples>> objects;
  std::array<std::size_t, kFamilyCount> family_bytes{};  // own's and the objects'

  // Replaces the target's own series, keeping family_bytes in step.
  void set_own(std::shared_ptr<const ObjectSamples> series);
};

// The target's own series: its stall window, in seconds.
std::shared_ptr<const ObjectSamples> render_target_series(std::string_view target, double stall_window);

// Renders the snapshot of one target. Objects whose record is unchanged since
// `previous` (the target's last samples) are taken from it as they are: at
// fleet scale most objects are idle, and their text is neither rendered nor
// held twice. The target's own series are kept from `previous`.
TargetSamples render_target(std::string_view target, const Snapshot& snapshot, const TargetSamples* previous = nullptr);

}  // namespace ue
