// upgrade_simulator: plays scripted Service Fabric and Qumulo upgrades over
// HTTP so the exporter can be seen working on one machine.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "routes.h"
#include "scenario.h"
#include "world.h"


namespace {

constexpr std::string_view kUsage = R"(usage: upgrade_simulator [flags]

Serves simulated Service Fabric and Qumulo upgrade-progress APIs that play a scenario.

  --web.listen-address=HOST:PORT  where to listen (default 127.0.0.1:19080; port 0 picks a free one)
  --scenario=FILE                 scenario YAML (default: the bundled scenarios/default.yml)
  --speed=FACTOR                  simulated time runs FACTOR times real time (default 1)
  --applications=N                scale mode: add N generated applications under fabric:/scale/
  --upgrading=K                   how many of those keep upgrading (default 10)
  --latency=DURATION              added to every response, e.g. 20ms (overrides the scenario)
  --fault-rate=R                  fraction of progress requests answered with a fault (overrides the scenario)
  --seed=N                        fault-injection seed (overrides the scenario)
  --help, --version
)";

struct Flags {
  std::string listen = "127.0.0.1:19080";
  std::string scenario;
  double speed = 1;
  int applications = 0;
  int upgrading = 10;
  std::optional<sim::Micros> latency;
  std::optional<double> fault_rate;
  std::optional<std::uint64_t> seed;
};

struct FlagError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class Number>
Number number_flag(std::string_view name, const std::string& text, Number lo, Number hi) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(value >= lo && value <= hi)) {
    std::ostringstream range;
    range << lo << " to " << hi;
    throw FlagError("--" + std::string(name) + "=" + text + ": expected a number from " + range.str());
  }
  return value;
}

// Returns nullopt when the program should exit 0 (after --help or --version).
std::optional<Flags> parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    }
    if (arg == "--version") {
      std::cout << "upgrade_simulator, version " UE_VERSION " (revision: " UE_REVISION ")\n";
      return std::nullopt;
    }
    if (!arg.starts_with("--")) throw FlagError("unexpected argument \"" + arg + "\" (see --help)");
    auto eq = arg.find('=');
    std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2), value;
    static const std::set<std::string> kValueFlags = {"web.listen-address", "scenario", "speed", "applications",
                                                      "upgrading", "latency", "fault-rate", "seed"};
    if (!kValueFlags.contains(name)) throw FlagError("unknown flag --" + name + " (see --help)");
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      throw FlagError("--" + name + " needs a value (see --help)");
    }
    if (name == "web.listen-address") {
      flags.listen = value;
    } else if (name == "scenario") {
      flags.scenario = value;
    } else if (name == "speed") {
      flags.speed = number_flag<double>(name, value, 0.001, 100000);
    } else if (name == "applications") {
      flags.applications = number_flag<int>(name, value, 0, 1000000);
    } else if (name == "upgrading") {
      flags.upgrading = number_flag<int>(name, value, 0, 1000000);
    } else if (name == "latency") {
      flags.latency = sim::parse_duration(value);
      if (!flags.latency || flags.latency->count() < 0)
        throw FlagError("--latency=" + value + ": expected a duration such as 20ms");
    } else if (name == "fault-rate") {
      flags.fault_rate = number_flag<double>(name, value, 0, 1);
    } else if (name == "seed") {
      flags.seed = number_flag<std::uint64_t>(name, value, 0, UINT64_MAX);
    }
  }
  return flags;
}

// The bundled scenario: next to the sources this binary was built from, or installed beside it.
// __FILE__ is relative when ccache's base_dir rewrote the compile, so a build directory at the top
// of the source tree (build/upgrade_simulator) is tried too.
std::string default_scenario_path() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path candidates[] = {
      fs::path(__FILE__).parent_path() / "scenarios" / "default.yml",
      exe.parent_path().parent_path() / "simulator" / "scenarios" / "default.yml",
      exe.parent_path() / "scenarios" / "default.yml",
      exe.parent_path() / ".." / "share" / "upgrade_simulator" / "default.yml",
  };
  for (const auto& path : candidates)
    if (fs::is_regular_file(path, ec)) return path.string();
  throw FlagError("cannot find the bundled scenarios/default.yml; pass --scenario=FILE");
}

std::pair<std::string, int> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) throw FlagError("--web.listen-address=" + address + ": expected HOST:PORT");
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = number_flag<int>("web.listen-address port", address.substr(colon + 1), 0, 65535);
  return {host, port};
}

int run(const Flags& flags) {
  sim::Scenario scenario = sim::load_scenario_file(flags.scenario.empty() ? default_scenario_path() : flags.scenario);
  if (flags.applications > 0) sim::add_generated_applications(scenario, flags.applications, flags.upgrading);
  if (flags.latency) scenario.latency = *flags.latency;
  if (flags.fault_rate) scenario.faults.rate = *flags.fault_rate;
  if (flags.seed) scenario.seed = *flags.seed;
  auto [host, port] = split_address(flags.listen);

  // Signals are taken synchronously by this thread (sigtimedwait below), never by server threads.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-answer is its own problem

  sim::World world(scenario, sim::WallClock::now());
  sim::SimClock clock(flags.speed);
  sim::RouteOptions options;
  options.now = [&clock] { return clock.now(); };
  options.latency = scenario.latency;
  options.faults = scenario.faults;
  options.seed = scenario.seed;
  auto stopper = options.stopper;

  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(32); };  // room for slow and delayed answers
  // Headers and body leave in separate writes: without this, Nagle's algorithm
  // and the client's delayed ACK add 40 ms to every answer, unlike a gateway.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_timeout(1);  // idle connections must not delay shutdown
  // A gateway (HTTP.sys) serves many requests per connection; httplib's default
  // of 5 would make the exporter reconnect every fifth request.
  server.set_keep_alive_max_count(100000);
  sim::install_routes(server, world, std::move(options));

  int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) throw FlagError("cannot listen on " + flags.listen + " (address in use or not local?)");
  std::cerr << "level=info msg=\"upgrade_simulator listening\" address=" << host << ":" << bound
            << " scenario=" << (flags.scenario.empty() ? "default" : flags.scenario) << " speed=" << flags.speed
            << " objects=" << scenario.objects.size() << std::endl;

  std::atomic<bool> server_done = false;
  std::thread serving([&] {
    server.listen_after_bind();
    server_done = true;
  });

  timespec tick{0, 200'000'000};
  int signal = -1;
  while (!server_done && signal < 0) signal = sigtimedwait(&stop_signals, nullptr, &tick);
  std::cerr << "level=info msg=\"upgrade_simulator stopping\"" << std::endl;

  stopper->stop();  // wakes handlers sleeping on latency or a slow fault
  server.stop();
  // Stop within a second even if a client holds a request open.
  auto joined = std::async(std::launch::async, [&] { serving.join(); });
  if (joined.wait_for(std::chrono::milliseconds(900)) != std::future_status::ready) std::_Exit(0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto flags = parse_flags(argc, argv);
    return flags ? run(*flags) : 0;
  } catch (const std::exception& e) {  // FlagError, sim::ScenarioError, ...
    std::cerr << "upgrade_simulator: " << e.what() << std::endl;
    return 1;
  }
}
