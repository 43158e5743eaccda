#include "poll/http_transport.h"

#include <httplib.h>
#include <netdb.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace ue {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The most a declared Content-Length reserves ahead of the bytes themselves.
constexpr std::uint64_t kMaxReserve = 8 << 20;

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SourceError{Reason::connect, "cannot read bearer_token_file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = std::move(text).str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

std::string resolve_ip(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0 || !result)
    throw SourceError{Reason::connect, "cannot resolve " + host};
  char ip[NI_MAXHOST];
  int rc = getnameinfo(result->ai_addr, result->ai_addrlen, ip, sizeof ip, nullptr, 0, NI_NUMERICHOST);
  freeaddrinfo(result);
  if (rc != 0) throw SourceError{Reason::connect, "cannot resolve " + host};
  return ip;
}

std::string url_host(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

}  // namespace

ConnectionSettings prepare_connection(const TargetConfig& target) {
  ConnectionSettings settings;
  if (!target.bearer_token_file.empty()) settings.bearer_token = read_secret_file(target.bearer_token_file);
  if (target.tls && !target.tls->server_name.empty() && target.tls->server_name != target.host)
    settings.connect_ip = resolve_ip(target.host);
  return settings;
}

std::vector<std::unique_ptr<Transport>> HttpUpstream::open(const TargetConfig& target, std::size_t count) {
  const ConnectionSettings settings = prepare_connection(target);
  std::vector<std::unique_ptr<Transport>> transports;
  for (std::size_t i = 0; i < count; ++i) transports.push_back(std::make_unique<HttpTransport>(target, settings));
  return transports;
}

HttpTransport::HttpTransport(const TargetConfig& t, const ConnectionSettings& settings)
    : base_path_(t.base_path), timeout_(t.settings.timeout), max_response_bytes_(t.settings.max_response_bytes) {
  const bool tls = t.scheme == "https";
  // With server_name set, the client speaks to that name (SNI, certificate
  // check, Host header) while connecting to the URL's address.
  std::string host = settings.connect_ip.empty() ? t.host : t.tls->server_name;
  std::string base = t.scheme + "://" + url_host(host) + ":" + std::to_string(t.port);
  if (tls && t.tls && !t.tls->cert_file.empty())
    client_ = std::make_unique<httplib::Client>(base, t.tls->cert_file, t.tls->key_file);
  else
    client_ = std::make_unique<httplib::Client>(base);
  if (!settings.connect_ip.empty()) client_->set_hostname_addr_map({{host, settings.connect_ip}});
  if (tls) {
    if (t.tls && !t.tls->ca_file.empty()) client_->set_ca_cert_path(t.tls->ca_file);
    client_->enable_server_certificate_verification(!(t.tls && t.tls->insecure_skip_verify));
  }
  client_->set_connection_timeout(timeout_);
  client_->set_read_timeout(timeout_);
  client_->set_write_timeout(timeout_);
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);  // a request must not wait for the gateway's delayed ACK
  client_->set_follow_location(false);
  client_->set_url_encode(false);  // continuation tokens and Ids go back exactly as received
  if (!settings.bearer_token.empty()) client_->set_bearer_token_auth(settings.bearer_token);
}

HttpTransport::~HttpTransport() = default;

// Only a request in flight is aborted: httplib then just shuts the socket
// down, which the request's own thread notices. An idle client is left
// alone, since stopping one closes its TLS session from this thread.
void HttpTransport::abort() {
  if (deadline_.load() != 0) client_->stop();
}

void HttpTransport::abort_if_overdue(SteadyClock::time_point now) {
  const auto deadline = deadline_.load();
  if (deadline == 0 || now.time_since_epoch().count() <= deadline) return;
  if (!overdue_.exchange(true)) abort();
}

Answer HttpTransport::get(const std::string& path_and_query) {
  const auto deadline = SteadyClock::now() + timeout_;
  bool too_large = false;
  bool too_slow = false;
  Answer answer;
  std::string& body = answer.body;
  overdue_ = false;
  deadline_ = deadline.time_since_epoch().count();
  struct Idle {
    std::atomic<SteadyClock::rep>& deadline;
    ~Idle() { deadline = 0; }
  } idle_when_done{deadline_};

  httplib::Headers headers = {{"Accept", "application/json"}};
  auto result = client_->Get(
      base_path_ + path_and_query, headers,
      [&](const httplib::Response& response) {
        // Refuse a declared oversize body before reading any of it.
        std::uint64_t length = 0;
        const auto& declared = response.get_header_value("Content-Length");
        auto [ptr, ec] = std::from_chars(declared.data(), declared.data() + declared.size(), length);
        if (ec == std::errc() && length > max_response_bytes_) {
          too_large = true;
          return false;
        }
        // Sized once instead of grown by doubling, which holds a large listing
        // twice over for a moment; capped, as the header is only a claim.
        if (ec == std::errc()) body.reserve(std::min<std::uint64_t>(length, kMaxReserve));
        return true;
      },
      [&](const char* data, size_t size) {
        // Counted after decompression, so a gzip bomb is caught too.
        if (body.size() + size > max_response_bytes_) {
          too_large = true;
          return false;
        }
        // The socket timeout is per read; this bounds a slow-drip body as a whole.
        if (SteadyClock::now() > deadline) {
          too_slow = true;
          return false;
        }
        body.append(data, size);
        return true;
      });

  if (too_large) throw SourceError{Reason::too_large, "response larger than max_response_bytes"};
  if (too_slow || overdue_) throw SourceError{Reason::timeout, "response not complete within timeout"};
  if (!result) {
    auto error = result.error();
    switch (error) {
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification:
        throw SourceError{Reason::tls, "TLS: " + httplib::to_string(error)};
      case httplib::Error::ConnectionTimeout:
        throw SourceError{Reason::timeout, "connect timeout"};
      case httplib::Error::Read:
        if (SteadyClock::now() >= deadline) throw SourceError{Reason::timeout, "read timeout"};
        throw SourceError{Reason::connect, "connection closed while reading"};
      case httplib::Error::Compression:
        throw SourceError{Reason::parse, "cannot decompress body"};
      default:
        throw SourceError{Reason::connect, "cannot connect: " + httplib::to_string(error)};
    }
  }
  answer.status = result->status;
  answer.retry_after = result->get_header_value("Retry-After");
  return answer;
}

}  // namespace ue
