// Model -> exposition text. Each target renders its own samples once per poll
// (on its poller thread); the page is assembled from those blocks, with one
// HELP/TYPE header per family, and cached together with its gzip.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "snapshot/snapshot.h"

namespace ue {

// Upgrade-describing families, in export order.
enum class Family : std::size_t {
  state, phase, in_progress, progress_ratio, domains, start_timestamp, failure_timestamp, duration,
  domain_duration, pending_safety_checks, nodes, unhealthy_evaluations, replicas, timeout, domain_timeout,
  health_check_phase, health_check_elapsed, health_check_retry_flips, info, estimated_completion,
  last_transition, config_progress_status, reboot_state, reboot_nodes, reboot_rebooted_nodes,
  count_  // keep last
};
inline constexpr std::size_t kFamilyCount = static_cast<std::size_t>(Family::count_);

struct FamilyInfo {
  std::string_view name;
  std::string_view help;
};
const FamilyInfo& family_info(Family family);

// One target's samples per family, without HELP/TYPE lines.
struct TargetSamples {
  std::array<std::string, kFamilyCount> samples;
};

TargetSamples render_target(std::string_view target, const Snapshot& snapshot);

// The whole /metrics page: every family's header once, then each target's
// samples for it; then the exporter's own metrics (already full exposition text).
std::string assemble_page(const std::vector<std::shared_ptr<const TargetSamples>>& targets,
                          std::string_view self_metrics);

// RFC 1952 gzip of `data`.
std::string gzip_compress(std::string_view data);

}  // namespace ue
