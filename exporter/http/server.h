// Serves the cached /metrics page, the status page (/) and its JSON
// (/api/v1/upgrades), and the lifecycle endpoints. Never talks to an upstream.
#pragma once

#include <functional>
#include <mutex>
#include <memory>
#include <string>
#include <thread>

#include "http/tls_material.h"
#include "http/web_config.h"
#include "render/page_cache.h"

namespace httplib {
class Server;
}

namespace ue {

struct ServerOptions {
  std::string listen_address = ":9731";
  std::string telemetry_path = "/metrics";
  std::string web_config_file;  // empty: plain HTTP, no auth
};

// "host:port", ":port", "[v6]:port" -> (host, port). Throws std::invalid_argument.
std::pair<std::string, int> parse_listen_address(const std::string& address);

class HttpServer {
 public:
  // Returns an empty string on success, else the error to report.
  using ReloadFn = std::function<std::string()>;

  HttpServer(ServerOptions options, PageCache& pages, ReloadFn reload);
  ~HttpServer();

  // Reads --web.config.file, binds and starts serving on a background thread.
  // Throws ConfigError for a bad web config, std::runtime_error otherwise.
  void start();
  void stop();
  int port() const { return port_; }

  // Re-reads --web.config.file: new users, certificates and client CAs apply
  // to the next connection. Returns an empty string, or the error (the
  // running settings are kept).
  std::string reload_web_config();

  struct WebState;  // the loaded web config: users and TLS material

 private:
  void install_routes();
  std::shared_ptr<const WebState> web_state() const;

  ServerOptions options_;
  mutable std::mutex web_mutex_;
  std::shared_ptr<const WebState> web_;
  TlsMaterialSource tls_source_;  // what each TLS handshake uses: the current web state's material
  PageCache& pages_;
  ReloadFn reload_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ue
