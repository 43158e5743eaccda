// The status page's HTML: writes a StatusModel out, in document order. What
// is shown, in which order and how much of it, is the model's decision
// (render/status_model); this file only decides how it looks.
#include "render/status_page.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "render/html.h"
#include "render/status_model.h"
#include "render/status_style.h"

namespace ue {
namespace {

// Safety checks shown per node; a hostile body must not make the page unbounded.
constexpr std::size_t kMaxChecksPerNode = 20;

class PageWriter {
 public:
  PageWriter(const StatusModel& model, const StatusQuery& query, const StatusOptions& options)
      : model_(model), fleet_(*model.fleet), query_(query), options_(options), now_(model.now) {}

  std::string render();

 private:
  void head();
  void title();
  void header();
  void reload_result();
  void refresh_toggle();
  void filters();
  void active_filters();
  void summary();
  void upgrade_list();
  void upgrade(const UpgradeItem& item);
  void upgrade_head(const UpgradeItem& item);
  void status_line(const UpgradeItem& item);
  void progress(const Upgrade& up);
  void facts(const UpgradeItem& item);
  void timing_fact(std::string_view label, std::optional<double> spent, std::optional<double> limit, bool live,
                   const TypicalDomainLine* typical = nullptr);
  void typical_domain(const TypicalDomainLine& line);
  void forecast(const Forecast& forecast);
  void history(const HistoryPanel& panel, std::string_view heading);
  void history_summary(const HistoryPanel& panel);
  void recent_upgrade(const RecentUpgrade& recent);
  void domain_bars(const RecentUpgrade& recent);
  void outcome(const PastUpgrade& upgrade);
  void version(std::string_view value);
  void last_outcome_cell(const ObjectView& object);
  void health_check(const UpgradeItem& item);
  void reboot(const Upgrade& up);
  void blocked(const BlockedLine& line);
  void protection(const ProtectionLine& line);
  void restriper(const ProtectionLine& line);
  void replicas(const Upgrade& up);
  void unhealthy_evaluations(const Upgrade& up);
  void nodes(const UpgradeItem& item);
  void node_rows(const NodeProgress& node, const std::vector<NodeHold>* holds);
  void node_holds(const std::vector<NodeHold>& holds);
  void repair_brief(const UpgradeItem& item);
  void repair_anchor(RepairRowRef ref);
  void repair_sections();
  void repair_section(std::size_t section_index, const RepairSection& section);
  void repair_row(RepairRowRef ref, const RepairTaskRow& row);
  void repair_nodes(const std::vector<RepairTaskNode>& nodes);
  void repair_check(std::string_view which, const RepairCheckCell& cell);
  void target_section(const TargetSection& section);
  void target_head(std::size_t index, const TargetView& target);
  void settled_list(const TargetView& target, const SettledGroup& group);

  // Text helpers; everything from an upstream or the configuration goes through text().
  void raw(std::string_view s) { out_ += s; }
  void text(std::string_view s) { append_html_escaped(out_, s); }
  void integer(double value);
  void duration(double seconds);
  void rfc3339(double unix_seconds);
  void time_ago(double unix_seconds);
  // A bar of `ratio` (clamped to 0..1); `over`: red, a limit was passed.
  void bar(double ratio, bool over = false);
  // An href to this page (or `path`) with `query`'s filters.
  void href(const StatusQuery& query, std::string_view path = "");
  void filter_link(const StatusQuery& query, std::string_view label);
  void api_link(std::string_view label);

  StatusQuery with_target(std::string_view target) const {
    StatusQuery q = query_;
    q.targets = {std::string(target)};
    return q;
  }
  StatusQuery with_kind(Kind kind) const {
    StatusQuery q = query_;
    q.kinds = {kind};
    return q;
  }
  StatusQuery with_phase(Phase phase) const {
    StatusQuery q = query_;
    q.phases = {phase};
    return q;
  }

  const StatusModel& model_;
  const FleetView& fleet_;
  const StatusQuery& query_;
  const StatusOptions& options_;
  const double now_;
  std::string out_;
};

void PageWriter::integer(double value) {
  char buffer[32];
  const long long n = std::isfinite(value) ? std::llround(std::clamp(value, -9e15, 9e15)) : 0;
  auto result = std::to_chars(buffer, buffer + sizeof buffer, n);
  out_.append(buffer, result.ptr);
}

// "45 s", "4 min 5 s", "12 min", "3 h 12 min", "2 d 4 h".
void PageWriter::duration(double seconds) {
  if (!(seconds > 0)) seconds = 0;  // NaN included
  if (seconds > 0 && seconds < 0.95) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.1f s", std::max(seconds, 0.1));
    out_ += buffer;
    return;
  }
  const long long s = std::llround(std::min(seconds, 1e12));
  const auto part = [&](long long value, std::string_view unit) {
    integer(static_cast<double>(value));
    out_ += ' ';
    out_ += unit;
  };
  if (s < 60) {
    part(s, "s");
  } else if (s < 3600) {
    part(s / 60, "min");
    if (s < 600 && s % 60) {
      out_ += ' ';
      part(s % 60, "s");
    }
  } else if (s < 86400) {
    part(s / 3600, "h");
    if (s % 3600 / 60) {
      out_ += ' ';
      part(s % 3600 / 60, "min");
    }
  } else {
    part(s / 86400, "d");
    if (s % 86400 / 3600) {
      out_ += ' ';
      part(s % 86400 / 3600, "h");
    }
  }
}

void PageWriter::rfc3339(double unix_seconds) {
  std::tm tm{};
  const std::time_t secs = static_cast<std::time_t>(std::floor(std::clamp(unix_seconds, -6e10, 2.5e11)));
  if (!std::isfinite(unix_seconds) || !gmtime_r(&secs, &tm)) {
    out_ += "unknown";
    return;
  }
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  out_ += buffer;
}

void PageWriter::time_ago(double unix_seconds) {
  raw("<time datetime=\"");
  rfc3339(unix_seconds);
  raw("\" title=\"");
  rfc3339(unix_seconds);
  raw("\">");
  if (unix_seconds <= now_ + 0.5) {
    duration(now_ - unix_seconds);
    raw(" ago");
  } else {
    raw("in ");
    duration(unix_seconds - now_);
  }
  raw("</time>");
}


void PageWriter::bar(double ratio, bool over) {
  if (!std::isfinite(ratio)) ratio = 0;
  raw(over ? "<progress class=\"bar over\" max=\"1\" value=\"" : "<progress class=\"bar\" max=\"1\" value=\"");
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.3f", std::clamp(ratio, 0.0, 1.0));
  raw(buffer);
  raw("\"></progress>");
}

void PageWriter::href(const StatusQuery& query, std::string_view path) {
  raw("href=\"");
  text(path);
  const std::string query_string = query.to_query_string();
  if (!query_string.empty() || path.empty()) raw("?");  // "?" alone: this page without filters
  text(query_string);
  raw("\"");
}

void PageWriter::filter_link(const StatusQuery& query, std::string_view label) {
  raw("<a ");
  href(query);
  raw(" title=\"Show only this\">");
  text(label);
  raw("</a>");
}


// A link to /api/v1/upgrades with the page's filters.
void PageWriter::api_link(std::string_view label) {
  StatusQuery api = query_;
  api.refresh = true;
  raw("<a ");
  href(api, "/api/v1/upgrades");
  raw(">");
  raw(label);
  raw("</a>");
}

void PageWriter::head() {
  raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n");
  if (model_.refresh) {
    raw("<meta http-equiv=\"refresh\" content=\"");
    integer(*model_.refresh);
    raw("\">\n");
  }
  title();
  raw("<link rel=\"stylesheet\" href=\"");
  raw(kStylesheetHref);
  raw("\">\n</head>\n<body>\n");
}

void PageWriter::title() {
  const StatusCounts& counts = model_.counts;
  raw("<title>");
  if (counts.stalled || counts.failed || counts.in_progress) {
    integer(static_cast<double>(counts.in_progress));
    raw(" in progress");
    if (counts.stalled) {
      raw(", ");
      integer(static_cast<double>(counts.stalled));
      raw(" stalled");
    }
    if (counts.failed) {
      raw(", ");
      integer(static_cast<double>(counts.failed));
      raw(" failed");
    }
    raw(" · ");
  }
  raw("upgrade_exporter</title>\n");
}

void PageWriter::header() {
  raw("<header class=\"page-header\"><div class=\"wrap\">\n<h1>upgrade_exporter</h1>\n<span class=\"build\">version ");
  text(UE_VERSION);
  raw(" · revision <code>");
  text(UE_REVISION);
  raw("</code> · up ");
  duration(fleet_.generated - fleet_.started);
  raw("</span>\n<nav><a href=\"");
  text(options_.telemetry_path);
  raw("\">");
  text(options_.telemetry_path);
  raw("</a><a href=\"/-/healthy\">/-/healthy</a><a href=\"/-/ready\">/-/ready</a>");
  api_link("/api/v1/upgrades");
  raw("</nav>\n<div class=\"header-line\">");
  reload_result();
  raw("<span class=\"generated\">Generated ");
  raw("<time datetime=\"");
  rfc3339(now_);
  raw("\">");
  rfc3339(now_);
  raw("</time></span>");
  refresh_toggle();
  raw("</div>\n</div></header>\n");
}

void PageWriter::reload_result() {
  if (!fleet_.last_reload) {
    raw("<span class=\"reload-result\" data-success=\"1\">Configuration loaded at start; not reloaded since</span>");
  } else if (fleet_.last_reload->success) {
    raw("<span class=\"reload-result\" data-success=\"1\">Last reload succeeded ");
    time_ago(fleet_.last_reload->time);
    raw("</span>");
  } else {
    raw("<span class=\"reload-result\" data-success=\"0\">Last reload failed ");
    time_ago(fleet_.last_reload->time);
    raw(": ");
    text(fleet_.last_reload->error);
    raw("</span>");
  }
}

void PageWriter::refresh_toggle() {
  raw("<span class=\"refresh\">");
  StatusQuery toggled = query_;
  toggled.refresh = !query_.refresh;
  if (query_.refresh) {
    raw("Auto-refresh on · <a ");
    href(toggled);
    raw(">Pause auto-refresh</a>");
  } else {
    raw("Auto-refresh paused · <a ");
    href(toggled);
    raw(">Resume auto-refresh</a>");
  }
  raw("</span>");
}

void PageWriter::filters() {
  raw("<form class=\"filters\" method=\"get\">\n<label>Target<select name=\"target\"><option value=\"\">all targets"
      "</option>");
  for (const auto& target : fleet_.targets) {
    raw("<option value=\"");
    text(target->name);
    raw(query_.targets.size() == 1 && query_.targets[0] == target->name ? "\" selected>" : "\">");
    text(target->name);
    raw("</option>");
  }
  raw("</select></label>\n<label>Kind<select name=\"kind\"><option value=\"\">all kinds</option>");
  for (Kind kind : kAllKinds) {
    raw("<option value=\"");
    raw(kind_name(kind));
    raw(query_.kinds.size() == 1 && query_.kinds[0] == kind ? "\" selected>" : "\">");
    raw(kind_name(kind));
    raw("</option>");
  }
  raw("</select></label>\n<label>Phase<select name=\"phase\"><option value=\"\">all phases</option>");
  for (Phase phase : kAllPhases) {
    raw("<option value=\"");
    raw(phase_name(phase));
    raw(query_.phases.size() == 1 && query_.phases[0] == phase ? "\" selected>" : "\">");
    raw(phase_name(phase));
    raw("</option>");
  }
  raw("</select></label>\n");
  if (!query_.refresh) raw("<input type=\"hidden\" name=\"refresh\" value=\"0\">");
  raw("<button type=\"submit\">Filter</button>");
  if (!query_.unfiltered()) {
    StatusQuery cleared;
    cleared.refresh = query_.refresh;
    raw("<a class=\"clear\" ");
    href(cleared);
    raw(">clear filters</a>");
  }
  raw("\n</form>\n");
  if (!query_.unfiltered()) active_filters();
}

// The selects show one value each; this line shows the whole query, repeated parameters included.
void PageWriter::active_filters() {
  raw("<p class=\"active-filters\">Showing only");
  const char* separator = " ";
  const auto dimension = [&](std::string_view label, std::size_t n, auto value) {
    if (n == 0) return;
    raw(separator);
    raw(label);
    for (std::size_t i = 0; i < n; ++i) {
      raw(i == 0 ? " <b>" : " or <b>");
      text(value(i));
      raw("</b>");
    }
    separator = ", ";
  };
  dimension(query_.targets.size() == 1 ? "target" : "targets", query_.targets.size(),
            [&](std::size_t i) { return std::string_view(query_.targets[i]); });
  dimension("kind", query_.kinds.size(), [&](std::size_t i) { return kind_name(query_.kinds[i]); });
  dimension("phase", query_.phases.size(), [&](std::size_t i) { return phase_name(query_.phases[i]); });
  raw("</p>\n");
}

void PageWriter::summary() {
  const StatusCounts& counts = model_.counts;
  const auto item = [&](std::size_t count, std::string_view label, bool alert) {
    raw(alert && count ? "<li class=\"alert\"><b>" : "<li><b>");
    integer(static_cast<double>(count));
    raw("</b>");
    raw(label);
    raw("</li>");
  };
  raw("<ul class=\"summary\">");
  item(counts.in_progress, "in progress", false);
  item(counts.stalled, "stalled", true);
  item(counts.failed, "failed", true);
  item(counts.rolled_back, "rolled back", true);
  if (counts.first_down) {
    raw("<li class=\"alert\"><a href=\"#target-");
    integer(static_cast<double>(*counts.first_down + 1));
    raw("\"><b>");
  } else {
    raw("<li><b>");
  }
  integer(static_cast<double>(counts.targets_down));
  raw("</b>of ");
  integer(static_cast<double>(model_.targets.size()));
  raw(model_.targets.size() == 1 ? " target down" : " targets down");
  raw(counts.first_down ? "</a></li>" : "</li>");
  raw("</ul>\n");
}

void PageWriter::upgrade_list() {
  raw("<h2 class=\"section-title\">Upgrades that matter</h2>\n");
  if (model_.upgrades.empty()) {
    raw("<p class=\"empty\">No upgrades in progress");
    raw(query_.unfiltered() ? ", failed, rolled back or changed phase in the last 24 h.</p>\n"
                            : " match these filters.</p>\n");
    return;
  }
  for (const UpgradeItem& item : model_.upgrades) upgrade(item);
  if (model_.upgrades_total > model_.upgrades.size()) {
    raw("<p class=\"more\">");
    integer(static_cast<double>(model_.upgrades_total - model_.upgrades.size()));
    raw(" more not shown; ");
    api_link("list them all in the API");
    raw(" or narrow the filters.</p>\n");
  }
}

void PageWriter::upgrade(const UpgradeItem& item) {
  const Upgrade& up = item.object->upgrade;
  raw("<article class=\"upgrade phase-");
  raw(phase_name(up.phase));
  raw("\">\n");
  upgrade_head(item);
  status_line(item);
  if (item.object->kind == Kind::repair_task) {
    repair_brief(item);  // shown in full once, in the Repair tasks section
    raw("</article>\n");
    return;
  }
  progress(up);
  facts(item);
  if (item.failure) {
    raw("<div class=\"failure\"><span class=\"label\">");
    raw(item.failure->caption);
    raw("</span><div class=\"failure-reason\">");
    text(item.failure->value);
    raw("</div></div>\n");
  }
  nodes(item);
  if (item.history) history(*item.history, "Recent upgrades");
  raw("</article>\n");
}

void PageWriter::upgrade_head(const UpgradeItem& item) {
  const ObjectView& object = *item.object;
  const std::string_view phase = phase_name(object.upgrade.phase);
  raw("<div class=\"upgrade-head\"><a ");
  href(with_phase(object.upgrade.phase));
  raw(" title=\"Show only this phase\"><span class=\"badge phase\">");
  raw(phase);
  raw("</span></a>");
  if (item.stalled) raw("<span class=\"badge stalled\">stalled</span>");
  if (item.awaiting_operator) raw("<span class=\"badge awaiting\">awaiting operator</span>");
  raw("<span class=\"kind\">");
  raw(kind_name(object.kind));
  raw("</span><span class=\"name\">");
  text(object.name);
  raw("</span><span class=\"where\">on ");
  filter_link(with_target(item.target->name), item.target->name);
  raw("</span></div>\n");
}

void PageWriter::status_line(const UpgradeItem& item) {
  raw("<div class=\"muted\"><span class=\"state\">");
  text(item.object->upgrade.state);
  raw("</span> · last change ");
  time_ago(item.object->last_transition);
  if (item.stalled) {
    raw(" <span class=\"over-text\">(no change for longer than the ");
    duration(item.stall_window);
    raw(" stall window)</span>");
  }
  raw("</div>\n");
}

void PageWriter::progress(const Upgrade& up) {
  if (!up.progress_ratio && !up.domains) return;
  raw("<div class=\"progress\">");
  if (up.progress_ratio) {
    bar(*up.progress_ratio);
    raw("<span class=\"percent\">");
    integer(std::clamp(*up.progress_ratio, 0.0, 1.0) * 100);
    raw("%</span>");
  }
  if (up.domains && (*up.domains)[0] + (*up.domains)[1] + (*up.domains)[2] + (*up.domains)[3] > 0) {
    const DomainCounts& d = *up.domains;
    raw("<span>");
    integer(d[2]);
    raw(" of ");
    integer(d[0] + d[1] + d[2] + d[3]);
    raw(" domains done");
    if (d[3] > 0) {
      raw(", <span class=\"over-text\">");
      integer(d[3]);
      raw(" failed</span>");
    }
    raw("</span>");
  }
  if (!up.current_domain.empty()) {
    raw("<span>current domain <b>");
    text(up.current_domain);
    raw("</b></span>");
  }
  raw("</div>\n");
}

void PageWriter::facts(const UpgradeItem& item) {
  const Upgrade& up = item.object->upgrade;
  const bool live = in_progress(up.phase);
  raw("<dl class=\"facts\">");
  const TypicalDomainLine* typical = item.typical_domain ? &*item.typical_domain : nullptr;
  timing_fact("Time in domain", up.domain_duration, up.domain_timeout, live, typical);
  if (typical && !up.domain_duration) {
    raw("<dt>Typical domain</dt><dd>");
    typical_domain(*typical);
    raw("</dd>");
  }
  timing_fact("Upgrade time", up.duration, up.timeout, live);
  health_check(item);
  if (up.start_time) {
    raw("<dt>Started</dt><dd>");
    time_ago(*up.start_time);
    raw("</dd>");
  }
  if (item.forecast) forecast(*item.forecast);
  if (up.failure_time) {
    raw("<dt>Failed</dt><dd>");
    time_ago(*up.failure_time);
    raw("</dd>");
  }
  for (const Fact& fact : item.facts) {
    raw("<dt>");
    raw(fact.caption);
    raw("</dt><dd>");
    text(fact.value);
    raw("</dd>");
  }
  reboot(up);
  if (item.protection) protection(*item.protection);
  if (item.blocked) blocked(*item.blocked);
  replicas(up);
  unhealthy_evaluations(up);
  raw("</dl>\n");
}

// "12 min of 20 min" with a bar, and while in progress "8 min left" or "overdue by 3 min".
void PageWriter::timing_fact(std::string_view label, std::optional<double> spent, std::optional<double> limit,
                             bool live, const TypicalDomainLine* typical) {
  if (!spent) return;
  raw("<dt>");
  raw(label);
  raw("</dt><dd><div class=\"timing\">");
  if (limit && *limit > 0) {
    const bool over = *spent > *limit;
    bar(*spent / *limit, over);
    raw("<span>");
    duration(*spent);
    raw(" of ");
    duration(*limit);
    if (live) {
      if (over) {
        raw(" · <span class=\"over-text\">overdue by ");
        duration(*spent - *limit);
        raw("</span>");
      } else {
        raw(" · ");
        duration(*limit - *spent);
        raw(" left");
      }
    }
    raw("</span>");
  } else {
    raw("<span>");
    duration(*spent);
    raw(" (no timeout)</span>");
  }
  if (typical) typical_domain(*typical);
  raw("</div></dd>");
}

// "typical 9 min (median of 14 domains)", beside the current domain's time.
void PageWriter::typical_domain(const TypicalDomainLine& line) {
  if (!line.typical) {
    raw("<span class=\"typical\">typical not known yet: ");
    integer(static_cast<double>(line.samples));
    raw(" of ");
    integer(static_cast<double>(kMinDomainSamples));
    raw(" domains seen</span>");
    return;
  }
  raw(line.slower_than_usual ? "<span class=\"typical over-text\">typical " : "<span class=\"typical\">typical ");
  duration(*line.typical);
  raw(" (median of ");
  integer(static_cast<double>(line.samples));
  raw(line.slower_than_usual ? " domains) · slower than usual</span>" : " domains)</span>");
}

// The forecast and how it was made (forecast_method).
void PageWriter::forecast(const Forecast& forecast) {
  raw("<dt>Expected completion</dt><dd>");
  time_ago(forecast.completion);
  raw(" · <span class=\"muted\">");
  raw(forecast_method_caption(forecast.method));
  raw("</span></dd>");
}

// An object's recent upgrades, newest first, with each domain's time as a bar
// scaled to the slowest domain shown.
void PageWriter::history(const HistoryPanel& panel, std::string_view heading) {
  raw("<div class=\"history\"><div class=\"history-head\"><b>");
  raw(heading);
  raw("</b>");
  history_summary(panel);
  raw("</div>\n");
  if (panel.recent.empty()) {
    raw("<p class=\"muted\">No upgrade in the window.</p></div>\n");
    return;
  }
  raw("<div class=\"scroll\"><table class=\"history-table\"><thead><tr><th>Upgrade</th><th>Started</th>"
      "<th>Duration</th><th>Outcome</th><th>Domains</th></tr></thead><tbody>\n");
  for (const RecentUpgrade& recent : panel.recent) recent_upgrade(recent);
  raw("</tbody></table></div></div>\n");
}

// "last 5 of 7 · 6 completed, 1 rolled back in the window · typical domain 9 min (median of 14 domains) · from
// EventStore".
void PageWriter::history_summary(const HistoryPanel& panel) {
  const ObjectHistory& history = *panel.history;
  raw("<span class=\"muted\">");
  if (history.upgrades.size() > panel.recent.size()) {
    raw("last ");
    integer(static_cast<double>(panel.recent.size()));
    raw(" of ");
    integer(static_cast<double>(history.upgrades.size()));
    raw(" · ");
  }
  integer(history.completed);
  raw(" completed, ");
  raw(history.rolled_back > 0 ? "<span class=\"over-text\">" : "<span>");
  integer(history.rolled_back);
  raw(" rolled back</span> in the window · ");
  if (history.typical_domain_seconds) {
    raw("typical domain ");
    duration(*history.typical_domain_seconds);
    raw(" (median of ");
  } else {
    raw("no typical domain time yet (");
  }
  integer(static_cast<double>(history.domain_samples));
  raw(history.domain_samples == 1 ? " domain) · <span class=\"history-source\">" : " domains) · <span class=\"history-source\">");
  raw(panel.source);
  raw("</span></span>");
}

void PageWriter::recent_upgrade(const RecentUpgrade& recent) {
  const PastUpgrade& upgrade = *recent.upgrade;
  raw("<tr><td class=\"wrap-cell mono\">");
  version(upgrade.from_version);
  raw(" → ");
  version(upgrade.to_version);
  raw("</td><td>");
  if (upgrade.start)
    time_ago(*upgrade.start);
  else
    raw("<span class=\"muted\">before the window</span>");
  raw("</td><td>");
  if (recent.duration) duration(*recent.duration);
  if (recent.so_far) raw(" so far");
  raw("</td><td>");
  outcome(upgrade);
  raw("</td><td>");
  domain_bars(recent);
  raw("</td></tr>\n");
}

// One bar per domain, its height in tenths of the slowest shown (CSS classes: the CSP forbids inline styles).
void PageWriter::domain_bars(const RecentUpgrade& recent) {
  if (recent.bars.empty()) {
    raw("<span class=\"muted\">none completed</span>");
    return;
  }
  raw("<div class=\"domain-cell\"><span class=\"domain-bars\">");
  double slowest = 0;
  for (const DomainBar& bar : recent.bars) {
    slowest = std::max(slowest, bar.seconds);
    raw(bar.rolling_back ? "<span class=\"domain-bar back size-" : "<span class=\"domain-bar size-");
    integer(std::clamp(std::ceil(bar.ratio * 10), 1.0, 10.0));
    raw("\" title=\"");
    duration(bar.seconds);
    raw(bar.rolling_back ? ", rolling back\"></span>" : "\"></span>");
  }
  raw("</span><span class=\"muted\">");
  integer(static_cast<double>(recent.bars.size() + recent.domains_hidden));
  raw(recent.bars.size() + recent.domains_hidden == 1 ? " domain" : " domains");
  if (recent.domains_hidden) {
    raw(", last ");
    integer(static_cast<double>(recent.bars.size()));
    raw(" shown");
  }
  raw(" · slowest ");
  duration(slowest);
  raw("</span></div>");
}

void PageWriter::outcome(const PastUpgrade& upgrade) {
  switch (upgrade.outcome) {
    case UpgradeOutcome::completed: raw("<span class=\"dot phase-completed\"></span>completed"); return;
    case UpgradeOutcome::rolled_back: raw("<span class=\"dot phase-rolled_back\"></span>rolled back"); return;
    case UpgradeOutcome::running:
      raw(upgrade.rollback_started ? "<span class=\"dot phase-rolling_back\"></span>rolling back"
                                   : "<span class=\"dot phase-rolling_forward\"></span>in progress");
      return;
    case UpgradeOutcome::unknown: raw("<span class=\"dot phase-idle\"></span>ended, outcome unknown"); return;
  }
}

void PageWriter::version(std::string_view value) {
  if (value.empty())
    raw("<span class=\"muted\">unknown</span>");
  else
    text(value);
}

// A settled object's last finished upgrade, compactly: its full history is the API's.
void PageWriter::last_outcome_cell(const ObjectView& object) {
  if (!object.history) return;
  const std::optional<PastUpgrade>& last = object.history->last_finished;
  if (!last || !last->end) {
    raw("<span class=\"muted\">none in the window</span>");
    return;
  }
  outcome(*last);
  raw(" ");
  time_ago(*last->end);
  if (last->duration) {
    raw(" · took ");
    duration(*last->duration);
  }
}

void PageWriter::health_check(const UpgradeItem& item) {
  const Upgrade& up = item.object->upgrade;
  if (up.health_check_phase.empty()) return;
  const std::optional<double> limit = item.health_check_limit;
  raw("<dt>Health check</dt><dd><div class=\"timing\"><span class=\"mono\">");
  text(up.health_check_phase);
  raw("</span>");
  if (up.health_check_elapsed) {
    if (limit && *limit > 0) bar(*up.health_check_elapsed / *limit, *up.health_check_elapsed > *limit);
    raw("<span>");
    duration(*up.health_check_elapsed);
    if (limit && *limit > 0) {
      raw(" of ");
      duration(*limit);
    }
    raw("</span>");
  }
  if (up.health_check_retry_flips && *up.health_check_retry_flips > 0) {
    raw("<span>");
    integer(*up.health_check_retry_flips);
    raw(" retry flips</span>");
  }
  raw("</div></dd>");
}

void PageWriter::reboot(const Upgrade& up) {
  if (!up.reboot) return;
  raw("<dt>Reboot</dt><dd><div class=\"timing\">");
  if (up.reboot->total_nodes > 0) bar(up.reboot->rebooted_nodes / up.reboot->total_nodes);
  raw("<span>");
  integer(up.reboot->rebooted_nodes);
  raw(" of ");
  integer(up.reboot->total_nodes);
  raw(" nodes rebooted · <span class=\"mono\">");
  text(up.reboot->state);
  raw("</span></span></div></dd>");
}

// Qumulo: data at risk, the node failures left, the offline nodes and the restriper.
void PageWriter::protection(const ProtectionLine& line) {
  if (line.data_at_risk || line.remaining_node_failures) {
    raw(line.at_risk() ? "<dt>Data protection</dt><dd class=\"over-text\" data-protection=\"at-risk\">"
                       : "<dt>Data protection</dt><dd data-protection=\"protected\">");
    raw(line.data_at_risk.value_or(false) ? "data at risk" : "fully protected");
    if (line.remaining_node_failures) {
      raw(" · node failures left: ");
      integer(*line.remaining_node_failures);
      if (line.max_node_failures) {
        raw(" of ");
        integer(*line.max_node_failures);
      }
    }
    raw("</dd>");
  }
  if (line.nodes > 0) {
    raw(line.offline_nodes.empty() ? "<dt>Offline nodes</dt><dd>none of "
                                   : "<dt>Offline nodes</dt><dd class=\"over-text\">");
    for (std::size_t i = 0; i < line.offline_nodes.size(); ++i) {
      if (i > 0) raw(", ");
      text(line.offline_nodes[i]);
    }
    raw(line.offline_nodes.empty() ? "" : " of ");
    integer(static_cast<double>(line.nodes));
    raw(" nodes</dd>");
  }
  restriper(line);
}

void PageWriter::restriper(const ProtectionLine& line) {
  if (line.restriper_state.empty()) return;
  raw("<dt>Restriper</dt><dd><div class=\"timing\">");
  if (line.restriper_progress) bar(*line.restriper_progress);
  raw("<span><span class=\"mono\">");
  text(line.restriper_state);
  if (!line.restriper_phase.empty()) {
    raw(" ");
    text(line.restriper_phase);
  }
  raw("</span>");
  if (line.restriper_progress) {
    raw(" · ");
    integer(*line.restriper_progress * 100);
    raw(" %");
  }
  raw("</span></div></dd>");
}

void PageWriter::blocked(const BlockedLine& line) {
  raw("<dt>");
  raw(line.caption);
  raw("</dt><dd class=\"over-text\">");
  if (line.is_blocked) raw("blocked");
  if (line.cluster_degraded) raw(line.is_blocked ? ", cluster degraded" : "cluster degraded");
  if (!line.reason.empty()) {
    if (line.is_blocked || line.cluster_degraded) raw(": ");
    text(line.reason);
  }
  raw("</dd>");
}

void PageWriter::replicas(const Upgrade& up) {
  if (up.replicas.empty()) return;
  double completed = 0, total = 0;
  for (const ReplicaProgress& replicas : up.replicas) {
    completed += replicas.completed;
    total += replicas.completed + replicas.pending;
  }
  raw("<dt>Replicas</dt><dd>");
  integer(completed);
  raw(" of ");
  integer(total);
  raw(" upgraded in ");
  integer(static_cast<double>(up.replicas.size()));
  raw(up.replicas.size() == 1 ? " service</dd>" : " services</dd>");
}

void PageWriter::unhealthy_evaluations(const Upgrade& up) {
  if (!up.unhealthy_evaluations || !(*up.unhealthy_evaluations > 0)) return;
  raw("<dt>Unhealthy evaluations</dt><dd>");
  integer(*up.unhealthy_evaluations);
  for (std::size_t i = 0; i < up.unhealthy_evaluations_by_kind.size(); ++i) {
    raw(i == 0 ? " (" : ", ");
    text(up.unhealthy_evaluations_by_kind[i].first);
    raw(" ");
    integer(up.unhealthy_evaluations_by_kind[i].second);
  }
  if (!up.unhealthy_evaluations_by_kind.empty()) raw(")");
  raw("</dd>");
}

void PageWriter::nodes(const UpgradeItem& item) {
  const Upgrade& up = item.object->upgrade;
  if (up.current_nodes.empty()) {
    if (!up.nodes) return;
    raw("<p class=\"muted\">Nodes of the current domain:");
    for (std::size_t i = 0; i < kNodePhases.size(); ++i) {
      raw(i == 0 ? " " : ", ");
      integer((*up.nodes)[i]);
      raw(" ");
      raw(kNodePhases[i]);
    }
    raw("</p>\n");
    return;
  }
  const bool held = !item.node_holds.empty();
  raw("<div class=\"scroll\"><table class=\"nodes\"><thead><tr><th>Node of the current domain</th><th>Phase</th>"
      "<th>Blocking safety check</th><th>Partition</th>");
  raw(held ? "<th>Held by repair task</th></tr></thead><tbody>" : "</tr></thead><tbody>");
  for (std::size_t i = 0; i < up.current_nodes.size(); ++i)
    node_rows(up.current_nodes[i], held ? &item.node_holds[i] : nullptr);
  raw("</tbody></table></div>\n");
}

// One node: a row per blocking safety check (at least one); `holds`, when
// some node of the upgrade is held, fills the last column of its first row.
void PageWriter::node_rows(const NodeProgress& node, const std::vector<NodeHold>* holds) {
  const std::size_t rows = std::max<std::size_t>(1, std::min(node.pending.size(), kMaxChecksPerNode));
  for (std::size_t i = 0; i < rows; ++i) {
    raw("<tr><td>");
    if (i == 0) text(node.name);
    raw("</td><td class=\"mono\">");
    if (i == 0) text(node.phase);
    raw("</td><td class=\"mono\">");
    if (i < node.pending.size()) {
      text(node.pending[i].kind);
      raw("</td><td class=\"mono\">");
      text(node.pending[i].partition_id);
    } else {
      raw("</td><td>");
    }
    raw("</td>");
    if (holds) {
      raw(i == 0 && !holds->empty() ? "<td class=\"wrap-cell hold\">" : "<td>");
      if (i == 0) node_holds(*holds);
      raw("</td>");
    }
    raw("</tr>");
  }
  if (node.pending.size() > kMaxChecksPerNode) {
    raw("<tr><td></td><td></td><td class=\"muted\" colspan=\"2\">and ");
    integer(static_cast<double>(node.pending.size() - kMaxChecksPerNode));
    raw(holds ? " more</td><td></td></tr>" : " more</td></tr>");
  }
}

// "<TaskId> · System.Azure.Job.PlatformUpdate · Executing · for 2 h", one line per task.
void PageWriter::node_holds(const std::vector<NodeHold>& holds) {
  for (const NodeHold& hold : holds) {
    raw("<div><span class=\"mono\">");
    text(hold.task->name);
    raw("</span>");
    if (!hold.action.empty()) {
      raw(" · ");
      text(hold.action);
    }
    raw(" · <span class=\"state\">");
    text(hold.task->upgrade.state);
    raw("</span> · for ");
    duration(hold.held_for);
    raw("</div>");
  }
}

// A repair task among the upgrades that matter: what it does, and a link to its row.
void PageWriter::repair_brief(const UpgradeItem& item) {
  const Upgrade& up = item.object->upgrade;
  raw("<p class=\"repair-brief\">");
  const std::string_view action = info_value(up, "action");
  text(action.empty() ? std::string_view("repair task") : action);
  if (!in_progress(up.phase) && !info_value(up, "result_status").empty()) {
    raw(" · result <span class=\"mono\">");
    text(info_value(up, "result_status"));
    raw("</span>");
  }
  const std::size_t nodes = up.repair_task ? up.repair_task->nodes.size() : 0;
  raw(" · ");
  integer(static_cast<double>(nodes));
  raw(nodes == 1 ? " node" : " nodes");
  if (item.repair_row) {
    raw(" · <a href=\"#");
    repair_anchor(*item.repair_row);
    raw("\">details under Repair tasks</a>");
  }
  raw("</p>\n");
}

// "repair-1-3": the section's and the row's numbers, never a TaskId (hostile text).
void PageWriter::repair_anchor(RepairRowRef ref) {
  raw("repair-");
  integer(static_cast<double>(ref.section + 1));
  raw("-");
  integer(static_cast<double>(ref.row + 1));
}

void PageWriter::repair_sections() {
  if (model_.repair_tasks.empty()) return;
  raw("<h2 class=\"section-title\" id=\"repair-tasks\">Repair tasks</h2>\n");
  for (std::size_t i = 0; i < model_.repair_tasks.size(); ++i) repair_section(i, model_.repair_tasks[i]);
}

void PageWriter::repair_section(std::size_t section_index, const RepairSection& section) {
  std::size_t active = 0;
  for (const RepairTaskRow& row : section.rows) active += row.active;
  raw("<section class=\"repair-tasks\">\n<div class=\"target-head\"><h3 class=\"target-name\">");
  filter_link(with_target(section.target->name), section.target->name);
  raw("</h3><span class=\"muted\">");
  integer(static_cast<double>(active));
  raw(" under way · ");
  integer(static_cast<double>(section.total - active));  // rows list those under way first: `active` is all of them
  raw(" completed</span></div>\n<div class=\"scroll\"><table class=\"repair\"><thead><tr><th>Task</th><th>State</th>"
      "<th>In state</th><th>Result</th><th>Nodes (impact)</th><th>Health checks</th><th>Action</th>"
      "<th>Executor</th></tr></thead><tbody>\n");
  for (std::size_t i = 0; i < section.rows.size(); ++i) repair_row({section_index, i}, section.rows[i]);
  raw("</tbody></table></div>\n");
  if (section.total > section.rows.size()) {
    StatusQuery all = with_target(section.target->name);
    all.kinds = {Kind::repair_task};
    all.refresh = true;
    raw("<p class=\"more\">");
    integer(static_cast<double>(section.total - section.rows.size()));
    raw(" more not shown; <a ");
    href(all, "/api/v1/upgrades");
    raw(">list them all in the API</a></p>\n");
  }
  raw("</section>\n");
}

// What matters first (state, how long, result, nodes, checks), then who runs it.
void PageWriter::repair_row(RepairRowRef ref, const RepairTaskRow& row) {
  const ObjectView& task = *row.object;
  raw("<tr id=\"");
  repair_anchor(ref);
  raw("\"><td class=\"wrap-cell mono\">");
  text(task.name);
  raw("</td><td><span class=\"dot phase-");
  raw(phase_name(task.upgrade.phase));
  raw("\"></span><span class=\"state\">");
  text(task.upgrade.state);
  raw("</span>");
  if (row.stalled) raw(" <span class=\"badge stalled\">stalled</span>");
  raw(row.stalled ? "</td><td class=\"over-text\">" : "</td><td>");
  duration(row.in_state);
  raw("</td><td class=\"mono\">");
  text(row.result);
  raw("</td><td class=\"wrap-cell\">");
  repair_nodes(*row.nodes);
  raw("</td><td>");
  repair_check("preparing", row.preparing);
  repair_check("restoring", row.restoring);
  raw("</td><td class=\"mono\">");
  text(row.action);
  raw("</td><td class=\"wrap-cell mono\">");
  text(row.executor);
  raw("</td></tr>\n");
}

// "_Node_1 (Restart), _Node_2 (RemoveData)"; a node of Target.NodeNames has no impact.
void PageWriter::repair_nodes(const std::vector<RepairTaskNode>& nodes) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i > 0) raw(", ");
    text(nodes[i].name);
    if (!nodes[i].impact.empty()) {
      raw(" <span class=\"muted\">(");
      text(nodes[i].impact);
      raw(")</span>");
    }
  }
}

// "preparing InProgress for 20 min", one line per check the task reports.
void PageWriter::repair_check(std::string_view which, const RepairCheckCell& cell) {
  if (cell.state.empty()) return;
  raw(cell.stuck ? "<div class=\"over-text\">" : "<div>");
  raw(which);
  raw(" <span class=\"mono\">");
  text(cell.state);
  raw("</span>");
  if (cell.running_for) {
    raw(" for ");
    duration(*cell.running_for);
  }
  raw("</div>");
}

void PageWriter::target_section(const TargetSection& section) {
  const TargetView& target = *section.target;
  target_head(section.index, target);
  if (section.settled.empty()) {
    if (target.objects.empty())
      raw(target.polled ? "<p class=\"muted\">No objects.</p>\n" : "");
    else if (query_.unfiltered())
      raw("<p class=\"muted\">No settled objects: every object is listed above.</p>\n");
  }
  if (section.cluster_history) history(*section.cluster_history, "Recent upgrades of the cluster");
  for (const SettledGroup& group : section.settled) settled_list(target, group);
  raw("</section>\n");
}

void PageWriter::target_head(std::size_t index, const TargetView& target) {
  raw(target.up ? "<section class=\"target\" data-up=\"1\"" : "<section class=\"target\" data-up=\"0\"");
  raw(target.polled ? " data-polled=\"1\" id=\"target-" : " data-polled=\"0\" id=\"target-");
  integer(static_cast<double>(index + 1));
  raw("\">\n<div class=\"target-head\"><h2 class=\"target-name\">");
  filter_link(with_target(target.name), target.name);
  raw("</h2>");
  if (target.up) {
    raw("<span class=\"badge up\">up</span>");
  } else if (!target.polled) {
    raw("<span class=\"badge waiting\">waiting for the first poll</span>");
  } else {
    raw("<span class=\"badge down\">down</span>");
  }
  raw("<span class=\"type\">");
  raw(target_type_name(target.type));
  raw("</span></div>\n<p class=\"muted\">");
  if (target.last_success) {
    raw("Last successful poll ");
    time_ago(*target.last_success);
  } else {
    raw("No successful poll yet");
  }
  raw(" · polled every ");
  duration(target.poll_interval);
  if (target.polled) {
    raw(" · last poll took ");
    duration(target.last_poll_duration);
  }
  raw("</p>\n");
  if (target.last_error) {
    raw("<p class=\"last-error\">Last error: <b>");
    raw(reason_name(target.last_error->reason));
    raw("</b> on <code>");
    text(target.last_error->endpoint);
    raw("</code> ");
    time_ago(target.last_error->time);
    raw("</p>\n");
  }
  if (!target.objects_per_kind.empty()) {
    raw("<p class=\"kinds\">");
    for (const auto& [kind, count] : target.objects_per_kind) {
      raw("<span>");
      filter_link(with_kind(kind), kind_name(kind));
      raw(" ");
      integer(static_cast<double>(count));
      raw("</span>");
    }
    raw("</p>\n");
  }
}

void PageWriter::settled_list(const TargetView& target, const SettledGroup& group) {
  raw("<details class=\"settled\"><summary><span class=\"dot phase-");
  raw(phase_name(group.phase));
  raw("\"></span>");
  raw(phase_name(group.phase));
  raw(": ");
  integer(static_cast<double>(group.total));
  raw("</summary>\n<div class=\"scroll\"><table><thead><tr><th>Kind</th><th>Name</th><th>State</th>"
      "<th>Version</th><th>Last transition</th>");
  raw(group.has_history ? "<th>Last upgrade</th></tr></thead><tbody>\n" : "</tr></thead><tbody>\n");
  for (const ObjectView* object : group.rows) {
    raw("<tr><td>");
    raw(kind_name(object->kind));
    raw("</td><td class=\"wrap-cell\">");
    text(object->name);
    raw("</td><td class=\"state\">");
    text(object->upgrade.state);
    raw("</td><td>");
    text(info_value(object->upgrade, kVersionLabel));
    raw("</td><td>");
    time_ago(object->last_transition);
    if (group.has_history) {
      raw("</td><td>");
      last_outcome_cell(*object);
    }
    raw("</td></tr>\n");
  }
  raw("</tbody></table></div>\n");
  if (group.total > group.rows.size()) {
    StatusQuery all;
    all.targets = {target.name};
    all.kinds = query_.kinds;
    all.phases = {group.phase};
    raw("<p class=\"more\">");
    integer(static_cast<double>(group.total - group.rows.size()));
    raw(" more not shown; <a ");
    href(all, "/api/v1/upgrades");
    raw(">list them all in the API</a></p>\n");
  }
  raw("</details>\n");
}

std::string PageWriter::render() {
  std::size_t settled_rows = 0;
  for (const TargetSection& section : model_.targets)
    for (const SettledGroup& group : section.settled) settled_rows += group.rows.size();
  out_.reserve(16384 + model_.upgrades.size() * 2048 + settled_rows * 256);

  head();
  header();
  raw("<main class=\"wrap\">\n");
  filters();
  if (fleet_.targets.empty()) {
    raw("<p class=\"empty\">No targets configured. Add some under <code>targets:</code> in the configuration file "
        "and reload.</p>\n");
  } else if (model_.targets.empty()) {
    raw("<p class=\"empty\">No target matches these filters.</p>\n");
  } else {
    summary();
    upgrade_list();
    repair_sections();
    raw("<h2 class=\"section-title\">Targets</h2>\n");
    for (const TargetSection& section : model_.targets) target_section(section);
  }
  raw("<footer>Served by upgrade_exporter ");
  text(UE_VERSION);
  raw(". This page works without JavaScript; the same data as JSON is at ");
  api_link("/api/v1/upgrades");
  raw(".</footer>\n</main>\n</body>\n</html>\n");
  return std::move(out_);
}

}  // namespace

std::string render_status_page(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options) {
  const StatusModel model = build_status_model(fleet, query, options);
  return PageWriter(model, query, options).render();
}

}  // namespace ue
