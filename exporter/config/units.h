// The configuration's value units: Prometheus-style durations and byte sizes,
// parsed from and shown as the text written in configuration files.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"  // Duration

namespace ue {

// Prometheus duration syntax: 1y 2w 3d 4h 5m 6s 7ms, combined in that order ("1h30m"). Throws ConfigError.
Duration parse_duration(std::string_view text);
// `d` in the syntax parse_duration reads, biggest units first ("1h30m"); "0s" for zero.
std::string format_duration(Duration d);

// Byte sizes: 1024, 512KiB, 16MiB, 1GiB, 10MB, 1KB, 100B. Throws ConfigError.
std::uint64_t parse_size(std::string_view text);

// Reads the decimal number at the front of `text`, advancing past it. False
// when there is none; `out_of_range` is set when it does not fit 64 bits.
bool take_number(std::string_view& text, std::uint64_t& value, bool& out_of_range);

}  // namespace ue
