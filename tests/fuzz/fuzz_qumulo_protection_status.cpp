// parse_qumulo_protection_status on arbitrary bytes: only SourceError may come out.
#include "fuzz/fuzz_util.h"
#include "sources/parsers.h"

namespace {

bool count_or_absent(const std::optional<double>& value) { return !value || (std::isfinite(*value) && *value >= 0); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::fuzz::allowing<ue::SourceError>([&] {
    const ue::ProtectionStatus p = ue::parse_qumulo_protection_status(ue::fuzz::as_text(data, size));
    ue::fuzz::require(p.remaining_node_failures || p.max_node_failures || p.remaining_drive_failures ||
                          p.max_drive_failures,
                      "a parsed protection status has a failure count");
    ue::fuzz::require(count_or_absent(p.remaining_node_failures) && count_or_absent(p.max_node_failures) &&
                          count_or_absent(p.remaining_drive_failures) && count_or_absent(p.max_drive_failures),
                      "failure counts are finite and not negative");
  });
  return 0;
}
