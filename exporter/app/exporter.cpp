#include "app/exporter.h"

#include <chrono>

#include "log/log.h"
#include "base/clock.h"

namespace ue {
namespace {

StatusOptions status_options(const ExporterOptions& options) {
  StatusOptions status;
  status.telemetry_path = options.server.telemetry_path;
  return status;
}

}  // namespace

Exporter::Exporter(ExporterOptions options)
    : options_(std::move(options)),
      started_(Clock::system().unix_now()),
      config_(load_config_file(options_.config_file)),
      fleet_(self_metrics_, [this] { pages_.invalidate(); }, upstream_),
      pages_([this] { return fleet_.samples(); }, [this] { return self_metrics_.render(); },
             [this] { return fleet_view(); }, status_options(options_)),
      server_(options_.server, pages_, [this] { return reload(); }) {
  set_global_stall_window(config_);
  Log::info("starting upgrade_exporter", {{"version", UE_VERSION}, {"revision", UE_REVISION},
                                          {"config", options_.config_file},
                                          {"targets", std::to_string(config_.targets.size())}});
}

Exporter::~Exporter() { stop(); }

void Exporter::start() {
  server_.start();
  fleet_.apply(config_);
  pages_.invalidate();  // the status page lists the targets, waiting for their first poll, at once
}

std::string Exporter::reload() {
  std::lock_guard lock(reload_mutex_);
  try {
    Config fresh = load_config_file(options_.config_file);
    if (std::string error = server_.reload_web_config(); !error.empty()) throw ConfigError(error);
    fleet_.apply(fresh);
    upstream_.forget_discoveries();  // once per config load: a reload asks the clusters again
    set_global_stall_window(fresh);
    config_ = std::move(fresh);
    reload_finished(true, {});
    pages_.render_now();  // a scrape after the answer sees the reload
    Log::info("configuration reloaded", {{"targets", std::to_string(config_.targets.size())}});
    return {};
  } catch (const ConfigError& e) {
    reload_finished(false, e.what());
    pages_.render_now();
    Log::error("configuration reload failed; keeping the running configuration", {{"err", e.what()}});
    return e.what();
  }
}

void Exporter::reload_finished(bool success, std::string error) {
  self_metrics_.reload_finished(success);
  std::lock_guard lock(reload_result_mutex_);
  last_reload_ = ReloadResult{success, Clock::system().unix_now(), std::move(error)};
}

void Exporter::set_global_stall_window(const Config& config) {
  std::lock_guard lock(reload_result_mutex_);
  global_stall_window_ = std::chrono::duration<double>(config.global.stall_window).count();
}

std::shared_ptr<const FleetView> Exporter::fleet_view() const {
  auto view = std::make_shared<FleetView>();
  view->version = UE_VERSION;
  view->revision = UE_REVISION;
  view->generated = Clock::system().unix_now();
  view->started = started_;
  {
    std::lock_guard lock(reload_result_mutex_);
    view->last_reload = last_reload_;
    view->stall_window = global_stall_window_;
  }
  view->targets = fleet_.view();
  return view;
}

void Exporter::stop() {
  server_.stop();
  fleet_.stop();
}

}  // namespace ue
