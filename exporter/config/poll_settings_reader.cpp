// Reading and cross-checking the poll keys of one `global` or target block.
#include "config/poll_settings_reader.h"

#include <cstdint>
#include <string>

namespace ue {
namespace {

constexpr std::uint64_t kMinResponseBytes = 1024;

}  // namespace

decode::KeyTable PollSettingsReader::keys() {
  using decode::Value;
  return {
      {"poll_interval",
       [this](const Value& v) {
         settings_.poll_interval = decode::read_positive_duration(v);
         poll_interval_at_ = v;
       }},
      {"timeout", [this](const Value& v) { settings_.timeout = decode::read_positive_duration(v); }},
      {"concurrency",
       [this](const Value& v) { settings_.concurrency = static_cast<int>(decode::read_int(v, 1, 256)); }},
      {"max_staleness", [this](const Value& v) { settings_.max_staleness = decode::read_positive_duration(v); }},
      {"idle_poll_interval",
       [this](const Value& v) {
         settings_.idle_poll_interval = decode::read_positive_duration(v);
         idle_poll_interval_at_ = v;
       }},
      {"max_objects",
       [this](const Value& v) { settings_.max_objects = static_cast<std::size_t>(decode::read_int(v, 1, INT64_MAX)); }},
      {"max_response_bytes",
       [this](const Value& v) {
         settings_.max_response_bytes = decode::read_size(v);
         if (settings_.max_response_bytes < kMinResponseBytes) {
           decode::fail(v, "must be at least 1KiB, got " + std::to_string(settings_.max_response_bytes));
         }
       }},
      {"max_results",
       [this](const Value& v) { settings_.max_results = static_cast<int>(decode::read_int(v, 0, INT32_MAX)); }},
      {"stall_window", [this](const Value& v) { settings_.stall_window = decode::read_positive_duration(v); }},
      {"repair_task_retention",
       [this](const Value& v) { settings_.repair_task_retention = decode::read_positive_duration(v); }},
      {"history", [this](const Value& v) { read_history(v); }},
  };
}

void PollSettingsReader::read_history(const decode::Value& block) {
  using decode::Value;
  HistorySettings& history = settings_.history;
  std::optional<Value> interval_at;
  decode::for_each_entry(block, {
      {"enabled", [&](const Value& v) { history.enabled = decode::read_bool(v); }},
      {"window", [&](const Value& v) { history.window = decode::read_positive_duration(v); }},
      {"interval",
       [&](const Value& v) {
         history.interval = decode::read_positive_duration(v);
         interval_at = v;
       }},
  });
  // Reading more often than the window is long is the only schedule that makes sense.
  if (history.interval > history.window) {
    decode::fail(interval_at ? *interval_at : block,
                 "must be at most history.window (" + format_duration(history.window) + "), got " +
                     format_duration(history.interval));
  }
}

PollSettings PollSettingsReader::finish(const decode::Value& block) const {
  const Duration idle = settings_.idle_poll_interval, poll = settings_.poll_interval;
  if (idle < poll) {
    if (idle_poll_interval_at_) {
      decode::fail(*idle_poll_interval_at_,
                   "must be at least poll_interval (" + format_duration(poll) + "), got " + format_duration(idle));
    }
    decode::fail(poll_interval_at_ ? *poll_interval_at_ : block,
                 "must be at most idle_poll_interval (" + format_duration(idle) + "), got " + format_duration(poll));
  }
  return settings_;
}

}  // namespace ue
