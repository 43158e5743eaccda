// The web configuration loader on arbitrary text: only ConfigError may come
// out, as one line naming the file; a web configuration that loads is a
// valid one. The file name places relative paths next to the test data's
// certificates, so the fuzzer can get past the file checks.
#include <string>

#include "fuzz/fuzz_util.h"
#include "http/basic_auth.h"
#include "http/web_config.h"

namespace {
const std::string kFile = UE_TESTDATA "/web/fuzzed.yml";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ue::fuzz::require;
  try {
    const ue::WebConfig config = ue::parse_web_config(ue::fuzz::as_text(data, size), kFile);
    for (const auto& [user, hash] : config.users) require(ue::is_bcrypt_hash(hash), "users have bcrypt hashes");
    if (config.tls) {
      const ue::WebTlsConfig& tls = *config.tls;
      require(!tls.cert_file.empty() && !tls.key_file.empty(), "TLS has a certificate and a key");
      require(!ue::verifies_client_cert(tls.client_auth) || !tls.client_ca_file.empty(),
              "verified client certificates have a CA");
      require(tls.min_version <= tls.max_version, "min_version is at most max_version");
    }
  } catch (const ue::ConfigError& e) {
    const std::string message = e.what();
    require(message.rfind(kFile + ":", 0) == 0, "web configuration errors name the file");
    require(message.find('\n') == std::string::npos, "web configuration errors are one line");
  }
  return 0;
}
