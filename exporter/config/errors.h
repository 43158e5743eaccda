// The error type of configuration decoding: every problem with the main or the
// web configuration file is a ConfigError whose message is one line.
#pragma once

#include "base/error.h"

namespace ue {

struct ConfigError : Error {
  using Error::Error;
};

}  // namespace ue
