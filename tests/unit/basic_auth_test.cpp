// Basic auth: bcrypt hash recognition, and Authorization headers checked
// against bcrypt-hashed users.
#include "http/basic_auth.h"

#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

namespace ue {
namespace {

using Users = std::map<std::string, std::string>;

// From the exporter-toolkit's test data, made with htpasswd -B: proves $2y$ compatibility.
constexpr const char* kCarolHash = "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu";  // carol123

std::string base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string basic(std::string_view user_and_password) { return "Basic " + base64(user_and_password); }

// A fresh bcrypt hash at the lowest cost, so tests stay fast.
std::string bcrypt_hash(const std::string& password, const char* prefix = "$2b$") {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), setting, &data);
  EXPECT_NE(hash, nullptr);
  return hash;
}

TEST(BasicAuthTest, RecognizesBcryptHashes) {
  EXPECT_TRUE(is_bcrypt_hash(kCarolHash));
  EXPECT_TRUE(is_bcrypt_hash("$2b$04$w.RI6Ps9HDRrfzYacEpPnOcLKXQ0YT2f6wcy0vdZIkwSfgaHKrtea"));
  EXPECT_TRUE(is_bcrypt_hash("$2a$31$w.RI6Ps9HDRrfzYacEpPnOcLKXQ0YT2f6wcy0vdZIkwSfgaHKrtea"));
  EXPECT_FALSE(is_bcrypt_hash(""));
  EXPECT_FALSE(is_bcrypt_hash("carol123"));
  EXPECT_FALSE(is_bcrypt_hash("$2x$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu"));  // broken variant
  EXPECT_FALSE(is_bcrypt_hash("$2y$03$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu"));  // cost too low
  EXPECT_FALSE(is_bcrypt_hash("$2y$32$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu"));  // cost too high
  EXPECT_FALSE(is_bcrypt_hash("$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTu"));   // short
  EXPECT_FALSE(is_bcrypt_hash("$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTu!"));  // bad character
  EXPECT_FALSE(
      is_bcrypt_hash("$6$rounds=5000$usesomesillystri$D4IrlXatmP7rx3P3InaxBeoomnAihCKRVQP22JZ6EY47Wc6BkroIuUUBOov1i."
                     "S5KPgErtP/EN5mcO.ChWQW21"));
}

TEST(BasicAuthTest, FixedHtpasswdHash) {
  BasicAuth auth(Users{{"carol", kCarolHash}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.check(basic("carol:carol123")));
  EXPECT_EQ(auth.authenticated_user(basic("carol:carol123")), "carol");
  EXPECT_FALSE(auth.check(basic("carol:carol124")));
  EXPECT_FALSE(auth.check(basic("carol:")));
}

TEST(BasicAuthTest, AcceptsTheRightPasswordOnly) {
  BasicAuth auth(Users{{"alice", bcrypt_hash("s3cret:with colon")}, {"bob", bcrypt_hash("hunter2", "$2y$")}});
  EXPECT_TRUE(auth.check(basic("alice:s3cret:with colon")));  // split at the first ':'
  EXPECT_TRUE(auth.check(basic("bob:hunter2")));
  EXPECT_TRUE(auth.check("basic " + base64("bob:hunter2")));  // the scheme is case-insensitive
  EXPECT_TRUE(auth.check(basic("bob:hunter2")));              // again, from the cache

  EXPECT_FALSE(auth.check(basic("alice:s3cret")));
  EXPECT_FALSE(auth.check(basic("alice:hunter2")));  // another user's password
  EXPECT_FALSE(auth.check(basic("bob:Hunter2")));
  EXPECT_FALSE(auth.check(basic("Bob:hunter2")));  // user names are case-sensitive
  EXPECT_FALSE(auth.check(basic("mallory:hunter2")));
  EXPECT_FALSE(auth.check(basic(":hunter2")));
  EXPECT_EQ(auth.authenticated_user(basic("bob:wrong")), std::nullopt);
}

TEST(BasicAuthTest, RejectsMalformedHeaders) {
  BasicAuth auth(Users{{"bob", bcrypt_hash("hunter2")}});
  const std::string good = base64("bob:hunter2");
  const std::string headers[] = {
      std::string(),
      std::string("Basic"),
      std::string("Basic "),
      "Bearer " + good,
      "Basic  " + good,           // two spaces
      "Basic " + good + " ",      // trailing space
      "Basic " + good + "=",      // bad padding
      "Basic " + good.substr(1),  // not a multiple of four
      "Basic !" + good.substr(1),
      "Basic " + base64("bob"),                              // no colon
      "Basic " + base64("bob:hunter2\n"),                    // not the password
      "Basic " + base64(std::string("bob:hunter2\0x", 13)),  // crypt() would stop at the NUL
      "Basic " + std::string(5000, 'A'),
      "Digest username=\"bob\"",
  };
  for (const std::string& header : headers) {
    SCOPED_TRACE(header);
    EXPECT_FALSE(auth.check(header));
  }
  EXPECT_TRUE(auth.check("Basic " + good));
}

TEST(BasicAuthTest, NoUsersMeansDisabled) {
  BasicAuth auth(Users{});
  EXPECT_FALSE(auth.enabled());
  EXPECT_FALSE(auth.check(basic("anyone:anything")));
}

TEST(BasicAuthTest, ConcurrentChecks) {
  BasicAuth auth(Users{{"alice", bcrypt_hash("right")}, {"carol", kCarolHash}});
  std::vector<std::thread> threads;
  std::vector<int> results(8, -1);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      bool ok = true;
      for (int round = 0; round < 5; ++round) {
        ok = ok && auth.check(basic("alice:right")) && !auth.check(basic("alice:wrong")) &&
             (i != 0 || auth.check(basic("carol:carol123")));
      }
      results[static_cast<std::size_t>(i)] = ok ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  for (int r : results) EXPECT_EQ(r, 1);
}

}  // namespace
}  // namespace ue
