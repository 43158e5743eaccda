// The network side of a poll, as the poller sees it: a Transport sends one
// worker's GETs to a target and an Upstream opens the transports of a poll.
// HttpUpstream (http_transport.h) is the real one; tests script their own,
// so a whole poll runs without a socket.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"

namespace ue {

class TargetMetrics;

// An upstream's answer, before anyone makes sense of its status.
struct Answer {
  int status = 0;
  std::string body;
  std::string retry_after = {};  // the Retry-After header, as sent
};

// One connection, used by one thread at a time.
class Transport {
 public:
  virtual ~Transport() = default;
  // GET `path_and_query` below the target's base path, sent verbatim. What
  // keeps an answer from arriving (connect, TLS, timeout, a body over
  // max_response_bytes) throws SourceError; any status is an Answer.
  virtual Answer get(const std::string& path_and_query) = 0;
  // Aborts a request in flight, from another thread (shutdown).
  virtual void abort() = 0;
  // Aborts the request in flight if it has run past its timeout; called by
  // the poller's deadline watch from another thread.
  virtual void abort_if_overdue(std::chrono::steady_clock::time_point now) = 0;
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // The transports of one poll of `target`, `count` of them. Secrets and
  // names are read now, so rotated tokens, certificates and DNS apply
  // without a restart. Requests to a token endpoint are counted in
  // `metrics`, which outlives the transports. Throws SourceError (Reason::connect).
  virtual std::vector<std::unique_ptr<Transport>> open(const TargetConfig& target, std::size_t count,
                                                       TargetMetrics& metrics) = 0;
};

}  // namespace ue
