// The one exception type behind every error the exporter reports: a
// configuration it cannot use (ConfigError) or an upstream request or body
// it cannot use (SourceError). what() is one line, safe to log.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace ue {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Why an upstream request failed: the `reason` label of request_errors_total.
enum class Reason { connect, timeout, tls, http_status, parse, schema, too_large };
inline constexpr std::array<Reason, 7> kAllReasons = {Reason::connect, Reason::timeout, Reason::tls,
                                                      Reason::http_status, Reason::parse, Reason::schema,
                                                      Reason::too_large};
std::string_view reason_name(Reason reason);

// Thrown by fetches and parsers; caught by the poller, which counts it.
struct SourceError : Error {
  SourceError(Reason why, std::string text, int status = 0)
      : Error(text), reason(why), message(std::move(text)), http_status(status) {}

  Reason reason;
  std::string message;  // the same as what()
  int http_status = 0;  // set when reason == http_status
};

}  // namespace ue
