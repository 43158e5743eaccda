// parse_qumulo_nodes on arbitrary bytes: only SourceError may come out.
#include <set>
#include <string>

#include "fuzz/fuzz_util.h"
#include "sources/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::fuzz::allowing<ue::SourceError>([&] {
    const std::vector<ue::ClusterNode> nodes = ue::parse_qumulo_nodes(ue::fuzz::as_text(data, size));
    ue::fuzz::require(nodes.size() <= ue::kMaxDetailedNodes, "at most kMaxDetailedNodes nodes");
    std::set<std::string> names;
    for (const ue::ClusterNode& node : nodes) {
      ue::fuzz::require(!node.name.empty(), "every node has a name");
      ue::fuzz::require(names.insert(node.name).second, "each node name once");
    }
  });
  return 0;
}
