// Secret files: a bearer token, a client secret, a password. One rule for
// all of them, read at each use so a rotated secret applies.
#pragma once

#include <string>
#include <string_view>

namespace ue {

// The file's content without the trailing newlines, carriage returns and
// spaces that editors and `echo` leave. A file that cannot be read, or holds
// nothing else, throws SourceError(connect) naming `key` (the configuration
// key, e.g. "bearer_token_file") and `path`, never the content.
std::string read_secret_file(std::string_view key, const std::string& path);

}  // namespace ue
