// The credential of one token request, read when the token is fetched: the
// files rotate (a kubelet-projected federated token, a renewed secret), so
// each fetch reads them again.
#pragma once

#include "auth/token_grant.h"
#include "config/config.h"

namespace ue {

// client_assertion_file's JWT as a client assertion, else (a certificate
// credential: the assertion the exporter signs) client_secret_file's secret. Throws SourceError(connect) naming the key and the file, never the
// content, when the file cannot be read or is empty (base/secret_file).
ClientCredential read_client_credential(const OAuth2Config& oauth2);

}  // namespace ue
