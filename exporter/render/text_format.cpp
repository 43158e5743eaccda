// SampleWriter's once-per-object steps: the labels every sample of an object
// starts with, and closing the object's family offsets.
#include "render/text_format.h"

namespace ue {

SampleWriter::SampleWriter(std::string_view target) { append_escaped(target_, target); }

void SampleWriter::begin_target(std::string& text) {
  text_ = &text;
  text.clear();
  family_ = 0;
  starts_[0] = 0;
  prefix_ = "{target=\"";
  prefix_ += target_;
  prefix_ += '"';
}

void SampleWriter::begin_object(Kind kind, const std::string& name, std::string& text) {
  begin_target(text);
  prefix_ += ",kind=\"";
  prefix_ += kind_name(kind);
  prefix_ += "\",name=\"";
  append_escaped(prefix_, name);
  prefix_ += '"';
}

const FamilyStarts& SampleWriter::finish() {
  enter(kFamilyCount);
  return starts_;
}

}  // namespace ue
