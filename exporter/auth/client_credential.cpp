// The credential of one token request; see client_credential.h.
#include "auth/client_credential.h"

#include "base/error.h"
#include "base/secret_file.h"

namespace ue {

ClientCredential read_client_credential(const OAuth2Config& oauth2) {
  // A JWT holds no whitespace, so the secret files' trimming rule fits it.
  if (!oauth2.client_assertion_file.empty())
    return ClientCredential::assertion(read_secret_file("client_assertion_file", oauth2.client_assertion_file));
  // The seam for the certificate credential: a signed assertion (auth/client_assertion) goes here.
  if (!oauth2.client_certificate_file.empty())
    throw SourceError{Reason::connect, "client_certificate_file: certificate credentials are not supported yet"};
  return ClientCredential::secret(read_secret_file("client_secret_file", oauth2.client_secret_file));
}

}  // namespace ue
