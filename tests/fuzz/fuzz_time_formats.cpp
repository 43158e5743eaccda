// The value formats on arbitrary text (the first byte picks one): the
// upstream's ISO-8601 durations and UTC timestamps (only SourceError may come
// out) and the configuration's durations and sizes (only ConfigError).
#include "config/config.h"
#include "fuzz/fuzz_util.h"
#include "base/time_formats.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ue;
  const auto choice = fuzz::choose(fuzz::as_text(data, size), 4);
  if (!choice) return 0;
  switch (choice->index) {
    case 0:
      fuzz::allowing<SourceError>([&] {
        const double seconds = parse_iso8601_duration(choice->input);
        fuzz::require(std::isfinite(seconds) && seconds >= 0, "ISO-8601 durations are finite and not negative");
      });
      break;
    case 1:
      fuzz::allowing<SourceError>(
          [&] { fuzz::require_finite(parse_utc_timestamp(choice->input), "timestamps are finite"); });
      break;
    case 2:
      fuzz::allowing<ConfigError>(
          [&] { fuzz::require(parse_duration(choice->input).count() >= 0, "durations are not negative"); });
      break;
    case 3:
      fuzz::allowing<ConfigError>([&] { parse_size(choice->input); });
      break;
  }
  return 0;
}
