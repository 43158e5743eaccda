// The poll keys, shared by `global` and each target: read over the settings a
// block inherits, then cross-checked. Internal to config/.
#pragma once

#include <optional>

#include "config/config.h"
#include "config/yaml_decode.h"

namespace ue {

class PollSettingsReader {
 public:
  explicit PollSettingsReader(const PollSettings& inherited) : settings_(inherited) {}
  // keys() hands out readers bound to this object, so it stays where it is.
  PollSettingsReader(const PollSettingsReader&) = delete;
  PollSettingsReader& operator=(const PollSettingsReader&) = delete;

  // Readers for the poll keys, each writing into this object, which must outlive them.
  decode::KeyTable keys();

  // The settings, once the intervals are known to be consistent. `block` is
  // the map the keys were read from, named when neither interval was written in it.
  PollSettings finish(const decode::Value& block) const;

 private:
  // The `history` block, read over the history settings this block inherits.
  void read_history(const decode::Value& block);

  PollSettings settings_;
  // Where the two intervals were written, so their cross-check can point at them.
  std::optional<decode::Value> poll_interval_at_, idle_poll_interval_at_;
};

}  // namespace ue
