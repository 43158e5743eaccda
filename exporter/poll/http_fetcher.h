// One keep-alive connection to a target, used by one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "poll/self_metrics.h"
#include "sources/source.h"

namespace httplib {
class Client;
}

namespace ue {

// What every connection of one poll shares: read once per poll so rotated
// tokens, certificates and DNS apply without a restart.
struct ConnectionSettings {
  const TargetConfig* target = nullptr;
  std::string bearer_token;  // empty: no Authorization header
  std::string connect_ip;    // set when tls.server_name differs from the URL host
  // Set by any 503/504 answer: the gateway is struggling, so the poll stops
  // asking and the poller backs off. Retry-After, when sent, is kept too.
  std::shared_ptr<std::atomic<bool>> overloaded = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<int>> retry_after_seconds = std::make_shared<std::atomic<int>>(0);
};

// Reads bearer_token_file and resolves the address; throws SourceError(connect) on failure.
ConnectionSettings prepare_connection(const TargetConfig& target);

class HttpFetcher final : public Fetcher {
 public:
  HttpFetcher(const ConnectionSettings& settings, TargetMetrics& metrics, std::map<std::string, std::string>& memo);
  ~HttpFetcher() override;

  std::string get_body(std::string_view endpoint, const std::string& path_and_query, bool feature_probe) override;
  void count_error(std::string_view endpoint, Reason reason) override;
  std::string& memo(std::string_view key) override;

  // Aborts a request in flight from another thread (shutdown).
  void abort();
  // Aborts the request in flight if it has run past its timeout; called by
  // the poller's watchdog from another thread. httplib's timeouts are per
  // read, so without this a header trickling in byte by byte never ends.
  void abort_if_overdue(std::chrono::steady_clock::time_point now);
  bool upstream_overloaded() const { return settings_.overloaded->load(); }

 private:
  [[noreturn]] void fail(std::string_view endpoint, Reason reason, std::string message, int status = 0);

  const ConnectionSettings& settings_;
  TargetMetrics& metrics_;
  std::map<std::string, std::string>& memo_;
  std::unique_ptr<httplib::Client> client_;
  // Deadline of the request in flight as steady_clock ticks; 0 when idle.
  std::atomic<std::chrono::steady_clock::rep> deadline_{0};
  std::atomic<bool> overdue_{false};
};

}  // namespace ue
