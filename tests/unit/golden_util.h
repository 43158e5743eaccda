// Golden files: a rendering compared with the file that pins it, or written
// over it with UE_UPDATE_GOLDEN=1 (then review the diff before committing).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ue::test {

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Fails, showing where the two part (goldens are long), unless `actual` is
// the content of `path`.
inline void expect_golden_file(const std::string& actual, const std::string& path) {
  if (std::getenv("UE_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "wrote " << path;
  }
  const std::string expected = read_text_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run with UE_UPDATE_GOLDEN=1";
  if (actual == expected) return;
  std::size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  const std::size_t from = at < 200 ? 0 : at - 200;
  ADD_FAILURE() << "differs from " << path << " at byte " << at << "\n--- expected ---\n"
                << expected.substr(from, 400) << "\n--- rendered ---\n" << actual.substr(from, 400);
}

}  // namespace ue::test
