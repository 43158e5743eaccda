// A target's `url`, checked and split into the parts the fetcher connects with.
#pragma once

#include <string>
#include <string_view>

namespace ue {

struct ParsedUrl {
  std::string scheme;     // "http" or "https", lowercased
  std::string host;       // without brackets for IPv6
  std::string base_path;  // without a trailing slash; usually empty
  int port = 0;           // the scheme's default when the URL has none

  bool operator==(const ParsedUrl&) const = default;
};

// Accepts http:// and https:// URLs without user info, query or fragment.
// Throws ConfigError with the bare problem; a URL that may hold a password
// (it has an '@') is never quoted back.
ParsedUrl parse_url(std::string_view url);

}  // namespace ue
