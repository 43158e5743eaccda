#include "model/upgrade.h"

namespace ue {

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::cluster: return "cluster";
    case Kind::cluster_config: return "cluster_config";
    case Kind::application: return "application";
    case Kind::application_resource: return "application_resource";
    case Kind::compose_deployment: return "compose_deployment";
    case Kind::qumulo: return "qumulo";
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

std::string_view reason_name(Reason reason) {
  switch (reason) {
    case Reason::connect: return "connect";
    case Reason::timeout: return "timeout";
    case Reason::tls: return "tls";
    case Reason::http_status: return "http_status";
    case Reason::parse: return "parse";
    case Reason::schema: return "schema";
    case Reason::too_large: return "too_large";
  }
  return "connect";
}

std::optional<double> estimated_completion(const Upgrade& u) {
  if (in_progress(u.phase) && u.progress_ratio && *u.progress_ratio > 0 && *u.progress_ratio < 1 && u.start_time &&
      u.duration)
    return *u.start_time + *u.duration / *u.progress_ratio;
  return std::nullopt;
}

}  // namespace ue
