#include "render/status_page.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <vector>

#include "render/html.h"

namespace ue {
namespace {

// Settled objects listed per target and phase; the rest are counted, and the API lists them all.
constexpr std::size_t kMaxSettledRows = 500;
// Upgrades shown in full; a fleet upgrading everything at once must not make a page of megabytes.
constexpr std::size_t kMaxNotable = 1000;
// Safety checks shown per node; a hostile body must not make the page unbounded.
constexpr std::size_t kMaxChecksPerNode = 20;
constexpr double kMinRefresh = 5;       // seconds
constexpr double kDefaultRefresh = 30;  // seconds, when no target is shown

// One inline style sheet: system fonts, calm colours, light and dark, 390 px to wide screens.
constexpr std::string_view kStyle = R"css(
:root{color-scheme:light dark;--bg:#f5f6f8;--panel:#fff;--text:#1c2128;--muted:#5b6571;--line:#dde1e6;
--track:#e6e9ee;--link:#1a5fb4;--blue:#1f6feb;--amber:#b45309;--red:#c62828;--violet:#7c3aed;--green:#2e7d32;
--grey:#6b7280;--blue-bg:#e3edfd;--amber-bg:#fdf0de;--red-bg:#fde8e8;--violet-bg:#efe7fd;--green-bg:#e5f3e6;
--grey-bg:#eceef1}
@media (prefers-color-scheme:dark){:root{--bg:#121519;--panel:#1b1f25;--text:#e2e6eb;--muted:#9aa4af;
--line:#2d333b;--track:#2b3139;--link:#7cb1ff;--blue:#5b9dff;--amber:#f0a33a;--red:#ff6b6b;--violet:#b392ff;
--green:#5fc46a;--grey:#9aa4af;--blue-bg:#17294a;--amber-bg:#3a2a12;--red-bg:#421c1c;--violet-bg:#2c2147;
--green-bg:#183420;--grey-bg:#262c33}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;font-variant-numeric:tabular-nums}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
code,.state,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.wrap{max-width:1240px;margin:0 auto;padding:0 20px}
.page-header{background:var(--panel);border-bottom:1px solid var(--line)}
.page-header .wrap{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 20px;padding-top:12px;padding-bottom:12px}
.page-header h1{font-size:18px;margin:0;font-weight:650}
.build,.generated{color:var(--muted)}
.page-header nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin-left:auto}
.header-line{flex-basis:100%;display:flex;flex-wrap:wrap;gap:4px 18px;color:var(--muted)}
.reload-result[data-success="0"]{color:var(--red);font-weight:600}
main.wrap{padding-top:16px;padding-bottom:40px}
.filters{display:flex;flex-wrap:wrap;align-items:end;gap:8px 12px;margin-bottom:14px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.filters select,.filters button{font:inherit;color:var(--text);background:var(--panel);border:1px solid var(--line);
border-radius:6px;padding:4px 8px;min-width:120px;max-width:18em}
.filters button{min-width:0;cursor:pointer;font-weight:600}
.summary{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 18px;padding:0;list-style:none}
.summary li{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:6px 12px}
.summary b{font-size:18px;margin-right:4px}
.summary .alert b{color:var(--red)}.summary a{color:inherit}
.active-filters{margin:-4px 0 14px;color:var(--muted)}
h2{font-size:16px;margin:0}
.section-title{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:22px 0 8px}
.empty{background:var(--panel);border:1px dashed var(--line);border-radius:8px;padding:14px;color:var(--muted);margin:0}
.upgrade{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--c,var(--grey));
border-radius:8px;padding:12px 14px;margin:0 0 10px}
.phase-rolling_forward{--c:var(--blue);--cb:var(--blue-bg)}.phase-rolling_back{--c:var(--amber);--cb:var(--amber-bg)}
.phase-failed{--c:var(--red);--cb:var(--red-bg)}.phase-rolled_back{--c:var(--violet);--cb:var(--violet-bg)}
.phase-completed{--c:var(--green);--cb:var(--green-bg)}.phase-idle{--c:var(--grey);--cb:var(--grey-bg)}
.upgrade-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}
.upgrade-head .name{font-weight:650;font-size:15px;overflow-wrap:anywhere}
.kind{color:var(--muted)}
.upgrade-head .where{margin-left:auto;color:var(--muted)}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.phase{background:var(--cb,var(--grey-bg));color:var(--c,var(--grey))}
.badge.stalled,.badge.down{background:var(--red);color:#fff}
.badge.up{background:var(--green-bg);color:var(--green)}
.badge.waiting{background:var(--grey-bg);color:var(--grey)}
.state{color:var(--muted);overflow-wrap:anywhere}
.progress{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;margin:10px 0 6px}
.progress .bar{flex:1 1 240px;max-width:520px;height:10px}
.percent{font-weight:650;min-width:3.2em}
.bar{background:var(--track);border-radius:999px;overflow:hidden;height:8px}
.bar>div{height:100%;background:var(--c,var(--blue));border-radius:999px}
.bar.over>div{background:var(--red)}
.facts{display:grid;grid-template-columns:minmax(9.5em,max-content) minmax(0,1fr);gap:3px 14px;margin:8px 0 0}
.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.timing{display:flex;flex-wrap:wrap;align-items:center;gap:2px 10px}
.timing .bar{flex:0 1 180px;min-width:120px}
.over-text{color:var(--red);font-weight:600}
.failure{margin-top:10px;background:var(--red-bg);border-radius:6px;padding:8px 10px}
.failure .label{display:block;font-size:12px;font-weight:600;color:var(--red)}
.failure-reason{white-space:pre-wrap;overflow-wrap:anywhere}
.scroll{overflow-x:auto;margin-top:10px;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 10px;border-bottom:1px solid var(--line);vertical-align:top;white-space:nowrap}
td.wrap-cell{white-space:normal;overflow-wrap:anywhere;min-width:12em}
th{color:var(--muted);font-weight:600;background:var(--bg)}
tr:last-child td{border-bottom:0}
.target{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:0 0 12px}
.target[data-up="0"][data-polled="1"]{border-left:4px solid var(--red)}
.target-head{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px}
.target-head .type{color:var(--muted)}
.target p{margin:6px 0 0}
.target .muted,.muted{color:var(--muted)}
.last-error{margin-top:6px;color:var(--muted)}
.target[data-up="0"][data-polled="1"] .last-error{color:var(--red)}
.kinds{display:flex;flex-wrap:wrap;gap:2px 14px}
.settled{margin-top:8px;border-top:1px solid var(--line);padding-top:6px}
.settled summary{cursor:pointer;font-weight:600}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:var(--c);margin-right:6px}
.more{color:var(--muted);margin:6px 0 0}
footer{color:var(--muted);font-size:12px;margin-top:28px}
@media (max-width:640px){.wrap{padding:0 12px}.page-header nav{margin-left:0}
.upgrade-head .where{margin-left:0;flex-basis:100%}.facts{grid-template-columns:minmax(0,7em) minmax(0,1fr);
gap:4px 10px}.timing .bar{flex-basis:100%}.progress .bar{flex-basis:100%}
.filters label{flex:1 1 40%}.filters select{min-width:0;width:100%}}
)css";

std::string_view info_value(const Upgrade& upgrade, std::string_view label) {
  for (const auto& [name, value] : upgrade.info)
    if (name == label) return value;
  return {};
}

// Stalled first, then by how much the phase needs a person.
int notable_rank(Phase phase, bool stalled) {
  if (stalled) return 0;
  switch (phase) {
    case Phase::failed: return 1;
    case Phase::rolling_back: return 2;
    case Phase::rolling_forward: return 3;
    case Phase::rolled_back: return 4;
    case Phase::completed: return 5;
    case Phase::idle: return 6;
  }
  return 6;
}

struct Notable {
  std::size_t target_index;  // configuration order
  const TargetView* target;
  const ObjectView* object;
  bool stalled;
  int rank;
};

// One target's settled objects that match the query, by phase.
struct Settled {
  std::array<std::vector<const ObjectView*>, kAllPhases.size()> by_phase;
  bool empty() const {
    return std::all_of(by_phase.begin(), by_phase.end(), [](const auto& objects) { return objects.empty(); });
  }
};

class PageWriter {
 public:
  PageWriter(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options)
      : fleet_(fleet), query_(query), options_(options), now_(fleet.generated) {}

  std::string render();

 private:
  void collect();
  void head();
  void header();
  void filters();
  void summary();
  void notable_list();
  void upgrade(const Notable& item);
  void progress(const Upgrade& up);
  void timing_fact(std::string_view label, std::optional<double> spent, std::optional<double> limit, bool live);
  void health_check(const Upgrade& up);
  void nodes(const Upgrade& up);
  void target_section(std::size_t index, const TargetView& target);
  void settled_list(const TargetView& target, Phase phase, const std::vector<const ObjectView*>& objects);

  // Text helpers; everything from an upstream or the configuration goes through text().
  void raw(std::string_view s) { out_ += s; }
  void text(std::string_view s) { append_html_escaped(out_, s); }
  void integer(double value);
  void duration(double seconds);
  void rfc3339(double unix_seconds);
  void time_ago(double unix_seconds);
  void bar(double ratio, bool over = false);
  // An href to this page (or `path`) with `query`'s filters.
  void href(const StatusQuery& query, std::string_view path = "");
  void filter_link(const StatusQuery& query, std::string_view label);

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

  const FleetView& fleet_;
  const StatusQuery& query_;
  const StatusOptions& options_;
  const double now_;
  std::string out_;

  std::vector<std::size_t> shown_targets_;  // indexes into fleet_.targets that match the query
  std::vector<Notable> notable_;
  std::vector<Settled> settled_;  // parallel to shown_targets_
  std::size_t in_progress_ = 0, stalled_ = 0, failed_ = 0, rolled_back_ = 0, down_ = 0;
  std::size_t first_down_ = 0;  // index of the first target down, when down_ > 0
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
  raw(over ? "<div class=\"bar over\"><div style=\"width:" : "<div class=\"bar\"><div style=\"width:");
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", std::clamp(ratio, 0.0, 1.0) * 100);
  raw(buffer);
  raw("\"></div></div>");
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

void PageWriter::collect() {
  for (std::size_t i = 0; i < fleet_.targets.size(); ++i) {
    const TargetView& target = *fleet_.targets[i];
    if (!query_.matches_target(target.name)) continue;
    shown_targets_.push_back(i);
    if (target.polled && !target.up) {
      if (down_ == 0) first_down_ = i;
      ++down_;
    }
    Settled& settled = settled_.emplace_back();
    for (const auto& shared : target.objects) {
      const ObjectView& object = *shared;
      if (!query_.matches(object)) continue;
      const Phase phase = object.upgrade.phase;
      if (!is_notable(object, now_)) {
        settled.by_phase[static_cast<std::size_t>(phase)].push_back(&object);
        continue;
      }
      const bool stalled = is_stalled(target, object, now_);
      notable_.push_back({i, &target, &object, stalled, notable_rank(phase, stalled)});
      in_progress_ += in_progress(phase);
      stalled_ += stalled;
      failed_ += phase == Phase::failed;
      rolled_back_ += phase == Phase::rolled_back;
    }
  }
  std::sort(notable_.begin(), notable_.end(), [](const Notable& a, const Notable& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.target_index != b.target_index) return a.target_index < b.target_index;
    if (a.object->kind != b.object->kind) return a.object->kind < b.object->kind;
    return a.object->name < b.object->name;
  });
}

void PageWriter::head() {
  raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n");
  if (query_.refresh) {
    double interval = 0;
    for (std::size_t i : shown_targets_) {
      const double poll = fleet_.targets[i]->poll_interval;
      if (poll > 0 && (interval == 0 || poll < interval)) interval = poll;
    }
    if (interval == 0) interval = kDefaultRefresh;
    raw("<meta http-equiv=\"refresh\" content=\"");
    integer(std::ceil(std::max(interval, kMinRefresh)));
    raw("\">\n");
  }
  raw("<title>");
  if (stalled_ || failed_ || in_progress_) {
    integer(static_cast<double>(in_progress_));
    raw(" in progress");
    if (stalled_) {
      raw(", ");
      integer(static_cast<double>(stalled_));
      raw(" stalled");
    }
    if (failed_) {
      raw(", ");
      integer(static_cast<double>(failed_));
      raw(" failed");
    }
    raw(" · ");
  }
  raw("upgrade_exporter</title>\n<style>");
  raw(kStyle);
  raw("</style>\n</head>\n<body>\n");
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
  raw("</a><a href=\"/-/healthy\">/-/healthy</a><a href=\"/-/ready\">/-/ready</a><a ");
  StatusQuery api = query_;
  api.refresh = true;
  href(api, "/api/v1/upgrades");
  raw(">/api/v1/upgrades</a></nav>\n<div class=\"header-line\">");
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
  raw("<span class=\"generated\">Generated ");
  raw("<time datetime=\"");
  rfc3339(now_);
  raw("\">");
  rfc3339(now_);
  raw("</time></span><span class=\"refresh\">");
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
  raw("</span></div>\n</div></header>\n");
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
  if (query_.unfiltered()) return;
  // The selects show one value each; this line shows the whole query, repeated parameters included.
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
  const auto item = [&](std::size_t count, std::string_view label, bool alert) {
    raw(alert && count ? "<li class=\"alert\"><b>" : "<li><b>");
    integer(static_cast<double>(count));
    raw("</b>");
    raw(label);
    raw("</li>");
  };
  raw("<ul class=\"summary\">");
  item(in_progress_, "in progress", false);
  item(stalled_, "stalled", true);
  item(failed_, "failed", true);
  item(rolled_back_, "rolled back", true);
  if (down_) {
    raw("<li class=\"alert\"><a href=\"#target-");
    integer(static_cast<double>(first_down_ + 1));
    raw("\"><b>");
  } else {
    raw("<li><b>");
  }
  integer(static_cast<double>(down_));
  raw("</b>of ");
  integer(static_cast<double>(shown_targets_.size()));
  raw(shown_targets_.size() == 1 ? " target down" : " targets down");
  raw(down_ ? "</a></li>" : "</li>");
  raw("</ul>\n");
}

void PageWriter::notable_list() {
  raw("<h2 class=\"section-title\">Upgrades that matter</h2>\n");
  if (notable_.empty()) {
    raw("<p class=\"empty\">No upgrades in progress");
    raw(query_.unfiltered() ? ", failed, rolled back or changed phase in the last 24 h.</p>\n"
                            : " match these filters.</p>\n");
    return;
  }
  const std::size_t shown = std::min(notable_.size(), kMaxNotable);
  for (std::size_t i = 0; i < shown; ++i) upgrade(notable_[i]);
  if (notable_.size() > shown) {
    StatusQuery api = query_;
    api.refresh = true;
    raw("<p class=\"more\">");
    integer(static_cast<double>(notable_.size() - shown));
    raw(" more not shown; <a ");
    href(api, "/api/v1/upgrades");
    raw(">list them all in the API</a> or narrow the filters.</p>\n");
  }
}

void PageWriter::upgrade(const Notable& item) {
  const ObjectView& object = *item.object;
  const Upgrade& up = object.upgrade;
  const std::string_view phase = phase_name(up.phase);
  const bool live = in_progress(up.phase);

  raw("<article class=\"upgrade phase-");
  raw(phase);
  raw("\">\n<div class=\"upgrade-head\"><a ");
  href(with_phase(up.phase));
  raw(" title=\"Show only this phase\"><span class=\"badge phase\">");
  raw(phase);
  raw("</span></a>");
  if (item.stalled) raw("<span class=\"badge stalled\">stalled</span>");
  raw("<span class=\"kind\">");
  raw(kind_name(object.kind));
  raw("</span><span class=\"name\">");
  text(object.name);
  raw("</span><span class=\"where\">on ");
  filter_link(with_target(item.target->name), item.target->name);
  raw("</span></div>\n");

  raw("<div class=\"muted\"><span class=\"state\">");
  text(up.state);
  raw("</span> · last change ");
  time_ago(object.last_transition);
  if (item.stalled) {
    raw(" <span class=\"over-text\">(no change for longer than the ");
    duration(item.target->stall_window);
    raw(" stall window)</span>");
  }
  raw("</div>\n");

  progress(up);

  raw("<dl class=\"facts\">");
  timing_fact("Time in domain", up.domain_duration, up.domain_timeout, live);
  timing_fact("Upgrade time", up.duration, up.timeout, live);
  health_check(up);
  if (up.start_time) {
    raw("<dt>Started</dt><dd>");
    time_ago(*up.start_time);
    raw("</dd>");
  }
  if (up.failure_time) {
    raw("<dt>Failed</dt><dd>");
    time_ago(*up.failure_time);
    raw("</dd>");
  }
  const auto info_fact = [&](std::string_view label, std::string_view key) {
    const std::string_view value = info_value(up, key);
    if (value.empty()) return;
    raw("<dt>");
    raw(label);
    raw("</dt><dd>");
    text(value);
    raw("</dd>");
  };
  info_fact("Target version", "target_version");
  info_fact("Target config version", "target_config_version");
  info_fact("Mode", "rolling_upgrade_mode");
  info_fact("Failure action", "failure_action");
  info_fact("Upgrade type", "upgrade_type");
  info_fact("Auto commit", "auto_commit");
  if (up.reboot) {
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
  const std::string_view blocked_reason = info_value(up, "blocked_reason");
  if ((up.blocked && (up.blocked->is_blocked || up.blocked->cluster_degraded)) || !blocked_reason.empty()) {
    raw("<dt>Blocked</dt><dd class=\"over-text\">");
    if (up.blocked && up.blocked->is_blocked) raw("blocked");
    if (up.blocked && up.blocked->cluster_degraded)
      raw(up.blocked->is_blocked ? ", cluster degraded" : "cluster degraded");
    if (!blocked_reason.empty()) {
      if (up.blocked && (up.blocked->is_blocked || up.blocked->cluster_degraded)) raw(": ");
      text(blocked_reason);
    }
    raw("</dd>");
  }
  if (!up.replicas.empty()) {
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
  if (up.unhealthy_evaluations && *up.unhealthy_evaluations > 0) {
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
  raw("</dl>\n");

  const std::string_view reason = info_value(up, "failure_reason");
  if (!reason.empty()) {
    raw("<div class=\"failure\"><span class=\"label\">Failure reason</span><div class=\"failure-reason\">");
    text(reason);
    raw("</div></div>\n");
  }
  nodes(up);
  raw("</article>\n");
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

// "12 min of 20 min" with a bar, and while in progress "8 min left" or "overdue by 3 min".
void PageWriter::timing_fact(std::string_view label, std::optional<double> spent, std::optional<double> limit,
                             bool live) {
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
  raw("</div></dd>");
}

void PageWriter::health_check(const Upgrade& up) {
  if (up.health_check_phase.empty()) return;
  std::optional<double> limit;
  if (up.health_check_phase == "WaitDuration") limit = up.health_check_wait;
  if (up.health_check_phase == "StableDuration") limit = up.health_check_stable;
  if (up.health_check_phase == "Retry") limit = up.health_check_retry_timeout;
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

void PageWriter::nodes(const Upgrade& up) {
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
  raw("<div class=\"scroll\"><table class=\"nodes\"><thead><tr><th>Node of the current domain</th><th>Phase</th>"
      "<th>Blocking safety check</th><th>Partition</th></tr></thead><tbody>");
  for (const NodeProgress& node : up.current_nodes) {
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
      raw("</td></tr>");
    }
    if (node.pending.size() > kMaxChecksPerNode) {
      raw("<tr><td></td><td></td><td class=\"muted\" colspan=\"2\">and ");
      integer(static_cast<double>(node.pending.size() - kMaxChecksPerNode));
      raw(" more</td></tr>");
    }
  }
  raw("</tbody></table></div>\n");
}

void PageWriter::target_section(std::size_t index, const TargetView& target) {
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

void PageWriter::settled_list(const TargetView& target, Phase phase, const std::vector<const ObjectView*>& objects) {
  raw("<details class=\"settled\"><summary><span class=\"dot phase-");
  raw(phase_name(phase));
  raw("\"></span>");
  raw(phase_name(phase));
  raw(": ");
  integer(static_cast<double>(objects.size()));
  raw("</summary>\n<div class=\"scroll\"><table><thead><tr><th>Kind</th><th>Name</th><th>State</th>"
      "<th>Version</th><th>Last transition</th></tr></thead><tbody>\n");
  const std::size_t rows = std::min(objects.size(), kMaxSettledRows);
  for (std::size_t i = 0; i < rows; ++i) {
    const ObjectView& object = *objects[i];
    raw("<tr><td>");
    raw(kind_name(object.kind));
    raw("</td><td class=\"wrap-cell\">");
    text(object.name);
    raw("</td><td class=\"state\">");
    text(object.upgrade.state);
    raw("</td><td>");
    text(info_value(object.upgrade, "target_version"));
    raw("</td><td>");
    time_ago(object.last_transition);
    raw("</td></tr>\n");
  }
  raw("</tbody></table></div>\n");
  if (objects.size() > rows) {
    StatusQuery all;
    all.targets = {target.name};
    all.kinds = query_.kinds;
    all.phases = {phase};
    raw("<p class=\"more\">");
    integer(static_cast<double>(objects.size() - rows));
    raw(" more not shown; <a ");
    href(all, "/api/v1/upgrades");
    raw(">list them all in the API</a></p>\n");
  }
  raw("</details>\n");
}

std::string PageWriter::render() {
  collect();
  std::size_t settled_count = 0;
  for (const Settled& s : settled_)
    for (const auto& objects : s.by_phase) settled_count += std::min(objects.size(), kMaxSettledRows);
  out_.reserve(16384 + std::min(notable_.size(), kMaxNotable) * 2048 + settled_count * 256);

  head();
  header();
  raw("<main class=\"wrap\">\n");
  filters();
  if (fleet_.targets.empty()) {
    raw("<p class=\"empty\">No targets configured. Add some under <code>targets:</code> in the configuration file "
        "and reload.</p>\n");
  } else if (shown_targets_.empty()) {
    raw("<p class=\"empty\">No target matches these filters.</p>\n");
  } else {
    summary();
    notable_list();
    raw("<h2 class=\"section-title\">Targets</h2>\n");
    for (std::size_t n = 0; n < shown_targets_.size(); ++n) {
      const std::size_t index = shown_targets_[n];
      const TargetView& target = *fleet_.targets[index];
      target_section(index, target);
      const Settled& settled = settled_[n];
      if (settled.empty()) {
        if (target.objects.empty())
          raw(target.polled ? "<p class=\"muted\">No objects.</p>\n" : "");
        else if (query_.unfiltered())
          raw("<p class=\"muted\">No settled objects: every object is listed above.</p>\n");
      }
      for (Phase phase : kAllPhases) {
        const auto& objects = settled.by_phase[static_cast<std::size_t>(phase)];
        if (!objects.empty()) settled_list(target, phase, objects);
      }
      raw("</section>\n");
    }
  }
  raw("<footer>Served by upgrade_exporter ");
  text(UE_VERSION);
  raw(". This page works without JavaScript; the same data as JSON is at <a ");
  StatusQuery api = query_;
  api.refresh = true;
  href(api, "/api/v1/upgrades");
  raw(">/api/v1/upgrades</a>.</footer>\n</main>\n</body>\n</html>\n");
  return std::move(out_);
}

}  // namespace

std::string render_status_page(const FleetView& fleet, const StatusQuery& query, const StatusOptions& options) {
  return PageWriter(fleet, query, options).render();
}

}  // namespace ue
