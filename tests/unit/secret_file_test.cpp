// Secret files, one rule for every key that names one: trailing newlines,
// carriage returns and spaces go; an empty file is an error; an error names
// the key and the file, never the content.
#include "base/secret_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.h"

namespace ue {
namespace {

namespace fs = std::filesystem;

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/ue_secret_file_test_XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    dir_ = scratch;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& content) const {
    const std::string path = (dir_ / "secret").string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // The error read_secret_file throws, or "(no error)".
  static std::string error(const std::string& path) {
    try {
      read_secret_file("client_secret_file", path);
    } catch (const SourceError& e) {
      EXPECT_EQ(e.reason, Reason::connect);
      return e.message;
    }
    return "(no error)";
  }

  fs::path dir_;
};

TEST_F(SecretFileTest, TrailingNewlinesCarriageReturnsAndSpacesGo) {
  EXPECT_EQ(read_secret_file("bearer_token_file", file("s3cret")), "s3cret");
  EXPECT_EQ(read_secret_file("bearer_token_file", file("s3cret\n")), "s3cret");
  EXPECT_EQ(read_secret_file("bearer_token_file", file("s3cret \r\n\n")), "s3cret");
  EXPECT_EQ(read_secret_file("bearer_token_file", file(" in side\tkept\n")), " in side\tkept")
      << "only the end is trimmed";
}

TEST_F(SecretFileTest, AnEmptyFileIsAnErrorNamingTheKeyAndTheFile) {
  for (const char* content : {"", "\n", " \r\n"}) {
    SCOPED_TRACE(testing::PrintToString(content));
    const std::string path = file(content);
    EXPECT_EQ(error(path), "client_secret_file " + path + " is empty");
  }
}

TEST_F(SecretFileTest, AFileThatCannotBeReadIsAnErrorNamingTheKeyAndTheFile) {
  const std::string path = (dir_ / "missing").string();
  EXPECT_EQ(error(path), "cannot read client_secret_file " + path);
  EXPECT_NE(error(dir_.string()).find("client_secret_file " + dir_.string()), std::string::npos)
      << "a directory is no secret either";
}

}  // namespace
}  // namespace ue
