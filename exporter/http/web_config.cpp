#include "http/web_config.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <random>
#include <utility>

#include "config/quoting.h"
#include "config/yaml_decode.h"

namespace ue {
namespace {

using decode::Value;

// WebTlsConfig's defaults are written as numbers to keep OpenSSL out of the header.
static_assert(TLS1_2_VERSION == 0x0303 && TLS1_3_VERSION == 0x0304);

constexpr std::pair<std::string_view, ClientAuth> kClientAuthNames[] = {
    {"NoClientCert", ClientAuth::no_client_cert},
    {"RequestClientCert", ClientAuth::request_client_cert},
    {"RequireAnyClientCert", ClientAuth::require_any_client_cert},
    {"VerifyClientCertIfGiven", ClientAuth::verify_client_cert_if_given},
    {"RequireAndVerifyClientCert", ClientAuth::require_and_verify_client_cert}};

constexpr std::pair<std::string_view, int> kTlsVersions[] = {
    {"TLS10", TLS1_VERSION}, {"TLS11", TLS1_1_VERSION}, {"TLS12", TLS1_2_VERSION}, {"TLS13", TLS1_3_VERSION}};

std::string_view tls_version_name(int version) {
  for (const auto& [name, number] : kTlsVersions) {
    if (number == version) return name;
  }
  return "?";
}

// exporter-toolkit keys this exporter does not implement are accepted by the
// decoder only to be named as such, so a copied toolkit file gets a clear answer.
[[noreturn]] void fail_unsupported(const Value& map, std::string_view key, const Value& value) {
  decode::fail(*map.doc, value.line, map.path, "key " + in_quotes(key) + " is not supported by upgrade_exporter");
}

ClientAuth read_client_auth(const Value& v) {
  return decode::read_scalar(v, "a client_auth_type", [](const std::string& s) {
    for (const auto& [name, auth] : kClientAuthNames) {
      if (s == name) return auth;
    }
    throw ConfigError("unknown client_auth_type " + in_quotes(s) +
                      " (use NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or "
                      "RequireAndVerifyClientCert)");
  });
}

int read_tls_version(const Value& v) {
  return decode::read_scalar(v, "a TLS version", [](const std::string& s) {
    for (const auto& [name, number] : kTlsVersions) {
      if (s == name) return number;
    }
    throw ConfigError("unknown TLS version " + in_quotes(s) + " (use TLS10, TLS11, TLS12 or TLS13)");
  });
}

WebTlsConfig read_tls_server_config(const Value& v) {
  WebTlsConfig tls;
  std::optional<Value> cert_at, key_at, client_auth_at, client_ca_at, max_at;
  const std::vector<std::string_view> keys = {
      "cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version",
      // exporter-toolkit keys, not supported here:
      "cert", "key", "client_allowed_sans", "cipher_suites", "curve_preferences", "prefer_server_cipher_suites"};
  decode::for_each_entry(v, keys, [&](std::string_view key, const Value& field) {
    if (key == "cert_file") {
      tls.cert_file = decode::read_readable_file(field);
      cert_at = field;
    } else if (key == "key_file") {
      tls.key_file = decode::read_readable_file(field);
      key_at = field;
    } else if (key == "client_auth_type") {
      tls.client_auth = read_client_auth(field);
      client_auth_at = field;
    } else if (key == "client_ca_file") {
      tls.client_ca_file = decode::read_readable_file(field);
      client_ca_at = field;
    } else if (key == "min_version") {
      tls.min_version = read_tls_version(field);
    } else if (key == "max_version") {
      tls.max_version = read_tls_version(field);
      max_at = field;
    } else {
      fail_unsupported(v, key, field);
    }
  });
  if (!cert_at) decode::fail(v, "missing required key \"cert_file\"");
  if (!key_at) decode::fail(v, "missing required key \"key_file\"");
  if (verifies_client_cert(tls.client_auth) && !client_ca_at) {
    decode::fail(*v.doc, client_auth_at->line, v.path,
                 "client_auth_type " + std::string(client_auth_name(tls.client_auth)) + " requires client_ca_file");
  }
  if (client_ca_at && tls.client_auth == ClientAuth::no_client_cert) {
    // As the exporter-toolkit: a CA that is never asked for is a misconfiguration, not a no-op.
    decode::fail(*client_ca_at, "set, but client_auth_type is NoClientCert (use RequireAndVerifyClientCert)");
  }
  if (tls.min_version > tls.max_version) {  // min_version cannot exceed the default max: max_version was written
    decode::fail(max_at ? *max_at : v, std::string(tls_version_name(tls.max_version)) + " is lower than min_version " +
                                           std::string(tls_version_name(tls.min_version)));
  }
  return tls;
}

void read_users(const Value& v, std::map<std::string, std::string>& users) {
  decode::for_each_entry(v, [&](std::string_view user, const Value& field) {
    if (user.empty()) decode::fail(*v.doc, field.line, v.path, "user names must not be empty");
    // The Authorization header splits user from password at the first ':'.
    if (user.find(':') != std::string_view::npos) {
      decode::fail(*v.doc, field.line, v.path, "user name " + in_quotes(user) + " must not contain ':'");
    }
    std::string hash = decode::read_string(field);
    // The value is never quoted back: it may be a password written by mistake.
    if (!is_bcrypt_hash(hash)) {
      decode::fail(field, "not a bcrypt hash (use $2y$, $2b$ or $2a$ hashes, e.g. from \"htpasswd -nBC 10 user\")");
    }
    users.emplace(std::string(user), std::move(hash));
  });
}

WebConfig decode_web_config(std::string_view yaml, const std::string& file) {
  decode::Document doc(file);
  Value root = decode::load_document(doc, yaml);
  WebConfig config;
  config.file = file;
  decode::for_each_entry(root, {"tls_server_config", "basic_auth_users", "http_server_config", "rate_limit"},
                         [&](std::string_view key, const Value& field) {
                           if (key == "tls_server_config") {
                             config.tls = read_tls_server_config(field);
                           } else if (key == "basic_auth_users") {
                             read_users(field, config.users);
                           } else {
                             fail_unsupported(root, key, field);
                           }
                         });
  return config;
}

// --- basic auth ---

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

std::string_view client_auth_name(ClientAuth auth) {
  for (const auto& [name, value] : kClientAuthNames) {
    if (value == auth) return name;
  }
  return "NoClientCert";
}

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

WebConfig parse_web_config(std::string_view yaml, const std::string& file) {
  return decode::only_config_errors(file, [&] { return decode_web_config(yaml, file); });
}

WebConfig load_web_config(const std::string& path) {
  return decode::only_config_errors(path, [&] { return decode_web_config(decode::read_file(path), path); });
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
