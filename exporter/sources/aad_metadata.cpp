// GetAadMetadata answers; see aad_metadata.h.
#include "sources/aad_metadata.h"

#include <algorithm>
#include <cctype>

#include "base/json_fields.h"

namespace ue {
namespace {

// Printable ASCII without spaces, quotes or the characters that would end a
// URL's authority early: it goes into a URL and a form field.
bool plain_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > ' ' && u < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '?' && c != '#';
  });
}

std::string required_text(const Json& metadata, std::string_view field) {
  std::optional<std::string> value = string_field(metadata, field);
  if (!value || value->empty()) throw SourceError{Reason::schema, "metadata." + std::string(field) + ": missing"};
  if (value->size() > kMaxAadMetadataField || !plain_text(*value))
    throw SourceError{Reason::schema, "metadata." + std::string(field) + ": not a usable value"};
  return *value;
}

bool short_word(std::string_view text) {
  return !text.empty() && text.size() <= 32 &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

}  // namespace

AadMetadata parse_aad_metadata(std::string_view body) {
  const Json doc = parse_json(body);
  const std::string type = string_field(doc, "type").value_or("");
  if (type != "aad")
    throw SourceError{Reason::schema, short_word(type) ? "type " + type + ": the cluster does not use Entra ID sign-in"
                                                       : "type: the cluster does not use Entra ID sign-in"};
  const Json* metadata = object_field(doc, "metadata");
  if (!metadata) throw SourceError{Reason::schema, "metadata: missing"};
  AadMetadata result;
  result.authority = required_text(*metadata, "authority");
  while (!result.authority.empty() && result.authority.back() == '/') result.authority.pop_back();
  if (!result.authority.starts_with("https://") && !result.authority.starts_with("http://"))
    throw SourceError{Reason::schema, "metadata.authority: expected an http(s) URL"};
  result.cluster = required_text(*metadata, "cluster");
  if (string_field(*metadata, "tenant").value_or("").empty()) {
    result.tenant.clear();
  } else {
    result.tenant = required_text(*metadata, "tenant");
  }
  return result;
}

std::string aad_token_url(const AadMetadata& metadata) {
  std::string url = metadata.authority;
  const std::size_t host_start = url.find("://") + 3;
  const bool has_path = url.find('/', host_start) != std::string::npos;
  if (!has_path && !metadata.tenant.empty()) url += "/" + metadata.tenant;
  return url + "/oauth2/v2.0/token";
}

std::string aad_scope(const AadMetadata& metadata) { return metadata.cluster + "/.default"; }

}  // namespace ue
