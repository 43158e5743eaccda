// parse_cluster_config_upgrade on arbitrary bytes: only SourceError may come out,
// and an upgrade that does keeps the promises the renderer relies on.
#include "fuzz/fuzz_util.h"
#include "sources/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::fuzz::allowing<ue::SourceError>(
      [&] { ue::fuzz::check_upgrade(ue::parse_cluster_config_upgrade(ue::fuzz::as_text(data, size))); });
  return 0;
}
