#include "base/secret_file.h"

#include <fstream>
#include <sstream>

#include "base/error.h"

namespace ue {

std::string read_secret_file(std::string_view key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SourceError{Reason::connect, "cannot read " + std::string(key) + " " + path};
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = std::move(text).str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) throw SourceError{Reason::connect, std::string(key) + " " + path + " is empty"};
  return secret;
}

}  // namespace ue
