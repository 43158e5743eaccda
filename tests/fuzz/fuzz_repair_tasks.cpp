// parse_repair_tasks on arbitrary bytes: only SourceError may come out, and
// every task that does keeps the promises the poller and renderer rely on:
// a name and state, bounded node lists with each node once, finite times,
// and "under way" exactly while not Completed.
#include <set>
#include <string>

#include "fuzz/fuzz_util.h"
#include "sources/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ue::fuzz::allowing<ue::SourceError>([&] {
    for (const ue::WholeObject& task : ue::parse_repair_tasks(ue::fuzz::as_text(data, size), 1767225600)) {
      const ue::Upgrade& u = task.upgrade;
      ue::fuzz::require(!task.name.empty() && task.name.size() <= 1024, "a task has a bounded name");
      ue::fuzz::check_upgrade(u);
      ue::fuzz::require(ue::in_progress(u.phase) == (u.state != "Completed"), "under way until Completed");
      ue::fuzz::require(!u.end_time || u.state == "Completed", "only a completed task has ended");
      ue::fuzz::require_finite(u.end_time, "the end is finite");
      ue::fuzz::require_finite(u.transition_time, "the transition time is finite");
      ue::fuzz::require(u.repair_task.has_value(), "a task has its detail");
      ue::fuzz::require(u.repair_task->nodes.size() <= ue::kMaxDetailedNodes, "node lists are bounded");
      std::set<std::string> names;
      for (const ue::RepairTaskNode& node : u.repair_task->nodes)
        ue::fuzz::require(!node.name.empty() && names.insert(node.name).second, "each node once, named");
      ue::fuzz::require_finite(u.repair_task->preparing.start_time, "health-check starts are finite");
      ue::fuzz::require_finite(u.repair_task->restoring.start_time, "health-check starts are finite");
    }
  });
  return 0;
}
