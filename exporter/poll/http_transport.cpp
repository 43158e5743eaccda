#include "poll/http_transport.h"

#include <fstream>
#include <sstream>

#include "log/log.h"
#include "poll/fleet.h"

namespace ue {
namespace {

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SourceError{Reason::connect, "cannot read bearer_token_file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = std::move(text).str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

HttpEndpoint endpoint_with(const TargetConfig& target, const ConnectionSettings& settings) {
  HttpEndpoint endpoint = target_endpoint(target);
  endpoint.connect_ip = settings.connect_ip;
  return endpoint;
}

}  // namespace

ConnectionSettings prepare_connection(const TargetConfig& target) {
  ConnectionSettings settings;
  if (!target.bearer_token_file.empty()) settings.bearer_token = read_secret_file(target.bearer_token_file);
  settings.connect_ip = resolve_connect_ip(target_endpoint(target).url, target.tls);
  return settings;
}

std::shared_ptr<TokenSource> HttpUpstream::token_source(const TargetConfig& target) {
  std::lock_guard lock(mutex_);
  auto it = token_sources_.find(target.name);
  if (it != token_sources_.end() && same_target_config(it->second->config(), target)) return it->second;
  std::shared_ptr<TokenSource> source = TokenSource::for_target(target, clock_);
  if (source)
    token_sources_[target.name] = source;
  else if (it != token_sources_.end())
    token_sources_.erase(it);
  return source;
}

std::vector<std::unique_ptr<Transport>> HttpUpstream::open(const TargetConfig& target, std::size_t count,
                                                           TargetMetrics& metrics) {
  const ConnectionSettings settings = prepare_connection(target);
  std::shared_ptr<TokenSource> tokens = token_source(target);
  if (tokens) tokens->new_poll();
  std::vector<std::unique_ptr<Transport>> transports;
  for (std::size_t i = 0; i < count; ++i)
    transports.push_back(std::make_unique<HttpTransport>(target, settings, tokens, &metrics));
  return transports;
}

HttpTransport::HttpTransport(const TargetConfig& target, const ConnectionSettings& settings,
                             std::shared_ptr<TokenSource> tokens, TargetMetrics* metrics)
    : client_(endpoint_with(target, settings)),
      bearer_token_(settings.bearer_token),
      tokens_(std::move(tokens)),
      metrics_(metrics) {}

void HttpTransport::abort() {
  client_.abort();
  if (tokens_) tokens_->abort();
}

void HttpTransport::abort_if_overdue(std::chrono::steady_clock::time_point now) {
  client_.abort_if_overdue(now);
  if (tokens_) tokens_->abort_if_overdue(now);
}

Answer HttpTransport::send(const std::string& path_and_query, const std::string& bearer_token) {
  HttpHeaders headers = {{"Accept", "application/json"}};
  if (!bearer_token.empty()) headers.emplace_back("Authorization", "Bearer " + bearer_token);
  return client_.send("GET", path_and_query, headers);
}

TokenCache::Token HttpTransport::token() {
  try {
    return tokens_->token(*metrics_);
  } catch (const SourceError& e) {
    // Without a token the API cannot be asked: the poll ends as if it could not connect.
    throw SourceError{Reason::connect, "no token: " + e.message};
  }
}

Answer HttpTransport::get(const std::string& path_and_query) {
  if (!tokens_) return send(path_and_query, bearer_token_);
  TokenCache::Token token = this->token();
  Answer answer = send(path_and_query, token.value);
  if (answer.status == 401 && !token.fetched && tokens_->refused(token.value)) {
    Log::debug("upstream refused the cached token; asking for a new one",
               {{"target", tokens_->config().name}, {"path", path_and_query}});
    token = this->token();
    answer = send(path_and_query, token.value);
  }
  if (answer.status != 401) tokens_->accepted(token.value);
  return answer;
}

}  // namespace ue
