#include "poll/http_fetcher.h"

#include <httplib.h>
#include <netdb.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ue {
namespace {

using Clock = std::chrono::steady_clock;

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

// "HTTP 404 FABRIC_E_APPLICATION_NOT_FOUND: Application not found" when the
// body is a FabricError; the message is cut short, it only goes to logs.
std::string describe_status(int status, const std::string& body) {
  std::string text = "HTTP " + std::to_string(status);
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("Error") && json["Error"].is_object()) {
    const auto& error = json["Error"];
    if (error.contains("Code") && error["Code"].is_string()) text += " " + error["Code"].get<std::string>();
    if (error.contains("Message") && error["Message"].is_string()) text += ": " + error["Message"].get<std::string>().substr(0, 200);
  }
  return text;
}

}  // namespace

ConnectionSettings prepare_connection(const TargetConfig& target) {
  ConnectionSettings settings;
  settings.target = &target;
  if (!target.bearer_token_file.empty()) settings.bearer_token = read_secret_file(target.bearer_token_file);
  if (target.tls && !target.tls->server_name.empty() && target.tls->server_name != target.host)
    settings.connect_ip = resolve_ip(target.host);
  return settings;
}

HttpFetcher::HttpFetcher(const ConnectionSettings& settings, TargetMetrics& metrics,
                         std::map<std::string, std::string>& memo)
    : settings_(settings), metrics_(metrics), memo_(memo) {
  const TargetConfig& t = *settings.target;
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
  auto timeout = t.settings.timeout;
  client_->set_connection_timeout(timeout);
  client_->set_read_timeout(timeout);
  client_->set_write_timeout(timeout);
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);  // a request must not wait for the gateway's delayed ACK
  client_->set_follow_location(false);
  client_->set_url_encode(false);  // continuation tokens and Ids go back exactly as received
  if (!settings.bearer_token.empty()) client_->set_bearer_token_auth(settings.bearer_token);
}

HttpFetcher::~HttpFetcher() = default;

// Only a request in flight is aborted: httplib then just shuts the socket
// down, which the request's own thread notices. An idle client is left
// alone, since stopping one closes its TLS session from this thread.
void HttpFetcher::abort() {
  if (deadline_.load() != 0) client_->stop();
}

void HttpFetcher::abort_if_overdue(Clock::time_point now) {
  const auto deadline = deadline_.load();
  if (deadline == 0 || now.time_since_epoch().count() <= deadline) return;
  if (!overdue_.exchange(true)) abort();
}

std::string& HttpFetcher::memo(std::string_view key) { return memo_[std::string(key)]; }

void HttpFetcher::count_error(std::string_view endpoint, Reason reason) { metrics_.error(endpoint, reason); }

void HttpFetcher::fail(std::string_view endpoint, Reason reason, std::string message, int status) {
  metrics_.error(endpoint, reason);
  throw SourceError{reason, std::move(message), status};
}

// The most a declared Content-Length reserves ahead of the bytes themselves.
constexpr std::uint64_t kMaxReserve = 8 << 20;

std::string HttpFetcher::get_body(std::string_view endpoint, const std::string& path_and_query, bool feature_probe) {
  const TargetConfig& t = *settings_.target;
  const auto limit = t.settings.max_response_bytes;
  const auto started = Clock::now();
  const auto deadline = started + t.settings.timeout;
  bool too_large = false;
  bool too_slow = false;
  std::string body;
  overdue_ = false;
  deadline_ = deadline.time_since_epoch().count();
  struct Idle {
    std::atomic<Clock::rep>& deadline;
    ~Idle() { deadline = 0; }
  } idle_when_done{deadline_};

  httplib::Headers headers = {{"Accept", "application/json"}};
  auto result = client_->Get(
      t.base_path + path_and_query, headers,
      [&](const httplib::Response& response) {
        // Refuse a declared oversize body before reading any of it.
        std::uint64_t length = 0;
        const auto& declared = response.get_header_value("Content-Length");
        auto [ptr, ec] = std::from_chars(declared.data(), declared.data() + declared.size(), length);
        if (ec == std::errc() && length > limit) {
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
        if (body.size() + size > limit) {
          too_large = true;
          return false;
        }
        // The socket timeout is per read; this bounds a slow-drip body as a whole.
        if (Clock::now() > deadline) {
          too_slow = true;
          return false;
        }
        body.append(data, size);
        return true;
      });
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  metrics_.request(endpoint, seconds);

  if (too_large) fail(endpoint, Reason::too_large, "response larger than max_response_bytes");
  if (too_slow || overdue_) fail(endpoint, Reason::timeout, "response not complete within timeout");
  if (!result) {
    auto error = result.error();
    switch (error) {
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification:
        fail(endpoint, Reason::tls, "TLS: " + httplib::to_string(error));
      case httplib::Error::ConnectionTimeout:
        fail(endpoint, Reason::timeout, "connect timeout");
      case httplib::Error::Read:
        if (Clock::now() >= deadline) fail(endpoint, Reason::timeout, "read timeout");
        fail(endpoint, Reason::connect, "connection closed while reading");
      case httplib::Error::Compression:
        fail(endpoint, Reason::parse, "cannot decompress body");
      default:
        fail(endpoint, Reason::connect, "cannot connect: " + httplib::to_string(error));
    }
  }
  int status = result->status;
  if (status >= 200 && status < 300) return body;
  if (status == 503 || status == 504) {
    settings_.overloaded->store(true);
    int retry_after = 0;
    const auto& header = result->get_header_value("Retry-After");
    std::from_chars(header.data(), header.data() + header.size(), retry_after);
    if (retry_after > settings_.retry_after_seconds->load()) settings_.retry_after_seconds->store(retry_after);
  }
  if (feature_probe && status >= 400 && status < 500) throw FeatureAbsent{status};
  fail(endpoint, Reason::http_status, describe_status(status, body), status);
}

}  // namespace ue
