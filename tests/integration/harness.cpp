#include "integration/harness.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace ue::test {

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
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipe_fds[1], 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
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
    kill(pid_, SIGKILL);
    wait_exit(5s);
  }
  if (reader_.joinable()) reader_.join();
  close(stderr_fd_);
}

bool Process::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  return wait_until([&] { return output().find(needle) != std::string::npos; }, timeout);
}

std::string Process::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

void Process::signal(int sig) { kill(pid_, sig); }

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

Exporter::Exporter(const std::string& config_file, std::vector<std::string> extra_args) {
  std::vector<std::string> args = {"--config.file=" + config_file, "--web.listen-address=127.0.0.1:0",
                                   "--log.level=debug"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(exporter_binary(), args);
  std::smatch match;
  static const std::regex kListening(R"(msg=listening .*port=(\d+))");
  bool started = wait_until([&] {
    std::string out = process_->output();
    if (!std::regex_search(out, match, kListening)) return false;
    port_ = std::stoi(match[1]);
    return true;
  });
  if (!started) throw std::runtime_error("exporter did not start:\n" + process_->output());
}

std::pair<int, std::string> Exporter::get(const std::string& path) const {
  httplib::Client client("127.0.0.1", port_);
  auto res = client.Get(path);
  if (!res) return {0, ""};
  return {res->status, res->body};
}

std::pair<int, std::string> Exporter::post(const std::string& path) const {
  httplib::Client client("127.0.0.1", port_);
  auto res = client.Post(path);
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
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    Reply reply{404, R"({"Error":{"Code":"FABRIC_E_NAME_DOES_NOT_EXIST","Message":"not served by this fake"}})"};
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(req.target);
      for (const auto& [name, value] : req.headers) headers_.emplace(name, value);
      auto it = replies_.find(req.target);
      if (it != replies_.end()) reply = it->second;
    }
    if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);  // simulates upstream latency
    res.status = reply.status;
    res.set_content(reply.body, "application/json");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

FakeUpstream::~FakeUpstream() {
  server_->stop();
  thread_.join();
}

std::string FakeUpstream::url() const { return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }

void FakeUpstream::set(const std::string& target, Reply reply) {
  std::lock_guard lock(mutex_);
  replies_[target] = std::move(reply);
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
