// Checks a target URL and splits it into scheme, host, port and base path.
#include "config/url.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "config/errors.h"
#include "base/quoting.h"
#include "config/units.h"

namespace ue {
namespace {

bool is_host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'; }
bool is_ipv6_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }

}  // namespace

ParsedUrl parse_url(std::string_view url) {
  // A URL with an '@' may hold a password: it is never quoted back.
  const std::string shown = url.find('@') == std::string_view::npos ? " " + in_quotes(url) : "";
  auto invalid = [&](std::string_view why) { return ConfigError("invalid URL" + shown + ": " + std::string(why)); };
  if (url.empty()) throw ConfigError("must not be empty");
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    throw invalid("contains a space or control character");
  }
  ParsedUrl parsed;
  std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) throw invalid("missing scheme (use http:// or https://)");
  for (char c : url.substr(0, separator)) {
    parsed.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (parsed.scheme != "http" && parsed.scheme != "https") throw invalid("scheme must be http or https");
  std::string_view rest = url.substr(separator + 3);
  if (rest.find('?') != std::string_view::npos) throw invalid("must not contain a query");
  if (rest.find('#') != std::string_view::npos) throw invalid("must not contain a fragment");

  std::size_t path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    throw invalid("must not contain user info (use bearer_token_file or tls client certificates)");
  }

  std::string_view host, port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) throw invalid("unclosed [ in IPv6 host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') throw invalid("unexpected text after IPv6 host");
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
    if (host.find(':') == std::string_view::npos || !std::all_of(host.begin(), host.end(), is_ipv6_char)) {
      throw invalid("invalid IPv6 host " + in_quotes(host));
    }
  } else {
    std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port = authority.substr(colon + 1);
    if (port.find(':') != std::string_view::npos) throw invalid("IPv6 hosts must be written in brackets");
    if (!std::all_of(host.begin(), host.end(), is_host_char)) throw invalid("invalid host " + in_quotes(host));
  }
  if (host.empty()) throw invalid("missing host");
  parsed.host = std::string(host);

  parsed.port = parsed.scheme == "https" ? 443 : 80;
  if (has_port) {
    std::uint64_t number = 0;
    bool out_of_range = false;
    std::string_view digits = port;
    if (!take_number(digits, number, out_of_range) || !digits.empty() || out_of_range || number < 1 || number > 65535) {
      throw invalid("port must be 1-65535, got " + in_quotes(port));
    }
    parsed.port = static_cast<int>(number);
  }

  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  parsed.base_path = std::string(path);
  return parsed;
}

}  // namespace ue
