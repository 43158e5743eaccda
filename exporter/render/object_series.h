// The model -> series mapping: which samples describe one object's upgrade
// (README, metrics reference), written family after family.
#pragma once

#include "model/upgrade.h"
#include "render/text_format.h"
#include "snapshot/snapshot.h"

namespace ue {

// Writes the samples of `object`, of kind `kind`, to `writer`, which has begun the object.
void render_object(SampleWriter& writer, Kind kind, const ObjectState& object);

}  // namespace ue
