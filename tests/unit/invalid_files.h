// The blackbox_exporter pattern for configuration loaders: every
// testdata/*/invalid-*.yml is listed with its exact error, and fails with it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace ue::test {

struct InvalidCase {
  const char* file;
  const char* error;  // after "<path>:"; "{dir}" stands for the testdata directory
};

// `load_error(path)` returns the loader's error message for `path`.
template <std::size_t N, class LoadError>
void expect_invalid_files(const std::string& dir, const InvalidCase (&cases)[N], LoadError load_error) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    std::string path = dir + "/" + c.file;
    std::string expected = path + ":" + c.error;
    if (auto at = expected.find("{dir}"); at != std::string::npos) expected.replace(at, 5, dir);
    EXPECT_EQ(load_error(path), expected);
  }
  std::size_t on_disk = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("invalid-", 0) != 0) continue;
    ++on_disk;
    bool listed = std::any_of(std::begin(cases), std::end(cases), [&](const InvalidCase& c) { return name == c.file; });
    EXPECT_TRUE(listed) << name << " has no expected error";
  }
  EXPECT_EQ(on_disk, N) << "files listed but missing from " << dir;
}

}  // namespace ue::test
