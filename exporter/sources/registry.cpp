// The table of kinds, made from UE_FOR_EACH_KIND (model/upgrade.h). Adding a
// kind: one new file defining its Source (its `collect:` name, endpoints and
// parsers), and one line in that list. Config and poller read this table.
#include <stdexcept>

#include "sources/parsers.h"

namespace ue {

const std::vector<Source>& all_sources() {
#define UE_SOURCE_ENTRY(kind, source) source(),
  static const std::vector<Source> sources = {UE_FOR_EACH_KIND(UE_SOURCE_ENTRY)};
#undef UE_SOURCE_ENTRY
  return sources;
}

const Source& source_for(Kind kind) {
  for (const Source& source : all_sources())
    if (source.kind == kind) return source;
  throw std::out_of_range("no source for kind " + std::string(kind_name(kind)));
}

}  // namespace ue
