// parse_qumulo_reboot_status on arbitrary bytes: only SourceError may come out.
#include "fuzz/fuzz_util.h"
#include "sources/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::fuzz::allowing<ue::SourceError>([&] {
    const ue::RebootProgress reboot = ue::parse_qumulo_reboot_status(ue::fuzz::as_text(data, size));
    ue::fuzz::require(!reboot.state.empty(), "a parsed reboot status has a state");
    ue::fuzz::require(std::isfinite(reboot.rebooted_nodes) && std::isfinite(reboot.total_nodes),
                      "reboot node counts are finite");
  });
  return 0;
}
