// render_target: renders the objects that moved, reuses the text of the rest.
#include "render/target_samples.h"

#include "render/object_series.h"
#include "snapshot/reuse_by_revision.h"

namespace ue {

void TargetSamples::set_own(std::shared_ptr<const ObjectSamples> series) {
  for (std::size_t f = 0; f < kFamilyCount; ++f) {
    if (own) family_bytes[f] -= own->starts[f + 1] - own->starts[f];
    if (series) family_bytes[f] += series->starts[f + 1] - series->starts[f];
  }
  own = std::move(series);
}

std::shared_ptr<const ObjectSamples> render_target_series(std::string_view target, double stall_window) {
  auto rendered = std::make_shared<ObjectSamples>();
  SampleWriter writer(target);
  writer.begin_target(rendered->text);
  writer.add(Family::stall_window, stall_window);
  rendered->starts = writer.finish();
  return rendered;
}

TargetSamples render_target(std::string_view target, const Snapshot& snapshot, const TargetSamples* previous) {
  SampleWriter writer(target);
  std::string scratch;  // reused, so each object's text is allocated once, at its size
  TargetSamples out;
  out.objects = reuse_by_revision(snapshot, previous ? &previous->objects : nullptr,
                                  [&](const ObjectKey& key, const ObjectState& object) {
                                    writer.begin_object(key.first, key.second, scratch);
                                    render_object(writer, key.first, object);
                                    auto rendered = std::make_shared<ObjectSamples>();
                                    rendered->revision = object.revision;
                                    rendered->starts = writer.finish();
                                    rendered->text = scratch;
                                    return rendered;
                                  });
  for (const auto& samples : out.objects)
    for (std::size_t f = 0; f < kFamilyCount; ++f) out.family_bytes[f] += samples->starts[f + 1] - samples->starts[f];
  if (previous) out.set_own(previous->own);
  return out;
}

}  // namespace ue
