#include "model/upgrade.h"

namespace ue {

std::string_view kind_name(Kind kind) {
  switch (kind) {
#define UE_KIND_CASE(kind, source) \
  case Kind::kind: return #kind;
    UE_FOR_EACH_KIND(UE_KIND_CASE)
#undef UE_KIND_CASE
  }
  return "unknown";
}

std::string_view target_type_name(TargetType type) {
  switch (type) {
    case TargetType::service_fabric: return "service_fabric";
    case TargetType::qumulo: return "qumulo";
  }
  return "service_fabric";
}

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::idle: return "idle";
    case Phase::rolling_forward: return "rolling_forward";
    case Phase::rolling_back: return "rolling_back";
    case Phase::completed: return "completed";
    case Phase::rolled_back: return "rolled_back";
    case Phase::failed: return "failed";
  }
  return "idle";
}

std::optional<double> estimated_completion(const Upgrade& u) {
  if (in_progress(u.phase) && u.progress_ratio && *u.progress_ratio > 0 && *u.progress_ratio < 1 && u.start_time &&
      u.duration)
    return *u.start_time + *u.duration / *u.progress_ratio;
  return std::nullopt;
}

}  // namespace ue
