#include "integration/harness.h"

#include <crypt.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace ue::test {

namespace {
// The tests write to sockets the exporter may have closed (a refused TLS
// handshake, say); OpenSSL writes without MSG_NOSIGNAL, so without this a
// closed peer kills the test binary with SIGPIPE instead of failing a request.
[[maybe_unused]] const bool kSigpipeIgnored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ue-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);  // polling interval of the condition, not a wait for an event
  }
  return condition();
}

Process::Process(const std::string& binary, const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  // argv is built before fork: the test's server threads may hold the
  // allocator's lock at fork time, and a child that allocates then never execs.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // A child must never outlive the test nor hold ctest's pipes: ctest waits
    // for every holder of its output pipe, so an orphan turns a crash into a
    // timeout. stdout joins the captured stderr; stdin is empty.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stderr_fd_ = pipe_fds[0];
  reader_ = std::thread([this] {
    char buf[4096];
    ssize_t n;
    while ((n = read(stderr_fd_, buf, sizeof buf)) > 0) {
      std::lock_guard lock(mutex_);
      output_.append(buf, static_cast<size_t>(n));
    }
  });
}

Process::~Process() {
  if (!exited_) {
    kill(pid_, SIGTERM);
    if (!wait_exit(5s)) {
      kill(pid_, SIGKILL);
      wait_exit(5s);
    }
  }
  if (reader_.joinable()) reader_.join();
  close(stderr_fd_);
  if (std::string report = sanitizer_report(output()); !report.empty())
    ADD_FAILURE() << "sanitizer report from child " << pid_ << ":\n" << report;
}

std::string sanitizer_report(const std::string& output) {
  // UBSan's marker is anchored on its "file:line:col: " prefix so that an
  // upstream message quoted in a log line cannot pass for one.
  static const std::regex kReport(
      R"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|ERROR: ThreadSanitizer|)"
      R"(:\d+:\d+: runtime error: )");
  std::smatch match;
  if (!std::regex_search(output, match, kReport)) return "";
  const auto line_start = output.rfind('\n', static_cast<std::size_t>(match.position(0)));
  return output.substr(line_start == std::string::npos ? 0 : line_start + 1);
}

bool Process::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  return wait_until([&] { return output().find(needle) != std::string::npos; }, timeout);
}

std::string Process::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

void Process::signal(int sig) { kill(pid_, sig); }

bool Process::running() { return !wait_exit(0ms).has_value(); }

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
  if (exited_) return status_;
  bool done = wait_until(
      [&] {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
        exited_ = true;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
      },
      timeout);
  if (!done) return std::nullopt;
  if (reader_.joinable()) reader_.join();
  return status_;
}

namespace {

// The port a child started on port 0 reports on stderr (the first group of `listening`).
int listening_port(Process& process, const std::regex& listening, const std::string& what) {
  int port = 0;
  bool started = wait_until([&] {
    std::string out = process.output();
    std::smatch match;
    if (!std::regex_search(out, match, listening)) return false;
    port = std::stoi(match[1]);
    return true;
  });
  if (!started) throw std::runtime_error(what + " did not start:\n" + process.output());
  return port;
}

}  // namespace

Exporter::Exporter(const std::string& config_file, std::vector<std::string> extra_args) {
  std::vector<std::string> args = {"--config.file=" + config_file, "--web.listen-address=127.0.0.1:0",
                                   "--log.level=debug"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(exporter_binary(), args);
  static const std::regex kListening(R"(msg=listening .*port=(\d+))");
  port_ = listening_port(*process_, kListening, "exporter");
}

Simulator::Simulator(const std::string& scenario_file) {
  process_ = std::make_unique<Process>(
      simulator_binary(), std::vector<std::string>{"--scenario=" + scenario_file, "--web.listen-address=127.0.0.1:0"});
  static const std::regex kListening(R"(listening.* address=127\.0\.0\.1:(\d+))");
  port_ = listening_port(*process_, kListening, "upgrade_simulator");
}

namespace {
std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}
}  // namespace

bool HttpAnswer::has_header(const std::string& name) const { return headers.count(lower(name)) > 0; }

std::string HttpAnswer::get_header_value(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

std::optional<HttpAnswer> http_request(int port, const std::string& path, const HttpOptions& options) {
  const bool tls = !options.ca_file.empty();
  httplib::Client client((tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port),
                         options.cert_file, options.key_file);
  if (tls) client.set_ca_cert_path(options.ca_file);
  client.set_decompress(options.decompress);
  if (!options.user.empty()) client.set_basic_auth(options.user, options.password);
  httplib::Headers headers(options.headers.begin(), options.headers.end());
  auto res = options.method == "POST" ? client.Post(path, headers) : client.Get(path, headers);
  if (!res) return std::nullopt;
  HttpAnswer answer{res->status, res->body, {}};
  for (const auto& [name, value] : res->headers) answer.headers.emplace(lower(name), value);
  return answer;
}

std::pair<int, std::string> Exporter::get(const std::string& path) const {
  auto res = http_request(port_, path, {.user = auth_.first, .password = auth_.second});
  if (!res) return {0, ""};
  return {res->status, res->body};
}

std::pair<int, std::string> Exporter::post(const std::string& path) const {
  auto res = http_request(port_, path, {.method = "POST", .user = auth_.first, .password = auth_.second});
  if (!res) return {0, ""};
  return {res->status, res->body};
}

FakeUpstream::FakeUpstream(const std::string& cert, const std::string& key, const std::string& client_ca) {
  if (!cert.empty()) {
    server_ = std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str(),
                                                   client_ca.empty() ? nullptr : client_ca.c_str());
    tls_ = true;
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  // Headers and body go out in two writes: without this, Nagle's algorithm and
  // the client's delayed ACK add tens of milliseconds to every request.
  server_->set_tcp_nodelay(true);
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

FakeUpstream::~FakeUpstream() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  server_->stop();
  thread_.join();
}

void FakeUpstream::handle(const httplib::Request& req, httplib::Response& res) {
  Reply reply{404, R"({"Error":{"Code":"FABRIC_E_NAME_DOES_NOT_EXIST","Message":"not served by this fake"}})"};
  Request request{req.method, req.target, req.body, {req.headers.begin(), req.headers.end()}};
  std::function<Reply(const std::string&)> make_reply;
  std::function<Reply(const Request&)> handler;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(req.target);
    received_.push_back(request);
    for (const auto& [name, value] : req.headers) headers_.emplace(name, value);
    if (auto it = handlers_.find(req.target); it != handlers_.end()) handler = it->second;
    if (!handler) make_reply = reply_maker(req.target);
  }
  if (handler) reply = handler(request);
  if (make_reply) reply = make_reply(req.target);
  if (reply.delay.count() > 0 && !pause(reply.delay)) return;  // simulates upstream latency
  respond(std::move(reply), res);
}

std::string FakeUpstream::Request::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

void FakeUpstream::set_handler(const std::string& target, std::function<Reply(const Request&)> make_reply) {
  std::lock_guard lock(mutex_);
  handlers_[target] = std::move(make_reply);
}

std::vector<FakeUpstream::Request> FakeUpstream::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::function<FakeUpstream::Reply(const std::string&)> FakeUpstream::reply_maker(const std::string& target) const {
  if (auto it = replies_.find(target); it != replies_.end())
    return [reply = it->second](const std::string&) { return reply; };
  for (const auto& [prefix, make_reply] : prefix_replies_)
    if (target.rfind(prefix, 0) == 0) return make_reply;
  return nullptr;
}

bool FakeUpstream::pause(std::chrono::milliseconds interval) {
  std::unique_lock lock(mutex_);
  return !stop_.wait_for(lock, interval, [this] { return stopping_; });
}

void FakeUpstream::respond(Reply reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (reply.framing == Framing::content_length && reply.drip.count() == 0) {
    res.set_content(reply.body, reply.content_type);
    return;
  }
  // Streamed: all at once, or one byte per drip interval.
  auto body = std::make_shared<const std::string>(std::move(reply.body));
  const auto drip = reply.drip;
  auto write_from = [this, body, drip](std::size_t offset, httplib::DataSink& sink) {
    if (offset >= body->size()) {
      if (sink.done) sink.done();
      return true;
    }
    if (drip.count() > 0 && !pause(drip)) return false;
    return sink.write(body->data() + offset, drip.count() > 0 ? 1 : body->size() - offset);
  };
  switch (reply.framing) {
    case Framing::content_length:
      res.set_content_provider(body->size(), reply.content_type,
                               [write_from](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 return write_from(offset, sink);
                               });
      break;
    case Framing::chunked:
      res.set_chunked_content_provider(reply.content_type, write_from);
      break;
    case Framing::until_close:
      res.set_content_provider(reply.content_type, write_from);
      break;
  }
}

std::string FakeUpstream::url() const { return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }

void FakeUpstream::set(const std::string& target, Reply reply) {
  std::lock_guard lock(mutex_);
  replies_[target] = std::move(reply);
}

void FakeUpstream::set_prefix(const std::string& prefix,
                              std::function<Reply(const std::string& target)> make_reply) {
  std::lock_guard lock(mutex_);
  prefix_replies_.emplace_back(prefix, std::move(make_reply));
}

void FakeUpstream::set_json_file(const std::string& target, const std::string& path) {
  set(target, {200, read_file(path)});
}

std::vector<std::string> FakeUpstream::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> FakeUpstream::request_headers(const std::string& name) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  auto [begin, end] = headers_.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

std::size_t FakeUpstream::count(const std::string& target_prefix) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& r : requests_) n += r.rfind(target_prefix, 0) == 0;
  return n;
}

RawUpstream::RawUpstream(std::function<void(const Send& send)> answer) : answer_(std::move(answer)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listen_fd_, 16) != 0 || getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("RawUpstream cannot listen on 127.0.0.1");
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

RawUpstream::~RawUpstream() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  acceptor_.join();  // no new handlers after this
  for (auto& handler : handlers_) handler.join();
  close(listen_fd_);
}

std::size_t RawUpstream::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

bool RawUpstream::pause(std::chrono::milliseconds interval) {
  std::unique_lock lock(mutex_);
  return !stop_.wait_for(lock, interval, [this] { return stopping_; });
}

void RawUpstream::accept_loop() {
  while (pause(0ms)) {
    pollfd ready{listen_fd_, POLLIN, 0};
    if (::poll(&ready, 1, 50) <= 0) continue;  // wakes up to notice stopping
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    ++connections_;
    handlers_.emplace_back([this, fd] { serve(fd); });
  }
}

void RawUpstream::serve(int fd) {
  // The request head, up to its blank line; its content does not matter.
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && pause(0ms)) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 50) <= 0) continue;
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  if (head.find("\r\n\r\n") != std::string::npos) {
    answer_([this, fd](std::string_view bytes, std::chrono::milliseconds interval) {
      return pause(interval) &&
             send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    });
  }
  close(fd);
}

// Parses `name{a="b",...} value` lines, unescaping label values as the text format defines.
std::vector<Sample> parse_exposition(const std::string& text) {
  std::vector<Sample> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string key;
        while (line[i] != '=') key += line[i++];
        i += 2;  // ="
        std::string value;
        while (line[i] != '"') {
          if (line[i] == '\\') {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
          ++i;
        }
        ++i;  // closing quote
        if (line[i] == ',') ++i;
        s.labels[key] = value;
      }
      ++i;
    }
    s.value = std::stod(line.substr(i + 1));
    samples.push_back(std::move(s));
  }
  return samples;
}

namespace {
bool matches(const Sample& s, const std::string& name, const std::map<std::string, std::string>& labels) {
  if (s.name != name) return false;
  for (const auto& [k, v] : labels) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}
}  // namespace

std::optional<double> find_value(const std::string& text, const std::string& name,
                                 const std::map<std::string, std::string>& labels) {
  std::optional<double> found;
  for (const Sample& s : parse_exposition(text)) {
    if (!matches(s, name, labels)) continue;
    if (found) throw std::runtime_error("more than one sample of " + name + " matches");
    found = s.value;
  }
  return found;
}

std::size_t count_samples(const std::string& text, const std::string& name,
                          const std::map<std::string, std::string>& labels) {
  std::size_t n = 0;
  for (const Sample& s : parse_exposition(text)) n += matches(s, name, labels);
  return n;
}

std::string exporter_binary() { return UE_EXPORTER_BIN; }
std::string simulator_binary() { return UE_SIMULATOR_BIN; }
std::string testdata(const std::string& relative) { return std::string(UE_TESTDATA) + "/" + relative; }

std::string bcrypt_hash(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  crypt_data data{};
  if (!crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt)) throw std::runtime_error("crypt_gensalt failed");
  const char* hash = crypt_r(password.c_str(), salt, &data);
  if (!hash || hash[0] == '*') throw std::runtime_error("bcrypt failed");
  return hash;
}

void make_test_pki(const std::string& dir) {
  const std::string script =
      "set -e; cd '" + dir + "'; "
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.pem 2>/dev/null; "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null; "
      "printf 'subjectAltName=DNS:localhost,DNS:sf.test,IP:127.0.0.1\\n' > san.ext; "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext "
      "-out server.pem 2>/dev/null; "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=exporter -keyout client.key -out client.csr 2>/dev/null; "
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem "
      "2>/dev/null";
  if (std::system(("bash -c \"" + std::regex_replace(script, std::regex("\""), "\\\"") + "\"").c_str()) != 0)
    throw std::runtime_error("openssl failed to make the test PKI");
}

}  // namespace ue::test
