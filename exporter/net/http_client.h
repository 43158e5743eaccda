// One keep-alive cpp-httplib connection to one endpoint (a target's API or a
// token endpoint), with its TLS settings and limits: a body over
// max_response_bytes is refused, a request is bounded by the timeout as a
// whole, and what keeps an answer from arriving becomes a SourceError with
// its reason. The transports and the token sources both send through it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "net/upstream.h"

namespace httplib {
class Client;
struct Request;
}

namespace ue {

// Where a client connects, and its limits.
struct HttpEndpoint {
  ParsedUrl url;  // requests go below url.base_path
  std::optional<TlsConfig> tls;
  std::string connect_ip;  // set when tls.server_name differs from the URL host (see resolve_connect_ip)
  std::chrono::milliseconds timeout{};
  std::uint64_t max_response_bytes = 0;
};

// A target's API endpoint, without connect_ip.
HttpEndpoint target_endpoint(const TargetConfig& target);
// The address to connect to when tls.server_name names another host than the
// URL, else empty. Throws SourceError(connect) when the host does not resolve.
std::string resolve_connect_ip(const ParsedUrl& url, const std::optional<TlsConfig>& tls);

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(const HttpEndpoint& endpoint);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `method` to the base path + `path` (verbatim, never re-encoded).
  // Any status is an Answer; throws SourceError otherwise.
  Answer send(const std::string& method, const std::string& path, const HttpHeaders& headers,
              const std::string& body = {}, const std::string& content_type = {});
  // GETs the base path + `path`; a 2xx body goes to `chunks` as it arrives
  // (Transport::get_streamed), bounded by `max_body_bytes` (after
  // decompression) instead of max_response_bytes, which still bounds a non-2xx
  // body; the timeout includes the time `chunks` takes.
  Answer get_streamed(const std::string& path, const HttpHeaders& headers, const BodyChunks& chunks,
                      std::uint64_t max_body_bytes);
  // Aborts a request in flight, from another thread.
  void abort();
  // Aborts the request in flight if it has run past its timeout.
  void abort_if_overdue(std::chrono::steady_clock::time_point now);

 private:
  // Sends `request`, its body held in the Answer, or streamed to `chunks`
  // (at most `max_streamed_bytes`) when set and the status is 2xx.
  Answer perform(httplib::Request& request, const BodyChunks* chunks, std::uint64_t max_streamed_bytes = 0);

  const std::string base_path_;
  const std::chrono::milliseconds timeout_;
  const std::uint64_t max_response_bytes_;
  std::unique_ptr<httplib::Client> client_;
  // Deadline of the request in flight as steady_clock ticks; 0 when idle.
  std::atomic<std::chrono::steady_clock::rep> deadline_{0};
  std::atomic<bool> overdue_{false};
};

}  // namespace ue
