// The real network: cpp-httplib clients, one keep-alive connection each,
// with the target's TLS settings, bearer token and limits.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "poll/upstream.h"

namespace httplib {
class Client;
}

namespace ue {

// What every transport of one poll shares, read once per poll.
struct ConnectionSettings {
  std::string bearer_token;  // empty: no Authorization header
  std::string connect_ip;    // set when tls.server_name differs from the URL host
};

// Reads bearer_token_file and resolves the address; throws SourceError(connect) on failure.
ConnectionSettings prepare_connection(const TargetConfig& target);

class HttpTransport final : public Transport {
 public:
  HttpTransport(const TargetConfig& target, const ConnectionSettings& settings);
  ~HttpTransport() override;

  Answer get(const std::string& path_and_query) override;
  void abort() override;
  // httplib's timeouts are per read, so without this a header trickling in
  // byte by byte never ends.
  void abort_if_overdue(std::chrono::steady_clock::time_point now) override;

 private:
  const std::string base_path_;
  const std::chrono::milliseconds timeout_;
  const std::uint64_t max_response_bytes_;
  std::unique_ptr<httplib::Client> client_;
  // Deadline of the request in flight as steady_clock ticks; 0 when idle.
  std::atomic<std::chrono::steady_clock::rep> deadline_{0};
  std::atomic<bool> overdue_{false};
};

class HttpUpstream final : public Upstream {
 public:
  std::vector<std::unique_ptr<Transport>> open(const TargetConfig& target, std::size_t count) override;
};

}  // namespace ue
