#include "poll/http_upstream.h"

#include "net/http_transport.h"
#include "poll/fleet.h"  // same_target_config

namespace ue {

std::shared_ptr<TargetTokens> HttpUpstream::token_source(const TargetConfig& target) {
  std::lock_guard lock(mutex_);
  auto it = token_sources_.find(target.name);
  if (it != token_sources_.end() && same_target_config(it->second->config(), target)) return it->second;
  std::shared_ptr<TargetTokens> source = TargetTokens::for_target(target, clock_);
  if (source)
    token_sources_[target.name] = source;
  else if (it != token_sources_.end())
    token_sources_.erase(it);
  return source;
}

void HttpUpstream::forget_discoveries() {
  std::lock_guard lock(mutex_);
  std::erase_if(token_sources_, [](const auto& entry) { return needs_aad_discovery(entry.second->config()); });
}

std::vector<std::unique_ptr<Transport>> HttpUpstream::open(const TargetConfig& target, std::size_t count,
                                                           RequestCounter& counter) {
  const ConnectionSettings settings = prepare_connection(target);
  std::shared_ptr<TargetTokens> tokens = token_source(target);
  if (tokens) tokens->new_poll();
  std::vector<std::unique_ptr<Transport>> transports;
  for (std::size_t i = 0; i < count; ++i)
    transports.push_back(std::make_unique<HttpTransport>(target, settings, tokens, &counter));
  return transports;
}

}  // namespace ue
