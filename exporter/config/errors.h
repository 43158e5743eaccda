// The error type of configuration decoding: every problem with the main or the
// web configuration file is a ConfigError whose message is one line.
#pragma once

#include <stdexcept>

namespace ue {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ue
