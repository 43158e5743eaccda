// Token requests and answers; see token_grant.h.
#include "auth/token_grant.h"

#include <algorithm>
#include <cctype>

#include "base/quoting.h"
#include "base/json_fields.h"
#include "base/url_escape.h"

namespace ue {
namespace {

// A token goes into an Authorization header: printable ASCII only (RFC 6750's
// b64token is stricter), so a hostile answer cannot inject a header.
bool usable_token(std::string_view token) {
  return !token.empty() &&
         std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && static_cast<unsigned char>(c) < 0x7f; });
}

std::string required_token(const Json& doc, std::string_view field) {
  const Json* value = find_field(doc, field);
  if (!value) throw SourceError{Reason::schema, std::string(field) + ": missing"};
  if (!value->is_string()) throw SourceError{Reason::schema, std::string(field) + ": expected a string"};
  const std::string& token = value->get_ref<const std::string&>();
  if (!usable_token(token))
    throw SourceError{Reason::schema, std::string(field) + ": empty or holds characters a header cannot carry"};
  return token;
}

// "HTTP <status> <code>: <description>" from the string fields `code` and
// `description` of an error body, each cut and on one line.
std::string describe_error_body(int status, std::string_view body, std::string_view code_field,
                                std::string_view description_field) {
  std::string text = "HTTP " + std::to_string(status);
  Json doc;
  try {
    doc = parse_json(body);
  } catch (const SourceError&) {
    return text;  // an HTML page or a proxy's text: the status says it all
  }
  auto field = [&](std::string_view name) -> std::string {
    const Json* value = find_field(doc, name);
    if (!value || !value->is_string()) return {};
    return one_line(value->get_ref<const std::string&>().substr(0, kMaxTokenErrorBytes));
  };
  if (std::string code = field(code_field); !code.empty()) text += " " + code;
  if (std::string description = field(description_field); !description.empty()) text += ": " + description;
  return text;
}

}  // namespace

Duration refresh_after_for(Duration lifetime) {
  const Duration margin = std::min<Duration>(std::chrono::seconds(60), lifetime / 10);
  return lifetime - margin;
}

std::string client_credentials_form(const OAuth2Config& config, const ClientCredential& credential) {
  std::string form = "grant_type=client_credentials";
  auto add = [&](std::string_view name, std::string_view value) {
    form += "&" + escape_query_value(name) + "=" + escape_query_value(value);
  };
  add("client_id", config.client_id);
  if (credential.kind == ClientCredential::Kind::assertion) {
    add("client_assertion_type", kJwtBearerAssertionType);
    add("client_assertion", credential.value);
  } else {
    add("client_secret", credential.value);
  }
  if (!config.scopes.empty()) {
    std::string scope;
    for (const std::string& s : config.scopes) scope += (scope.empty() ? "" : " ") + s;
    add("scope", scope);
  }
  for (const auto& [name, value] : config.endpoint_params) add(name, value);
  return form;
}

TokenGrant parse_token_response(std::string_view body) {
  const Json doc = parse_json(body);
  TokenGrant grant;
  grant.token = required_token(doc, "access_token");
  if (std::optional<std::string> type = string_field(doc, "token_type")) {
    std::string lower = *type;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower != "bearer") throw SourceError{Reason::schema, "token_type: expected Bearer"};
  }
  Duration lifetime = kDefaultTokenLifetime;
  if (std::optional<double> seconds = number_field(doc, "expires_in")) {
    if (!(*seconds > 0)) throw SourceError{Reason::schema, "expires_in: must be positive"};
    const double capped = std::min(*seconds, std::chrono::duration<double>(kMaxTokenLifetime).count());
    lifetime = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(capped));
  }
  grant.refresh_after = refresh_after_for(lifetime);
  grant.expires_after = lifetime;
  return grant;
}

std::string describe_token_error(int status, std::string_view body) {
  return describe_error_body(status, body, "error", "error_description");
}

std::string qumulo_login_body(std::string_view username, std::string_view password) {
  try {
    return Json{{"username", username}, {"password", password}}.dump();
  } catch (const Json::exception&) {
    // nlohmann's message would quote the offending bytes.
    throw SourceError{Reason::connect, "username or password_file is not valid UTF-8"};
  }
}

TokenGrant parse_qumulo_login(std::string_view body) {
  const Json doc = parse_json(body);
  return TokenGrant{required_token(doc, "bearer_token"), kQumuloSessionLifetime * 9 / 10, kQumuloSessionLifetime};
}

std::string describe_qumulo_login_error(int status, std::string_view body) {
  return describe_error_body(status, body, "error_class", "description");
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 10))
    text.replace(at, secret.size(), "<redacted>");
  return text;
}

}  // namespace ue
