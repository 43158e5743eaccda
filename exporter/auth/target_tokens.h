// A target's token source, whichever its block: `oauth2` or `qumulo_login`
// (auth/token_source.h) or `managed_identity` (auth/managed_identity.h).
// Where a service_fabric target's oauth2 block leaves out token_url or scopes,
// or its managed_identity leaves out resource, they are discovered first from
// the cluster's anonymous GET /$/GetAadMetadata (sources/aad_metadata.h),
// over the target's own URL and TLS settings, once for the life of this
// source (a config load: poll/http_upstream makes a new one at a reload),
// counted under the endpoint `aad_metadata`. A failed discovery is tried again at the next poll.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/managed_identity.h"
#include "auth/request_in_flight.h"
#include "auth/token_source.h"
#include "config/config.h"
#include "net/http_client.h"
#include "net/upstream.h"
#include "sources/aad_metadata.h"

namespace ue {

inline constexpr std::string_view kAadMetadataEndpoint = "aad_metadata";

// Whether `target` needs GetAadMetadata before it can ask for a token.
bool needs_aad_discovery(const TargetConfig& target);
// `target` with what it left out filled in from `metadata`: oauth2's token_url
// (and token_endpoint) and scopes, managed_identity's resource. Throws
// SourceError(schema) when the discovered token URL is not a usable URL.
TargetConfig with_aad_metadata(TargetConfig target, const AadMetadata& metadata);

class TargetTokens final : public BearerTokens {
 public:
  TargetTokens(const TargetConfig& target, const Clock& clock);
  // nullptr when the target has no token block.
  static std::shared_ptr<TargetTokens> for_target(const TargetConfig& target, const Clock& clock);

  const TargetConfig& config() const { return target_; }

  BearerToken token(RequestCounter& counter) override;
  bool refused(const std::string& token) override;
  void accepted(const std::string& token) override;
  // A poll starts: a failed fetch or discovery of the last poll may be tried again.
  void new_poll();
  void abort() override;
  void abort_if_overdue(std::chrono::steady_clock::time_point now) override;

 private:
  // The source to ask, discovering first when needed. Throws SourceError.
  BearerTokens& ready(RequestCounter& counter);
  void build(const TargetConfig& complete);
  AadMetadata discover(RequestCounter& counter);

  const TargetConfig target_;
  const Clock& clock_;
  std::mutex mutex_;  // held during discovery
  std::optional<SourceError> discovery_failure_;  // of this poll
  std::shared_ptr<TokenSource> oauth2_;
  std::shared_ptr<ManagedIdentitySource> managed_identity_;
  std::atomic<BearerTokens*> active_ = nullptr;  // one of the two, once built
  RequestInFlight request_;  // the discovery request, for abort()
};

}  // namespace ue
