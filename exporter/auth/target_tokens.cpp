// A target's token source and its discovery; see target_tokens.h.
#include "auth/target_tokens.h"

#include <chrono>

#include "config/url.h"
#include "log/log.h"

namespace ue {

namespace {
// A block for Entra's v1 endpoint names its `resource` in endpoint_params and
// sends no scope: a discovered scope would break it.
bool wants_scope(const OAuth2Config& oauth2) {
  if (!oauth2.scopes.empty()) return false;
  for (const auto& [name, value] : oauth2.endpoint_params)
    if (name == "resource") return false;
  return true;
}
}  // namespace

bool needs_aad_discovery(const TargetConfig& target) {
  if (target.type != TargetType::service_fabric) return false;
  if (target.oauth2) return target.oauth2->token_url.empty() || wants_scope(*target.oauth2);
  if (target.managed_identity) return target.managed_identity->resource.empty();
  return false;
}

TargetConfig with_aad_metadata(TargetConfig target, const AadMetadata& metadata) {
  if (target.oauth2) {
    OAuth2Config& oauth2 = *target.oauth2;
    if (oauth2.token_url.empty()) {
      oauth2.token_url = aad_token_url(metadata);
      try {
        oauth2.token_endpoint = parse_url(oauth2.token_url);
      } catch (const ConfigError& e) {
        throw SourceError{Reason::schema, "metadata.authority: not a usable token URL: " + std::string(e.what())};
      }
    }
    if (wants_scope(oauth2)) oauth2.scopes = {aad_scope(metadata)};
  }
  if (target.managed_identity && target.managed_identity->resource.empty())
    target.managed_identity->resource = metadata.cluster;
  return target;
}

TargetTokens::TargetTokens(const TargetConfig& target, const Clock& clock) : target_(target), clock_(clock) {}

std::shared_ptr<TargetTokens> TargetTokens::for_target(const TargetConfig& target, const Clock& clock) {
  if (!target.oauth2 && !target.qumulo_login && !target.managed_identity) return nullptr;
  return std::make_shared<TargetTokens>(target, clock);
}

void TargetTokens::build(const TargetConfig& complete) {
  if (complete.managed_identity) {
    managed_identity_ =
        std::make_shared<ManagedIdentitySource>(complete, complete.managed_identity->resource, clock_);
    active_ = managed_identity_.get();
  } else {
    oauth2_ = std::make_shared<TokenSource>(complete, clock_);
    active_ = oauth2_.get();
  }
}

AadMetadata TargetTokens::discover(RequestCounter& counter) {
  const auto fail = [&](Reason reason, const std::string& message, int status = 0) {
    counter.error(kAadMetadataEndpoint, reason, clock_.unix_now());
    return SourceError{reason, "GetAadMetadata: " + message, status};
  };
  const auto endpoint = [&] {
    HttpEndpoint endpoint = target_endpoint(target_);
    endpoint.connect_ip = resolve_connect_ip(endpoint.url, endpoint.tls);
    return endpoint;
  };
  Answer answer;
  try {
    // Anonymous by design: no Authorization header on this request.
    answer = request_.send(endpoint, counter, kAadMetadataEndpoint, clock_, [](HttpClient& client) {
      return client.send("GET", std::string(kAadMetadataPath), {{"Accept", "application/json"}});
    });
  } catch (const SourceError& e) {
    throw SourceError{e.reason, "GetAadMetadata: " + e.message};  // counted by send()
  }
  if (!is_success_status(answer.status))
    throw fail(Reason::http_status, "HTTP " + std::to_string(answer.status), answer.status);
  try {
    return parse_aad_metadata(answer.body);
  } catch (const SourceError& e) {
    throw fail(e.reason, e.message);
  }
}

BearerTokens& TargetTokens::ready(RequestCounter& counter) {
  if (BearerTokens* active = active_.load()) return *active;
  std::lock_guard lock(mutex_);
  if (BearerTokens* active = active_.load()) return *active;
  if (discovery_failure_) throw *discovery_failure_;
  if (!needs_aad_discovery(target_)) {
    build(target_);
    return *active_.load();
  }
  try {
    const AadMetadata metadata = discover(counter);
    build(with_aad_metadata(target_, metadata));
    Log::info("Entra sign-in discovered from the cluster",
              {{"target", target_.name}, {"endpoint", kAadMetadataEndpoint}, {"resource", metadata.cluster}});
  } catch (const SourceError& e) {
    Log::error("cannot discover Entra sign-in",
               {{"target", target_.name}, {"endpoint", kAadMetadataEndpoint}, {"err", e.message}});
    discovery_failure_ = e;
    throw;
  }
  return *active_.load();
}

BearerToken TargetTokens::token(RequestCounter& counter) { return ready(counter).token(counter); }

bool TargetTokens::refused(const std::string& token) {
  BearerTokens* active = active_.load();
  return active && active->refused(token);
}

void TargetTokens::accepted(const std::string& token) {
  if (BearerTokens* active = active_.load()) active->accepted(token);
}

void TargetTokens::new_poll() {
  std::lock_guard lock(mutex_);
  discovery_failure_.reset();
  if (oauth2_) oauth2_->new_poll();
  if (managed_identity_) managed_identity_->new_poll();
}

void TargetTokens::abort() {
  request_.abort();
  if (BearerTokens* active = active_.load()) active->abort();
}

void TargetTokens::abort_if_overdue(std::chrono::steady_clock::time_point now) {
  request_.abort_if_overdue(now);
  if (BearerTokens* active = active_.load()) active->abort_if_overdue(now);
}

}  // namespace ue
