// The Fetcher the sources read through: sends over a Transport, counts every
// request, error and latency under its endpoint, and makes sense of the
// status of each answer.
#pragma once

#include <atomic>
#include <map>
#include <string>

#include "base/clock.h"
#include "poll/self_metrics.h"
#include "net/upstream.h"
#include "sources/source.h"

namespace ue {

// What the answers of one poll said about the gateway as a whole: a 503 or
// 504 means it is struggling, so the poll stops asking and the poller backs
// off, for at least Retry-After when one was sent.
class GatewayLoad {
 public:
  void report_overload(int retry_after_seconds);
  bool overloaded() const { return overloaded_.load(); }
  int retry_after_seconds() const { return retry_after_seconds_.load(); }

 private:
  std::atomic<bool> overloaded_{false};
  std::atomic<int> retry_after_seconds_{0};
};

// Small per-target memory that survives between polls (Fetcher::memo).
using Memo = std::map<std::string, std::string, std::less<>>;

class UpstreamFetcher final : public Fetcher {
 public:
  // `clock` dates the errors the metrics remember (TargetMetrics::last_error).
  UpstreamFetcher(Transport& transport, TargetMetrics& metrics, Memo& memo, GatewayLoad& load, const Clock& clock)
      : transport_(transport), metrics_(metrics), memo_(memo), load_(load), clock_(clock) {}

  std::string get_body(std::string_view endpoint, const std::string& path_and_query, bool feature_probe) override;
  // get_body for an answer too large to hold: a 2xx body goes to `chunks` as
  // it arrives (Transport::get_streamed). What `chunks` throws is counted as
  // this request's error, like any other, and comes out of here. A 2xx body
  // larger than `max_body_bytes` is Reason::too_large.
  void stream_body(std::string_view endpoint, const std::string& path_and_query, bool feature_probe,
                   const BodyChunks& chunks, std::uint64_t max_body_bytes);
  void count_error(std::string_view endpoint, Reason reason) override {
    metrics_.error(endpoint, reason, clock_.unix_now());
  }
  std::string& memo(std::string_view key) override;

 private:
  // Sends the GET (streamed when `chunks` is set), counting it and any error.
  Answer send(std::string_view endpoint, const std::string& path_and_query, const BodyChunks* chunks,
              std::uint64_t max_body_bytes);
  // Makes sense of a status that is not 2xx: throws FeatureAbsent or SourceError.
  [[noreturn]] void refuse(std::string_view endpoint, const Answer& answer, bool feature_probe);

  Transport& transport_;
  TargetMetrics& metrics_;
  Memo& memo_;
  GatewayLoad& load_;
  const Clock& clock_;
};

}  // namespace ue
