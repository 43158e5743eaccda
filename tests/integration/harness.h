// What the integration tests share: running the built binaries, a fake
// upstream on 127.0.0.1, scraping, and waiting on conditions (never on fixed sleeps).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace ue::test {

using namespace std::chrono_literals;

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// A fresh directory under /tmp, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `condition` until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 20s);

// A child process with its stderr captured.
class Process {
 public:
  Process(const std::string& binary, const std::vector<std::string>& args);
  ~Process();  // kills it if still running
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout = 20s);
  std::string output() const;
  void signal(int sig);
  // Waits for exit; returns the exit status, or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int stderr_fd_ = -1;
  mutable std::mutex mutex_;
  std::string output_;
  std::thread reader_;
  bool exited_ = false;
  int status_ = 0;
};

// Runs the exporter with `config_file` on a free loopback port.
class Exporter {
 public:
  explicit Exporter(const std::string& config_file, std::vector<std::string> extra_args = {});
  int port() const { return port_; }
  Process& process() { return *process_; }
  // GET on the exporter; returns (status, body).
  std::pair<int, std::string> get(const std::string& path) const;
  std::pair<int, std::string> post(const std::string& path) const;
  std::string metrics() const { return get("/metrics").second; }

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// A canned upstream: path (with query) -> response; records every raw request target.
class FakeUpstream {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};
  };
  // TLS when cert/key are given; client certificates are then required and checked against client_ca.
  FakeUpstream(const std::string& cert = "", const std::string& key = "", const std::string& client_ca = "");
  ~FakeUpstream();
  int port() const { return port_; }
  std::string url() const;
  void set(const std::string& target, Reply reply);
  void set_json_file(const std::string& target, const std::string& path);
  std::vector<std::string> requests() const;
  std::vector<std::string> request_headers(const std::string& name) const;
  std::size_t count(const std::string& target_prefix) const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  bool tls_ = false;
  mutable std::mutex mutex_;
  std::map<std::string, Reply> replies_;
  std::vector<std::string> requests_;
  std::multimap<std::string, std::string> headers_;
};

// One sample of an exposition page.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};
std::vector<Sample> parse_exposition(const std::string& text);
// The value of the only sample of `name` whose labels include `labels`; nullopt when none.
std::optional<double> find_value(const std::string& text, const std::string& name,
                                 const std::map<std::string, std::string>& labels);
std::size_t count_samples(const std::string& text, const std::string& name,
                          const std::map<std::string, std::string>& labels);

// Paths of the built binaries and the source tree (from CMake).
std::string exporter_binary();
std::string simulator_binary();
std::string testdata(const std::string& relative);

// Generates a CA, a server certificate for 127.0.0.1/localhost and a client certificate into `dir`
// (ca.pem, server.pem, server.key, client.pem, client.key) with the openssl command.
void make_test_pki(const std::string& dir);

}  // namespace ue::test
