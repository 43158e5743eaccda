#include "base/error.h"

namespace ue {

std::string_view reason_name(Reason reason) {
  switch (reason) {
    case Reason::connect: return "connect";
    case Reason::timeout: return "timeout";
    case Reason::tls: return "tls";
    case Reason::http_status: return "http_status";
    case Reason::parse: return "parse";
    case Reason::schema: return "schema";
    case Reason::too_large: return "too_large";
  }
  return "connect";
}

}  // namespace ue
