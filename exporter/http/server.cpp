#include "http/server.h"

#include <httplib.h>

#include <optional>
#include <stdexcept>
#include <string_view>

#include "http/basic_auth.h"
#include "log/log.h"
#include "render/gzip.h"
#include "render/status_page.h"
#include "render/status_style.h"
#include "render/upgrades_api.h"

namespace ue {

struct HttpServer::WebState {
  explicit WebState(WebConfig c) : config(std::move(c)), auth(config.users) {
    if (config.tls) tls = TlsMaterial::load(*config.tls);
  }
  WebConfig config;
  BasicAuth auth;
  std::shared_ptr<const TlsMaterial> tls;
};

namespace {

std::shared_ptr<const HttpServer::WebState> load_web_state(const std::string& file) {
  return std::make_shared<HttpServer::WebState>(file.empty() ? WebConfig{} : load_web_config(file));
}

constexpr const char* kExpositionType = "text/plain; version=0.0.4; charset=utf-8";

bool accepts_gzip(const httplib::Request& req) {
  const auto& accepted = req.get_header_value("Accept-Encoding");
  return accepted.find("gzip") != std::string::npos;
}

// Bytes owned by `owner`, served without a copy. A sized content provider
// also keeps httplib from compressing what is already gzip a second time.
void serve_bytes(httplib::Response& res, std::shared_ptr<const void> owner, std::string_view body, const char* type) {
  res.set_content_provider(body.size(), type,
                           [owner = std::move(owner), body](size_t offset, size_t length, httplib::DataSink& sink) {
                             sink.write(body.data() + offset, length);
                             return true;
                           });
}

// Both forms are served from the cached page.
void serve_gzip(httplib::Response& res, std::shared_ptr<const Page> page) {
  const std::string& body = page->gzip();
  serve_bytes(res, page, body, kExpositionType);
}

void serve_text(httplib::Response& res, std::shared_ptr<const Page> page) {
  // The text lies in many small pieces (a family of one object each); they
  // leave in large writes, gathered in a buffer of this response's own.
  // Small and not zeroed: a buffer above malloc's mmap threshold would come
  // fresh from mmap, and fault in every page, at every scrape.
  static constexpr std::size_t kBufferSize = 32 * 1024;
  struct Writer {
    explicit Writer(std::shared_ptr<const Page> p)
        : page(std::move(p)), reader(*page), buffer(std::make_unique_for_overwrite<char[]>(kBufferSize)) {}
    std::shared_ptr<const Page> page;
    Page::Reader reader;
    std::unique_ptr<char[]> buffer;
  };
  auto writer = std::make_shared<Writer>(page);
  res.set_content_provider(page->size(), kExpositionType,
                           [writer](size_t offset, size_t length, httplib::DataSink& sink) {
                             char* buffer = writer->buffer.get();
                             std::size_t n = writer->reader.read(offset, buffer, std::min(length, kBufferSize));
                             return n > 0 && sink.write(buffer, n);
                           });
}

constexpr const char* kHtmlType = "text/html; charset=utf-8";
constexpr const char* kJsonType = "application/json";

// The status page and the API: nothing is fetched from elsewhere, sniffed as
// another type, or leaks a Referer; the one style sheet is the exporter's own
// (no inline style, so markup slipped into an upstream string could not restyle the page either).
void set_status_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Vary", "Accept-Encoding");
}

// One of the two status endpoints: its type, its cached forms and its renderer.
struct StatusEndpoint {
  const char* type;
  const std::string& (*cached)(const StatusPages&, bool gzip);
  bool refreshes;  // whether `refresh=0` changes what is rendered (the page) or not (the JSON)
  std::string (*render)(const FleetView&, const StatusQuery&, const StatusOptions&);
};
constexpr StatusEndpoint kStatusPage{
    kHtmlType, [](const StatusPages& s, bool gzip) -> const std::string& { return gzip ? s.page_gzip : s.page; },
    true, render_status_page};
constexpr StatusEndpoint kUpgradesApi{
    kJsonType, [](const StatusPages& s, bool gzip) -> const std::string& { return s.json(gzip); }, false,
    render_upgrades_json};

// The cached rendering when the query asks for the default, else one
// rendered now from the cached view; a bad filter is a 400 naming it.
void serve_status(const StatusEndpoint& endpoint, const PageCache& pages, const httplib::Request& req,
                  httplib::Response& res) {
  set_status_headers(res);
  std::string error;
  const std::optional<StatusQuery> query = parse_status_query(req.params, error);
  if (!query) {
    res.status = 400;
    res.set_content(error + "\n", "text/plain; charset=utf-8");
    return;
  }
  const std::shared_ptr<const StatusPages> status = pages.status();
  const bool gzip = accepts_gzip(req);
  if (gzip) res.set_header("Content-Encoding", "gzip");
  if (query->unfiltered() && (query->refresh || !endpoint.refreshes)) {
    serve_bytes(res, status, endpoint.cached(*status, gzip), endpoint.type);
    return;
  }
  auto body = std::make_shared<const std::string>(endpoint.render(*status->fleet, *query, pages.status_options()));
  if (gzip) body = std::make_shared<const std::string>(gzip_compress(*body));
  serve_bytes(res, body, *body, endpoint.type);
}

// httplib's routes are regular expressions: `path` matched literally.
std::string route_pattern(std::string_view path) {
  std::string pattern;
  for (char c : path) {
    if (std::string_view(".[]{}()\\*+?^$|").find(c) != std::string_view::npos) pattern += '\\';
    pattern += c;
  }
  return pattern;
}

// Whether an If-None-Match header names `etag` (or is "*"). A weak
// comparison, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
bool none_match(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

// GET /static/status.css: the same bytes until the exporter is replaced, so
// they carry a strong validator. No max-age: the page links the sheet by a
// fixed name, and a browser that cached it for a while would style a newer
// exporter's page with an older sheet; a revalidation is a 304 without a body.
void serve_stylesheet(const httplib::Request& req, httplib::Response& res) {
  const Stylesheet& sheet = status_stylesheet();
  const bool gzip = accepts_gzip(req);
  const StaticBody& body = gzip ? sheet.gzip : sheet.plain;
  res.set_header("ETag", body.etag);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Vary", "Accept-Encoding");
  res.set_header("X-Content-Type-Options", "nosniff");
  if (none_match(req.get_header_value("If-None-Match"), body.etag)) {
    res.status = 304;  // httplib adds "Content-Length: 0", which caches do not apply to what they hold (RFC 9111 3.2)
    return;
  }
  if (gzip) res.set_header("Content-Encoding", "gzip");
  // Owned by a static, which outlives every response.
  serve_bytes(res, nullptr, body.bytes, "text/css; charset=utf-8");
}

}  // namespace

std::pair<std::string, int> parse_listen_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("missing port in \"" + address + "\"");
  std::string host = address.substr(0, colon);
  std::string port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535) throw std::invalid_argument("invalid port in \"" + address + "\"");
    port = port * 10 + (c - '0');
  }
  if (port_text.empty() || port > 65535) throw std::invalid_argument("invalid port in \"" + address + "\"");
  return {host, port};
}

HttpServer::HttpServer(ServerOptions options, PageCache& pages, ReloadFn reload)
    : options_(std::move(options)), pages_(pages), reload_(std::move(reload)) {}

HttpServer::~HttpServer() { stop(); }

std::shared_ptr<const HttpServer::WebState> HttpServer::web_state() const {
  std::lock_guard lock(web_mutex_);
  return web_;
}

std::string HttpServer::reload_web_config() {
  if (options_.web_config_file.empty()) return {};
  try {
    auto fresh = load_web_state(options_.web_config_file);
    if (static_cast<bool>(fresh->tls) != static_cast<bool>(web_state()->tls))
      return options_.web_config_file + ": turning TLS on or off needs a restart";
    std::lock_guard lock(web_mutex_);
    web_ = std::move(fresh);
    return {};
  } catch (const ConfigError& e) {
    return e.what();
  }
}

void HttpServer::install_routes() {
  auto& s = *server_;
  // Every endpoint sits behind basic auth when users are configured, as in exporter-toolkit.
  auto reload = [this](httplib::Response& res) {
    std::string error = reload_();
    if (error.empty()) {
      res.set_content("OK\n", "text/plain");
    } else {
      res.status = 500;
      res.set_content("failed to reload config: " + error + "\n", "text/plain");
    }
  };
  s.set_pre_routing_handler([this, reload](const httplib::Request& req, httplib::Response& res) {
    auto web = web_state();
    if (web->auth.enabled() && !web->auth.check(req.get_header_value("Authorization"))) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"upgrade_exporter\"");
      res.set_content("Unauthorized\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib answers 400 to a POST with neither Content-Length nor chunked
    // encoding before any route runs, and that is what a bare
    // `curl -X POST .../-/reload` sends; with no body to read it is served here.
    if (req.method == "POST" && req.path == "/-/reload" && !req.has_header("Content-Length") &&
        !req.has_header("Transfer-Encoding")) {
      reload(res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.Get(options_.telemetry_path, [this](const httplib::Request& req, httplib::Response& res) {
    auto page = pages_.current();
    res.set_header("Vary", "Accept-Encoding");
    if (accepts_gzip(req)) {
      res.set_header("Content-Encoding", "gzip");
      serve_gzip(res, page);
    } else {
      serve_text(res, page);
    }
  });
  // With --web.telemetry-path=/ the metrics keep "/" and the status page is not served, nor its style sheet.
  // Routes are regular expressions, and the metrics, added first, win a clash with the sheet's path.
  if (options_.telemetry_path != "/") {
    s.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
      serve_status(kStatusPage, pages_, req, res);
    });
    s.Get(route_pattern(kStylesheetPath), serve_stylesheet);
  }
  s.Get("/api/v1/upgrades", [this](const httplib::Request& req, httplib::Response& res) {
    serve_status(kUpgradesApi, pages_, req, res);
  });
  s.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) { res.set_content("OK\n", "text/plain"); });
  s.Get("/-/ready", [](const httplib::Request&, httplib::Response& res) { res.set_content("OK\n", "text/plain"); });
  s.Post("/-/reload", [reload](const httplib::Request&, httplib::Response& res) { reload(res); });
}

void HttpServer::start() {
  auto [host, port] = parse_listen_address(options_.listen_address);
  web_ = load_web_state(options_.web_config_file);
  if (web_->tls) {
    tls_source_ = [this] { return web_state()->tls; };
    server_ = std::make_unique<httplib::SSLServer>([this](SSL_CTX& ctx) {
      install_tls_material(ctx, &tls_source_);
      return true;
    });
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  install_routes();
  // Headers and body leave in separate writes; with Nagle's algorithm on, the
  // body would wait for the scraper's delayed ACK (40 ms on Linux).
  server_->set_tcp_nodelay(true);
  // httplib closes a connection after 5 requests by default; a scraper (or
  // wrk) would reconnect every fifth scrape. Idle connections still close
  // after httplib's 5 s, as each one holds a worker thread.
  server_->set_keep_alive_max_count(100);
  // httplib also sets SO_REUSEPORT, with which a second exporter on the same
  // port would start and take half the scrapes; SO_REUSEADDR alone only lets
  // a restart bind while old connections linger in TIME_WAIT.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Port 0 picks a free port (tests); the log line says which.
  port_ = port == 0 ? server_->bind_to_any_port(host.c_str()) : (server_->bind_to_port(host.c_str(), port) ? port : -1);
  if (port_ <= 0) throw std::runtime_error("cannot listen on " + options_.listen_address);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  Log::info("listening", {{"address", options_.listen_address}, {"port", std::to_string(port_)}});
}

void HttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ue
