// What the status page shows, decided without HTML: which targets and
// upgrades, in what order, what is counted, what is folded away, which
// upgrades are stalled or await an operator, and which upgrade.info facts
// show under which caption. render/status_page only writes this out.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "model/history.h"
#include "model/upgrade.h"
#include "render/status_query.h"
#include "snapshot/fleet_view.h"

namespace ue {

// Settled objects listed per target and phase; the rest are counted, and the API lists them all.
inline constexpr std::size_t kMaxSettledRows = 500;
// Upgrades shown in full; a fleet upgrading everything at once must not make a page of megabytes.
inline constexpr std::size_t kMaxNotable = 1000;
// Repair tasks listed per target in the Repair tasks section; the rest are counted, and the API lists them all.
inline constexpr std::size_t kMaxRepairRows = 500;
// Past upgrades shown per object with history, the newest; the API lists them all.
inline constexpr std::size_t kMaxRecentUpgrades = 5;
// Domain bars per past upgrade, its latest domains; node-by-node upgrades may
// have hundreds, and a card must stay a card.
inline constexpr std::size_t kMaxDomainBars = 20;
// A domain is slower than usual past both (UpgradeDomainSlowerThanUsual's thresholds).
inline constexpr double kSlowDomainFactor = 3;
inline constexpr double kSlowDomainMargin = 15 * 60;  // seconds
inline constexpr double kMinRefresh = 5;       // seconds
inline constexpr double kDefaultRefresh = 30;  // seconds, when no target is shown

// Where an upgrade.info fact shows on an upgrade: in its list of facts, in
// the "blocked" line (with UpgradeBlocked), or in the red failure box.
enum class InfoPlace { fact, blocked, failure };
struct InfoCaption {
  std::string_view label;    // the upgrade_info label
  std::string_view caption;  // what the page calls it
  InfoPlace place;
};
// Every upgrade.info label the page shows, in the order shown; the others
// (type_name, ...) are the API's and /metrics' only. A new kind's facts are a
// row here, not code in the page.
inline constexpr std::array<InfoCaption, 8> kInfoCaptions = {{
    {"target_version", "Target version", InfoPlace::fact},
    {"target_config_version", "Target config version", InfoPlace::fact},
    {"rolling_upgrade_mode", "Mode", InfoPlace::fact},
    {"failure_action", "Failure action", InfoPlace::fact},
    {"upgrade_type", "Upgrade type", InfoPlace::fact},
    {"auto_commit", "Auto commit", InfoPlace::fact},
    {"blocked_reason", "Blocked", InfoPlace::blocked},
    {"failure_reason", "Failure reason", InfoPlace::failure},
}};
// The label shown in the Version column of the settled tables.
inline constexpr std::string_view kVersionLabel = "target_version";

// The value of one upgrade.info label; empty when absent.
std::string_view info_value(const Upgrade& upgrade, std::string_view label);

struct Fact {
  std::string_view caption;
  std::string_view value;  // never empty
};

// Why an upgrade is blocked: the upstream's flags and its reason, either or both.
struct BlockedLine {
  std::string_view caption;
  bool is_blocked = false;
  bool cluster_degraded = false;
  std::string_view reason;  // may be empty
};

// Qumulo data protection on an upgrade's card: what is down, whether data is
// at risk, what the cluster can still lose, and what the restriper does.
struct ProtectionLine {
  std::optional<bool> data_at_risk;                // absent: the restriper did not say
  std::optional<double> remaining_node_failures;   // absent: the protection status was not read
  std::optional<double> max_node_failures;
  std::vector<std::string_view> offline_nodes;     // nodes not online, upstream order
  std::size_t nodes = 0;                           // nodes listed; 0: the node list was not read
  std::string_view restriper_state, restriper_phase;
  std::optional<double> restriper_progress;        // 0..1, only while RUNNING
  // One more node failure would be an outage, or data is not fully protected.
  bool at_risk() const { return data_at_risk.value_or(false) || remaining_node_failures == 0.0; }
};
// Absent when the upgrade has none of it (every kind but qumulo, or a cluster
// that serves none of the routes).
std::optional<ProtectionLine> protection_line(const Upgrade& upgrade);
// The line holds views into the upgrade: never of a temporary.
std::optional<ProtectionLine> protection_line(const Upgrade&& upgrade) = delete;

// An active repair task on the same target that holds a node of an upgrade's
// current domain.
struct NodeHold {
  const ObjectView* task = nullptr;  // kind repair_task; its name is the TaskId, its state the task's
  std::string_view action;           // the task's `action` info; may be empty
  double held_for = 0;               // seconds: since the task was created (else since its last transition)
};

// Where a repair task's row is in the Repair tasks section: the page links a
// task's card in the list above to it.
struct RepairRowRef {
  std::size_t section = 0;  // into StatusModel::repair_tasks
  std::size_t row = 0;      // into its rows
};

// "from EventStore", "as observed by this exporter": where a history came from.
std::string_view history_source_caption(std::string_view source);
// How a forecast was made, for a person: "typical domain time × domains left", "linear in progress".
std::string_view forecast_method_caption(ForecastMethod method);

// One completed domain of a past upgrade, as a bar.
struct DomainBar {
  double seconds = 0;
  double ratio = 0;  // of the slowest domain shown in the same history panel, 0..1
  bool rolling_back = false;
};

// One past (or the running) upgrade in a history panel.
struct RecentUpgrade {
  const PastUpgrade* upgrade = nullptr;
  // PastUpgrade::duration; while running, the time since its start as of the read (so_far).
  std::optional<double> duration;
  bool so_far = false;
  std::vector<DomainBar> bars;     // its last kMaxDomainBars completed domains, in order
  std::size_t domains_hidden = 0;  // its earlier domains not shown as bars
};

// An object's recent upgrades, where they are shown in full.
struct HistoryPanel {
  const ObjectHistory* history = nullptr;
  std::string_view source;                 // history_source_caption
  std::vector<RecentUpgrade> recent;       // the last kMaxRecentUpgrades, newest first
  double slowest_domain = 0;               // seconds: what the bars are scaled to
};
// Absent when the object has no history.
std::optional<HistoryPanel> history_panel(const ObjectView& object);

// The typical domain time beside the current domain's time, on an upgrade in progress that has a history.
struct TypicalDomainLine {
  std::optional<double> typical;  // absent under kMinDomainSamples samples
  std::size_t samples = 0;
  bool slower_than_usual = false;  // the current domain is past kSlowDomainFactor × and kSlowDomainMargin over
};

// One upgrade listed in full.
struct UpgradeItem {
  std::size_t target_index = 0;  // configuration order
  const TargetView* target = nullptr;
  const ObjectView* object = nullptr;
  bool stalled = false;
  double stall_window = 0;  // seconds: the window `stalled` was judged with
  bool awaiting_operator = false;
  std::vector<Fact> facts;             // InfoPlace::fact rows with a value, in table order
  std::optional<BlockedLine> blocked;  // absent: nothing blocks it
  std::optional<Fact> failure;         // absent: nothing failed
  std::optional<double> health_check_limit;  // seconds: the timeout of the current health-check phase
  std::optional<ProtectionLine> protection;  // qumulo: data protection
  // Per node of upgrade.current_nodes (same index): the active repair tasks
  // holding it, by TaskId. Empty when no node of the upgrade is held.
  std::vector<std::vector<NodeHold>> node_holds;
  // A repair task: its row in the Repair tasks section, which shows it in
  // full; absent for other kinds (and a task whose row is past kMaxRepairRows).
  std::optional<RepairRowRef> repair_row;
  // With a history (cluster and application): the recent upgrades, and while
  // in progress the typical domain time and the forecast (forecast_completion).
  std::optional<HistoryPanel> history;
  std::optional<TypicalDomainLine> typical_domain;
  std::optional<Forecast> forecast;
};

// A repair task's preparing or restoring health check, as its row shows it.
struct RepairCheckCell {
  std::string_view state;               // NotStarted, InProgress, ...; empty when unreported
  std::optional<double> running_for;    // seconds since it started, while InProgress
  // InProgress, in its task state (Preparing, Restoring), for longer than
  // half the stall window: RepairTaskHealthCheckStuck's threshold.
  bool stuck = false;
};

// One repair task, a row of the Repair tasks section.
struct RepairTaskRow {
  const ObjectView* object = nullptr;  // kind repair_task
  bool active = false;                 // not Completed
  bool stalled = false;
  double in_state = 0;                 // seconds: now − last transition (the task's History time of its state)
  std::string_view action, executor;   // the upgrade_info labels; may be empty
  std::string_view result;             // ResultStatus, only once completed; else empty
  const std::vector<RepairTaskNode>* nodes = nullptr;  // never null: the task's, or an empty list
  RepairCheckCell preparing, restoring;
  bool notable = false;                // also listed (briefly) among the upgrades that matter
};

// One target's repair tasks that match the query: under way first, then
// completed, each by TaskId.
struct RepairSection {
  std::size_t target_index = 0;  // configuration order
  const TargetView* target = nullptr;
  std::size_t total = 0;              // every repair task of the target that matches the query
  std::vector<RepairTaskRow> rows;    // the first kMaxRepairRows of them
};

// One phase of one target's settled objects, folded into a count.
struct SettledGroup {
  Phase phase = Phase::idle;
  std::size_t total = 0;                  // objects in this phase that match the query
  std::vector<const ObjectView*> rows;    // the first kMaxSettledRows of them, snapshot order
  // Some row has a history: the table has a "Last upgrade" column (a compact
  // cell: a settled object's full history is the API's).
  bool has_history = false;
};

struct TargetSection {
  std::size_t index = 0;  // into FleetView::targets
  const TargetView* target = nullptr;
  // The phases that hold settled objects, in kAllPhases order. Repair tasks
  // are never folded here: the Repair tasks section lists them all.
  std::vector<SettledGroup> settled;
  // The target's cluster object, when it has a history and is settled (not
  // on a card above): its recent upgrades show under the target's head.
  const ObjectView* cluster = nullptr;
  std::optional<HistoryPanel> cluster_history;
};

// The summary line's counts, over the upgrades that match the query (shown in full or not).
struct StatusCounts {
  std::size_t in_progress = 0, stalled = 0, failed = 0, rolled_back = 0;
  std::size_t targets_down = 0;           // polled and not up, of the shown targets
  std::optional<std::size_t> first_down;  // index into FleetView::targets
};

struct StatusModel {
  const FleetView* fleet = nullptr;
  double now = 0;  // fleet->generated
  std::vector<TargetSection> targets;  // those matching the query, configuration order
  std::vector<UpgradeItem> upgrades;   // the notable ones, ranked; at most kMaxNotable
  std::size_t upgrades_total = 0;      // every notable one, listed or not
  std::vector<RepairSection> repair_tasks;  // the shown targets that have repair tasks, configuration order
  StatusCounts counts;
  std::optional<double> refresh;  // seconds between reloads of the page; absent when paused
};

// Stalled first, then by how much the phase needs a person: failed, rolling
// back, rolling forward, rolled back, completed, idle. Lower comes first.
int notable_rank(Phase phase, bool stalled);

// The timeout that the current health-check phase counts against, if the
// policy has one.
std::optional<double> health_check_limit(const Upgrade& upgrade);

StatusModel build_status_model(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options);

}  // namespace ue
