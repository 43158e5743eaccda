#include "render/render.h"

#include <zlib.h>

#include <algorithm>
#include <map>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "sources/source.h"

namespace ue {
namespace {

// HELP texts name the upstream field; "As of the last poll" because scrapes
// never wait for an upstream (CONTRACT.md, behaviour rules).
constexpr std::array<FamilyInfo, kFamilyCount> kFamilies = {{
    {"upgrade_state", "Upstream upgrade state (UpgradeState, state): one series per value of the kind's enum, 1 for the current one. As of the last poll."},
    {"upgrade_phase", "Normalized upgrade phase (idle, rolling_forward, rolling_back, completed, rolled_back, failed): 1 for the current one. As of the last poll."},
    {"upgrade_in_progress", "1 while the upgrade is rolling forward or back, else 0. As of the last poll."},
    {"upgrade_progress_ratio", "Upgrade progress 0..1: completed upgrade domains or units / all, PercentCompleted / 100, or Qumulo progress / 100 while preparing. As of the last poll."},
    {"upgrade_domains", "Upgrade domains (or node-by-node units) per upstream state (UpgradeDomains, UpgradeUnits). As of the last poll."},
    {"upgrade_start_timestamp_seconds", "Upstream start time of the current or last upgrade (StartTimestampUtc), Unix seconds. As of the last poll."},
    {"upgrade_failure_timestamp_seconds", "Upstream failure time of the upgrade (FailureTimestampUtc), Unix seconds. As of the last poll."},
    {"upgrade_duration_seconds", "Elapsed time of the current or last upgrade as reported upstream (UpgradeDurationInMilliseconds, UpgradeDuration). As of the last poll."},
    {"upgrade_domain_duration_seconds", "Elapsed time in the current upgrade domain as reported upstream (UpgradeDomainDurationInMilliseconds, CurrentUpgradeDomainDuration). As of the last poll."},
    {"upgrade_pending_safety_checks", "Pending safety checks summed over the nodes of the current upgrade domain (PendingSafetyChecks). As of the last poll."},
    {"upgrade_nodes", "Nodes of the current upgrade domain per UpgradePhase (NodeUpgradeProgressList). As of the last poll."},
    {"upgrade_unhealthy_evaluations", "Length of the upstream unhealthy-evaluations list (UnhealthyEvaluations, ApplicationUnhealthyEvaluations). As of the last poll."},
    {"upgrade_replicas", "Application resource replicas per service, completed or pending (ServiceUpgradeProgress). As of the last poll."},
    {"upgrade_timeout_seconds", "Overall upgrade timeout from the monitoring policy (UpgradeTimeoutInMilliseconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_domain_timeout_seconds", "Per-domain upgrade timeout from the monitoring policy (UpgradeDomainTimeoutInMilliseconds); absent when unset or infinite. As of the last poll."},
    {"upgrade_health_check_phase", "Health-check phase of a monitored upgrade (HealthCheckPhase, Service Fabric 10.0+): 1 for the current one. As of the last poll."},
    {"upgrade_health_check_elapsed_seconds", "Time spent in the current health-check phase (HealthCheckElapsedTime). As of the last poll."},
    {"upgrade_health_check_retry_flips", "Times the health-check result flipped, restarting the phase timer (HealthCheckRetryFlips). As of the last poll."},
    {"upgrade_info", "Constant 1; labels describe the upgrade (target version, rolling upgrade mode, failure reason, and for Qumulo upgrade type and auto commit). As of the last poll."},
    {"upgrade_estimated_completion_timestamp_seconds", "Naive linear forecast of completion while in progress: start time + elapsed / progress ratio, Unix seconds. As of the last poll."},
    {"upgrade_last_transition_timestamp_seconds", "Unix time at which the exporter last saw the state, the progress or the current domain change; the stall signal. As of the last poll."},
    {"upgrade_config_progress_status", "Cluster configuration upgrade ProgressStatus, exported raw: its meaning is not documented upstream. As of the last poll."},
    {"upgrade_reboot_state", "Qumulo reboot manager state (/v1/shutdown/reboot/status state): 1 for the current one. As of the last poll."},
    {"upgrade_reboot_nodes", "Qumulo nodes taking part in the current or last reboot (total_node_count). As of the last poll."},
    {"upgrade_reboot_rebooted_nodes", "Qumulo nodes rebooted so far in the current or last reboot (rebooted_node_count). As of the last poll."},
}};

constexpr std::array<std::string_view, 4> kRebootStates = {"REBOOT_IDLE", "REBOOT_IN_PROGRESS", "REBOOT_PAUSED",
                                                           "REBOOT_PAUSED_DUE_TO_ERROR"};

// Appends one object's samples straight to each family's block, in the text
// format prometheus-cpp's TextSerializer writes (same label order, escaping and
// %.16g values), without building MetricFamily structs: this runs for every
// object at every poll, and is an order of magnitude cheaper.
class SampleWriter {
 public:
  SampleWriter(std::string_view target, TargetSamples& out) : out_(out) { append_escaped(target_, target); }

  void begin_object(Kind kind, const std::string& name) {
    prefix_ = "{target=\"";
    prefix_ += target_;
    prefix_ += "\",kind=\"";
    prefix_ += kind_name(kind);
    prefix_ += "\",name=\"";
    append_escaped(prefix_, name);
    prefix_ += '"';
  }

  using Label = std::pair<std::string_view, std::string_view>;
  void add(Family family, double value, std::initializer_list<Label> extra = {}) {
    add_labels(family, value, extra.begin(), extra.end());
  }

  template <class It>
  void add_labels(Family family, double value, It first, It last) {
    std::string& s = out_.samples[static_cast<std::size_t>(family)];
    s += kFamilies[static_cast<std::size_t>(family)].name;
    s += prefix_;
    for (; first != last; ++first) {
      s += ',';
      s += first->first;
      s += "=\"";
      append_escaped(s, first->second);
      s += '"';
    }
    s += "} ";
    append_value(s, value);
    s += '\n';
  }

 private:
  static void append_escaped(std::string& s, std::string_view value) {
    for (char c : value) {
      if (c == '\n') {
        s += "\\n";
      } else {
        if (c == '\\' || c == '"') s += '\\';
        s += c;
      }
    }
  }

  static void append_value(std::string& s, double value) {
    if (std::isnan(value)) {
      s += "NaN";
    } else if (std::isinf(value)) {
      s += value < 0 ? "-Inf" : "+Inf";
    } else {
      char buffer[32];
      auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 16);
      s.append(buffer, result.ptr);
    }
  }

  TargetSamples& out_;
  std::string target_;  // escaped
  std::string prefix_;  // `{target="..",kind="..",name=".."`
};

void add_optional(SampleWriter& w, Family family, const std::optional<double>& value) {
  if (value) w.add(family, *value);
}

template <class Values>
void add_state_set(SampleWriter& w, Family family, const char* label, const Values& known, std::string_view current) {
  bool seen = false;
  for (auto value : known) {
    bool on = value == current;
    seen |= on;
    w.add(family, on ? 1 : 0, {{label, value}});
  }
  // A value the enum did not know yet (a newer upstream) is still exported.
  if (!seen && !current.empty()) w.add(family, 1, {{label, current}});
}

template <class Names, class Counts>
void add_counts(SampleWriter& w, Family family, const char* label, const Names& names, const Counts& counts) {
  for (std::size_t i = 0; i < names.size(); ++i) w.add(family, counts[i], {{label, names[i]}});
}

void render_object(SampleWriter& w, Kind kind, const ObjectState& object) {
  const Upgrade& u = object.upgrade;
  add_state_set(w, Family::state, "state", source_for(kind).states, u.state);
  for (Phase phase : kAllPhases) w.add(Family::phase, phase == u.phase ? 1 : 0, {{"phase", phase_name(phase)}});
  w.add(Family::in_progress, in_progress(u.phase) ? 1 : 0);
  add_optional(w, Family::progress_ratio, u.progress_ratio);
  if (u.domains) add_counts(w, Family::domains, "state", kDomainStates, *u.domains);
  add_optional(w, Family::start_timestamp, u.start_time);
  add_optional(w, Family::failure_timestamp, u.failure_time);
  add_optional(w, Family::duration, u.duration);
  add_optional(w, Family::domain_duration, u.domain_duration);
  add_optional(w, Family::pending_safety_checks, u.pending_safety_checks);
  if (u.nodes) add_counts(w, Family::nodes, "phase", kNodePhases, *u.nodes);
  add_optional(w, Family::unhealthy_evaluations, u.unhealthy_evaluations);
  // Services are summed by name so a repeated ServiceName cannot produce duplicate series.
  std::map<std::string_view, std::pair<double, double>> replicas;
  for (const auto& r : u.replicas) {
    auto& [completed, pending] = replicas[r.service_name];
    completed += r.completed;
    pending += r.pending;
  }
  for (const auto& [service, counts] : replicas) {
    w.add(Family::replicas, counts.first, {{"service_name", service}, {"state", "completed"}});
    w.add(Family::replicas, counts.second, {{"service_name", service}, {"state", "pending"}});
  }
  add_optional(w, Family::timeout, u.timeout);
  add_optional(w, Family::domain_timeout, u.domain_timeout);
  if (!u.health_check_phase.empty())
    add_state_set(w, Family::health_check_phase, "phase", kHealthCheckPhases, u.health_check_phase);
  add_optional(w, Family::health_check_elapsed, u.health_check_elapsed);
  add_optional(w, Family::health_check_retry_flips, u.health_check_retry_flips);
  w.add_labels(Family::info, 1, u.info.begin(), u.info.end());
  if (in_progress(u.phase) && u.progress_ratio && *u.progress_ratio > 0 && *u.progress_ratio < 1 && u.start_time &&
      u.duration) {
    w.add(Family::estimated_completion, *u.start_time + *u.duration / *u.progress_ratio);
  }
  w.add(Family::last_transition, object.last_transition);
  add_optional(w, Family::config_progress_status, u.config_progress_status);
  if (u.reboot) {
    add_state_set(w, Family::reboot_state, "state", kRebootStates, u.reboot->state);
    w.add(Family::reboot_nodes, u.reboot->total_nodes);
    w.add(Family::reboot_rebooted_nodes, u.reboot->rebooted_nodes);
  }
}

}  // namespace

const FamilyInfo& family_info(Family family) { return kFamilies[static_cast<std::size_t>(family)]; }

TargetSamples render_target(std::string_view target, const Snapshot& snapshot, const TargetSamples* previous) {
  TargetSamples out;
  if (previous) {
    for (std::size_t i = 0; i < kFamilyCount; ++i)
      out.samples[i].reserve(previous->samples[i].size() + previous->samples[i].size() / 64 + 4096);
  }
  SampleWriter writer(target, out);
  for (const auto& [key, object] : snapshot.objects()) {
    writer.begin_object(key.first, key.second);
    render_object(writer, key.first, object);
  }
  // Kept until the next poll: a block grown by doubling (first poll, a jump in
  // objects) gives its slack back. A block sized from the previous poll has
  // little, and is not copied again just to trim it.
  for (auto& block : out.samples)
    if (block.capacity() - block.size() > block.size() / 8 + 4096) block.shrink_to_fit();
  return out;
}

namespace {

const std::array<std::string, kFamilyCount>& family_headers() {
  static const auto headers = [] {
    std::array<std::string, kFamilyCount> h;
    for (std::size_t i = 0; i < kFamilyCount; ++i) {
      const FamilyInfo& f = kFamilies[i];
      h[i] = "# HELP " + std::string(f.name) + " " + std::string(f.help) + "\n# TYPE " + std::string(f.name) + " gauge\n";
    }
    return h;
  }();
  return headers;
}

// Streams `pieces` through deflate into a gzip member. Level 1: this runs once
// per poll on pages of megabytes, where speed matters more than 10% of size.
std::string gzip_pieces(const std::vector<std::string_view>& pieces) {
  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out;
  constexpr std::size_t kStep = 64 * 1024;
  auto pump = [&](int flush) {
    int rc;
    do {
      const std::size_t used = out.size();
      out.resize(used + kStep);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      zs.avail_out = static_cast<uInt>(kStep);
      rc = deflate(&zs, flush);
      out.resize(used + kStep - zs.avail_out);
    } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  };
  for (std::string_view piece : pieces) {
    while (!piece.empty()) {  // avail_in is 32-bit
      const std::size_t n = std::min<std::size_t>(piece.size(), 1u << 30);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
      zs.avail_in = static_cast<uInt>(n);
      pump(Z_NO_FLUSH);
      piece.remove_prefix(n);
    }
  }
  pump(Z_FINISH);
  deflateEnd(&zs);
  out.shrink_to_fit();
  return out;
}

}  // namespace

Page::Page(std::vector<std::shared_ptr<const TargetSamples>> targets, std::string self_metrics)
    : targets_(std::move(targets)), self_metrics_(std::move(self_metrics)) {
  const auto& headers = family_headers();
  std::size_t end = 0;
  auto add = [&](std::string_view piece) {
    if (piece.empty()) return;
    pieces_.push_back(piece);
    ends_.push_back(end += piece.size());
  };
  for (std::size_t i = 0; i < kFamilyCount; ++i) {
    bool any = std::any_of(targets_.begin(), targets_.end(), [i](const auto& t) { return !t->samples[i].empty(); });
    if (!any) continue;  // a family without samples gets no header either
    add(headers[i]);
    for (const auto& t : targets_) add(t->samples[i]);
  }
  add(self_metrics_);
  gzip_ = gzip_pieces(pieces_);
}

std::string_view Page::slice(std::size_t offset, std::size_t max) const {
  auto it = std::upper_bound(ends_.begin(), ends_.end(), offset);
  if (it == ends_.end()) return {};
  const std::size_t index = static_cast<std::size_t>(it - ends_.begin());
  const std::size_t start = *it - pieces_[index].size();
  return pieces_[index].substr(offset - start, max);
}

std::string Page::text() const {
  std::string text;
  text.reserve(size());
  for (std::string_view piece : pieces_) text += piece;
  return text;
}

std::string assemble_page(const std::vector<std::shared_ptr<const TargetSamples>>& targets,
                          std::string_view self_metrics) {
  return Page(targets, std::string(self_metrics)).text();
}

std::string gzip_compress(std::string_view data) { return gzip_pieces({data}); }

}  // namespace ue
