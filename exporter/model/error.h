// The one exception type behind every error the exporter reports: a
// configuration it cannot use (ConfigError) or an upstream request or body
// it cannot use (SourceError). what() is one line, safe to log.
#pragma once

#include <stdexcept>

namespace ue {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ue
