// HTTP basic authentication against bcrypt-hashed users, as the
// exporter-toolkit's basic_auth_users: header parsing, bcrypt verification and
// a cache that keeps repeated scrapes from paying bcrypt's cost every time.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ue {

// True for "$2a$", "$2b$" and "$2y$" bcrypt hashes in their 60-character form.
bool is_bcrypt_hash(std::string_view hash);

// Checks "Authorization: Basic ..." header values against bcrypt-hashed users.
// bcrypt is deliberately slow, so verified (user, password, hash) triples are
// remembered by a salted SHA-256, never the password itself; only one bcrypt
// computation runs at a time, so a flood of bad passwords costs one core.
// Thread-safe.
class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);

  // True when users are configured, i.e. requests must authenticate.
  bool enabled() const { return !users_.empty(); }
  // True when `authorization` (the whole header value, e.g. "Basic YWxpY2U6c2VjcmV0")
  // names a configured user with the right password.
  bool check(std::string_view authorization) const;
  // The user name of a successful check(), else nullopt. For logs.
  std::optional<std::string> authenticated_user(std::string_view authorization) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  Digest cache_key(std::string_view user, std::string_view password, std::string_view hash) const;

  std::map<std::string, std::string> users_;
  std::array<unsigned char, 32> salt_{};  // random per instance: cache keys are useless outside this process
  mutable std::mutex bcrypt_mutex_;
  mutable std::mutex cache_mutex_;
  mutable std::set<Digest> verified_;
};

}  // namespace ue
