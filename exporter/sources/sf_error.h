// Service Fabric's error bodies, summarised for logs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ue {

// The longest FabricError message describe_http_status keeps; it only goes to logs.
inline constexpr std::size_t kMaxErrorMessageBytes = 200;

// "HTTP 404 FABRIC_E_APPLICATION_NOT_FOUND: Application not found" when `body`
// is a FabricError ({"Error": {"Code": ..., "Message": ...}}), the message cut
// to kMaxErrorMessageBytes; just "HTTP 404" when it is not, or does not parse
// within parse_json's limits.
std::string describe_http_status(int status, std::string_view body);

}  // namespace ue
