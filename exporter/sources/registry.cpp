// The table of kinds. Adding a kind: one new file defining its Source (its
// `collect:` name, endpoints and parsers), its declaration in parsers.h, one
// line below, and its Kind in model/upgrade.h (enum, kAllKinds, kind_name),
// the `kind` label value the contract names. Config and poller read this table.
#include <stdexcept>

#include "sources/parsers.h"

namespace ue {

const std::vector<Source>& all_sources() {
  static const std::vector<Source> sources = {
      cluster_source(),
      cluster_config_source(),
      applications_source(),
      application_resources_source(),
      compose_deployments_source(),
      qumulo_source(),
  };
  return sources;
}

const Source& source_for(Kind kind) {
  for (const Source& source : all_sources())
    if (source.kind == kind) return source;
  throw std::out_of_range("no source for kind " + std::string(kind_name(kind)));
}

}  // namespace ue
