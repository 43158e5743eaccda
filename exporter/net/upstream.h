// The network side of a poll, as the poller sees it: a Transport sends one
// worker's GETs to a target and an Upstream opens the transports of a poll.
// HttpUpstream (poll/http_upstream.h) is the real one; tests script their
// own, so a whole poll runs without a socket.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "config/config.h"

namespace ue {

// Where the requests that a transport makes on its own (to a token endpoint)
// are counted: the target's own metrics (poll/self_metrics.h).
class RequestCounter {
 public:
  virtual ~RequestCounter() = default;
  virtual void request(std::string_view endpoint, double seconds) = 0;
  // A failed request, remembered as the target's last error as of `now_unix`.
  virtual void error(std::string_view endpoint, Reason reason, double now_unix) = 0;
};

// A bearer token to send, and whether this request fetched it (a fetched
// token refused with 401 is not asked for again in the same request).
struct BearerToken {
  std::string value;
  bool fetched = false;  // fetched by this call, not taken from the cache
};

// Where a transport takes its tokens when they are fetched rather than read
// from bearer_token_file: auth/token_source.h. Shared by a poll's transports.
class BearerTokens {
 public:
  virtual ~BearerTokens() = default;
  // The token to send now, fetched when due; its requests are counted in `counter`. Throws SourceError.
  virtual BearerToken token(RequestCounter& counter) = 0;
  // A 401 answered `token`: true when it was dropped, so a new one is worth asking for.
  virtual bool refused(const std::string& token) = 0;
  virtual void accepted(const std::string& token) = 0;
  // Abort a token request in flight (shutdown, or its own deadline passed).
  virtual void abort() = 0;
  virtual void abort_if_overdue(std::chrono::steady_clock::time_point now) = 0;
};

// An upstream's answer, before anyone makes sense of its status.
struct Answer {
  int status = 0;
  std::string body;
  std::string retry_after = {};  // the Retry-After header, as sent
};

// Where a streamed 2xx body goes as it arrives, one chunk at a time (after
// decompression). It may throw SourceError, which ends the request.
using BodyChunks = std::function<void(std::string_view chunk)>;

inline bool is_success_status(int status) { return status >= 200 && status < 300; }

// One connection, used by one thread at a time.
class Transport {
 public:
  virtual ~Transport() = default;
  // GET `path_and_query` below the target's base path, sent verbatim. What
  // keeps an answer from arriving (connect, TLS, timeout, a body over
  // max_response_bytes) throws SourceError; any status is an Answer.
  virtual Answer get(const std::string& path_and_query) = 0;
  // The same, but the body of a 2xx answer goes to `chunks` as it arrives
  // instead of into Answer::body, so a large one is never held whole; the
  // body of any other status is held as `get` holds it. What `chunks` throws
  // comes out of here. A 2xx body streamed is bounded by `max_body_bytes`
  // rather than max_response_bytes: what streams is not held, so its caller
  // says how much it may take. This default reads the body whole (under
  // max_response_bytes), then hands it on.
  virtual Answer get_streamed(const std::string& path_and_query, const BodyChunks& chunks,
                              std::uint64_t /*max_body_bytes*/) {
    Answer answer = get(path_and_query);
    if (is_success_status(answer.status)) chunks(std::exchange(answer.body, {}));
    return answer;
  }
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
  // `counter`, which outlives the transports. Throws SourceError (Reason::connect).
  virtual std::vector<std::unique_ptr<Transport>> open(const TargetConfig& target, std::size_t count,
                                                       RequestCounter& counter) = 0;
};

}  // namespace ue
