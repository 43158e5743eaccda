#include "auth.h"
#include "entra.h"

#include <time.h>

#include <cctype>
#include <variant>

#include "qumulo_cluster.h"
#include "requests.h"

namespace sim {
namespace {

// How long an expired token is still recognised as ours (and so refused as "expired", not "unknown").
constexpr Micros kRememberExpired = std::chrono::hours(1);

// Entra's error timestamps: "2024-03-01 10:00:00Z".
std::string entra_timestamp(WallClock::time_point t) {
  std::time_t seconds = WallClock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &utc);
  return text;
}

// An RFC 6749 error body as Entra writes it: the AADSTS code leads the
// description, which ends with CRLF-separated trace lines.
AuthAnswer entra_error(int status, std::string_view error, int code, const std::string& description,
                       WallClock::time_point wall) {
  std::string stamp = entra_timestamp(wall);
  std::string trace = stable_guid("trace " + stamp + " " + std::to_string(code));
  std::string correlation = stable_guid("correlation " + stamp + " " + std::to_string(code));
  Json body = {{"error", error},
               {"error_description", "AADSTS" + std::to_string(code) + ": " + description + "\r\nTrace ID: " + trace +
                                         "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + stamp},
               {"error_codes", Json::array({code})},
               {"timestamp", stamp},
               {"trace_id", trace},
               {"correlation_id", correlation},
               {"error_uri", "https://login.microsoftonline.com/error?code=" + std::to_string(code)}};
  return {status, std::move(body)};
}

AuthAnswer missing_parameter(std::string_view name, WallClock::time_point wall) {
  return entra_error(400, "invalid_request", 900144,
                     "The request body must contain the following parameter: '" + std::string(name) + "'.", wall);
}

std::string hex_bytes(std::mt19937_64& random, int words) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < words; ++i) {
    std::uint64_t word = random();
    for (int nibble = 0; nibble < 16; ++nibble, word >>= 4) out += kHex[word & 15];
  }
  return out;
}

}  // namespace

TokenStore::TokenStore(std::string prefix) : prefix_(std::move(prefix)), random_(std::random_device{}()) {}

std::string TokenStore::issue(Micros now, Micros lifetime) {
  std::lock_guard lock(mu_);
  std::erase_if(expiry_, [&](const auto& entry) { return entry.second + kRememberExpired < now; });
  std::string token;
  do {
    token = prefix_ + hex_bytes(random_, 4);
  } while (expiry_.contains(token));
  expiry_.emplace(token, now + lifetime);
  return token;
}

TokenStore::Check TokenStore::check(std::string_view token, Micros now) const {
  std::lock_guard lock(mu_);
  auto it = expiry_.find(std::string(token));
  if (it == expiry_.end()) return Check::unknown;
  return now < it->second ? Check::live : Check::expired;
}

// The token answer for `client`, as the endpoint asked writes it.
static AuthAnswer issued(const OAuth2Client& client, TokenEndpoint endpoint, TokenStore& tokens, Micros now,
                  WallClock::time_point wall) {
  std::string resource = client.scope.substr(0, client.scope.size() - std::string_view("/.default").size());
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(client.expires_in).count();
  std::string token = tokens.issue(now, client.expires_in);
  if (endpoint == TokenEndpoint::v2) {
    return {200, {{"token_type", "Bearer"}, {"expires_in", seconds}, {"ext_expires_in", seconds},
                  {"access_token", token}}};
  }
  // v1 answers every number as a string, and the expiry as Unix seconds too.
  auto epoch = std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count();
  return {200, {{"token_type", "Bearer"}, {"expires_in", std::to_string(seconds)},
                {"ext_expires_in", std::to_string(seconds)}, {"expires_on", std::to_string(epoch + seconds)},
                {"not_before", std::to_string(epoch)}, {"resource", resource}, {"access_token", token}}};
}

AuthAnswer answer_token_request(const std::optional<OAuth2Client>& client, TokenEndpoint endpoint,
                                std::string_view content_type, std::string_view body, TokenStore& tokens,
                                Micros now, WallClock::time_point wall, std::string_view audience) {
  // Entra reads only a form body; anything else has no parameters at all.
  bool is_form = content_type.starts_with("application/x-www-form-urlencoded");
  auto form = is_form ? parse_form(body) : std::map<std::string, std::string>();
  auto param = [&](const char* name) -> const std::string* {
    auto it = form.find(name);
    return it == form.end() || it->second.empty() ? nullptr : &it->second;
  };

  const std::string* grant = param("grant_type");
  if (!grant) return missing_parameter("grant_type", wall);
  if (*grant != "client_credentials")
    return entra_error(400, "unsupported_grant_type", 70003,
                       "The app requested an unsupported grant type '" + *grant + "'.", wall);
  const std::string* client_id = param("client_id");
  if (!client_id) return missing_parameter("client_id", wall);
  if (!client || *client_id != client->client_id) {
    return entra_error(400, "unauthorized_client", 700016,
                       "Application with identifier '" + *client_id +
                           "' was not found in the directory. This can happen if the application has not been "
                           "installed by the administrator of the tenant or consented to by any user in the tenant. "
                           "You may have sent your authentication request to the wrong tenant.",
                       wall);
  }

  // v2.0 asks for "<resource>/.default"; v1 names the resource itself.
  std::string resource = client->scope.substr(0, client->scope.size() - std::string_view("/.default").size());
  if (endpoint == TokenEndpoint::v2) {
    const std::string* scope = param("scope");
    if (!scope) return missing_parameter("scope", wall);
    if (!scope->ends_with("/.default") || scope->find(' ') != std::string::npos) {
      return entra_error(400, "invalid_scope", 1002012,
                         "The provided value for scope " + *scope +
                             " is not valid. Client credential flows must have a scope value with /.default suffixed "
                             "to the resource identifier (application ID URI).",
                         wall);
    }
    if (*scope != client->scope) {
      return entra_error(400, "invalid_resource", 500011,
                         "The resource principal named " + scope->substr(0, scope->size() - 9) +
                             " was not found in the tenant. This can happen if the application has not been installed "
                             "by the administrator of the tenant or consented to by any user in the tenant.",
                         wall);
    }
  } else {
    const std::string* asked = param("resource");
    if (!asked) return missing_parameter("resource", wall);
    if (*asked != resource) {
      return entra_error(400, "invalid_resource", 500011,
                         "The resource principal named " + *asked + " was not found in the tenant.", wall);
    }
  }

  if (const std::string* assertion = param("client_assertion")) {
    const std::string* type = param("client_assertion_type");
    if (!type || *type != kJwtBearerAssertionType) return missing_parameter("client_assertion_type", wall);
    const auto epoch = std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count();
    if (auto problem = assertion_problem(*client, *assertion, audience, epoch))
      return entra_error(401, "invalid_client", problem->code, problem->description, wall);
    return issued(*client, endpoint, tokens, now, wall);
  }
  const std::string* secret = param("client_secret");
  if (!secret || client->client_secret.empty()) return missing_parameter("client_secret", wall);
  if (*secret != client->client_secret) {
    return entra_error(400, "invalid_client", 7000215,
                       "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                       "secret value, not the client secret ID, for a secret added to app '" +
                           client->client_id + "'.",
                       wall);
  }

  return issued(*client, endpoint, tokens, now, wall);
}

AuthAnswer answer_login(const std::optional<QumuloLogin>& login, std::string_view body, TokenStore& sessions,
                        Micros now) {
  auto request = parse_login(body);
  if (auto* message = std::get_if<std::string>(&request)) {
    return {400, qumulo_error_body("http_bad_request_error", *message)};
  }
  const auto& credentials = std::get<LoginRequest>(request);
  if (!login || credentials.username != login->username || credentials.password != login->password) {
    return {401, qumulo_error_body("http_unauthorized_error", "Login failed: invalid username or password.")};
  }
  return {200, {{"bearer_token", sessions.issue(now, login->session_lifetime)}}};
}

std::string_view bearer_token_of(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  return authorization.substr(kScheme.size());
}

}  // namespace sim
