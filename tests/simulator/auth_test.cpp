// The token endpoint, Qumulo login and the token store, without sockets.
#include "auth.h"

#include <gtest/gtest.h>

#include "requests.h"

namespace sim {
namespace {

using namespace std::chrono_literals;

const WallClock::time_point kWall{std::chrono::seconds(1709287200)};  // 2024-03-01 10:00:00Z
constexpr const char* kForm = "application/x-www-form-urlencoded";

OAuth2Client demo_client() {
  OAuth2Client client;
  client.client_id = "11111111-2222-3333-4444-555555555555";
  client.client_secret = "s3cret+/=";
  client.scope = "api://sf-cluster/.default";
  client.expires_in = 10min;
  return client;
}

// A form body with the demo client's credentials, `extra` appended (later duplicates lose).
std::string credentials(const std::string& extra = "") {
  return extra + (extra.empty() ? "" : "&") +
         "grant_type=client_credentials&client_id=11111111-2222-3333-4444-555555555555"
         "&client_secret=s3cret%2B%2F%3D&scope=api%3A%2F%2Fsf-cluster%2F.default";
}

AuthAnswer ask(const std::string& body, TokenStore& tokens, Micros now = 0s,
               TokenEndpoint endpoint = TokenEndpoint::v2, const char* type = kForm) {
  return answer_token_request(demo_client(), endpoint, type, body, tokens, now, kWall);
}

TEST(Form, DecodesLikeABrowserForm) {
  auto form = parse_form("a=1&b=x+y%2Bz&c=%3d%3D&a=2&empty=&flag&%zz=100%");
  EXPECT_EQ(form["a"], "1");  // the first wins
  EXPECT_EQ(form["b"], "x y+z");
  EXPECT_EQ(form["c"], "==");
  EXPECT_EQ(form["empty"], "");
  EXPECT_TRUE(form.contains("flag"));
  EXPECT_EQ(form["%zz"], "100%");  // a bad escape stays as it is
  EXPECT_TRUE(parse_form("").empty());
}

TEST(TokenEndpoint, IssuesARandomTokenForTheClient) {
  TokenStore tokens("t-");
  auto a = ask(credentials(), tokens);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["token_type"], "Bearer");
  EXPECT_EQ(a.body["expires_in"], 600);
  EXPECT_EQ(a.body["ext_expires_in"], 600);
  std::string token = a.body["access_token"];
  EXPECT_TRUE(token.starts_with("t-"));
  EXPECT_GE(token.size(), 40u);
  auto b = ask(credentials(), tokens);
  EXPECT_NE(b.body["access_token"], token);  // every request gets its own
  EXPECT_EQ(tokens.check(token, 0s), TokenStore::Check::live);
  EXPECT_EQ(tokens.check(b.body["access_token"].get<std::string>(), 0s), TokenStore::Check::live);
}

TEST(TokenEndpoint, TokensExpireAfterExpiresIn) {
  TokenStore tokens("t-");
  std::string token = ask(credentials(), tokens, 5s).body["access_token"];
  EXPECT_EQ(tokens.check(token, 5s + 10min - 1us), TokenStore::Check::live);
  EXPECT_EQ(tokens.check(token, 5s + 10min), TokenStore::Check::expired);
  EXPECT_EQ(tokens.check("t-forged", 5s), TokenStore::Check::unknown);
  EXPECT_EQ(tokens.check("", 5s), TokenStore::Check::unknown);
  // Long expired tokens are forgotten when new ones are issued, so the store stays small.
  ask(credentials(), tokens, 3h);
  EXPECT_EQ(tokens.check(token, 3h), TokenStore::Check::unknown);
}

TEST(TokenEndpoint, V1TakesAResourceAndAnswersStrings) {
  TokenStore tokens("t-");
  auto a = ask("grant_type=client_credentials&client_id=11111111-2222-3333-4444-555555555555"
               "&client_secret=s3cret%2B%2F%3D&resource=api://sf-cluster",
               tokens, 0s, TokenEndpoint::v1);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["expires_in"], "600");
  EXPECT_EQ(a.body["expires_on"], "1709287800");
  EXPECT_EQ(a.body["resource"], "api://sf-cluster");
  auto wrong = ask(credentials(), tokens, 0s, TokenEndpoint::v1);  // a scope, no resource
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.body["error"], "invalid_request");
}

// Every refusal: status, RFC 6749 error and the AADSTS code that leads the description.
TEST(TokenEndpoint, RefusesLikeEntraId) {
  struct Case {
    std::string body;
    int status;
    std::string error, code;
  };
  const Case cases[] = {
      {"client_id=x", 400, "invalid_request", "AADSTS900144:"},
      {credentials("grant_type=password"), 400, "unsupported_grant_type", "AADSTS70003:"},
      {"grant_type=client_credentials&scope=api://sf-cluster/.default", 400, "invalid_request", "AADSTS900144:"},
      {credentials("client_id=someone-else"), 400, "unauthorized_client", "AADSTS700016:"},
      {credentials("scope=api://sf-cluster"), 400, "invalid_scope", "AADSTS1002012:"},
      {credentials("scope=api://other/.default"), 400, "invalid_resource", "AADSTS500011:"},
      {credentials("client_secret=wrong"), 400, "invalid_client", "AADSTS7000215:"},
      {"grant_type=client_credentials&client_id=11111111-2222-3333-4444-555555555555&scope=api://sf-cluster/.default",
       400, "invalid_request", "AADSTS900144:"},
  };
  TokenStore tokens("t-");
  for (const auto& c : cases) {
    auto a = ask(c.body, tokens);
    EXPECT_EQ(a.status, c.status) << c.body;
    EXPECT_EQ(a.body["error"], c.error) << c.body;
    std::string description = a.body["error_description"];
    EXPECT_TRUE(description.starts_with(c.code)) << c.body << ": " << description;
    EXPECT_NE(description.find("\r\nTrace ID: "), std::string::npos);  // Entra's trailer, CRLF and all
    EXPECT_EQ(a.body["timestamp"], "2024-03-01 10:00:00Z");
    EXPECT_FALSE(a.body.contains("access_token"));
    EXPECT_EQ(description.find("s3cret"), std::string::npos);  // never the secret
  }
  auto secret = ask(credentials("client_secret=wrong"), tokens);
  EXPECT_NE(secret.body["error_description"].get<std::string>().find("11111111-2222-3333-4444-555555555555"),
            std::string::npos);
  EXPECT_EQ(secret.body["error_codes"], Json::array({7000215}));
}

TEST(TokenEndpoint, ReadsOnlyAFormBody) {
  TokenStore tokens("t-");
  auto charset = ask(credentials(), tokens, 0s, TokenEndpoint::v2, "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(charset.status, 200);
  auto json = ask(R"({"grant_type": "client_credentials"})", tokens, 0s, TokenEndpoint::v2, "application/json");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(json.body["error"], "invalid_request");
}

TEST(TokenEndpoint, WithoutAClientEveryoneIsUnknown) {
  TokenStore tokens("t-");
  auto a = answer_token_request(std::nullopt, TokenEndpoint::v2, kForm, credentials(), tokens, 0s, kWall);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"], "unauthorized_client");
}

TEST(QumuloLogin, IssuesSessionTokensThatExpire) {
  QumuloLogin login{"monitoring", "pa ss\"word", 10h};
  TokenStore sessions("session-v1:");
  auto ok = answer_login(login, R"({"username": "monitoring", "password": "pa ss\"word"})", sessions, 1s);
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  std::string token = ok.body["bearer_token"];
  EXPECT_TRUE(token.starts_with("session-v1:"));
  EXPECT_EQ(sessions.check(token, 1s + 10h - 1us), TokenStore::Check::live);
  EXPECT_EQ(sessions.check(token, 1s + 10h), TokenStore::Check::expired);

  for (const char* body : {R"({"username": "monitoring", "password": "wrong"})",
                           R"({"username": "admin", "password": "pa ss\"word"})"}) {
    auto refused = answer_login(login, body, sessions, 1s);
    EXPECT_EQ(refused.status, 401) << body;
    EXPECT_EQ(refused.body["error_class"], "http_unauthorized_error");
    EXPECT_EQ(refused.body.dump().find("pa ss"), std::string::npos);
  }
  for (const char* body : {"", "[]", R"({"username": "monitoring"})", R"({"username": 1, "password": "x"})"}) {
    auto bad = answer_login(login, body, sessions, 1s);
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_EQ(bad.body["error_class"], "http_bad_request_error");
  }
  EXPECT_EQ(answer_login(std::nullopt, R"({"username": "a", "password": "b"})", sessions, 1s).status, 401);
}

TEST(BearerToken, ReadsTheAuthorizationHeader) {
  EXPECT_EQ(bearer_token_of("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token_of("bearer abc"), "abc");
  EXPECT_EQ(bearer_token_of("Bearer "), "");
  EXPECT_EQ(bearer_token_of("Basic abc"), "");
  EXPECT_EQ(bearer_token_of("abc"), "");
  EXPECT_EQ(bearer_token_of(""), "");
}

}  // namespace
}  // namespace sim
