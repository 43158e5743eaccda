// FabricError bodies to one log-friendly line; see sf_error.h.
#include "sources/sf_error.h"

#include "model/upgrade.h"
#include "base/json_fields.h"

namespace ue {

std::string describe_http_status(int status, std::string_view body) {
  std::string text = "HTTP " + std::to_string(status);
  Json doc;
  try {
    doc = parse_json(body);
  } catch (const SourceError&) {
    return text;  // not a FabricError (an HTML page, a proxy's text, hostile JSON): the status says it all
  }
  const Json* error = find_field(doc, "Error");
  if (!error || !error->is_object()) return text;
  if (const Json* code = find_field(*error, "Code"); code && code->is_string()) text += " " + code->get<std::string>();
  if (const Json* message = find_field(*error, "Message"); message && message->is_string())
    text += ": " + message->get_ref<const std::string&>().substr(0, kMaxErrorMessageBytes);
  return text;
}

}  // namespace ue
