// The EventStore's event parse on arbitrary bytes, one element at a time as
// the streaming read hands them over: only SourceError may come out, and
// every event kept has a time within the store's years, bounded text, finite
// elapsed times within a year, and its object named. The events then go
// through a small log and the history builder, whose summaries stay finite
// and counted within what they hold.
#include <cmath>
#include <cstddef>
#include <string>

#include "base/json_fields.h"
#include "fuzz/fuzz_util.h"
#include "model/history.h"
#include "sources/event_store.h"

namespace {

void check_event(const ue::HistoryEvent& e) {
  using ue::fuzz::require;
  require(std::isfinite(e.time) && e.time >= ue::kEarliestEventUnix && e.time < ue::kLatestEventUnix,
          "an event's time is within the store's years");
  require(e.instance_id.size() <= ue::kMaxEventTextBytes && e.from_version.size() <= ue::kMaxEventTextBytes &&
              e.to_version.size() <= ue::kMaxEventTextBytes && e.failure_reason.size() <= ue::kMaxEventTextBytes &&
              e.upgrade_domains.size() <= ue::kMaxEventDomainListBytes,
          "an event's text is bounded");
  for (const auto* seconds : {&e.domain_seconds, &e.overall_seconds})
    if (*seconds)
      require(std::isfinite(**seconds) && **seconds >= 0 && **seconds <= ue::kMaxEventElapsedSeconds,
              "elapsed times are finite and within a year");
  if (e.kind == ue::Kind::application)
    require(e.object.starts_with("fabric:/") && e.object.size() <= ue::kMaxEventObjectBytes + 8,
            "an application event names its application");
  else
    require(e.kind == ue::Kind::cluster && e.object.empty(), "a cluster event names no object");
}

void check_history(const ue::ObjectHistory& h) {
  using ue::fuzz::require;
  require(h.completed + h.rolled_back <= static_cast<double>(h.upgrades.size()), "counts within the upgrades held");
  require(h.typical_domain_seconds.has_value() == (h.domain_samples >= ue::kMinDomainSamples),
          "a typical domain time exactly from three samples");
  if (h.typical_domain_seconds)
    require(std::isfinite(*h.typical_domain_seconds) && *h.typical_domain_seconds >= 0, "the typical time is finite");
  for (const ue::PastUpgrade& upgrade : h.upgrades)
    require(upgrade.domains.size() <= ue::kMaxDomainsPerUpgrade, "domains per upgrade are bounded");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::Json body;
  try {
    body = ue::parse_json_value(ue::fuzz::as_text(data, size));
  } catch (const ue::SourceError&) {
    return 0;
  }
  if (!body.is_array()) body = ue::Json::array({body});
  ue::HistoryLog log(64);  // small, so that the fuzzer reaches the bound
  for (const ue::Json& element : body) {
    ue::fuzz::allowing<ue::SourceError>([&] {
      if (std::optional<ue::HistoryEvent> event = ue::parse_history_event(element)) {
        check_event(*event);
        log.add(std::move(*event));
      }
    });
  }
  ue::fuzz::require(log.size() <= 64, "the log is bounded");
  ue::Upgrade in_progress;
  in_progress.phase = ue::Phase::rolling_forward;
  in_progress.domains = ue::DomainCounts{2, 1, 3, 0};
  in_progress.domain_duration = 30;
  for (const auto& [object, history] : ue::histories_from_log(log, ue::kEarliestEventUnix)) {
    check_history(history);
    if (const std::optional<ue::Forecast> forecast = ue::forecast_completion(in_progress, &history, 1.8e9))
      ue::fuzz::require(std::isfinite(forecast->completion) && forecast->completion >= 1.8e9, "a forecast is ahead");
  }
  return 0;
}
