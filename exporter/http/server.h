// Serves the cached page and the lifecycle endpoints. Never talks to an upstream.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

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

  // Binds and starts serving on a background thread. Throws std::runtime_error.
  void start();
  void stop();
  int port() const { return port_; }

 private:
  void install_routes();

  ServerOptions options_;
  PageCache& pages_;
  ReloadFn reload_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ue
