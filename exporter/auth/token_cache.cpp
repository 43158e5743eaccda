// The token cache's rules; see token_cache.h.
#include "auth/token_cache.h"

namespace ue {

TokenCache::Token TokenCache::get(const Fetch& fetch) {
  std::lock_guard lock(mutex_);
  if (cached_ && clock_.now() < cached_->refresh_at) return {cached_->token, false};
  if (!failure_) {
    try {
      TokenGrant grant = fetch();
      const SteadyTime obtained = clock_.now();
      cached_ = Cached{std::move(grant.token), obtained, obtained + grant.refresh_after,
                       obtained + grant.expires_after};
      return {cached_->token, true};
    } catch (const SourceError& e) {
      failure_ = e;
    }
  }
  // The refresh failed, but a token due for refresh has not expired yet.
  if (cached_ && clock_.now() < cached_->expires_at) return {cached_->token, false};
  cached_.reset();
  throw *failure_;
}

bool TokenCache::refused(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (!cached_) return !failure_;  // another worker dropped it: get() fetches anew
  if (cached_->token != token) return true;  // already replaced: retry with the new one
  if (!cached_->accepted && clock_.now() - cached_->obtained < kRefetchRefusedAfter) return false;
  cached_.reset();
  return true;
}

void TokenCache::accepted(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (cached_ && !cached_->accepted && cached_->token == token) cached_->accepted = true;
}

void TokenCache::new_poll() {
  std::lock_guard lock(mutex_);
  failure_.reset();
}

}  // namespace ue
