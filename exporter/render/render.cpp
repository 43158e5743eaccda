#include "render/render.h"

#include <zlib.h>

#include <algorithm>
#include <map>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>
#include <sstream>
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

// Objects rendered per TextSerializer call: bounds the transient
// MetricFamily memory whatever the number of objects.
constexpr std::size_t kChunkObjects = 128;

class ChunkWriter {
 public:
  explicit ChunkWriter(std::string_view target) : target_(target) {
    for (std::size_t i = 0; i < kFamilyCount; ++i) {
      families_[i].name = std::string(kFamilies[i].name);
      families_[i].type = prometheus::MetricType::Gauge;
    }
  }

  void begin_object(Kind kind, const std::string& name) {
    kind_ = kind_name(kind);
    name_ = &name;
  }

  void add(Family family, double value, std::initializer_list<prometheus::ClientMetric::Label> extra = {}) {
    prometheus::ClientMetric metric;
    metric.label.reserve(3 + extra.size());
    metric.label.push_back({"target", target_});
    metric.label.push_back({"kind", std::string(kind_)});
    metric.label.push_back({"name", *name_});
    metric.label.insert(metric.label.end(), extra.begin(), extra.end());
    metric.gauge.value = value;
    families_[static_cast<std::size_t>(family)].metric.push_back(std::move(metric));
  }

  void add_info(const std::vector<std::pair<std::string, std::string>>& info) {
    prometheus::ClientMetric metric;
    metric.label = {{"target", target_}, {"kind", std::string(kind_)}, {"name", *name_}};
    for (const auto& [label, value] : info) metric.label.push_back({label, value});
    metric.gauge.value = 1;
    families_[static_cast<std::size_t>(Family::info)].metric.push_back(std::move(metric));
  }

  // Serializes what was added since the last flush and appends it, minus the
  // TYPE line TextSerializer writes first, to each family's block.
  void flush_into(TargetSamples& out) {
    prometheus::TextSerializer serializer;
    for (std::size_t i = 0; i < kFamilyCount; ++i) {
      auto& family = families_[i];
      if (family.metric.empty()) continue;
      std::ostringstream text;
      serializer.Serialize(text, {family});
      std::string rendered = std::move(text).str();
      auto first_newline = rendered.find('\n');
      out.samples[i].append(rendered, first_newline + 1, std::string::npos);
      family.metric.clear();
    }
  }

 private:
  std::string target_;
  std::string_view kind_;
  const std::string* name_ = nullptr;
  std::array<prometheus::MetricFamily, kFamilyCount> families_;
};

void add_optional(ChunkWriter& w, Family family, const std::optional<double>& value) {
  if (value) w.add(family, *value);
}

template <class Values>
void add_state_set(ChunkWriter& w, Family family, const char* label, const Values& known, std::string_view current) {
  bool seen = false;
  for (auto value : known) {
    bool on = value == current;
    seen |= on;
    w.add(family, on ? 1 : 0, {{label, std::string(value)}});
  }
  // A value the enum did not know yet (a newer upstream) is still exported.
  if (!seen && !current.empty()) w.add(family, 1, {{label, std::string(current)}});
}

template <class Names, class Counts>
void add_counts(ChunkWriter& w, Family family, const char* label, const Names& names, const Counts& counts) {
  for (std::size_t i = 0; i < names.size(); ++i) w.add(family, counts[i], {{label, std::string(names[i])}});
}

void render_object(ChunkWriter& w, Kind kind, const ObjectState& object) {
  const Upgrade& u = object.upgrade;
  add_state_set(w, Family::state, "state", source_for(kind).states, u.state);
  for (Phase phase : kAllPhases) w.add(Family::phase, phase == u.phase ? 1 : 0, {{"phase", std::string(phase_name(phase))}});
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
    w.add(Family::replicas, counts.first, {{"service_name", std::string(service)}, {"state", "completed"}});
    w.add(Family::replicas, counts.second, {{"service_name", std::string(service)}, {"state", "pending"}});
  }
  add_optional(w, Family::timeout, u.timeout);
  add_optional(w, Family::domain_timeout, u.domain_timeout);
  if (!u.health_check_phase.empty())
    add_state_set(w, Family::health_check_phase, "phase", kHealthCheckPhases, u.health_check_phase);
  add_optional(w, Family::health_check_elapsed, u.health_check_elapsed);
  add_optional(w, Family::health_check_retry_flips, u.health_check_retry_flips);
  w.add_info(u.info);
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

TargetSamples render_target(std::string_view target, const Snapshot& snapshot) {
  TargetSamples out;
  ChunkWriter writer(target);
  std::size_t in_chunk = 0;
  for (const auto& [key, object] : snapshot.objects()) {
    writer.begin_object(key.first, key.second);
    render_object(writer, key.first, object);
    if (++in_chunk == kChunkObjects) {
      writer.flush_into(out);
      in_chunk = 0;
    }
  }
  writer.flush_into(out);
  return out;
}

std::string assemble_page(const std::vector<std::shared_ptr<const TargetSamples>>& targets,
                          std::string_view self_metrics) {
  std::size_t size = self_metrics.size();
  for (const auto& t : targets)
    for (const auto& block : t->samples) size += block.size();
  std::string page;
  page.reserve(size + kFamilyCount * 256);
  for (std::size_t i = 0; i < kFamilyCount; ++i) {
    bool any = std::any_of(targets.begin(), targets.end(), [i](const auto& t) { return !t->samples[i].empty(); });
    if (!any) continue;  // a family without samples gets no header either
    page += "# HELP ";
    page += kFamilies[i].name;
    page += ' ';
    page += kFamilies[i].help;
    page += "\n# TYPE ";
    page += kFamilies[i].name;
    page += " gauge\n";
    for (const auto& t : targets) page += t->samples[i];
  }
  page += self_metrics;
  return page;
}

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper; level 1 because this runs
  // once per poll on pages of megabytes, where speed matters more than 10% size.
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(zs.total_out);
  return out;
}

}  // namespace ue
