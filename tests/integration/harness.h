// What the integration tests share: running the built binaries, a fake
// upstream on 127.0.0.1, scraping, and waiting on conditions (never on fixed sleeps).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
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
  // Stops it if still running (SIGTERM, so sanitizers get to check at exit;
  // SIGKILL if it lingers), and fails the running test when its stderr holds
  // a sanitizer report: a child built with ASan, UBSan or TSan cannot fail a
  // test any other way.
  ~Process();
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout = 20s);
  std::string output() const;
  void signal(int sig);
  // Waits for exit; returns the exit status, or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();
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

// One HTTP request to 127.0.0.1, for what Exporter::get cannot ask: headers,
// the body as sent, HTTPS with a client certificate. (Here rather than in the
// tests, so that only harness.cpp compiles cpp-httplib's header.)
struct HttpOptions {
  // (Every member has an initializer, so designated initializers may leave any out.)
  std::string method = "GET";  // or "POST"
  std::vector<std::pair<std::string, std::string>> headers = {};
  bool decompress = true;  // false: a gzipped body stays as sent
  std::string user = "", password = "";  // basic auth when user is not empty
  std::string ca_file = "";  // HTTPS, trusting this CA, when not empty
  std::string cert_file = "", key_file = "";  // the client certificate, when not empty
};
// The answer, read the way httplib's tests read it.
struct HttpAnswer {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  bool has_header(const std::string& name) const;
  std::string get_header_value(const std::string& name) const;  // the first, or ""
};
// nullopt when no HTTP answer came back (refused, a failed handshake).
std::optional<HttpAnswer> http_request(int port, const std::string& path, const HttpOptions& options = {});

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
  // Basic auth for every later get() and post(); an empty user sends none.
  void set_basic_auth(const std::string& user, const std::string& password) { auth_ = {user, password}; }

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
  std::pair<std::string, std::string> auth_;
};

// Runs the built upgrade_simulator with `scenario_file` on a free loopback port
// (at --speed=1, so its timestamps and durations are wall-clock ones).
class Simulator {
 public:
  explicit Simulator(const std::string& scenario_file);
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Process& process() { return *process_; }

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// The part of `output` from the first AddressSanitizer, LeakSanitizer,
// UndefinedBehaviorSanitizer or ThreadSanitizer report on; empty when none.
std::string sanitizer_report(const std::string& output);

// A canned upstream: path (with query) -> response; records every raw request target.
class FakeUpstream {
 public:
  // How the body is delimited on the wire.
  enum class Framing { content_length, chunked, until_close };
  struct Reply {
    int status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};  // before the answer starts
    // What a hostile upstream can do with the same body:
    Framing framing = Framing::content_length;
    std::chrono::milliseconds drip{0};  // > 0: the body goes out one byte per interval
    // httplib compresses JSON and text itself for clients that accept it; a
    // body that is already encoded (Content-Encoding below) needs a type it leaves alone.
    std::string content_type = "application/json";
    std::map<std::string, std::string> headers = {};  // extra response headers
  };
  // A request as received, for handlers whose answer depends on more than the target.
  struct Request {
    std::string method;
    std::string target;
    std::string body;
    std::multimap<std::string, std::string> headers;  // names as sent
    std::string header(const std::string& name) const;  // the first, or ""
  };
  // TLS when cert/key are given; client certificates are then required and checked against client_ca.
  FakeUpstream(const std::string& cert = "", const std::string& key = "", const std::string& client_ca = "");
  ~FakeUpstream();
  int port() const { return port_; }
  std::string url() const;
  void set(const std::string& target, Reply reply);
  void set_json_file(const std::string& target, const std::string& path);
  // Answers targets that start with `prefix` and have no reply of their own
  // with `make_reply(target)`: for upstreams whose answers depend on the request.
  void set_prefix(const std::string& prefix, std::function<Reply(const std::string& target)> make_reply);
  // Answers every request (GET or POST) for exactly `target` with `make_reply(request)`,
  // before any reply set() for it: token endpoints, and gateways that check the token.
  void set_handler(const std::string& target, std::function<Reply(const Request& request)> make_reply);
  std::vector<std::string> requests() const;
  // Every request so far with its method, headers and body.
  std::vector<Request> received() const;
  std::vector<std::string> request_headers(const std::string& name) const;
  std::size_t count(const std::string& target_prefix) const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  bool tls_ = false;
  mutable std::mutex mutex_;
  std::map<std::string, Reply> replies_;
  std::vector<std::pair<std::string, std::function<Reply(const std::string&)>>> prefix_replies_;
  std::map<std::string, std::function<Reply(const Request&)>> handlers_;
  std::vector<std::string> requests_;
  std::vector<Request> received_;
  std::multimap<std::string, std::string> headers_;
  bool stopping_ = false;  // ends drips at once
  std::condition_variable stop_;

  // What answers `target`, or nullptr for the default 404; with mutex_ held.
  std::function<Reply(const std::string&)> reply_maker(const std::string& target) const;
  bool pause(std::chrono::milliseconds interval);  // false when stopping
  void respond(Reply reply, httplib::Response& res);
  void handle(const httplib::Request& req, httplib::Response& res);
};

// A bare TCP upstream on 127.0.0.1 for answers no HTTP library would give,
// such as a header that trickles in forever. Each connection's request head
// is read, then `answer` writes whatever it likes through `send`, and the
// connection is closed.
class RawUpstream {
 public:
  // Writes `bytes` after `pause`; false once the client is gone or the upstream stops.
  using Send = std::function<bool(std::string_view bytes, std::chrono::milliseconds pause)>;
  explicit RawUpstream(std::function<void(const Send& send)> answer);
  ~RawUpstream();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::size_t connections() const;

 private:
  void accept_loop();
  void serve(int fd);
  bool pause(std::chrono::milliseconds interval);  // false when stopping

  std::function<void(const Send&)> answer_;
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::size_t connections_ = 0;
  std::vector<std::thread> handlers_;
  std::thread acceptor_;
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

// Paths of the built binaries and the source tree (from CMake); simulator_binary()
// is empty when the build has no upgrade_simulator.
std::string exporter_binary();
std::string simulator_binary();
std::string testdata(const std::string& relative);

// A bcrypt hash of `password` at the lowest cost, for basic_auth_users.
std::string bcrypt_hash(const std::string& password);

// Generates a CA, a server certificate for 127.0.0.1/localhost and a client certificate into `dir`
// (ca.pem, server.pem, server.key, client.pem, client.key) with the openssl command.
void make_test_pki(const std::string& dir);

}  // namespace ue::test
