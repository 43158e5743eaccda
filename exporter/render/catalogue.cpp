// The HELP/TYPE headers of the catalogue's families, made from kFamilies once.
#include "render/catalogue.h"

namespace ue {

const std::string& family_header(std::size_t family) {
  static const auto headers = [] {
    std::array<std::string, kFamilyCount> h;
    for (std::size_t i = 0; i < kFamilyCount; ++i) {
      const FamilyInfo& f = kFamilies[i];
      h[i] =
          "# HELP " + std::string(f.name) + " " + std::string(f.help) + "\n# TYPE " + std::string(f.name) + " gauge\n";
    }
    return h;
  }();
  return headers[family];
}

}  // namespace ue
