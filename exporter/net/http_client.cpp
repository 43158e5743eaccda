// cpp-httplib behind HttpClient; see http_client.h.
#include "net/http_client.h"

#include <httplib.h>
#include <netdb.h>

#include <charconv>
#include <exception>
#include <string>
#include <string_view>

namespace ue {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The most a declared Content-Length reserves ahead of the bytes themselves.
constexpr std::uint64_t kMaxReserve = 8 << 20;

std::string url_host(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

// What the callbacks of one request learn while its answer arrives.
struct Receipt {
  bool streamed = false;  // a 2xx answer to get_streamed: the body goes to its chunks
  bool too_large = false;
  bool too_slow = false;
  std::uint64_t bytes = 0;
  std::exception_ptr chunks_error;  // thrown by the chunks, kept from unwinding through httplib

  // One piece of the body; false stops the request.
  bool take(std::string_view piece, std::uint64_t max_bytes, SteadyClock::time_point deadline,
            const BodyChunks* chunks, std::string& held) {
    // Counted after decompression, so a gzip bomb is caught too.
    bytes += piece.size();
    if (bytes > max_bytes) {
      too_large = true;
      return false;
    }
    // The socket timeout is per read; this bounds a slow-drip body as a whole.
    if (SteadyClock::now() > deadline) {
      too_slow = true;
      return false;
    }
    if (!streamed) {
      held.append(piece);
      return true;
    }
    try {
      (*chunks)(piece);
    } catch (...) {
      chunks_error = std::current_exception();
      return false;
    }
    return true;
  }
};

[[noreturn]] void throw_request_error(httplib::Error error, SteadyClock::time_point deadline) {
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

}  // namespace

HttpEndpoint target_endpoint(const TargetConfig& target) {
  return HttpEndpoint{.url = target.parsed_url,
                      .tls = target.tls,
                      .connect_ip = {},
                      .timeout = target.settings.timeout,
                      .max_response_bytes = target.settings.max_response_bytes};
}

std::string resolve_connect_ip(const ParsedUrl& url, const std::optional<TlsConfig>& tls) {
  if (!tls || tls->server_name.empty() || tls->server_name == url.host) return {};
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(url.host.c_str(), nullptr, &hints, &result) != 0 || !result)
    throw SourceError{Reason::connect, "cannot resolve " + url.host};
  char ip[NI_MAXHOST];
  int rc = getnameinfo(result->ai_addr, result->ai_addrlen, ip, sizeof ip, nullptr, 0, NI_NUMERICHOST);
  freeaddrinfo(result);
  if (rc != 0) throw SourceError{Reason::connect, "cannot resolve " + url.host};
  return ip;
}

HttpClient::HttpClient(const HttpEndpoint& e)
    : base_path_(e.url.base_path), timeout_(e.timeout), max_response_bytes_(e.max_response_bytes) {
  const bool tls = e.url.scheme == "https";
  // With server_name set, the client speaks to that name (SNI, certificate
  // check, Host header) while connecting to the URL's address.
  std::string host = e.connect_ip.empty() ? e.url.host : e.tls->server_name;
  std::string base = e.url.scheme + "://" + url_host(host) + ":" + std::to_string(e.url.port);
  if (tls && e.tls && !e.tls->cert_file.empty())
    client_ = std::make_unique<httplib::Client>(base, e.tls->cert_file, e.tls->key_file);
  else
    client_ = std::make_unique<httplib::Client>(base);
  if (!e.connect_ip.empty()) client_->set_hostname_addr_map({{host, e.connect_ip}});
  if (tls) {
    if (e.tls && !e.tls->ca_file.empty()) client_->set_ca_cert_path(e.tls->ca_file);
    client_->enable_server_certificate_verification(!(e.tls && e.tls->insecure_skip_verify));
  }
  client_->set_connection_timeout(timeout_);
  client_->set_read_timeout(timeout_);
  client_->set_write_timeout(timeout_);
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);  // a request must not wait for the peer's delayed ACK
  client_->set_follow_location(false);
  client_->set_url_encode(false);  // continuation tokens and Ids go back exactly as received
}

HttpClient::~HttpClient() = default;

// Only a request in flight is aborted: httplib then just shuts the socket
// down, which the request's own thread notices. An idle client is left
// alone, since stopping one closes its TLS session from this thread.
void HttpClient::abort() {
  if (deadline_.load() != 0) client_->stop();
}

void HttpClient::abort_if_overdue(SteadyClock::time_point now) {
  const auto deadline = deadline_.load();
  if (deadline == 0 || now.time_since_epoch().count() <= deadline) return;
  if (!overdue_.exchange(true)) abort();
}

Answer HttpClient::send(const std::string& method, const std::string& path, const HttpHeaders& headers,
                        const std::string& body, const std::string& content_type) {
  httplib::Request request;
  request.method = method;
  request.path = base_path_ + path;
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  if (!content_type.empty()) request.headers.emplace("Content-Type", content_type);
  request.body = body;
  return perform(request, nullptr);
}

Answer HttpClient::get_streamed(const std::string& path, const HttpHeaders& headers, const BodyChunks& chunks,
                                std::uint64_t max_body_bytes) {
  httplib::Request request;
  request.method = "GET";
  request.path = base_path_ + path;
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  return perform(request, &chunks, max_body_bytes);
}

Answer HttpClient::perform(httplib::Request& request, const BodyChunks* chunks, std::uint64_t max_streamed_bytes) {
  const auto deadline = SteadyClock::now() + timeout_;
  Receipt receipt;
  Answer answer;
  std::uint64_t max_bytes = max_response_bytes_;  // a streamed 2xx body's limit is its caller's
  overdue_ = false;
  deadline_ = deadline.time_since_epoch().count();
  struct Idle {
    std::atomic<SteadyClock::rep>& deadline;
    ~Idle() { deadline = 0; }
  } idle_when_done{deadline_};

  request.response_handler = [&](const httplib::Response& response) {
    // An error body is held whatever the caller streams: the poller reads it to classify the error.
    receipt.streamed = chunks && is_success_status(response.status);
    if (receipt.streamed) max_bytes = max_streamed_bytes;
    // Refuse a declared oversize body before reading any of it.
    std::uint64_t length = 0;
    const auto& declared = response.get_header_value("Content-Length");
    auto [ptr, ec] = std::from_chars(declared.data(), declared.data() + declared.size(), length);
    if (ec == std::errc() && length > max_bytes) {
      receipt.too_large = true;
      return false;
    }
    // Sized once instead of grown by doubling, which holds a large listing
    // twice over for a moment; capped, as the header is only a claim.
    if (ec == std::errc() && !receipt.streamed) answer.body.reserve(std::min<std::uint64_t>(length, kMaxReserve));
    return true;
  };
  request.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    return receipt.take({data, size}, max_bytes, deadline, chunks, answer.body);
  };
  auto result = client_->send(request);

  if (receipt.chunks_error) std::rethrow_exception(receipt.chunks_error);
  if (receipt.too_large) {
    if (!receipt.streamed) throw SourceError{Reason::too_large, "response larger than max_response_bytes"};
    throw SourceError{Reason::too_large, "streamed response larger than " + std::to_string(max_bytes) + " bytes"};
  }
  if (receipt.too_slow || overdue_) throw SourceError{Reason::timeout, "response not complete within timeout"};
  if (!result) throw_request_error(result.error(), deadline);
  answer.status = result->status;
  answer.retry_after = result->get_header_value("Retry-After");
  return answer;
}

}  // namespace ue
