#!/usr/bin/env python3
"""Checks the Grafana dashboards (and the metric names of the Prometheus rules).

For every dashboards/grafana/*.json:
  - uid (unique, at most 40 characters), title, schemaVersion, unique panel ids;
  - a `datasource` variable of type datasource (prometheus), and `target`,
    `kind`, `name` query variables whose label_values() name a metric and the
    label of the same name;
  - every panel (rows' nested panels included) and every query uses the
    `${datasource}` variable;
  - every PromQL expression (panel queries, templating queries: the selector
    of label_values(metric{...}, label), query_result(expr)), with Grafana's
    variables substituted ($__rate_interval -> 5m, multi-value variables ->
    .*, custom variables -> their current value), parses: they are wrapped as
    recording rules in a temporary file and run through `promtool check rules`;
  - every metric name they reference is in tests/dashboards/exported_metrics.txt,
    and every alert they count through ALERTS{alertname="..."} is an alert of
    dashboards/prometheus/alerts.yml;
  - the panels listed in REQUIRED_PANELS exist, and their queries use the
    names listed there (and those of REQUIRED_PANEL_TYPES are of their type);
  - no stall window is written down: no query compares the time since the
    last transition with a number, and no panel that shows that time in
    seconds has a threshold (the window is each target's,
    upgrade_stall_window_seconds).
Then, for dashboards/prometheus/alerts.yml: every metric named in an `expr:`
or in an annotation's `query` template is in the list too, no `expr:`
compares the time since the last transition with a number, and every
recording-rule name in the list (a name with `:`) is recorded there.

Usage: check_dashboards.py [--promtool=PATH | --skip-promtool] [--metrics=FILE]
                           [--rules=FILE] [DASHBOARD.json ...]
Standard library only. Exit status 1 with one line per problem.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
REQUIRED_VARIABLES = ("target", "kind", "name")

# Grafana's built-in interval and range variables, as a Prometheus would see them.
BUILTINS = {
    "__rate_interval": "5m",
    "__interval": "1m",
    "__interval_ms": "60000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan"}
TOKEN = re.compile(
    r"(?P<duration>(?:\d+(?:ms|[smhdwy]))+(?![A-Za-z0-9_:]))"
    r"|(?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)"
    r"|(?P<other>\S)")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
NAME_MATCHER = re.compile(r'__name__\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')')
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
VARIABLE = re.compile(r"\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z0-9_]+)")
LABEL_VALUES = re.compile(r"^\s*label_values\s*\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$", re.S)
LABEL_VALUES_BARE = re.compile(r"^\s*label_values\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")
QUERY_RESULT = re.compile(r"^\s*query_result\s*\((.*)\)\s*$", re.S)
ALERT_NAME = re.compile(r'alertname\s*=\s*"([^"]+)"')
# The time since the last transition compared with a number: a stall window
# written down instead of read from upgrade_stall_window_seconds.
SINCE_TRANSITION = r"(?:upgrade_last_transition_timestamp_seconds|seconds_since_transition)"
LITERAL_WINDOW = re.compile(SINCE_TRANSITION + r"(?:\{[^{}]*\})?\s*\)?\s*(?:>=?|<=?)\s*(?:bool\s+)?[0-9.]")
TIME_UNITS = {"s", "dtdurations", "dtdurationms", "ms"}

# Panels an issue asked for, by dashboard file and panel title, with the
# metric, recording-rule or alert names their queries must use: renaming or
# dropping one, or losing its query, fails the check.
REQUIRED_PANELS = {
    "upgrade-detail.json": {
        "Since last change": {"upgrade_last_transition_timestamp_seconds", "upgrade:stalled:seconds_since_transition"},
        "Nodes of the current domain": {"upgrade_node_info", "upgrade_node_pending_safety_checks"},
        "Blocking partitions": {"upgrade_blocking_partition_info"},
        "Domain timeout in": {"upgrade_domain_timeout_seconds", "upgrade_domain_duration_seconds"},
        "Upgrade timeout in": {"upgrade_timeout_seconds", "upgrade_duration_seconds"},
        # Qumulo data protection (QumuloRebootDataAtRisk's series).
        "Data at risk": {"upgrade_data_at_risk"},
        "Node failures left": {"upgrade_remaining_node_failures"},
        "Offline nodes": {"upgrade_node_info"},
        "Restriper state": {"upgrade_restriper_state"},
        "Restriper progress": {"upgrade_restriper_progress_ratio"},
        # One repair task.
        "Nodes held by the task": {"upgrade_repair_task_node_info"},
        "Health checks": {"upgrade_repair_task_health_check_state",
                          "upgrade_repair_task_health_check_start_timestamp_seconds"},
    },
    "upgrades-overview.json": {
        "Stalled": {"upgrade:stalled:seconds_since_transition"},
        "Stalled upgrades (no change for longer than their target's stall window)":
            {"upgrade:stalled:seconds_since_transition", "upgrade_stall_window_seconds"},
        "Time since last change (upgrades in progress)":
            {"upgrade:in_progress:seconds_since_transition", "upgrade_stall_window_seconds"},
        "Blocked on safety checks": {"ALERTS", "UpgradeSafetyCheckBlocked"},
        "Awaiting a manual step": {"upgrade_awaiting_operator"},
        "Retrying health checks": {"upgrade_health_check_phase"},
        # Repair tasks: what the RepairTask* alerts and UpgradeNodeHeldByRepairTask read.
        "Active repair tasks by state": {"upgrade_state", "upgrade_in_progress"},
        "Active repair tasks: state, time in state, nodes":
            {"upgrade_state", "upgrade_info", "upgrade_last_transition_timestamp_seconds",
             "upgrade_repair_task_node_info"},
        "Health checks in progress": {"upgrade_repair_task_health_check_state",
                                      "upgrade_repair_task_health_check_start_timestamp_seconds"},
        "Nodes held while an upgrade waits": {"upgrade_node_info", "upgrade_repair_task_node_info"},
        "Nodes of active repair tasks": {"upgrade_repair_task_node_info", "upgrade_node_info"},
        # Upgrade history (the EventStore series): each object's upgrades over
        # the window, and how its last one went.
        "Upgrade history: phase per object": {"upgrade_phase", "upgrade_history_upgrades"},
        "Last upgrade outcomes":
            {"upgrade_last_outcome", "upgrade_last_finished_timestamp_seconds", "upgrade_last_duration_seconds",
             "upgrade_last_info", "upgrade_domain_typical_duration_seconds", "upgrade_domain_duration_samples",
             "upgrade_history_upgrades"},
    },
}

# Required panels whose visualization is part of what was asked for, by
# dashboard file and panel title.
REQUIRED_PANEL_TYPES = {
    ("upgrades-overview.json", "Upgrade history: phase per object"): "state-timeline",
    ("upgrades-overview.json", "Last upgrade outcomes"): "table",
}


class Problems(list):
    def add(self, where, message):
        line = f"{where}: {message}"
        if line not in self:
            self.append(line)


def metric_names(expr):
    """Metric names a PromQL expression selects (after variable substitution)."""
    names = set()
    # Comments, then `{__name__="..."}` matchers, then every string literal.
    expr = "\n".join(re.sub(r"#.*$", "", line) if '"' not in line and "'" not in line else line
                     for line in expr.splitlines())
    for op, literal in NAME_MATCHER.findall(expr):
        if op == "=":
            names.add(literal[1:-1])
    expr = STRING.sub('""', expr)
    # Label matchers, ranges and subqueries, grouping label lists.
    expr = re.sub(r"\{[^{}]*\}", "{}", expr)
    expr = re.sub(r"\[[^\[\]]*\]", "[]", expr)
    expr = GROUPING.sub(" ", expr)
    tokens = [(m.lastgroup, m.group(), m.end()) for m in TOKEN.finditer(expr)]
    for i, (kind, text, end) in enumerate(tokens):
        if kind != "ident" or text.lower() in KEYWORDS:
            continue
        following = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if following == "(":
            continue  # a function or an aggregation
        names.add(text)
    return names


def alert_names(expr):
    """Alerts an expression counts through the ALERTS series."""
    return set(ALERT_NAME.findall(expr)) if "ALERTS" in metric_names(expr) else set()


def substitute(expr, values, where, problems):
    def replace(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if name in BUILTINS:
            return BUILTINS[name]
        if name in values:
            return values[name]
        problems.add(where, f"unknown variable ${name}")
        return "undefined_variable"
    return VARIABLE.sub(replace, expr)


def variable_values(dashboard):
    """What each dashboard variable stands for in a query."""
    values = {}
    for var in dashboard.get("templating", {}).get("list", []):
        name, kind = var.get("name"), var.get("type")
        current = (var.get("current") or {}).get("value")
        if isinstance(current, list):
            current = current[0] if current else None
        if kind in ("query", "textbox", "adhoc") or current in (None, "", "$__all"):
            values[name] = ".*"
        elif kind == "interval":
            values[name] = str(current).lstrip("$") or "5m"
        else:
            values[name] = str(current)
    return values


def is_datasource_ref(ref):
    if isinstance(ref, dict):
        ref = ref.get("uid")
    return ref in ("${datasource}", "$datasource")


def walk_panels(panels, path):
    for panel in panels or []:
        where = f"{path} > panel {panel.get('id')} {panel.get('title')!r}"
        yield panel, where
        yield from walk_panels(panel.get("panels"), where)


def check_dashboard(path, problems, exprs, uids, panel_names):
    """Checks one dashboard; collects its (where, expr) pairs and, per panel
    title, the metric and alert names its queries use."""
    where = path.name
    try:
        dashboard = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        problems.add(where, f"cannot load: {e}")
        return
    uid = dashboard.get("uid")
    if not isinstance(uid, str) or not uid or len(uid) > 40:
        problems.add(where, "uid missing or longer than 40 characters")
    elif uid in uids:
        problems.add(where, f"uid {uid!r} also used by {uids[uid]}")
    else:
        uids[uid] = where
    if not dashboard.get("title"):
        problems.add(where, "title missing")
    if not isinstance(dashboard.get("schemaVersion"), int) or dashboard["schemaVersion"] < 36:
        problems.add(where, "schemaVersion missing or older than 36 (Grafana 9)")
    if dashboard.get("id") is not None:
        problems.add(where, "id must be null in an importable dashboard")
    for key in ("time", "refresh"):
        if not dashboard.get(key):
            problems.add(where, f"{key} missing")

    variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        problems.add(where, "needs a variable `datasource` of type datasource with query prometheus")
    for name in REQUIRED_VARIABLES:
        if name not in variables:
            problems.add(where, f"variable `{name}` missing")
        elif variables[name].get("type") != "query":
            problems.add(where, f"variable `{name}` must be a query variable")
    values = variable_values(dashboard)

    for name, var in variables.items():
        if var.get("type") != "query":
            continue
        vwhere = f"{where} > variable {name}"
        if not is_datasource_ref(var.get("datasource")):
            problems.add(vwhere, "datasource must be ${datasource}")
        query = var.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        query = query or var.get("definition") or ""
        if LABEL_VALUES_BARE.match(query):
            problems.add(vwhere, f"{query!r}: label_values() must name a metric")
            continue
        match = LABEL_VALUES.match(query)
        if match:
            selector, label = match.groups()
            if name in REQUIRED_VARIABLES and label != name:
                problems.add(vwhere, f"{query!r} reads label {label!r}, expected {name!r}")
            if not re.match(r"^\s*[A-Za-z_:][A-Za-z0-9_:]*\s*(\{|$)", selector):
                problems.add(vwhere, f"{query!r}: the first argument must be a metric selector")
            exprs.append((vwhere, substitute(selector, values, vwhere, problems)))
            continue
        match = QUERY_RESULT.match(query)
        if match:
            exprs.append((vwhere, substitute(match.group(1), values, vwhere, problems)))
            continue
        problems.add(vwhere, f"unsupported variable query {query!r}")

    ids = {}
    for panel, pwhere in walk_panels(dashboard.get("panels"), where):
        pid = panel.get("id")
        if pid in ids:
            problems.add(pwhere, f"panel id {pid} also used by {ids[pid]}")
        ids[pid] = pwhere
        if panel.get("type") == "row":
            continue
        if not is_datasource_ref(panel.get("datasource")):
            problems.add(pwhere, "panel datasource must be ${datasource}")
        targets = panel.get("targets") or []
        if not targets:
            problems.add(pwhere, "no queries")
        check_no_window_threshold(panel, targets, pwhere, problems)
        for target in targets:
            twhere = f"{pwhere} query {target.get('refId')}"
            if not is_datasource_ref(target.get("datasource")):
                problems.add(twhere, "query datasource must be ${datasource}")
            expr = target.get("expr")
            if not expr or not expr.strip():
                problems.add(twhere, "no PromQL expr")
                continue
            expr = substitute(expr, values, twhere, problems)
            exprs.append((twhere, expr))
            names = panel_names.setdefault((path.name, panel.get("title")), set())
            names |= metric_names(expr) | alert_names(expr)
        wanted_type = REQUIRED_PANEL_TYPES.get((path.name, panel.get("title")))
        if wanted_type and panel.get("type") != wanted_type:
            problems.add(pwhere, f"must be a {wanted_type} panel, not {panel.get('type')!r} (REQUIRED_PANEL_TYPES)")


def check_no_window_threshold(panel, targets, where, problems):
    """A panel showing the time since the last transition colours by no fixed window."""
    if not any(re.search(SINCE_TRANSITION, target.get("expr") or "") for target in targets):
        return
    defaults = panel.get("fieldConfig", {}).get("defaults", {})
    if defaults.get("unit") not in TIME_UNITS:
        return
    steps = (defaults.get("thresholds") or {}).get("steps") or []
    if any(step.get("value") is not None for step in steps):
        problems.add(where, "a fixed threshold on the time since the last transition: the stall window is each "
                            "target's (upgrade_stall_window_seconds, or upgrade:stalled:seconds_since_transition)")


def check_literal_window(where, expr, problems):
    if LITERAL_WINDOW.search(expr):
        problems.add(where, "compares the time since the last transition with a number: compare with "
                            "upgrade_stall_window_seconds (on (job, instance, target) group_left)")


def check_required_panels(panel_names, files, problems):
    checked = {path.name for path in files}
    for dashboard, panels in REQUIRED_PANELS.items():
        if dashboard not in checked:
            continue
        for title, wanted in panels.items():
            used = panel_names.get((dashboard, title))
            if used is None:
                problems.add(dashboard, f"panel {title!r} missing (REQUIRED_PANELS)")
            elif not wanted <= used:
                problems.add(f"{dashboard} > panel {title!r}",
                             f"queries do not use {', '.join(sorted(wanted - used))} (REQUIRED_PANELS)")


def run_promtool(promtool, exprs, problems):
    """Parses every expression with promtool, as recording rules of one group."""
    unique = {}
    for where, expr in exprs:
        unique.setdefault(expr, []).append(where)

    def write_rules(path, items):
        with open(path, "w") as f:
            f.write("groups:\n  - name: dashboards\n    rules:\n")
            for i, expr in enumerate(items):
                f.write(f"      - record: dashboard_expr_{i}\n        expr: {json.dumps(expr)}\n")

    def check(path):
        result = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
        return result.returncode == 0, (result.stdout + result.stderr).strip()

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "dashboard_exprs.yml")
        items = list(unique)
        write_rules(path, items)
        ok, _ = check(path)
        if ok:
            return
        # Find the culprits one by one.
        for expr in items:
            write_rules(path, [expr])
            ok, output = check(path)
            if not ok:
                message = " ".join(line.strip() for line in output.splitlines() if "FAILED" not in line
                                   and not line.startswith("Checking"))
                for where in unique[expr]:
                    problems.add(where, f"promtool rejects {expr!r}: {message}")


def read_allowed(path, problems):
    allowed = set()
    try:
        lines = path.read_text().splitlines()
    except OSError as e:
        problems.add(str(path), f"cannot read: {e.strerror}")
        return allowed
    for number, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if not re.fullmatch(r"[A-Za-z_:][A-Za-z0-9_:]*", line):
            problems.add(f"{path.name}:{number}", f"not a metric name: {line!r}")
        allowed.add(line)
    return allowed


def rules_exprs(path):
    """(where, expr) for every `expr:` of a rules file, plus the query templates of its annotations.

    A deliberately small reader for our own rules layout (inline `expr: ...`
    or `expr: |` blocks), so that the check needs no YAML library."""
    lines = path.read_text().splitlines()
    found = []
    current = "?"
    i = 0
    while i < len(lines):
        line = lines[i]
        rule = re.match(r"^\s*- (alert|record):\s*(\S+)", line)
        if rule:
            current = rule.group(2)
        expr = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if expr:
            indent, rest = len(expr.group(1)), expr.group(2).strip()
            if rest and rest[0] in "|>":
                block = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    block.append(lines[i])
                    i += 1
                found.append((f"{path.name} > {current} expr", "\n".join(block)))
                continue
            found.append((f"{path.name} > {current} expr", rest.strip("'\"")))
        for template in re.findall(r'printf\s+"((?:[^"\\]|\\.)*)"', line):
            if "%q" not in template:
                continue  # number formatting, not a query
            query = template.replace("%q", '""').replace('\\"', '"')
            found.append((f"{path.name} > {current} annotation query", query))
        i += 1
    return found


def main(argv):
    promtool = os.environ.get("PROMTOOL") or shutil.which("promtool")
    skip_promtool = False
    metrics_file = ROOT / "tests/dashboards/exported_metrics.txt"
    rules_file = ROOT / "dashboards/prometheus/alerts.yml"
    files = []
    for arg in argv:
        if arg.startswith("--promtool="):
            promtool = arg.partition("=")[2]
        elif arg == "--skip-promtool":
            skip_promtool = True
        elif arg.startswith("--metrics="):
            metrics_file = pathlib.Path(arg.partition("=")[2])
        elif arg.startswith("--rules="):
            rules_file = pathlib.Path(arg.partition("=")[2])
        elif arg in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif arg.startswith("-"):
            print(f"check_dashboards: unknown argument {arg!r}", file=sys.stderr)
            return 2
        else:
            files.append(pathlib.Path(arg))
    if not files:
        files = sorted((ROOT / "dashboards/grafana").glob("*.json"))
    if not files:
        print("check_dashboards: no dashboards found", file=sys.stderr)
        return 1

    problems = Problems()
    allowed = read_allowed(metrics_file, problems)
    exprs, uids, panel_names = [], {}, {}
    for path in files:
        check_dashboard(path, problems, exprs, uids, panel_names)
    check_required_panels(panel_names, files, problems)

    if skip_promtool:
        print("check_dashboards: --skip-promtool: PromQL not parsed")
    elif not promtool:
        problems.add("promtool", "not found (install Debian's prometheus package, or pass --skip-promtool)")
    else:
        run_promtool(promtool, exprs, problems)

    used = set()
    for where, expr in exprs:
        check_literal_window(where, expr, problems)
        for name in sorted(metric_names(expr)):
            used.add(name)
            if name not in allowed:
                problems.add(where, f"metric {name!r} is not in {metrics_file.name}")

    rule_count = 0
    if rules_file.exists():
        text = rules_file.read_text()
        recorded = set(re.findall(r"^\s*- record:\s*(\S+)\s*$", text, re.M))
        alerts = set(re.findall(r"^\s*- alert:\s*(\S+)\s*$", text, re.M))
        for where, expr in exprs:
            for name in sorted(alert_names(expr) - alerts):
                problems.add(where, f"alert {name!r} is not an alert of {rules_file.name}")
        for name in sorted(n for n in allowed if ":" in n):
            if name not in recorded:
                problems.add(metrics_file.name, f"recording rule {name!r} is not recorded in {rules_file.name}")
        for where, expr in rules_exprs(rules_file):
            rule_count += 1
            if where.endswith(" expr"):
                check_literal_window(where, expr, problems)
            for name in sorted(metric_names(expr)):
                if name not in allowed:
                    problems.add(where, f"metric {name!r} is not in {metrics_file.name}")
    else:
        problems.add(str(rules_file), "missing")

    if problems:
        for problem in problems:
            print(problem)
        print(f"check_dashboards: {len(problems)} problem(s)")
        return 1
    print(f"check_dashboards: {len(files)} dashboards, {len(exprs)} PromQL expressions "
          f"({len(used)} metric names) and {rule_count} rule expressions/queries: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
