// The real network: one HttpClient per transport, with the target's TLS
// settings, limits and bearer token, the token coming from bearer_token_file
// or from the target's TokenSource (`oauth2`, `qumulo_login`).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "poll/clock.h"
#include "poll/http_client.h"
#include "poll/token_source.h"
#include "poll/upstream.h"

namespace ue {

// What every transport of one poll shares, read once per poll.
struct ConnectionSettings {
  std::string bearer_token;  // from bearer_token_file; empty: none, or the token source's
  std::string connect_ip;    // set when tls.server_name differs from the URL host
};

// Reads bearer_token_file and resolves the address; throws SourceError(connect) on failure.
ConnectionSettings prepare_connection(const TargetConfig& target);

class HttpTransport final : public Transport {
 public:
  // With `tokens`, each request carries its token, and `metrics` (which
  // outlives the transport) counts the token requests.
  HttpTransport(const TargetConfig& target, const ConnectionSettings& settings,
                std::shared_ptr<TokenSource> tokens = nullptr, TargetMetrics* metrics = nullptr);

  // A 401 to a token from the cache drops it, and the request is sent once
  // more with a new one.
  Answer get(const std::string& path_and_query) override;
  void abort() override;
  // httplib's timeouts are per read, so without this a header trickling in
  // byte by byte never ends.
  void abort_if_overdue(std::chrono::steady_clock::time_point now) override;

 private:
  Answer send(const std::string& path_and_query, const std::string& bearer_token);
  // The token source's token; a failure is the connection's (Reason::connect).
  TokenCache::Token token();

  HttpClient client_;
  const std::string bearer_token_;
  const std::shared_ptr<TokenSource> tokens_;
  TargetMetrics* const metrics_;
};

class HttpUpstream final : public Upstream {
 public:
  // Token caches read `clock`, which outlives the upstream.
  explicit HttpUpstream(const Clock& clock = Clock::system()) : clock_(clock) {}

  std::vector<std::unique_ptr<Transport>> open(const TargetConfig& target, std::size_t count,
                                               TargetMetrics& metrics) override;

 private:
  // The target's token source, kept across polls while its configuration
  // stays the same; nullptr when it has no token block.
  std::shared_ptr<TokenSource> token_source(const TargetConfig& target);

  const Clock& clock_;
  std::mutex mutex_;  // the pollers open their transports from their own threads
  // By target name. An entry outlives a removed target: it is small, and
  // replaced when a target of that name comes back configured otherwise.
  std::map<std::string, std::shared_ptr<TokenSource>, std::less<>> token_sources_;
};

}  // namespace ue
