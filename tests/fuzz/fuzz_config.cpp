// The configuration loader on arbitrary text: only ConfigError may come out,
// as one line naming the file; a configuration that loads is a valid one.
// The file name only places relative paths: next to the test data's
// token and certificates, so the fuzzer can get past the file checks.
#include <string>

#include "config/config.h"
#include "fuzz/fuzz_util.h"

namespace {

const std::string kFile = UE_TESTDATA "/config/fuzzed.yml";

void check_settings(const ue::PollSettings& s) {
  using ue::fuzz::require;
  require(s.poll_interval.count() > 0 && s.timeout.count() > 0 && s.max_staleness.count() > 0,
          "intervals are positive");
  require(s.idle_poll_interval >= s.poll_interval, "idle_poll_interval is at least poll_interval");
  require(s.concurrency >= 1 && s.concurrency <= 256, "concurrency within 1..256");
  require(s.max_objects >= 1 && s.max_response_bytes >= 1024 && s.max_results >= 0, "limits within range");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ue::fuzz::require;
  try {
    const ue::Config config = ue::parse_config(ue::fuzz::as_text(data, size), kFile);
    check_settings(config.global);
    for (const ue::TargetConfig& t : config.targets) {
      require(!t.name.empty() && !t.parsed_url.host.empty() && !t.collect.empty(),
              "targets have a name, a host and kinds");
      require(t.parsed_url.scheme == "http" || t.parsed_url.scheme == "https", "the scheme is http or https");
      require(t.parsed_url.port >= 1 && t.parsed_url.port <= 65535, "the port is within 1..65535");
      require(!t.tls || t.parsed_url.scheme == "https", "tls only with https");
      check_settings(t.settings);
    }
  } catch (const ue::ConfigError& e) {
    const std::string message = e.what();
    require(message.rfind(kFile + ":", 0) == 0, "configuration errors name the file");
    require(message.find('\n') == std::string::npos, "configuration errors are one line");
  }
  return 0;
}
