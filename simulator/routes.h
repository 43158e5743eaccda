// The HTTP face of the world: cpp-httplib handlers for the Service Fabric
// gateway and Qumulo REST routes, plus the gateway's quirks (raw query
// parsing, api-version checks), the token checks, the token endpoint and
// Qumulo login, and the latency and fault injection.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth.h"
#include "world.h"

namespace sim {

// Lets handlers sleep (latency, slow faults) without holding up shutdown.
class Stopper {
 public:
  // Sleeps for `d` (real time) unless stop() comes first; false when stopped.
  bool sleep_for(Micros d);
  void stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

// Picks which progress requests get a fault. The choice is a pure function of
// (seed, path, how many times that path was asked before), so runs are
// reproducible whatever order concurrent requests arrive in.
class FaultInjector {
 public:
  FaultInjector(Faults faults, std::uint64_t seed) : faults_(std::move(faults)), seed_(seed) {}
  std::optional<FaultKind> draw(const std::string& path);

 private:
  Faults faults_;
  std::uint64_t seed_;
  std::mutex mu_;
  std::map<std::string, std::uint64_t> asked_;
};

// The gateway's query parser: split on '&' and '=', no percent-decoding, names
// case-sensitive, the first occurrence wins, a pair whose value holds '=' is ignored.
std::map<std::string, std::string> raw_query(std::string_view target);

// The api-versions the simulated runtime (10.1) accepts: "1.0" to "10.1", with an optional "-preview".
inline constexpr double kMaxApiVersion = 10.1;
std::optional<double> parse_api_version(std::string_view text);

// What the gateway was asked, for benchmarks and the demo: GET /-/stats.
struct RequestStats {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::atomic<std::uint64_t> oauth2_token_requests{0};  // token endpoint calls, answered or refused
  std::atomic<std::uint64_t> imds_token_requests{0};    // IMDS token calls, answered or refused
  std::atomic<std::uint64_t> qumulo_login_requests{0};  // POST /v1/session/login calls, answered or refused
  std::atomic<std::uint64_t> unauthorized{0};           // 401s for a missing, unknown or expired token
};

struct RouteOptions {
  std::function<SimTime()> now;  // the simulated clock
  // Real time since start-up, whatever --speed says: token and session lifetimes (see auth.h). Unset: steady clock.
  std::function<Micros()> token_clock;
  Micros latency{0};             // real time added before every response
  Faults faults;
  std::uint64_t seed = 1;
  std::shared_ptr<Stopper> stopper = std::make_shared<Stopper>();
  std::shared_ptr<RequestStats> stats = std::make_shared<RequestStats>();
};

// Answers {"Error": {"Code", "Message"}}, the gateway's FabricError.
void fabric_error(httplib::Response& res, int status, std::string_view code, std::string_view message);

// Registers every route on `server`. `world` must outlive the server.
void install_routes(httplib::Server& server, World& world, RouteOptions options);

}  // namespace sim
