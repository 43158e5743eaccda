#include "routes.h"

#include "entra.h"

#include "event_store_routes.h"

#include <charconv>

namespace sim {
namespace {

constexpr const char* kSfContentType = "application/json; charset=utf-8";
constexpr const char* kQumuloContentType = "application/json";

// Both APIs answer errors in their own JSON shape.
enum class Api { service_fabric, qumulo };

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void send_json(httplib::Response& res, int status, const Json& body, Api api) {
  res.status = status;
  res.set_content(body.dump(), api == Api::service_fabric ? kSfContentType : kQumuloContentType);
}

}  // namespace

void fabric_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
  send_json(res, status, {{"Error", {{"Code", code}, {"Message", message}}}}, Api::service_fabric);
}

namespace {

void qumulo_error(httplib::Response& res, int status, std::string_view error_class, std::string_view description) {
  send_json(res, status, qumulo_error_body(error_class, description), Api::qumulo);
}

void error_for(Api api, httplib::Response& res, int status, std::string_view code, std::string_view message) {
  if (api == Api::service_fabric) {
    fabric_error(res, status, code, message);
  } else {
    qumulo_error(res, status, code, message);
  }
}

// GET /$/GetAadMetadata. Secured: where the token endpoint is (this simulator) and the cluster
// application (the scope's resource). Unsecured: an empty type (inferred; the spec shows only "aad").
Json aad_metadata(const std::optional<OAuth2Client>& oauth2, const std::string& host) {
  if (!oauth2) return {{"type", ""}, {"metadata", nullptr}};
  std::string login = "http://" + (host.empty() ? std::string("127.0.0.1") : host);
  std::string cluster = oauth2->scope.substr(0, oauth2->scope.size() - std::string_view("/.default").size());
  return {{"type", "aad"},
          {"metadata", {{"authority", login + "/" + oauth2->tenant}, {"client", stable_guid("sfx client " + cluster)},
                        {"cluster", cluster}, {"login", login}, {"redirect", login + "/Explorer/index.html"},
                        {"tenant", oauth2->tenant}}}};
}

// GET /$/GetRepairTaskList's filters. TaskIdFilter is percent-decoded (ids
// hold '/', which clients encode); a StateFilter that is not an integer
// 0-127 is nullopt (400).
std::optional<RepairTaskFilter> repair_task_filter(const std::map<std::string, std::string>& query) {
  RepairTaskFilter filter;
  if (auto it = query.find("TaskIdFilter"); it != query.end()) {
    const std::string& raw = it->second;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      int byte = 0;
      if (raw[i] == '%' && i + 2 < raw.size() &&
          std::from_chars(raw.data() + i + 1, raw.data() + i + 3, byte, 16).ptr == raw.data() + i + 3) {
        filter.task_id_prefix += static_cast<char>(byte);
        i += 2;
      } else {
        filter.task_id_prefix += raw[i];
      }
    }
  }
  if (auto it = query.find("ExecutorFilter"); it != query.end()) filter.executor = it->second;
  if (auto it = query.find("StateFilter"); it != query.end()) {
    const std::string& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), filter.states);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || filter.states < 0 ||
        filter.states > 127)
      return std::nullopt;
  }
  return filter;
}

class Routes {
 public:
  Routes(World& world, RouteOptions options)
      : world_(world), options_(std::move(options)), faults_(options_.faults, options_.seed) {
    if (!options_.token_clock) {
      options_.token_clock = [origin = std::chrono::steady_clock::now()] {
        return std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - origin);
      };
    }
  }

  void install(httplib::Server& server, const std::shared_ptr<Routes>& self);

 private:
  using Query = std::map<std::string, std::string>;
  using SfHandler = std::function<void(const httplib::Request&, httplib::Response&, const Query&, double api)>;

  // Checks the access token when the scenario has oauth2 (401) unless `anonymous`, then
  // api-version like the gateway (400 E_INVALIDARG), then runs `handler`.
  httplib::Server::Handler service_fabric(SfHandler handler, bool anonymous = false) const;
  // The access token of a Service Fabric request: true when the scenario has no oauth2, or it is live.
  bool service_fabric_gate(const httplib::Request& req, httplib::Response& res) const;
  // The token endpoint's answer (auth.h), counted.
  void token_request(const httplib::Request& req, httplib::Response& res, TokenEndpoint endpoint);
  // The IMDS route's answer (entra.h), counted; its 429s come first.
  void imds_request(const httplib::Request& req, httplib::Response& res);
  // Answers a progress request with `body()`, unless the fault injector picks it.
  void progress(const httplib::Request& req, httplib::Response& res, Api api, const std::function<Json()>& body);
  // Qumulo's gate: the simulated outage first (503), then the bearer token (401).
  bool qumulo_gate(const httplib::Request& req, httplib::Response& res, bool needs_auth) const;
  // MaxResults and ContinuationToken, or a 400.
  std::optional<std::pair<std::string, std::uint64_t>> paging(const Query& query, httplib::Response& res) const;
  template <class List>
  SfHandler listing(List list) const;

  World& world_;
  RouteOptions options_;
  FaultInjector faults_;
  mutable TokenStore access_tokens_{"sim-access-"};  // issued by the token endpoint, for Service Fabric
  mutable TokenStore sessions_{"session-v1:"};       // issued by Qumulo's login
  std::atomic<std::uint64_t> imds_asked_{0};          // IMDS requests with Metadata: true, for its 429s
};

httplib::Server::Handler Routes::service_fabric(SfHandler handler, bool anonymous) const {
  return [this, handler = std::move(handler), anonymous](const httplib::Request& req, httplib::Response& res) {
    if (!anonymous && !service_fabric_gate(req, res)) return;
    Query query = raw_query(req.target);
    auto version = query.find("api-version");
    if (version == query.end()) return fabric_error(res, 400, "E_INVALIDARG", "The api-version query parameter is required.");
    auto api = parse_api_version(version->second);
    if (!api) {
      return fabric_error(res, 400, "E_INVALIDARG",
                          "api-version '" + version->second + "' is not supported: use 1.0 to 10.1.");
    }
    handler(req, res, query, *api);
  };
}

void Routes::progress(const httplib::Request& req, httplib::Response& res, Api api, const std::function<Json()>& body) {
  auto fault = faults_.draw(req.path);
  if (fault == FaultKind::busy) {
    return error_for(api, res, 503, api == Api::service_fabric ? "FABRIC_E_SERVICE_TOO_BUSY" : "service_too_busy",
                     "The service is too busy to answer; retry later. (injected fault)");
  }
  if (fault == FaultKind::error) {
    return error_for(api, res, 500, api == Api::service_fabric ? "E_FAIL" : "internal_error",
                     "Internal error. (injected fault)");
  }
  if (fault == FaultKind::slow && !options_.stopper->sleep_for(options_.faults.slow_delay)) {
    return error_for(api, res, 503, api == Api::service_fabric ? "FABRIC_E_SERVICE_TOO_BUSY" : "shutting_down",
                     "The simulator is shutting down.");
  }
  std::string text = body().dump();
  // A truncated body: complete HTTP, half the JSON, so the client fails to parse it.
  if (fault == FaultKind::truncated) text.resize(text.size() / 2);
  res.status = 200;
  res.set_content(text, api == Api::service_fabric ? kSfContentType : kQumuloContentType);
}

bool Routes::service_fabric_gate(const httplib::Request& req, httplib::Response& res) const {
  if (!world_.scenario().oauth2) return true;
  std::string authorization = req.get_header_value("Authorization");  // owns what the token views
  std::string_view token = bearer_token_of(authorization);
  auto check = token.empty() ? TokenStore::Check::unknown : access_tokens_.check(token, options_.token_clock());
  if (check == TokenStore::Check::live) return true;
  ++options_.stats->unauthorized;
  res.set_header("WWW-Authenticate", "Bearer");
  const char* why = "The access token was not issued for this cluster.";
  if (token.empty()) why = "This cluster is secured with Microsoft Entra ID: send Authorization: Bearer <access token>.";
  if (check == TokenStore::Check::expired) why = "The access token has expired; get a new one.";
  fabric_error(res, 401, "FABRIC_E_SERVER_AUTHENTICATION_FAILED", why);
  return false;
}

void Routes::token_request(const httplib::Request& req, httplib::Response& res, TokenEndpoint endpoint) {
  ++options_.stats->oauth2_token_requests;
  // A client assertion's aud is the token URL the client was told: this server, as it was asked.
  const std::string audience = "http://" + req.get_header_value("Host") + req.path;
  AuthAnswer answer = answer_token_request(world_.scenario().oauth2, endpoint, req.get_header_value("Content-Type"),
                                           req.body, access_tokens_, options_.token_clock(), WallClock::now(),
                                           audience);
  res.set_header("Cache-Control", "no-store, no-cache");  // RFC 6749 5.1
  res.set_header("Pragma", "no-cache");
  send_json(res, answer.status, answer.body, Api::service_fabric);
}

void Routes::imds_request(const httplib::Request& req, httplib::Response& res) {
  ++options_.stats->imds_token_requests;
  // The scripted 429s go to requests IMDS would otherwise answer: those with Metadata: true.
  const bool has_metadata = req.get_header_value("Metadata") == "true";
  const std::uint64_t asked_before = has_metadata ? imds_asked_++ : 0;
  std::map<std::string, std::string> query;
  for (const auto& [name, value] : req.params) query.emplace(name, value);
  AuthAnswer answer = answer_imds_token(world_.scenario().oauth2, req.get_header_value("Metadata"), query, asked_before,
                                        access_tokens_, options_.token_clock(), WallClock::now());
  send_json(res, answer.status, answer.body, Api::service_fabric);
}

bool Routes::qumulo_gate(const httplib::Request& req, httplib::Response& res, bool needs_auth) const {
  // The reboot outage is simulated with 503 on every Qumulo route (not a closed
  // connection): deterministic for tests, and clients already count it as "API unreachable".
  if (!world_.qumulo_reachable(options_.now())) {
    qumulo_error(res, 503, "service_unavailable", "The cluster is rebooting; the REST API is unavailable.");
    return false;
  }
  // The scenario's long-lived token (an access token) or a live session from /v1/session/login.
  const Qumulo& qumulo = world_.scenario().qumulo;
  if (!needs_auth || (qumulo.bearer_token.empty() && !qumulo.login)) return true;
  std::string authorization = req.get_header_value("Authorization");  // owns what the token views
  std::string_view token = bearer_token_of(authorization);
  bool authorized = !token.empty() && (token == qumulo.bearer_token ||
                                       sessions_.check(token, options_.token_clock()) == TokenStore::Check::live);
  if (!authorized) {
    ++options_.stats->unauthorized;
    res.set_header("WWW-Authenticate", "Bearer");
    qumulo_error(res, 401, "http_unauthorized_error", "Need a valid bearer token in the Authorization header.");
    return false;
  }
  return true;
}

std::optional<std::pair<std::string, std::uint64_t>> Routes::paging(const Query& query, httplib::Response& res) const {
  std::uint64_t max_results = 0;
  if (auto it = query.find("MaxResults"); it != query.end()) {
    const std::string& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), max_results);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      fabric_error(res, 400, "E_INVALIDARG", "MaxResults must be a non-negative integer.");
      return std::nullopt;
    }
  }
  auto token = query.find("ContinuationToken");
  return std::pair{token == query.end() ? std::string() : token->second, max_results};
}

template <class List>
Routes::SfHandler Routes::listing(List list) const {
  return [this, list](const httplib::Request&, httplib::Response& res, const Query& query, double api) {
    auto paged = paging(query, res);
    if (!paged) return;
    auto body = list(paged->first, paged->second, query, api);
    if (!body) return fabric_error(res, 400, "E_INVALIDARG", "The continuation token is not valid. Pass it back exactly as received.");
    send_json(res, 200, *body, Api::service_fabric);
  };
}

void Routes::install(httplib::Server& server, const std::shared_ptr<Routes>& self) {
  // Every handler holds the routes alive through `self`.
  auto now = [self] { return self->options_.now(); };
  World* world = &world_;

  server.set_pre_routing_handler([self](const httplib::Request& req, httplib::Response&) {
    if (req.path != "/-/stats") {
      RequestStats& stats = *self->options_.stats;
      ++stats.requests;
      int now_in_flight = ++stats.in_flight;
      for (int seen = stats.max_in_flight; now_in_flight > seen && !stats.max_in_flight.compare_exchange_weak(seen, now_in_flight);) {
      }
    }
    if (self->options_.latency > Micros(0)) self->options_.stopper->sleep_for(self->options_.latency);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_post_routing_handler([self](const httplib::Request& req, httplib::Response&) {
    if (req.path != "/-/stats") --self->options_.stats->in_flight;
  });
  // Requests served so far and the most ever in flight at once (benchmarks).
  server.Get("/-/stats", [self](const httplib::Request&, httplib::Response& res) {
    const RequestStats& stats = *self->options_.stats;
    Json body = {{"requests", stats.requests.load()}, {"in_flight", stats.in_flight.load()},
                 {"max_in_flight", stats.max_in_flight.load()},
                 {"oauth2_token_requests", stats.oauth2_token_requests.load()},
                 {"imds_token_requests", stats.imds_token_requests.load()},
                 {"qumulo_login_requests", stats.qumulo_login_requests.load()},
                 {"unauthorized", stats.unauthorized.load()}};
    res.set_content(body.dump() + "\n", "application/json");
  });

  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        "upgrade_simulator: simulated Service Fabric and Qumulo upgrade APIs.\n\n"
        "Service Fabric (add ?api-version=6.0 or 8.2):\n"
        "  GET  /$/GetUpgradeProgress\n  GET  /$/GetClusterConfigurationUpgradeStatus\n"
        "  POST /$/StartClusterConfigurationUpgrade\n  GET  /Applications[?MaxResults=N&ContinuationToken=T]\n"
        "  GET  /Applications/{Id}/$/GetUpgradeProgress\n  GET  /Resources/Applications\n"
        "  GET  /Resources/Applications/{name}/$/GetUpgradeProgress\n  GET  /ComposeDeployments\n"
        "  GET  /ComposeDeployments/{name}/$/GetUpgradeProgress\n  GET  /$/GetRepairTaskList\n"
        "  GET  /EventsStore/Cluster/Events?StartTimeUtc=T&EndTimeUtc=T[&EventsTypesFilter=K1,K2] (6.4+)\n"
        "  GET  /EventsStore/Applications/Events (the same parameters)\n"
        "  GET  /$/GetAadMetadata (anonymous)\n\n"
        "Token endpoint (scenario service_fabric.oauth2):\n  POST /{tenant}/oauth2/v2.0/token\n"
        "  POST /{tenant}/oauth2/token (v1)\n"
        "  GET  /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R (IMDS-like; Metadata: true)\n\n"
        "Qumulo:\n  POST /v1/session/login\n  GET  /v3/upgrade/status\n"
        "  POST /v2/upgrade/prepare\n  POST /v2/upgrade/commit\n"
        "  GET  /v1/shutdown/reboot/status\n  GET  /v2/upgrade/blocked\n"
        "  GET  /v1/cluster/protection/restriper/status\n  GET  /v1/cluster/protection/status\n"
        "  GET  /v1/cluster/nodes/\n  GET  /v1/version\n",
        "text/plain; charset=utf-8");
  });
  server.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) { res.set_content("OK\n", "text/plain"); });

  // --- Service Fabric
  server.Get(R"(/\$/GetUpgradeProgress)",
             service_fabric([self, now, world](const httplib::Request& req, httplib::Response& res, const Query&, double api) {
               self->progress(req, res, Api::service_fabric, [&] { return world->cluster_progress(now(), api); });
             }));
  server.Get(R"(/\$/GetClusterConfigurationUpgradeStatus)",
             service_fabric([self, now, world](const httplib::Request& req, httplib::Response& res, const Query&, double) {
               self->progress(req, res, Api::service_fabric, [&] { return world->cluster_config_status(now()); });
             }));
  server.Post(R"(/\$/StartClusterConfigurationUpgrade)",
              service_fabric([now, world](const httplib::Request& req, httplib::Response& res, const Query&, double) {
                auto request = parse_config_upgrade(req.body);
                if (auto* message = std::get_if<std::string>(&request)) return fabric_error(res, 400, "E_INVALIDARG", *message);
                if (!world->start_cluster_config_upgrade(now(), std::get<ConfigUpgradeRequest>(request))) {
                  return fabric_error(res, 409, "FABRIC_E_FABRIC_UPGRADE_IN_PROGRESS",
                                      "A cluster configuration upgrade is already in progress.");
                }
                res.status = 202;  // Accepted, empty body
              }));

  server.Get("/Applications", service_fabric(listing([now, world](const std::string& token, std::uint64_t max,
                                                                   const Query& query, double api) {
               auto exclude = query.find("ExcludeApplicationParameters");
               return world->applications(now(), token, max, api, exclude != query.end() && exclude->second == "true");
             })));
  // Ids use '~' for '/' (any api-version); nested names with '/' (api-version < 6.0 style) also match.
  server.Get(R"(/Applications/(.+)/\$/GetUpgradeProgress)",
             service_fabric([self, now, world](const httplib::Request& req, httplib::Response& res, const Query&, double api) {
               std::string name = "fabric:/" + std::string(req.matches[1]);
               std::replace(name.begin(), name.end(), '~', '/');
               auto body = world->application_progress(now(), name, api);
               if (!body) {
                 return fabric_error(res, 404, "FABRIC_E_APPLICATION_NOT_FOUND", "Application " + name + " does not exist.");
               }
               self->progress(req, res, Api::service_fabric, [&] { return *body; });
             }));

  server.Get("/Resources/Applications",
             service_fabric(listing([now, world](const std::string& token, std::uint64_t max, const Query&, double) {
               return world->application_resources(now(), token, max);
             })));
  server.Get(R"(/Resources/Applications/([^/]+)/\$/GetUpgradeProgress)",
             service_fabric([self, now, world](const httplib::Request& req, httplib::Response& res, const Query&, double) {
               std::string name = req.matches[1];
               auto body = world->application_resource_progress(now(), name);
               if (!body) {
                 return fabric_error(res, 404, "FABRIC_E_APPLICATION_NOT_FOUND",
                                     "Application resource " + name + " does not exist.");
               }
               self->progress(req, res, Api::service_fabric, [&] { return *body; });
             }));

  server.Get("/ComposeDeployments",
             service_fabric(listing([now, world](const std::string& token, std::uint64_t max, const Query&, double) {
               return world->compose_deployments(now(), token, max);
             })));
  server.Get(R"(/ComposeDeployments/([^/]+)/\$/GetUpgradeProgress)",
             service_fabric([self, now, world](const httplib::Request& req, httplib::Response& res, const Query&, double) {
               std::string name = req.matches[1];
               auto body = world->compose_deployment_progress(now(), name);
               if (!body) {
                 return fabric_error(res, 404, "FABRIC_E_COMPOSE_DEPLOYMENT_NOT_FOUND",
                                     "Compose deployment " + name + " does not exist.");
               }
               self->progress(req, res, Api::service_fabric, [&] { return *body; });
             }));

  // The EventStore's two routes (event_store_routes.cpp), behind the same gate.
  install_event_store_routes(server, *world, now,
                             [self](SfHandler handler) { return self->service_fabric(std::move(handler)); });

  server.Get(R"(/\$/GetRepairTaskList)",
             service_fabric([now, world](const httplib::Request&, httplib::Response& res, const Query& query, double) {
               const std::optional<RepairTaskFilter> filter = repair_task_filter(query);
               if (!filter) return fabric_error(res, 400, "E_INVALIDARG", "StateFilter must be an integer 0-127.");
               send_json(res, 200, world->repair_tasks(now(), *filter), Api::service_fabric);
             }));

  // Anonymous, like the runtime's: where to get a token for this cluster.
  server.Get(R"(/\$/GetAadMetadata)",
             service_fabric([world](const httplib::Request& req, httplib::Response& res, const Query&, double) {
               send_json(res, 200, aad_metadata(world->scenario().oauth2, req.get_header_value("Host")),
                         Api::service_fabric);
             }, /*anonymous=*/true));

  // --- The token endpoint (Entra ID-like); the tenant is not checked.
  for (const char* path : {"/oauth2/v2.0/token", R"(/[^/]+/oauth2/v2\.0/token)"}) {
    server.Post(path, [self](const httplib::Request& req, httplib::Response& res) {
      self->token_request(req, res, TokenEndpoint::v2);
    });
  }
  server.Post(R"(/[^/]+/oauth2/token)", [self](const httplib::Request& req, httplib::Response& res) {
    self->token_request(req, res, TokenEndpoint::v1);
  });

  // --- The instance metadata service (IMDS-like): a managed identity's tokens for the cluster.
  server.Get("/metadata/identity/oauth2/token", [self](const httplib::Request& req, httplib::Response& res) {
    self->imds_request(req, res);
  });

  // --- Qumulo
  server.Post("/v1/session/login", [self, world](const httplib::Request& req, httplib::Response& res) {
    ++self->options_.stats->qumulo_login_requests;
    if (!self->qumulo_gate(req, res, /*needs_auth=*/false)) return;
    AuthAnswer answer = answer_login(world->scenario().qumulo.login, req.body, self->sessions_,
                                     self->options_.token_clock());
    send_json(res, answer.status, answer.body, Api::qumulo);
  });
  // The read-only progress routes: the outage and token gate, then the body (or an injected fault).
  auto qumulo_progress = [self, now, world](Json (World::*body)(SimTime) const) {
    return [self, now, world, body](const httplib::Request& req, httplib::Response& res) {
      if (self->qumulo_gate(req, res, true))
        self->progress(req, res, Api::qumulo, [&] { return (world->*body)(now()); });
    };
  };
  server.Get("/v3/upgrade/status", qumulo_progress(&World::qumulo_status));
  server.Get("/v2/upgrade/status", qumulo_progress(&World::qumulo_status));  // deprecated twin, same body
  server.Get("/v1/shutdown/reboot/status", qumulo_progress(&World::qumulo_reboot_status));
  server.Get("/v2/upgrade/blocked", qumulo_progress(&World::qumulo_blocked_status));
  server.Get("/v1/cluster/protection/restriper/status", qumulo_progress(&World::qumulo_restriper_status));
  server.Get("/v1/cluster/protection/status", qumulo_progress(&World::qumulo_protection_status));
  server.Get("/v1/cluster/nodes/", qumulo_progress(&World::qumulo_nodes));
  server.Get("/v1/version", [self, now, world](const httplib::Request& req, httplib::Response& res) {
    if (self->qumulo_gate(req, res, /*needs_auth=*/false)) send_json(res, 200, world->qumulo_version(now()), Api::qumulo);
  });
  server.Post("/v2/upgrade/prepare", [self, now, world](const httplib::Request& req, httplib::Response& res) {
    if (!self->qumulo_gate(req, res, true)) return;
    auto request = parse_prepare(req.body, world->scenario().qumulo.nodes);
    if (auto* message = std::get_if<std::string>(&request)) return qumulo_error(res, 400, "http_bad_request_error", *message);
    if (!world->qumulo_prepare(now(), std::get<PrepareRequest>(request)))
      return qumulo_error(res, 409, "upgrade_in_progress_error", "An upgrade is already in progress.");
    send_json(res, 202, Json::object(), Api::qumulo);
  });
  server.Post("/v2/upgrade/commit", [self, now, world](const httplib::Request& req, httplib::Response& res) {
    if (!self->qumulo_gate(req, res, true)) return;
    if (!world->qumulo_commit(now()))
      return qumulo_error(res, 409, "upgrade_not_prepared_error", "There is no prepared upgrade to commit.");
    send_json(res, 202, Json::object(), Api::qumulo);
  });
}

}  // namespace

bool Stopper::sleep_for(Micros d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stopped_; });
}

void Stopper::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

std::optional<FaultKind> FaultInjector::draw(const std::string& path) {
  if (faults_.rate <= 0 || faults_.kinds.empty()) return std::nullopt;
  std::uint64_t asked;
  {
    std::lock_guard lock(mu_);
    asked = asked_[path]++;
  }
  std::uint64_t h = seed_;
  for (unsigned char c : path) h = splitmix64(h ^ c);
  h = splitmix64(h ^ splitmix64(asked));
  double roll = double(h >> 11) * 0x1.0p-53;  // uniform in [0, 1)
  if (roll >= faults_.rate) return std::nullopt;
  return faults_.kinds[splitmix64(h) % faults_.kinds.size()];
}

std::map<std::string, std::string> raw_query(std::string_view target) {
  std::map<std::string, std::string> query;
  auto question = target.find('?');
  if (question == std::string_view::npos) return query;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = pair.substr(eq + 1);
    if (value.find('=') != std::string_view::npos) continue;
    query.emplace(std::string(pair.substr(0, eq)), std::string(value));  // emplace keeps the first
  }
  return query;
}

std::optional<double> parse_api_version(std::string_view text) {
  if (text.ends_with("-preview")) text.remove_suffix(8);
  auto dot = text.find('.');
  bool digits = !text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos &&
                dot != std::string_view::npos && dot > 0 && dot + 1 < text.size() &&
                text.find('.', dot + 1) == std::string_view::npos;
  if (!digits) return std::nullopt;
  double value = std::stod(std::string(text));
  if (value < 1.0 || value > kMaxApiVersion + 1e-9) return std::nullopt;
  return value;
}

void install_routes(httplib::Server& server, World& world, RouteOptions options) {
  auto routes = std::make_shared<Routes>(world, std::move(options));
  routes->install(server, routes);
}

}  // namespace sim
