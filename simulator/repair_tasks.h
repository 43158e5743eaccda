// The simulated Repair Manager: GET /$/GetRepairTaskList at a simulated time,
// from the scenario's repair-task plays. Pure: the caller passes the time and
// how to find the node an application's upgrade is on.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "json.h"
#include "scenario.h"
#include "sim_clock.h"

namespace sim {

// The three query filters, parsed: a TaskId prefix, an exact Executor, and
// the StateFilter bits (1 Created, 2 Claimed, 4 Preparing, 8 Approved,
// 16 Executing, 32 Restoring, 64 Completed; 0 or absent: every state).
struct RepairTaskFilter {
  std::string task_id_prefix;
  std::string executor;
  int states = 0;
};

// The first node of an application's current upgrade domain at a time; empty when it upgrades none.
using HeldNode = std::function<std::string(const std::string& application, SimTime t)>;

// The JSON array of RepairTask the filter selects at `t`, in creation order.
Json repair_task_list(const std::vector<RepairTaskPlay>& plays, SimTime t, const RepairTaskFilter& filter,
                      WallClock::time_point epoch, const HeldNode& held_node);

}  // namespace sim
