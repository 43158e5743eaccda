// The running exporter: its configuration, the pollers of every target, the
// page cache, the self-metrics and the HTTP server, built in that order and
// stopped in reverse. It also keeps what the status page says of itself: when
// it started and how the last reload went. main() parses the flags, builds one and waits for signals.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.h"
#include "http/server.h"
#include "poll/fleet.h"
#include "poll/http_transport.h"
#include "poll/self_metrics.h"
#include "render/page_cache.h"
#include "render/status_query.h"
#include "snapshot/fleet_view.h"

namespace ue {

struct ExporterOptions {
  std::string config_file;
  ServerOptions server;
};

class Exporter {
 public:
  // Reads and validates the configuration file; throws ConfigError.
  explicit Exporter(ExporterOptions options);
  ~Exporter();  // stops

  // Serves, then polls. Throws ConfigError for a bad web config and
  // std::runtime_error when the address cannot be listened on.
  void start();
  // Re-reads the configuration and the web configuration, one reload at a
  // time (SIGHUP and POST /-/reload). Both are validated before either
  // applies; a bad one keeps everything running as it was. Returns an empty
  // string, or the error.
  std::string reload();
  void stop();

 private:
  // Every target's view with the exporter's own facts, for the status page and the API.
  std::shared_ptr<const FleetView> fleet_view() const;
  void reload_finished(bool success, std::string error);
  void set_global_stall_window(const Config& config);

  const ExporterOptions options_;
  const double started_;  // Unix seconds
  mutable std::mutex reload_result_mutex_;
  std::optional<ReloadResult> last_reload_;  // guarded by reload_result_mutex_
  double global_stall_window_ = 0;           // seconds, of the running configuration; likewise
  std::mutex reload_mutex_;
  Config config_;  // the running configuration; guarded by reload_mutex_ after start()
  HttpUpstream upstream_;
  SelfMetrics self_metrics_;
  // Pollers start in start(), so the page cache below exists before any of them renders.
  Fleet fleet_;
  PageCache pages_;
  HttpServer server_;
};

}  // namespace ue
