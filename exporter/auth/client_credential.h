// The credential of one token request, read when the token is fetched: the
// files rotate (a kubelet-projected federated token, a renewed secret), so
// each fetch reads them again.
#pragma once

#include "auth/token_grant.h"
#include "config/config.h"

namespace ue {

// client_assertion_file's JWT as a client assertion; for a certificate
// credential, an assertion signed at `now_unix` (auth/client_assertion);
// else client_secret_file's secret. Throws SourceError(connect) naming the
// key and the file, never the content, when a file cannot be read, is empty,
// or the key does not match the certificate.
ClientCredential read_client_credential(const OAuth2Config& oauth2, double now_unix);

}  // namespace ue
