// Renders the status page and /api/v1/upgrades for a fleet of N objects
// (default 10 000 applications: 10 in progress, 3 failed, the rest settled)
// and prints the median and the slowest time of each, with their sizes
// plain and gzip. bench/status_page.py runs it; see bench/RESULTS.md.
//
// usage: status_render_bench [objects] [runs]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "render/gzip.h"
#include "render/status_page.h"
#include "render/upgrades_api.h"

namespace {

using ue::ObjectView;

constexpr double kNow = 1796000000;  // a fixed "now", so runs compare

std::shared_ptr<const ObjectView> application(std::size_t i, std::size_t in_progress, std::size_t failed) {
  auto view = std::make_shared<ObjectView>();
  view->kind = ue::Kind::application;
  char name[64];
  std::snprintf(name, sizeof name, "fabric:/scale/app-%05zu", i);
  view->name = name;
  view->revision = i + 1;
  ue::Upgrade& u = view->upgrade;
  u.info = {{"target_version", "1.0." + std::to_string(i % 7)},
            {"rolling_upgrade_mode", "Monitored"},
            {"type_name", "ScaleAppType"}};
  if (i < in_progress) {
    u.state = "RollingForwardInProgress";
    u.phase = ue::Phase::rolling_forward;
    u.progress_ratio = 0.4;
    u.domains = ue::DomainCounts{2, 1, 2, 0};
    u.current_domain = "UD_2";
    u.start_time = kNow - 3600;
    u.duration = 3600;
    u.domain_duration = 600;
    u.timeout = 7200;
    u.domain_timeout = 1800;
    u.health_check_phase = "WaitDuration";
    u.health_check_elapsed = 30;
    u.pending_safety_checks = 1;
    u.nodes = ue::NodePhaseCounts{1, 1, 0};
    const ue::SafetyCheck quorum{"EnsurePartitionQuorum", "3f1c6a2e-0000-4000-8000-000000000001"};
    u.current_nodes = {{"_Node_4", "PreUpgradeSafetyCheck", {quorum}},
                       {"_Node_5", "Upgrading", {}}};
    view->last_transition = kNow - (i % 2 ? 3000 : 60);  // every other one stalled
  } else if (i < in_progress + failed) {
    u.state = "Failed";
    u.phase = ue::Phase::failed;
    u.failure_time = kNow - 900;
    u.info.emplace_back("failure_reason", "UpgradeDomainTimeout");
    view->last_transition = kNow - 900;
  } else {
    u.state = "RollingForwardCompleted";
    u.phase = ue::Phase::completed;
    u.progress_ratio = 1;
    view->last_transition = kNow - 86400 * 3;
  }
  return view;
}

ue::FleetView fleet(std::size_t objects) {
  auto target = std::make_shared<ue::TargetView>();
  target->name = "sf-scale";
  target->poll_interval = 30;
  target->polled = true;
  target->up = true;
  target->last_success = kNow - 5;
  target->last_poll_duration = 1.2;
  target->objects_per_kind = {{ue::Kind::cluster, 0}, {ue::Kind::application, objects}};
  for (std::size_t i = 0; i < objects; ++i) target->objects.push_back(application(i, 10, 3));
  ue::FleetView view;
  view.generated = kNow;
  view.started = kNow - 7200;
  view.last_reload = ue::ReloadResult{true, kNow - 3600, ""};
  view.targets.push_back(target);
  return view;
}

struct Timing {
  double median_ms;
  double max_ms;
  std::size_t bytes;
  std::size_t gzip_bytes;
};

Timing measure(int runs, const std::function<std::string()>& render) {
  std::vector<double> ms;
  std::string text;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    text = render();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back(), text.size(), ue::gzip_compress(text).size()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t objects = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 21;
  const ue::FleetView view = fleet(objects);
  const ue::StatusOptions options;
  const ue::StatusQuery all;
  ue::StatusQuery failed_only;
  failed_only.phases = {ue::Phase::failed};
  struct Case {
    const char* name;
    std::function<std::string()> render;
  };
  const Case cases[] = {
      {"page", [&] { return ue::render_status_page(view, all, options); }},
      {"page_filtered", [&] { return ue::render_status_page(view, failed_only, options); }},
      {"api", [&] { return ue::render_upgrades_json(view, all, options); }},
      {"page_with_gzip", [&] { return ue::gzip_compress(ue::render_status_page(view, all, options)); }},
  };
  std::printf("{\"objects\": %zu, \"runs\": %d", objects, runs);
  for (const Case& c : cases) {
    const Timing t = measure(runs, c.render);
    std::printf(", \"%s\": {\"median_ms\": %.2f, \"max_ms\": %.2f, \"bytes\": %zu, \"gzip_bytes\": %zu}", c.name,
                t.median_ms, t.max_ms, t.bytes, t.gzip_bytes);
  }
  std::printf("}\n");
  return 0;
}
