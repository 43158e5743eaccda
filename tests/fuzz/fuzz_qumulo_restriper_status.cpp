// parse_qumulo_restriper_status on arbitrary bytes: only SourceError may come out.
#include "fuzz/fuzz_util.h"
#include "sources/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::fuzz::allowing<ue::SourceError>([&] {
    const ue::RestriperStatus restriper = ue::parse_qumulo_restriper_status(ue::fuzz::as_text(data, size));
    ue::fuzz::require(!restriper.state.empty() || restriper.data_at_risk.has_value(),
                      "a parsed restriper status has a state or data_at_risk");
    if (restriper.progress_ratio) {
      ue::fuzz::require(restriper.state == "RUNNING", "restriper progress only while RUNNING");
      ue::fuzz::require(*restriper.progress_ratio >= 0 && *restriper.progress_ratio <= 1,
                        "restriper progress is a ratio 0..1");
    }
    ue::fuzz::require(!restriper.elapsed_seconds || std::isfinite(*restriper.elapsed_seconds),
                      "elapsed seconds are finite");
  });
  return 0;
}
