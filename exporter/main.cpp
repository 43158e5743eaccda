// upgrade_exporter: polls upgrade progress of Service Fabric and Qumulo
// clusters and serves it to Prometheus. See README.md.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <pthread.h>
#include <string>

#include "app/exporter.h"
#include "log/log.h"

namespace {

struct Flags {
  std::string config_file = "upgrade_exporter.yml";
  ue::ServerOptions server;
  ue::LogLevel log_level = ue::LogLevel::info;
  ue::LogFormat log_format = ue::LogFormat::logfmt;
};

constexpr const char* kUsage =
    "usage: upgrade_exporter [<flags>]\n"
    "\n"
    "Prometheus exporter for the upgrade progress of Azure Service Fabric and Qumulo Core clusters.\n"
    "Upstreams are polled on their own schedule; /metrics serves the last completed poll.\n"
    "\n"
    "Flags:\n"
    "  --config.file=upgrade_exporter.yml  Configuration file (targets and polling).\n"
    "  --web.listen-address=:9731          Address to listen on for /metrics and the lifecycle endpoints.\n"
    "  --web.telemetry-path=/metrics       Path under which to expose metrics.\n"
    "  --web.config.file=\"\"                Web configuration file enabling TLS and/or basic auth\n"
    "                                      (exporter-toolkit format).\n"
    "  --log.level=info                    Only log messages with the given severity or above:\n"
    "                                      debug, info, warn, error.\n"
    "  --log.format=logfmt                 Output format of log messages: logfmt, json.\n"
    "  --help                              Show this help and exit.\n"
    "  --version                           Show the version and exit.\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "upgrade_exporter: error: %s, try --help\n", message.c_str());
  std::exit(1);
}

// Every flag that takes a value, once: its name and how the value is applied.
using ApplyFlag = void (*)(Flags&, const std::string& value);
const std::map<std::string, ApplyFlag, std::less<>> kValueFlags = {
    {"config.file", [](Flags& f, const std::string& value) { f.config_file = value; }},
    {"web.listen-address",
     [](Flags& f, const std::string& value) {
       try {
         ue::parse_listen_address(value);
       } catch (const std::exception& e) {
         usage_error("--web.listen-address: " + std::string(e.what()));
       }
       f.server.listen_address = value;
     }},
    {"web.telemetry-path",
     [](Flags& f, const std::string& value) {
       if (value.empty() || value.front() != '/') usage_error("--web.telemetry-path must start with /");
       f.server.telemetry_path = value;
     }},
    {"web.config.file", [](Flags& f, const std::string& value) { f.server.web_config_file = value; }},
    {"log.level",
     [](Flags& f, const std::string& value) {
       if (!ue::parse_log_level(value, f.log_level))
         usage_error("--log.level must be one of debug, info, warn, error, got \"" + value + "\"");
     }},
    {"log.format",
     [](Flags& f, const std::string& value) {
       if (!ue::parse_log_format(value, f.log_format))
         usage_error("--log.format must be one of logfmt, json, got \"" + value + "\"");
     }},
};

Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--version") {
      std::printf("upgrade_exporter, version %s (revision: %s)\n", UE_VERSION, UE_REVISION);
      std::exit(0);
    }
    if (arg.rfind("--", 0) != 0) usage_error("unexpected argument \"" + arg + "\"");
    const auto eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const auto flag = kValueFlags.find(name);
    if (flag == kValueFlags.end()) usage_error("unknown flag --" + name);
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];  // "--flag value", as kingpin accepts
    } else {
      usage_error("flag --" + name + " needs a value");
    }
    flag->second(flags, value);
  }
  return flags;
}

}  // namespace

int main(int argc, char** argv) {
  // Each poll parses and frees megabytes (listings, pages) on its worker
  // threads. Few arenas and a fixed mmap threshold let glibc hand that
  // memory back instead of keeping a high-water mark per thread.
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // glibc sets up its allocator lazily, and two pollers making the first
  // malloc_trim calls at once can race through that set-up (seen under
  // AddressSanitizer, whose own malloc leaves glibc's untouched until then):
  // do it here, before any thread exists.
  malloc_trim(0);
  Flags flags = parse_flags(argc, argv);
  ue::Log::configure(flags.log_level, flags.log_format);

  // Signals are taken by this thread with sigwait; every thread started from
  // here on inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<ue::Exporter> exporter;
  try {
    exporter = std::make_unique<ue::Exporter>(ue::ExporterOptions{flags.config_file, flags.server});
    exporter->start();
  } catch (const std::exception& e) {  // ConfigError, or the address cannot be listened on
    std::fprintf(stderr, "upgrade_exporter: error: %s\n", e.what());
    return 1;
  }

  for (;;) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal == SIGHUP) {
      exporter->reload();
      continue;
    }
    ue::Log::info("shutting down", {{"signal", strsignal(signal)}});
    break;
  }
  exporter->stop();
  return 0;
}
