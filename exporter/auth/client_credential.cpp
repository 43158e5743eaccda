// The credential of one token request; see client_credential.h.
#include "auth/client_credential.h"

#include "auth/client_assertion.h"
#include "base/secret_file.h"

namespace ue {

ClientCredential read_client_credential(const OAuth2Config& oauth2, double now_unix) {
  // A JWT holds no whitespace, so the secret files' trimming rule fits it.
  if (!oauth2.client_assertion_file.empty())
    return ClientCredential::assertion(read_secret_file("client_assertion_file", oauth2.client_assertion_file));
  // A certificate credential: an assertion signed now, for the token endpoint it is sent to.
  if (!oauth2.client_certificate_file.empty())
    return ClientCredential::assertion(signed_client_assertion(oauth2, oauth2.token_url, now_unix));
  return ClientCredential::secret(read_secret_file("client_secret_file", oauth2.client_secret_file));
}

}  // namespace ue
