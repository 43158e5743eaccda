// Basic auth: the Authorization header's base64 credentials checked against
// bcrypt hashes, with a bounded cache of verified credentials.
#include "http/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <random>
#include <utility>

namespace ue {
namespace {

// bcrypt of "fakepassword" (the exporter-toolkit's): unknown users cost a bcrypt
// computation too, so response times do not tell which user names exist.
constexpr const char* kUnknownUserHash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
constexpr std::size_t kMaxHeaderLength = 4096;
constexpr std::size_t kMaxCachedVerifications = 1024;

bool is_base64_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; }

// Standard, padded base64 as Go's base64.StdEncoding reads it; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  if (!std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(padding), is_base64_char)) {
    return std::nullopt;
  }
  std::string decoded(text.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                               reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  decoded.resize(static_cast<std::size_t>(length) - padding);  // EVP_DecodeBlock counts padding as zero bytes
  return decoded;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool bcrypt_matches(const std::string& password, const char* hash) {
  auto scratch = std::make_unique<crypt_data>();  // zeroed, as crypt_rn requires; 32 KiB, so not on the stack
  const char* computed = crypt_rn(password.c_str(), hash, scratch.get(), sizeof(crypt_data));
  const std::size_t length = std::strlen(hash);
  bool matches = computed != nullptr && std::strlen(computed) == length && CRYPTO_memcmp(computed, hash, length) == 0;
  OPENSSL_cleanse(scratch.get(), sizeof(crypt_data));  // it held the password
  return matches;
}

// Wipes a string that held a password when it goes out of scope.
struct Wiped {
  std::string& text;
  ~Wiped() { OPENSSL_cleanse(text.data(), text.size()); }
};

}  // namespace

bool is_bcrypt_hash(std::string_view hash) {
  // $2y$10$ + 22 characters of salt + 31 of hash, in bcrypt's base64 alphabet.
  if (hash.size() != 60 || hash.substr(0, 2) != "$2" || hash[3] != '$' || hash[6] != '$') return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (!std::isdigit(static_cast<unsigned char>(hash[4])) || !std::isdigit(static_cast<unsigned char>(hash[5]))) {
    return false;
  }
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/'; });
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {
  if (RAND_bytes(salt_.data(), static_cast<int>(salt_.size())) != 1) {
    std::random_device random;
    for (auto& byte : salt_) byte = static_cast<unsigned char>(random());
  }
}

BasicAuth::Digest BasicAuth::cache_key(std::string_view user, std::string_view password, std::string_view hash) const {
  Digest digest{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  // Lengths first, so that no two triples feed the same bytes.
  const std::size_t lengths[] = {user.size(), hash.size(), password.size()};
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx.get(), salt_.data(), salt_.size()) == 1 &&
            EVP_DigestUpdate(ctx.get(), lengths, sizeof lengths) == 1 &&
            EVP_DigestUpdate(ctx.get(), user.data(), user.size()) == 1 &&
            EVP_DigestUpdate(ctx.get(), hash.data(), hash.size()) == 1 &&
            EVP_DigestUpdate(ctx.get(), password.data(), password.size()) == 1 &&
            EVP_DigestFinal_ex(ctx.get(), digest.data(), nullptr) == 1;
  if (!ok) digest.fill(0);  // an all-zero key is never inserted, so nothing is cached
  return digest;
}

std::optional<std::string> BasicAuth::authenticated_user(std::string_view authorization) const {
  constexpr std::string_view kPrefix = "Basic ";
  if (authorization.size() > kMaxHeaderLength || authorization.size() < kPrefix.size() ||
      !iequals(authorization.substr(0, kPrefix.size()), kPrefix)) {
    return std::nullopt;
  }
  std::optional<std::string> decoded = base64_decode(authorization.substr(kPrefix.size()));
  if (!decoded) return std::nullopt;
  Wiped wipe_decoded{*decoded};
  std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string user = decoded->substr(0, colon);
  std::string password = decoded->substr(colon + 1);
  Wiped wipe_password{password};
  // crypt() reads a C string: "secret\0anything" must not pass for "secret".
  if (password.find('\0') != std::string::npos) return std::nullopt;

  auto found = users_.find(user);
  const bool known = found != users_.end();
  const char* hash = known ? found->second.c_str() : kUnknownUserHash;
  const Digest key = cache_key(user, password, hash);
  const bool cacheable = key != Digest{};
  if (known && cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (verified_.count(key)) return user;
  }

  bool matches;
  {
    std::lock_guard lock(bcrypt_mutex_);
    matches = bcrypt_matches(password, hash);
  }
  if (!matches || !known) return std::nullopt;
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (verified_.size() >= kMaxCachedVerifications) verified_.clear();  // bounded; users re-verify once
    verified_.insert(key);
  }
  return user;
}

bool BasicAuth::check(std::string_view authorization) const { return authenticated_user(authorization).has_value(); }

}  // namespace ue
