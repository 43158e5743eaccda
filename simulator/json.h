// The JSON type every simulated body is built with.
#pragma once

#include <nlohmann/json.hpp>

namespace sim {

// Insertion-ordered, like the upstream serializers (the .NET client wants
// SafetyCheck "Kind" first, and people compare bodies by eye).
using Json = nlohmann::ordered_json;

}  // namespace sim
