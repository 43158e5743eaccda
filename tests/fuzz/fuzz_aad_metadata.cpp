// parse_aad_metadata on arbitrary bytes: only SourceError may come out, and
// what it accepts makes a token URL and a scope without spaces or controls.
#include <algorithm>
#include <string>

#include "fuzz/fuzz_util.h"
#include "sources/aad_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::fuzz::allowing<ue::SourceError>([&] {
    const ue::AadMetadata metadata = ue::parse_aad_metadata(ue::fuzz::as_text(data, size));
    ue::fuzz::require(!metadata.authority.empty() && !metadata.cluster.empty(), "authority and cluster are set");
    const auto plain = [](const std::string& text) {
      return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
    };
    const std::string url = ue::aad_token_url(metadata);
    ue::fuzz::require(url.starts_with("http") && url.ends_with("/oauth2/v2.0/token"), "a token URL");
    ue::fuzz::require(plain(url) && plain(ue::aad_scope(metadata)), "no spaces or controls");
  });
  return 0;
}
