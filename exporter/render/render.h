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

// `previous`, the target's last samples, sizes the new blocks up front: a
// block grown by doubling would copy megabytes over and over.
TargetSamples render_target(std::string_view target, const Snapshot& snapshot,
                            const TargetSamples* previous = nullptr);

// The /metrics page, made of pieces: each family's HELP/TYPE header, then each
// target's block of that family, then the exporter's own metrics. The blocks
// stay in their TargetSamples (shared with the pollers), so the plain text of
// a page with hundreds of thousands of series exists once in memory, not
// twice; its gzip is made once, here.
class Page {
 public:
  Page(std::vector<std::shared_ptr<const TargetSamples>> targets, std::string self_metrics);

  std::size_t size() const { return ends_.empty() ? 0 : ends_.back(); }
  const std::string& gzip() const { return gzip_; }
  // The bytes from `offset` to the end of the piece holding it, at most `max`.
  std::string_view slice(std::size_t offset, std::size_t max) const;
  std::string text() const;  // the whole page in one string

 private:
  std::vector<std::shared_ptr<const TargetSamples>> targets_;
  std::string self_metrics_;
  std::vector<std::string_view> pieces_;
  std::vector<std::size_t> ends_;  // where each piece ends in the page
  std::string gzip_;
};

// The page's text in one string (tests and tools; the server uses Page).
std::string assemble_page(const std::vector<std::shared_ptr<const TargetSamples>>& targets,
                          std::string_view self_metrics);

// RFC 1952 gzip of `data`.
std::string gzip_compress(std::string_view data);

}  // namespace ue
