// The status filters: parsed from the query, matched against objects, and
// written back as a query string for the page's links.
#include "render/status_query.h"

#include <algorithm>

#include "base/quoting.h"
#include "base/url_escape.h"

namespace ue {
namespace {

template <class T>
void add_once(std::vector<T>& values, T value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(std::move(value));
}

// "a,b" -> {"a", "b"}; empty pieces (a trailing comma, an empty form field) are dropped.
std::vector<std::string> split_commas(const std::string& value) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    if (end > start) pieces.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  return pieces;
}

template <class Enum, std::size_t N, class NameOf>
std::optional<Enum> find_by_name(const std::array<Enum, N>& all, NameOf name_of, std::string_view name) {
  for (Enum e : all)
    if (name_of(e) == name) return e;
  return std::nullopt;
}

template <class Enum, std::size_t N, class NameOf>
std::string names_of(const std::array<Enum, N>& all, NameOf name_of) {
  std::string names;
  for (Enum e : all) names += (names.empty() ? "" : ", ") + std::string(name_of(e));
  return names;
}

// Adds each value of a kind or phase parameter; false (and `error`) at the first unknown one.
template <class Enum, std::size_t N, class NameOf>
bool add_named(std::vector<Enum>& out, const std::string& value, const std::array<Enum, N>& all, NameOf name_of,
               const char* what, std::string& error) {
  for (const std::string& piece : split_commas(value)) {
    std::optional<Enum> e = find_by_name(all, name_of, piece);
    if (!e) {
      error = std::string("unknown ") + what + " " + in_quotes(piece) + ", expected one of " + names_of(all, name_of);
      return false;
    }
    add_once(out, *e);
  }
  return true;
}

}  // namespace

bool StatusQuery::matches_target(std::string_view target) const {
  return targets.empty() || std::find(targets.begin(), targets.end(), target) != targets.end();
}

bool StatusQuery::matches(const ObjectView& object) const {
  return (kinds.empty() || std::find(kinds.begin(), kinds.end(), object.kind) != kinds.end()) &&
         (phases.empty() || std::find(phases.begin(), phases.end(), object.upgrade.phase) != phases.end());
}

std::string StatusQuery::to_query_string() const {
  std::string query;
  const auto add = [&](std::string_view key, std::string_view value) {
    query += query.empty() ? "" : "&";
    query += key;
    query += '=';
    query += escape_query_value(value);
  };
  for (const std::string& target : targets) add("target", target);
  for (Kind kind : kinds) add("kind", kind_name(kind));
  for (Phase phase : phases) add("phase", phase_name(phase));
  if (!refresh) add("refresh", "0");
  return query;
}

std::optional<StatusQuery> parse_status_query(const std::multimap<std::string, std::string>& params,
                                              std::string& error) {
  StatusQuery query;
  for (const auto& [key, value] : params) {
    if (key == "target") {
      // A configured name may itself hold a comma: the whole value matches too.
      std::vector<std::string> pieces = split_commas(value);
      if (value.find(',') != std::string::npos) add_once(query.targets, value);
      for (std::string& piece : pieces) add_once(query.targets, std::move(piece));
    } else if (key == "kind") {
      if (!add_named(query.kinds, value, kAllKinds, kind_name, "kind", error)) return std::nullopt;
    } else if (key == "phase") {
      if (!add_named(query.phases, value, kAllPhases, phase_name, "phase", error)) return std::nullopt;
    } else if (key == "refresh") {
      query.refresh = value != "0" && value != "false";
    }
  }
  return query;
}

bool is_stalled(const TargetView& target, const ObjectView& object, double now) {
  // A repair task is judged by its own alerts, per state (Executing for hours is normal), never by the window.
  if (object.kind == Kind::repair_task) return false;
  const Upgrade& u = object.upgrade;
  return in_progress(u.phase) && !u.awaiting_operator && now - object.last_transition > target.stall_window;
}

bool is_notable(const ObjectView& object, double now) {
  const Phase phase = object.upgrade.phase;
  if (in_progress(phase) || phase == Phase::failed || phase == Phase::rolled_back) return true;
  return object.phase_changed && now - *object.phase_changed <= kRecentPhaseChange;
}

}  // namespace ue
