// Inputs scripts/fuzz found that once crashed, hung or broke a promise, fed
// back to the same entry point so they stay fixed. Each names the fuzz target
// that found it.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "http/web_config.h"

namespace ue {
namespace {

// Runs `load` on `text`; returns the ConfigError message, failing when it loads.
template <class Load>
std::string config_error(Load load, const std::string& text) {
  try {
    load(text, "fuzzed.yml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "loaded: " << text;
  return "";
}

// fuzz_config, fuzz_web_config: a ',' outside brackets made yaml-cpp 0.7's
// LoadAll report the same empty document forever (jbeder/yaml-cpp#1040):
// startup or a reload hung, allocating until the OOM killer came.
TEST(FuzzRegressions, StrayCommaIsASyntaxErrorNotAHang) {
  EXPECT_EQ(config_error(parse_config, ",u"), "fuzzed.yml:1:1: YAML syntax error: unexpected character");
  EXPECT_EQ(config_error(parse_config, ","), "fuzzed.yml:1:1: YAML syntax error: unexpected character");
  EXPECT_EQ(config_error(parse_config, "- a\n,"), "fuzzed.yml:2:1: YAML syntax error: unexpected character");
  EXPECT_EQ(config_error(parse_web_config, ", $2y\x8a\xa7" "c_auth_users:\n .crt\x96\x9cse: hunter2\n"),
            "fuzzed.yml:1:1: YAML syntax error: unexpected character");
}

}  // namespace
}  // namespace ue
