// The real network: one HttpClient per transport, with the target's TLS
// settings, limits and bearer token, the token coming from bearer_token_file
// or from the target's BearerTokens (`oauth2`, `qumulo_login`).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "net/http_client.h"
#include "net/upstream.h"

namespace ue {

// What every transport of one poll shares, read once per poll.
struct ConnectionSettings {
  std::string bearer_token;  // from bearer_token_file; empty: none, or the token source's
  std::string connect_ip;    // set when tls.server_name differs from the URL host
};

// Reads bearer_token_file (base/secret_file.h: an empty one is an error too) and resolves the address;
// throws SourceError(connect) on failure.
ConnectionSettings prepare_connection(const TargetConfig& target);

class HttpTransport final : public Transport {
 public:
  // With `tokens`, each request carries its token, and `counter` (which
  // outlives the transport) counts the token requests.
  HttpTransport(const TargetConfig& target, const ConnectionSettings& settings,
                std::shared_ptr<BearerTokens> tokens = nullptr, RequestCounter* counter = nullptr);

  // A 401 to a token from the cache drops it, and the request is sent once
  // more with a new one.
  Answer get(const std::string& path_and_query) override;
  // The same, the body of a 2xx answer streamed (a 401 has none to stream,
  // so its retry sends nothing twice).
  Answer get_streamed(const std::string& path_and_query, const BodyChunks& chunks,
                      std::uint64_t max_body_bytes) override;
  void abort() override;
  // httplib's timeouts are per read, so without this a header trickling in
  // byte by byte never ends.
  void abort_if_overdue(std::chrono::steady_clock::time_point now) override;

 private:
  // Sends through `send` with the token of bearer_token_file or of the token
  // source, once more after a 401 to a cached one.
  Answer with_token(const std::string& path_and_query,
                    const std::function<Answer(const HttpHeaders& headers)>& send);
  // The token source's token; a failure is the connection's (Reason::connect).
  BearerToken token();

  HttpClient client_;
  const std::string target_name_;  // for the log
  const std::string bearer_token_;
  const std::shared_ptr<BearerTokens> tokens_;
  RequestCounter* const counter_;
};

}  // namespace ue
