// One target's token, kept across polls and shared by its workers. It is
// fetched when there is none or it is due for refresh, one fetch at a time
// (the other workers wait for it and then use it), and dropped when the
// upstream refuses it, so that request is retried once with a new one.
// The fetch itself is injected, and so is the clock, so the rules are tested
// without a socket or a wait.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "auth/token_grant.h"
#include "base/clock.h"
#include "net/upstream.h"  // BearerToken

namespace ue {

class TokenCache {
 public:
  using Fetch = std::function<TokenGrant()>;

  // A token refused before it was ever accepted is not dropped again until
  // it is this old: a new token is then unlikely to fare better, and a
  // poll's thousand refusals must not become a thousand token requests.
  static constexpr Duration kRefetchRefusedAfter = std::chrono::seconds(60);

  explicit TokenCache(const Clock& clock) : clock_(clock) {}

  using Token = BearerToken;
  // The token to send now. Runs `fetch` when none is cached or the cached
  // one is due (now >= obtained + refresh_after), holding the cache so that
  // concurrent callers wait and then share its result. When the fetch fails,
  // a cached token that has not expired yet is still used; else its
  // SourceError is thrown. A failed fetch is remembered until new_poll(): the
  // callers of the same poll get its error at once instead of each waiting
  // out the token endpoint again.
  Token get(const Fetch& fetch);
  // Whether the request that the upstream answered 401 to `token` should be
  // sent again with get()'s token. The cached token is dropped when it is
  // `token` and was once accepted or is kRefetchRefusedAfter old.
  bool refused(const std::string& token);
  // The upstream accepted `token`.
  void accepted(const std::string& token);
  // A poll starts: a failed fetch of the last poll may be tried again.
  void new_poll();

 private:
  struct Cached {
    std::string token;
    SteadyTime obtained;
    SteadyTime refresh_at;
    SteadyTime expires_at;
    bool accepted = false;
  };
  const Clock& clock_;
  std::mutex mutex_;  // held during a fetch
  std::optional<Cached> cached_;
  std::optional<SourceError> failure_;  // of this poll's fetch
};

}  // namespace ue
