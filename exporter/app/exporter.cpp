#include "app/exporter.h"

#include "log/log.h"

namespace ue {

Exporter::Exporter(ExporterOptions options)
    : options_(std::move(options)),
      config_(load_config_file(options_.config_file)),
      fleet_(self_metrics_, [this] { pages_.invalidate(); }, upstream_),
      pages_([this] { return fleet_.samples(); }, [this] { return self_metrics_.render(); }),
      server_(options_.server, pages_, [this] { return reload(); }) {
  Log::info("starting upgrade_exporter", {{"version", UE_VERSION}, {"revision", UE_REVISION},
                                          {"config", options_.config_file},
                                          {"targets", std::to_string(config_.targets.size())}});
}

Exporter::~Exporter() { stop(); }

void Exporter::start() {
  server_.start();
  fleet_.apply(config_);
}

std::string Exporter::reload() {
  std::lock_guard lock(reload_mutex_);
  try {
    Config fresh = load_config_file(options_.config_file);
    if (std::string error = server_.reload_web_config(); !error.empty()) throw ConfigError(error);
    fleet_.apply(fresh);
    config_ = std::move(fresh);
    self_metrics_.reload_finished(true);
    pages_.render_now();  // a scrape after the answer sees the reload
    Log::info("configuration reloaded", {{"targets", std::to_string(config_.targets.size())}});
    return {};
  } catch (const ConfigError& e) {
    self_metrics_.reload_finished(false);
    pages_.render_now();
    Log::error("configuration reload failed; keeping the running configuration", {{"err", e.what()}});
    return e.what();
  }
}

void Exporter::stop() {
  server_.stop();
  fleet_.stop();
}

}  // namespace ue
