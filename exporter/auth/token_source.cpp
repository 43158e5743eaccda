// Token requests over HTTP; see token_source.h.
#include "auth/token_source.h"

#include <chrono>

#include "auth/client_credential.h"
#include "base/secret_file.h"
#include "log/log.h"

namespace ue {
TokenSource::TokenSource(const TargetConfig& target, const Clock& clock)
    : target_(target), endpoint_(target.oauth2 ? kOAuth2TokenEndpoint : kQumuloLoginEndpoint),
      clock_(clock),
      cache_(clock) {}

std::shared_ptr<TokenSource> TokenSource::for_target(const TargetConfig& target, const Clock& clock) {
  if (!target.oauth2 && !target.qumulo_login) return nullptr;
  return std::make_shared<TokenSource>(target, clock);
}

BearerToken TokenSource::token(RequestCounter& counter) {
  return cache_.get([&] { return fetch(counter); });
}

void TokenSource::abort() { request_.abort(); }

void TokenSource::abort_if_overdue(std::chrono::steady_clock::time_point now) { request_.abort_if_overdue(now); }

Answer TokenSource::post(RequestCounter& counter, const HttpEndpoint& endpoint, const std::string& path,
                         const std::string& body, const std::string& content_type) {
  const auto resolved = [&] {
    HttpEndpoint resolved = endpoint;
    resolved.connect_ip = resolve_connect_ip(endpoint.url, endpoint.tls);
    return resolved;
  };
  return request_.send(resolved, counter, endpoint_, clock_, [&](HttpClient& client) {
    return client.send("POST", path, {{"Accept", "application/json"}}, body, content_type);
  });
}

TokenGrant TokenSource::fetch(RequestCounter& counter) {
  std::string secret;  // the secret, password or assertion, for redact(): never in a message
  try {
    // The answer's status, then its body: either failing is counted and says which endpoint answered what.
    const auto grant_from = [&](const Answer& answer, const std::string& what, auto describe, auto parse) {
      if (answer.status < 200 || answer.status >= 300) {
        counter.error(endpoint_, Reason::http_status, clock_.unix_now());
        throw SourceError{Reason::http_status, what + " answered " + describe(answer.status, answer.body),
                          answer.status};
      }
      try {
        return parse(answer.body);
      } catch (const SourceError& e) {
        counter.error(endpoint_, e.reason, clock_.unix_now());
        throw SourceError{e.reason, what + " answer unusable: " + e.message};
      }
    };
    TokenGrant grant;
    if (target_.oauth2) {
      const OAuth2Config& oauth2 = *target_.oauth2;
      ClientCredential credential = read_client_credential(oauth2, clock_.unix_now());
      secret = credential.value;
      const HttpEndpoint endpoint{.url = oauth2.token_endpoint,
                                  .tls = oauth2.tls,
                                  .connect_ip = {},
                                  .timeout = target_.settings.timeout,
                                  .max_response_bytes = target_.settings.max_response_bytes};
      grant = grant_from(post(counter, endpoint, "", client_credentials_form(oauth2, credential),
                              "application/x-www-form-urlencoded"),
                         "token endpoint", describe_token_error, parse_token_response);
    } else {
      const QumuloLoginConfig& login = *target_.qumulo_login;
      secret = read_secret_file("password_file", login.password_file);
      grant = grant_from(post(counter, target_endpoint(target_), "/v1/session/login",
                              qumulo_login_body(login.username, secret), "application/json"),
                         "session login", describe_qumulo_login_error, parse_qumulo_login);
    }
    Log::debug("token obtained", {{"target", target_.name},
                                  {"endpoint", endpoint_},
                                  {"refresh_in", format_duration(grant.refresh_after)}});
    return grant;
  } catch (const SourceError& e) {
    // The endpoint might echo what it was sent: the secret is cut out of whatever is shown.
    SourceError safe{e.reason, redact(e.message, secret), e.http_status};
    Log::error("cannot obtain a token", {{"target", target_.name}, {"endpoint", endpoint_}, {"err", safe.message}});
    throw safe;
  }
}

}  // namespace ue
