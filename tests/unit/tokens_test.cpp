// Token requests and answers (OAuth2 client credentials, Qumulo session
// login) and the token cache's rules, driven by a fake clock and a scripted
// fetch: no socket, no wait.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/token_cache.h"
#include "auth/token_grant.h"
#include "unit/poll_test_util.h"

namespace ue {
namespace {

using namespace std::chrono_literals;

SourceError error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const SourceError& e) {
    return e;
  }
  return SourceError{Reason::connect, "(no error)"};
}

// --- the form ---

TEST(TokenGrantTest, ClientCredentialsFormIsEncoded) {
  OAuth2Config config;
  config.client_id = "00000000-aaaa";
  config.scopes = {"api://11111111/.default", "offline"};
  config.endpoint_params = {{"resource", "https://sf.example.com/app id"}};
  EXPECT_EQ(client_credentials_form(config, ClientCredential::secret("s3cr&t=+/ %")),
            "grant_type=client_credentials&client_id=00000000-aaaa&client_secret=s3cr%26t%3D%2B%2F%20%25"
            "&scope=api%3A%2F%2F11111111%2F.default%20offline"
            "&resource=https%3A%2F%2Fsf.example.com%2Fapp%20id");
  config.scopes.clear();
  config.endpoint_params.clear();
  EXPECT_EQ(client_credentials_form(config, ClientCredential::secret("x")),
            "grant_type=client_credentials&client_id=00000000-aaaa&client_secret=x");
}

// RFC 7523 section 2.2, as Entra takes a federated token or a signed
// certificate assertion: the assertion in place of the secret, never both.
TEST(TokenGrantTest, ClientAssertionFormCarriesNoSecret) {
  OAuth2Config config;
  config.client_id = "00000000-aaaa";
  config.scopes = {"api://11111111/.default"};
  config.endpoint_params = {{"resource", "r"}};
  const std::string form = client_credentials_form(config, ClientCredential::assertion("eyJhbGciOi.eyJzdWIi.c2ln-_"));
  EXPECT_EQ(form,
            "grant_type=client_credentials&client_id=00000000-aaaa"
            "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
            "&client_assertion=eyJhbGciOi.eyJzdWIi.c2ln-_"
            "&scope=api%3A%2F%2F11111111%2F.default&resource=r");
  EXPECT_EQ(form.find("client_secret"), std::string::npos);
}

// --- token responses ---

TEST(TokenGrantTest, ParsesAStandardAnswer) {
  TokenGrant grant = parse_token_response(R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,
                                             "access_token":"eyJ0eXAi.payload.sig"})");
  EXPECT_EQ(grant.token, "eyJ0eXAi.payload.sig");
  EXPECT_EQ(grant.expires_after, 3599s);
  EXPECT_EQ(grant.refresh_after, 3539s);
}

TEST(TokenGrantTest, IsLenientWhereTheRfcIs) {
  // expires_in as a string (Entra's v1 endpoint), token_type in any case, or absent.
  TokenGrant grant = parse_token_response(R"({"access_token":"t","expires_in":"120","token_type":"bearer"})");
  EXPECT_EQ(grant.expires_after, 120s);
  EXPECT_EQ(grant.refresh_after, 108s);  // 10% of a short lifetime, not 60 s
  grant = parse_token_response(R"({"access_token":"t"})");
  EXPECT_EQ(grant.expires_after, kDefaultTokenLifetime);
  EXPECT_EQ(grant.refresh_after, kDefaultTokenLifetime - 60s);
  grant = parse_token_response(R"({"access_token":"t","expires_in":null,"scope":"x","refresh_token":"r"})");
  EXPECT_EQ(grant.expires_after, kDefaultTokenLifetime);
  // Absurd lifetimes are cut, not overflowed.
  grant = parse_token_response(R"({"access_token":"t","expires_in":1e300})");
  EXPECT_EQ(grant.expires_after, kMaxTokenLifetime);
}

TEST(TokenGrantTest, RefusesHostileAnswers) {
  struct Case {
    std::string body;
    Reason reason;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"<html>Sign in</html>", Reason::parse, ""},
      {"", Reason::parse, ""},
      {std::string(100000, '['), Reason::parse, ""},
      {R"(["access_token"])", Reason::schema, ""},
      {R"({})", Reason::schema, "access_token: missing"},
      {R"({"access_token":42})", Reason::schema, "access_token: expected a string"},
      {R"({"access_token":""})", Reason::schema, "access_token: empty or holds characters a header cannot carry"},
      {"{\"access_token\":\"abc\\r\\nX-Injected: 1\"}", Reason::schema,
       "access_token: empty or holds characters a header cannot carry"},
      {R"({"access_token":"a b"})", Reason::schema, "access_token: empty or holds characters a header cannot carry"},
      {R"({"access_token":"t","token_type":"mac"})", Reason::schema, "token_type: expected Bearer"},
      {R"({"access_token":"t","expires_in":-5})", Reason::schema, "expires_in: must be positive"},
      {R"({"access_token":"t","expires_in":0})", Reason::schema, "expires_in: must be positive"},
      {R"({"access_token":"t","expires_in":"soon"})", Reason::schema, ""},
      {R"({"access_token":"t","expires_in":[1]})", Reason::schema, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 80));
    SourceError e = error_of([&] { parse_token_response(c.body); });
    EXPECT_EQ(e.reason, c.reason) << e.message;
    if (!c.message.empty()) {
      EXPECT_EQ(e.message, c.message);
    }
  }
}

TEST(TokenGrantTest, ErrorMessagesNeverHoldTheToken) {
  for (std::string body : {R"({"access_token":"tok-SECRET x"})", R"({"access_token":"tok-SECRET","token_type":"x"})",
                           R"({"access_token":"tok-SECRET","expires_in":"x"})"}) {
    SourceError e = error_of([&] { parse_token_response(body); });
    EXPECT_EQ(e.message.find("SECRET"), std::string::npos) << e.message;
  }
}

TEST(TokenGrantTest, DescribesRfc6749Errors) {
  EXPECT_EQ(describe_token_error(400, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client\n)"
                                      R"(secret provided.","error_codes":[7000215]})"),
            "HTTP 400 invalid_client: AADSTS7000215: Invalid client\\nsecret provided.");
  // Not JSON (a raw newline in a string): only the status.
  EXPECT_EQ(describe_token_error(400, "{\"error\":\"invalid_client\",\"error_description\":\"a\nb\"}"), "HTTP 400");
  EXPECT_EQ(describe_token_error(401, R"({"error":"unauthorized_client"})"), "HTTP 401 unauthorized_client");
  EXPECT_EQ(describe_token_error(502, "<html>Bad gateway</html>"), "HTTP 502");
  EXPECT_EQ(describe_token_error(400, R"({"error":{"nested":true},"error_description":7})"), "HTTP 400");
  const std::string long_description(5000, 'x');
  EXPECT_EQ(describe_token_error(400, R"({"error":"invalid_request","error_description":")" + long_description + "\"}"),
            "HTTP 400 invalid_request: " + std::string(kMaxTokenErrorBytes, 'x'));
}

TEST(TokenGrantTest, RedactsTheSecret) {
  EXPECT_EQ(redact("bad secret pw1 (pw1)", "pw1"), "bad secret <redacted> (<redacted>)");
  EXPECT_EQ(redact("nothing here", ""), "nothing here");
  EXPECT_EQ(redact("aaaa", "a"), "<redacted><redacted><redacted><redacted>");
}

// --- the refresh rule ---

TEST(TokenGrantTest, RefreshesSixtySecondsOrTenPercentBeforeExpiry) {
  EXPECT_EQ(refresh_after_for(1h), 1h - 60s);
  EXPECT_EQ(refresh_after_for(10min), 10min - 60s);
  EXPECT_EQ(refresh_after_for(600s), 540s);  // the two rules meet
  EXPECT_EQ(refresh_after_for(300s), 270s);
  EXPECT_EQ(refresh_after_for(2s), 1800ms);
}

// --- Qumulo ---

TEST(TokenGrantTest, QumuloLogin) {
  EXPECT_EQ(qumulo_login_body("monitoring", "p\"w\\1"), R"({"password":"p\"w\\1","username":"monitoring"})");
  SourceError utf8 = error_of([] { qumulo_login_body("monitoring", "\xff\xfe"); });
  EXPECT_EQ(utf8.message, "username or password_file is not valid UTF-8");
  TokenGrant grant = parse_qumulo_login(R"({"bearer_token":"1:ATwAAAB"})");
  EXPECT_EQ(grant.token, "1:ATwAAAB");
  EXPECT_EQ(grant.refresh_after, 9h);
  EXPECT_EQ(grant.expires_after, 10h);
  EXPECT_EQ(error_of([] { parse_qumulo_login(R"({"token":"x"})"); }).message, "bearer_token: missing");
  EXPECT_EQ(error_of([] { parse_qumulo_login("nope"); }).reason, Reason::parse);
  EXPECT_EQ(describe_qumulo_login_error(401, R"({"module":"qinternal.rest.session","error_class":
    "api_invalid_credentials_error","description":"Invalid username or password","stack":[],"user_visible":true})"),
            "HTTP 401 api_invalid_credentials_error: Invalid username or password");
}

// --- the cache ---

class TokenCacheTest : public ::testing::Test {
 protected:
  // Each fetch hands out "t1", "t2", ... living `lifetime`, or throws `failure` when set.
  TokenCache::Fetch fetch() {
    return [this] {
      ++fetches_;
      if (failure_) throw *failure_;
      return TokenGrant{"t" + std::to_string(fetches_), refresh_after_for(lifetime_), lifetime_};
    };
  }

  test::FakeClock clock_;
  TokenCache cache_{clock_};
  std::atomic<int> fetches_{0};
  Duration lifetime_ = 1h;
  std::optional<SourceError> failure_;
};

TEST_F(TokenCacheTest, FetchesOnceAndReusesUntilDue) {
  TokenCache::Token first = cache_.get(fetch());
  EXPECT_EQ(first.value, "t1");
  EXPECT_TRUE(first.fetched);
  clock_.advance(1h - 61s);
  TokenCache::Token again = cache_.get(fetch());
  EXPECT_EQ(again.value, "t1");
  EXPECT_FALSE(again.fetched);
  clock_.advance(1s);  // now exactly 60 s before expiry
  EXPECT_EQ(cache_.get(fetch()).value, "t2");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(TokenCacheTest, ConcurrentCallersShareOneFetch) {
  std::vector<std::thread> threads;
  std::vector<std::string> seen(8);
  for (std::size_t i = 0; i < seen.size(); ++i)
    threads.emplace_back([&, i] { seen[i] = cache_.get(fetch()).value; });
  for (auto& t : threads) t.join();
  EXPECT_EQ(fetches_, 1);
  for (const std::string& token : seen) EXPECT_EQ(token, "t1");
}

TEST_F(TokenCacheTest, ARefusedTokenThatWorkedIsReplacedOnce) {
  cache_.get(fetch());
  cache_.accepted("t1");
  EXPECT_TRUE(cache_.refused("t1"));
  EXPECT_EQ(cache_.get(fetch()).value, "t2");
  // Other workers that were refused t1 retry with t2, without another fetch.
  EXPECT_TRUE(cache_.refused("t1"));
  EXPECT_EQ(cache_.get(fetch()).value, "t2");
  EXPECT_EQ(fetches_, 2);
  // t2 never worked: refusals of it fetch nothing more for a while...
  EXPECT_FALSE(cache_.refused("t2"));
  EXPECT_FALSE(cache_.refused("t2"));
  EXPECT_EQ(cache_.get(fetch()).value, "t2");
  // ...and then once.
  clock_.advance(TokenCache::kRefetchRefusedAfter);
  EXPECT_TRUE(cache_.refused("t2"));
  EXPECT_EQ(cache_.get(fetch()).value, "t3");
  EXPECT_EQ(fetches_, 3);
}

TEST_F(TokenCacheTest, AFailedFetchIsTriedOncePerPoll) {
  failure_ = SourceError{Reason::http_status, "token endpoint answered HTTP 400 invalid_client", 400};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(error_of([&] { cache_.get(fetch()); }).message, failure_->message);
  EXPECT_EQ(fetches_, 1);
  cache_.new_poll();
  failure_.reset();
  EXPECT_EQ(cache_.get(fetch()).value, "t2");
}

TEST_F(TokenCacheTest, AFailedRefreshKeepsATokenThatHasNotExpired) {
  lifetime_ = 100s;
  cache_.get(fetch());
  clock_.advance(95s);  // due (refresh at 90 s), not expired
  failure_ = SourceError{Reason::timeout, "read timeout"};
  EXPECT_EQ(cache_.get(fetch()).value, "t1");
  EXPECT_EQ(cache_.get(fetch()).value, "t1");
  EXPECT_EQ(fetches_, 2);
  clock_.advance(5s);  // expired
  EXPECT_EQ(error_of([&] { cache_.get(fetch()); }).reason, Reason::timeout);
  EXPECT_EQ(fetches_, 2);
  cache_.new_poll();
  failure_.reset();
  EXPECT_EQ(cache_.get(fetch()).value, "t3");
}

}  // namespace
}  // namespace ue
