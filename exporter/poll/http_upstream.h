// The real Upstream: HttpTransports for the network (net/), with each
// target's tokens from its TargetTokens (auth/), which outlives the polls.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/target_tokens.h"
#include "base/clock.h"
#include "net/upstream.h"

namespace ue {

class HttpUpstream final : public Upstream {
 public:
  // Token caches read `clock`, which outlives the upstream.
  explicit HttpUpstream(const Clock& clock = Clock::system()) : clock_(clock) {}

  std::vector<std::unique_ptr<Transport>> open(const TargetConfig& target, std::size_t count,
                                               RequestCounter& counter) override;
  // A configuration was loaded (a reload): what targets discovered from
  // their clusters' GetAadMetadata is read again at their next poll.
  void forget_discoveries();

 private:
  // The target's token source, kept across polls while its configuration
  // stays the same; nullptr when it has no token block.
  std::shared_ptr<TargetTokens> token_source(const TargetConfig& target);

  const Clock& clock_;
  std::mutex mutex_;  // the pollers open their transports from their own threads
  // By target name. An entry outlives a removed target: it is small, and
  // replaced when a target of that name comes back configured otherwise.
  std::map<std::string, std::shared_ptr<TargetTokens>, std::less<>> token_sources_;
};

}  // namespace ue
