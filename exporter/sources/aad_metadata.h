// A Service Fabric cluster's answer to GET /$/GetAadMetadata (anonymous): how
// to sign in to it with Entra ID. Pure text in, struct out; no sockets.
// Where a target's oauth2 block leaves token_url or scopes out, or its
// managed_identity leaves resource out, they come from here (auth/discovery.h).
#pragma once

#include <string>
#include <string_view>

namespace ue {

inline constexpr std::string_view kAadMetadataPath = "/$/GetAadMetadata?api-version=6.0";

// The fields of `metadata` that sign-in needs.
struct AadMetadata {
  std::string authority;  // e.g. https://login.microsoftonline.com/<tenant>
  std::string tenant;
  std::string cluster;    // the cluster application's id: the resource
};

// The longest field believed; a URL or a GUID is far shorter.
inline constexpr std::size_t kMaxAadMetadataField = 2048;

// A 2xx answer. Throws SourceError: parse for a body that is not JSON;
// schema for a `type` other than "aad" (an unsecured or certificate-only
// cluster: the message names the type only when it is a short word), a
// missing `metadata`, or an authority that is not an http(s) URL, or a
// cluster or tenant that is empty, too long or holds characters a URL or a
// scope cannot carry.
AadMetadata parse_aad_metadata(std::string_view body);

// metadata.authority + "/oauth2/v2.0/token", the tenant appended first when the
// authority names none (it has no path).
std::string aad_token_url(const AadMetadata& metadata);
// "<cluster>/.default".
std::string aad_scope(const AadMetadata& metadata);

}  // namespace ue
