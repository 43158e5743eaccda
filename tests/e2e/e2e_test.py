#!/usr/bin/env python3
"""End to end: upgrade_simulator -> upgrade_exporter -> a real Prometheus.

Plays what scripts/demo shows: the default scenario at real speed, secured
as the demo secures it (the Service Fabric targets get Entra ID-like tokens
from the simulator's token endpoint, renewed every 30 s here; the Qumulo
targets log in with a service account), and the bundled rules rendered for
the demo's 2m stall window, so what fires here fires in the demo (which
polls, scrapes and evaluates every 5s, so up to about 15s later). The
exporter polls twice a second, Prometheus scrapes and evaluates every second.
Besides the demo's targets, with the demo's 2m window (`sf`, `qumulo`), the
exporter watches:
  - `sf-fast`: the same cluster's fabric:/shop/ applications with a 1m window;
  - `sf-capped`: the same cluster capped at two applications, so objects are
    dropped (the default 30m window);
  - `qumulo-prepared`: a second simulator whose Qumulo cluster prepared an
    upgrade without auto_commit and waits for a commit that never comes
    (1m window).
Starts them on 127.0.0.1 and waits, condition by condition, until:

  1. progress moves and phases change, as Prometheus recorded them;
  2. every stall-diagnosis alert fires for the object the scenario plays it
     with (ALERT_CASES below), among them UpgradeAwaitingManualStep for
     fabric:/shop/checkout, which waits in manual mode, and for the prepared
     Qumulo upgrade, and UpgradeStalled for fabric:/shop/orders, held on a
     safety check;
  3. the exporter and the rules agree on what is stalled (STALL_MOMENTS): the
     objects /api/v1/upgrades calls stalled, read right after an evaluation of
     the rules, are the objects UpgradeStalled is pending or firing for at that
     evaluation, at a moment when sf-fast's window has passed for
     fabric:/shop/orders and sf's has not, at a moment when both have, and at
     a moment when both waits for an operator are past their target's window;
     neither wait, nor any repair task (its own alerts judge it), is ever in
     either set;
  4. every query of every dashboard in dashboards/grafana/ (panels and
     label_values() variables) has returned data at least once: multi-value
     variables as `.*`, single-value ones (the detail dashboard's
     target/kind/name) tried with every exported object;
  5. every recording and alerting rule evaluates without error;

then checks that tokens were renewed and logins made with no request ever
refused (401) and no secret in the exporter's log, that UpgradeStalled was
never even pending for either wait, never fired for anything the scenario
does not hold still on purpose, that no repair task ever raised UpgradeStalled,
UpgradeFailed or UpgradeTakingTooLong, and that every URL scripts/demo prints
(`scripts/demo --urls`) answers 200.

Fails with the conditions still unmet (for the stall agreement, the last two
sets compared), the queries that never returned data, and the tails of the
logs. A sanitizer report in the exporter's or a simulator's log fails it too
(scripts/test runs it in sanitizer builds).

Usage: e2e_test.py --exporter=BIN --simulator=BIN --prometheus=BIN [--keep]
Standard library only.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "dashboards"))
sys.path.insert(0, str(ROOT / "tests" / "support"))
import check_dashboards  # noqa: E402  (variable substitution and panel walking)
from binaries import Child, free_port, http_get, metric_sum  # noqa: E402  (child processes and HTTP)

# The demo's secured clusters (scripts/demo makes random secrets; these are this test's).
CLIENT_ID = "6d1f0a52-3c1e-4b7a-9f00-0de30de30de3"
TENANT = "5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190"
SCOPE = "api://upgrade-simulator-cluster/.default"
CLIENT_SECRET = "e2e-client-secret-" + os.urandom(8).hex()
PASSWORD = "e2e-password-" + os.urandom(8).hex()

# The slowest case, QumuloRebootDataAtRisk in the Qumulo rolling reboot's second
# batch (186-216s), fires about 195s after start-up.
DEADLINE_SECONDS = 250
RULES_WINDOW = "2m"  # the demo's (scripts/demo renders the rules' waits for it)
# Each target's stall_window, in seconds: sf and sf-fast are the two that differ.
WINDOWS = {"sf": 120, "sf-fast": 60, "qumulo": 120, "qumulo-prepared": 60}
MANUAL_APP = "fabric:/shop/checkout"
HELD_APP = "fabric:/shop/orders"
# The default scenario's repair tasks held still on purpose: one stuck in its
# preparing health check, one executing on the node HELD_APP waits for.
STUCK_TASK = "POS___2f4d1c8e-5b6a-4e3f-8a7d-9c0b1e2f3a4b"
HOLDING_TASK = "IM/Node/9a8b7c6d-5e4f-3a2b-1c0d-ef0123456789"
# What the default scenario holds still on purpose: UpgradeStalled may fire for these only
# (not for the repair tasks held still: the RepairTask* alerts are theirs).
HELD_APPS = {HELD_APP, "fabric:/shop/search"}
# The generic upgrade alerts that leave repair tasks to their own.
NOT_FOR_REPAIR_TASKS = "UpgradeStalled|UpgradeFailed|UpgradeTakingTooLong"
# The two waits for an operator: never stalled, however long they wait.
WAITS = {("sf", "application", MANUAL_APP), ("sf-fast", "application", MANUAL_APP),
         ("qumulo-prepared", "qumulo", "qumulo-prepared")}
# Each stall-diagnosis alert and the object (and labels) the scenarios play it with.
ALERT_CASES = [
    ("UpgradeAwaitingManualStep", f'target="sf",kind="application",name="{MANUAL_APP}"'),
    ("UpgradeAwaitingManualStep", 'target="qumulo-prepared",kind="qumulo"'),
    ("UpgradeSafetyCheckBlocked", f'kind="application",name="{HELD_APP}",node="_Node_4",check="EnsurePartitionQuorum"'),
    ("UpgradeDomainTimeoutSoon", f'kind="application",name="{HELD_APP}"'),
    ("UpgradeTimeoutSoon", f'kind="application",name="{HELD_APP}"'),
    ("UpgradeStalled", f'target="sf",kind="application",name="{HELD_APP}"'),
    ("UpgradeHealthCheckRetrying", 'kind="application",name="fabric:/shop/search"'),
    ("QumuloUpgradeBlocked", 'target="qumulo",kind="qumulo"'),
    ("QumuloRollingReboot", 'target="qumulo",kind="qumulo"'),
    ("QumuloRebootDataAtRisk", 'target="qumulo",kind="qumulo"'),
    ("RepairTaskHealthCheckStuck", f'target="sf",kind="repair_task",name="{STUCK_TASK}",check="preparing"'),
    ("RepairTaskAwaitingApproval", f'target="sf",kind="repair_task",name="{STUCK_TASK}"'),
    ("RepairTaskExecutingTooLong", f'target="sf",kind="repair_task",name="{HOLDING_TASK}"'),
    ("UpgradeNodeHeldByRepairTask", f'target="sf",kind="application",name="{HELD_APP}",node="_Node_4"'),
]
# The moments at which the exporter's stalled set and UpgradeStalled's must be
# seen equal: (name, predicate on that set and on the API's objects).
FAST_HELD, SLOW_HELD = ("sf-fast", "application", HELD_APP), ("sf", "application", HELD_APP)


def waits_past_their_windows(stalled, upgrades):
    return all(key in upgrades and upgrades[key]["in_progress"]
               and upgrades[key]["since_transition_seconds"] > WINDOWS[key[0]] for key in WAITS)


STALL_MOMENTS = [
    (f"past sf-fast's 1m window for {HELD_APP}, not yet past sf's 2m",
     lambda stalled, upgrades: FAST_HELD in stalled and SLOW_HELD not in stalled),
    (f"past both windows for {HELD_APP}", lambda stalled, upgrades: {FAST_HELD, SLOW_HELD} <= stalled),
    ("the waits for an operator all past their target's window", waits_past_their_windows),
]
LISTENING = r"listening.* address=127[.]0[.]0[.]1:(\d+)"  # a simulator's log line when it is up
SANITIZER = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|"
                       r":\d+:\d+: runtime error: ")

# Grafana's interval variables as this test's 1s scrapes make them.
BUILTINS = {"__rate_interval": "1m", "__interval": "5s", "__interval_ms": "5000", "__range": "5m",
            "__range_s": "300", "__range_ms": "300000"}


def prometheus_query(base, expr):
    """The instant-query result list, or None when Prometheus is not answering."""
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        body = json.loads(http_get(url, timeout=5)[1])
    except (OSError, ValueError):
        return None
    if body.get("status") != "success":
        raise SystemExit(f"Prometheus rejected {expr!r}: {body}")
    return body["data"]["result"]


def prometheus_groups(base):
    try:
        return json.loads(http_get(f"{base}/api/v1/rules", timeout=5)[1])["data"]["groups"]
    except (OSError, ValueError, KeyError):
        return []


def demo_urls(sim_port, exporter_port, prometheus_port):
    """The (label, URL) pairs scripts/demo prints, for these ports."""
    env = dict(os.environ, UE_DEMO_SIMULATOR_PORT=str(sim_port), UE_DEMO_EXPORTER_PORT=str(exporter_port),
               UE_DEMO_PROMETHEUS_PORT=str(prometheus_port))
    out = subprocess.run([str(ROOT / "scripts" / "demo"), "--urls"], env=env, capture_output=True, text=True,
                         check=True).stdout
    return [tuple(line.split("\t", 1)) for line in out.splitlines() if line]


def unreachable_demo_urls(urls):
    """The demo URLs that do not answer 200, each with what they answered."""
    failed = []
    for label, url in urls:
        try:
            status = urllib.request.urlopen(url, timeout=5).status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError as e:
            status = str(e)
        if status != 200:
            failed.append(f"{label} {url}: {status}")
    return failed


def dashboard_queries():
    """(where, expr, single-value variables) for every panel target of every dashboard."""
    queries = []
    for path in sorted((ROOT / "dashboards" / "grafana").glob("*.json")):
        dashboard = json.loads(path.read_text())
        values = check_dashboards.variable_values(dashboard)
        single = {var["name"] for var in dashboard.get("templating", {}).get("list", [])
                  if var.get("type") == "query" and not var.get("multi")}
        for var in dashboard.get("templating", {}).get("list", []):
            query = var.get("query")
            query = query.get("query", "") if isinstance(query, dict) else (query or "")
            match = check_dashboards.LABEL_VALUES.match(query)
            if var.get("type") == "query" and match:
                expr = f"count by ({match.group(2)}) ({match.group(1)})"
                queries.append((f"{path.name} > variable {var['name']}", expr, values, single))
        for panel, where in check_dashboards.walk_panels(dashboard.get("panels"), path.name):
            for target in panel.get("targets", []):
                expr = target.get("expr")
                if expr:
                    queries.append((f"{where} {target.get('refId', '')}".strip(), expr, values, single))
    return queries


def substitute(expr, values):
    def replace(match):
        name = match.group(1) or match.group(2) or match.group(3)
        return BUILTINS.get(name, values.get(name, ".*"))
    return check_dashboards.VARIABLE.sub(replace, expr)


class StallAgreement:
    """Compares the exporter's stalled objects with UpgradeStalled's, one evaluation at a time."""

    def __init__(self, base, exporter_port):
        self.base, self.api = base, f"http://127.0.0.1:{exporter_port}/api/v1/upgrades"
        self.unmet = dict(STALL_MOMENTS)
        self.compared = 0
        self.last = None  # the last (API, rules) pair compared while either named something
        self.last_unequal = None
        self.wait_seen_stalled = set()
        self.repair_task_seen_stalled = set()

    def evaluation(self):
        """The last evaluation of UpgradeStalled's group, and the objects it is pending or firing for."""
        for group in prometheus_groups(self.base):
            for rule in group["rules"]:
                if rule["name"] == "UpgradeStalled" and rule["type"] == "alerting":
                    keys = {(a["labels"]["target"], a["labels"]["kind"], a["labels"]["name"])
                            for a in rule.get("alerts", [])}
                    return group["lastEvaluation"], keys
        return None, set()

    def snapshot(self):
        """(API's stalled, rules' stalled, API's objects) read between two evaluations, or None."""
        before, _ = self.evaluation()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # right after the next evaluation
            evaluated, alerts = self.evaluation()
            if evaluated != before:
                break
            time.sleep(0.05)
        try:
            body = json.loads(http_get(self.api, timeout=5)[1])
        except (OSError, ValueError):
            return None
        if self.evaluation()[0] != evaluated:
            return None  # another evaluation meanwhile: the two may differ by it
        upgrades = {(u["target"], u["kind"], u["name"]): u for u in body["upgrades"]}
        return {k for k, u in upgrades.items() if u["stalled"]}, alerts, upgrades

    def observe(self):
        if not self.unmet:
            return []
        taken = self.snapshot()
        if taken is None:
            return []
        api, alerts, upgrades = taken
        self.compared += 1
        self.last = (api, alerts) if api or alerts else self.last
        self.last_unequal = (api, alerts) if api != alerts else self.last_unequal
        self.wait_seen_stalled |= (api | alerts) & WAITS
        self.repair_task_seen_stalled |= {key for key in api | alerts if key[1] == "repair_task"}
        met = [name for name, holds in self.unmet.items() if api == alerts and api and holds(api, upgrades)]
        for name in met:
            del self.unmet[name]
        return [f"{name}: {', '.join('/'.join(key) for key in sorted(api))}" for name in met]

    def problems(self):
        found = [f"the exporter or UpgradeStalled called a wait for an operator stalled: {key}"
                 for key in sorted(self.wait_seen_stalled)]
        found += [f"the exporter or UpgradeStalled called a repair task stalled: {key}"
                  for key in sorted(self.repair_task_seen_stalled)]
        if not self.unmet:
            return found
        found += [f"never seen equal with {name} ({self.compared} comparisons)" for name in self.unmet]
        for what, pair in (("last compared with something stalled", self.last), ("last unequal", self.last_unequal)):
            api, alerts = pair or (set(), set())
            found.append(f"  {what}: /api/v1/upgrades stalled {sorted(api)}")
            found.append(f"  {' ' * len(what)}  UpgradeStalled pending or firing {sorted(alerts)}")
        return found


def write_scenarios(workdir):
    """The demo's scenario secured with this run's secrets, and the second simulator's prepared Qumulo."""
    scenario = (ROOT / "simulator" / "scenarios" / "default.yml").read_text()
    assert "\nqumulo:\n" in scenario, "the default scenario has no top-level qumulo block"
    login = f"  login: {{username: monitoring, password: \"{PASSWORD}\"}}\n"
    scenario = scenario.replace("\nqumulo:\n", "\nqumulo:\n" + login, 1)
    scenario += (f"\nservice_fabric:\n  oauth2: {{client_id: {CLIENT_ID}, client_secret: \"{CLIENT_SECRET}\", "
                 f"scope: \"{SCOPE}\", expires_in: 30s}}\n")
    (workdir / "scenario.yml").write_text(scenario)
    # Prepared without auto_commit 5s after start-up; nobody commits.
    (workdir / "prepared.yml").write_text(f"""qumulo:
{login}  version: 7.3.0
  from_version: 7.2.0
  auto_commit: false
  steps:
    - {{state: PREPARING, for: 5s, progress: 100}}
    - {{state: PREPARED, for: forever}}
""")
    (workdir / "sf-client-secret").write_text(CLIENT_SECRET)
    (workdir / "qumulo-password").write_text(PASSWORD)


def exporter_config(workdir, sim_url, prepared_url):
    qumulo_login = f"""qumulo_login:
      username: monitoring
      password_file: {workdir / "qumulo-password"}"""
    return f"""global:
  poll_interval: 500ms
  idle_poll_interval: 5s
  timeout: 2s
  oauth2:
    client_id: {CLIENT_ID}
    client_secret_file: {workdir / "sf-client-secret"}
    token_url: {sim_url}/{TENANT}/oauth2/v2.0/token
    scopes: ['{SCOPE}']
targets:
  - name: sf
    type: service_fabric
    url: {sim_url}
    max_results: 5
    stall_window: {WINDOWS["sf"]}s
  - name: sf-fast           # the same cluster's shop, with a shorter window
    type: service_fabric
    url: {sim_url}
    collect: [applications]
    include: ['^fabric:/shop/']
    stall_window: {WINDOWS["sf-fast"]}s
  - name: sf-capped         # the same cluster, capped, so objects are dropped
    type: service_fabric
    url: {sim_url}
    collect: [applications]
    max_objects: 2
  - name: qumulo
    type: qumulo
    url: {sim_url}
    stall_window: {WINDOWS["qumulo"]}s
    {qumulo_login}
  - name: qumulo-prepared
    type: qumulo
    url: {prepared_url}
    stall_window: {WINDOWS["qumulo-prepared"]}s
    {qumulo_login}
"""


def start_all(args, workdir, children):
    """Starts the two simulators, the exporter and Prometheus; returns their ports and URLs."""
    write_scenarios(workdir)
    simulator = Child("simulator", [args.simulator, "--web.listen-address=127.0.0.1:0",
                                    f"--scenario={workdir / 'scenario.yml'}"], workdir)
    children.append(simulator)
    prepared = Child("simulator-prepared", [args.simulator, "--web.listen-address=127.0.0.1:0",
                                            f"--scenario={workdir / 'prepared.yml'}"], workdir)
    children.append(prepared)
    sim_port = simulator.port(LISTENING)
    sim_url = f"http://127.0.0.1:{sim_port}"
    prepared_url = f"http://127.0.0.1:{prepared.port(LISTENING)}"

    (workdir / "exporter.yml").write_text(exporter_config(workdir, sim_url, prepared_url))
    exporter = Child("exporter", [args.exporter, f"--config.file={workdir / 'exporter.yml'}",
                                  "--web.listen-address=127.0.0.1:0"], workdir)
    children.append(exporter)
    exporter_port = exporter.port(r"msg=listening .*port=(\d+)")

    render = [sys.executable, str(ROOT / "scripts" / "render-rules"), f"--stall-window={RULES_WINDOW}"]
    (workdir / "alerts.yml").write_text(subprocess.run(render, capture_output=True, text=True, check=True).stdout)
    (workdir / "prometheus.yml").write_text(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [alerts.yml]
scrape_configs:
  - job_name: upgrade_exporter
    static_configs:
      - targets: ['127.0.0.1:{exporter_port}']
""")
    prometheus_port = free_port()
    children.append(Child("prometheus", [args.prometheus, f"--config.file={workdir / 'prometheus.yml'}",
                                         f"--storage.tsdb.path={workdir / 'data'}",
                                         f"--web.listen-address=127.0.0.1:{prometheus_port}"], workdir))
    return sim_url, sim_port, exporter_port, prometheus_port


def reload_exporter(exporter_port):
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{exporter_port}/-/reload", method="POST", data=b"")
        return urllib.request.urlopen(request, timeout=5).status == 200
    except OSError:
        return False


def wait_for_everything(children, base, exporter_port, agreement):
    """Waits until every condition is met and every dashboard query returned data, or the deadline.
    Returns the conditions still unmet, the queries that never returned data, whether a reload
    worked, and when the wait began."""
    conditions = {"progress moved": "count(changes(upgrade_progress_ratio[2m]) > 0)",
                  "phases changed": "count(changes(upgrade_phase[2m]) > 0)"}
    for alert, labels in ALERT_CASES:
        conditions[f"{alert} firing for {{{labels}}}"] = f'ALERTS{{alertname="{alert}",alertstate="firing",{labels}}}'
    unmet, queries = dict(conditions), dashboard_queries()
    pending, objects, reloaded = set(range(len(queries))), [], False  # the reload panels need a reload
    started = time.monotonic()
    while time.monotonic() < started + DEADLINE_SECONDS and (unmet or pending or agreement.unmet):
        for child in children:
            if child.proc.poll() is not None:
                raise SystemExit(f"{child.name} exited with {child.proc.returncode}:\n{child.text()[-3000:]}")
        reloaded = reloaded or reload_exporter(exporter_port)
        for name in agreement.observe():
            print(f"ok   the exporter and UpgradeStalled agree (after {time.monotonic() - started:.0f}s), {name}",
                  flush=True)
        for name, expr in list(unmet.items()):
            if prometheus_query(base, expr):
                print(f"ok   {name} (after {time.monotonic() - started:.0f}s)", flush=True)
                del unmet[name]
        found = prometheus_query(base, "max by (target, kind, name) (upgrade_phase)") or []
        objects = [r["metric"] for r in found] or objects
        for i in sorted(pending):
            where, expr, values, single = queries[i]
            bindings = [{}] if not single else [{k: o.get(k, "") for k in single} for o in objects]
            if any(prometheus_query(base, substitute(expr, {**values, **b})) for b in bindings):
                pending.discard(i)
        time.sleep(1)  # the pace of re-asking; every wait above is for a condition
    never = [f"never returned data: {queries[i][0]}: {queries[i][1]}" for i in sorted(pending)]
    return [f"never true: {name}: {expr}" for name, expr in unmet.items()], never, reloaded, started


def run_problems(base, started):
    """What Prometheus recorded over the whole run that must not be."""
    run = f"{int(time.monotonic() - started) + 60}s"
    broken = [f"{r['name']}: {r.get('lastError', '')}" for g in prometheus_groups(base) for r in g["rules"]
              if r.get("health") != "ok"]
    stalled = prometheus_query(
        base, f'count by (name) (count_over_time(ALERTS{{alertname="UpgradeStalled",alertstate="firing"}}[{run}]))')
    wrongly = sorted({r["metric"].get("name", "") for r in stalled or []} - HELD_APPS)
    problems = [f"UpgradeStalled fired for moving upgrades: {', '.join(wrongly)}"] if wrongly else []
    for target, kind, name in sorted(WAITS):
        selector = f'alertname="UpgradeStalled",target="{target}",kind="{kind}",name="{name}"'
        if prometheus_query(base, f"count_over_time(ALERTS{{{selector}}}[{run}])"):
            problems.append(f"UpgradeStalled was pending or firing for the wait {target}/{kind}/{name}")
    generic = prometheus_query(base, f'count by (alertname, name) (count_over_time(ALERTS{{kind="repair_task",'
                                     f'alertname=~"{NOT_FOR_REPAIR_TASKS}"}}[{run}]))')
    problems += [f"{r['metric']['alertname']} was pending or firing for repair task {r['metric']['name']}"
                 for r in generic or []]
    problems += ["Prometheus loaded no rules"] if not prometheus_groups(base) else []
    problems += [f"rule not healthy: {rule}" for rule in broken]
    return problems


def security_problems(children, sim_url, exporter_port):
    stats = json.loads(http_get(f"{sim_url}/-/stats")[1])
    metrics_page = http_get(f"http://127.0.0.1:{exporter_port}/metrics")[1].decode()
    token_requests = metric_sum(metrics_page, "upgrade_exporter_requests_total", endpoint="oauth2_token") or 0
    # Three Service Fabric targets, each renewing its 30 s token about every 27 s.
    problems = [f"the exporter asked for {token_requests:.0f} tokens; renewals would make at least 4"] \
        if token_requests < 4 else []
    problems += ["the Qumulo target never logged in"] if not stats.get("qumulo_login_requests") else []
    problems += [f"the simulator refused {stats['unauthorized']} requests with 401"] \
        if stats.get("unauthorized") else []
    exporter = next(child for child in children if child.name == "exporter")
    if any(secret in exporter.text() for secret in (CLIENT_SECRET, PASSWORD)):
        problems.append("a secret is in the exporter's log")
    for child in children:
        if child.name != "prometheus" and SANITIZER.search(child.text()):
            problems.append(f"sanitizer report in the {child.name} log")
    return problems


def run(args, workdir, children):
    sim_url, sim_port, exporter_port, prometheus_port = start_all(args, workdir, children)
    base = f"http://127.0.0.1:{prometheus_port}"
    agreement = StallAgreement(base, exporter_port)
    unmet, never, reloaded, started = wait_for_everything(children, base, exporter_port, agreement)
    problems = unmet + agreement.problems() + never + run_problems(base, started)
    problems += [f"a URL scripts/demo prints does not answer 200: {url}"
                 for url in unreachable_demo_urls(demo_urls(sim_port, exporter_port, prometheus_port))]
    problems += ["POST /-/reload never succeeded"] if not reloaded else []
    problems += security_problems(children, sim_url, exporter_port)
    if problems:
        print("\n".join(problems))
        for child in children:
            print(f"--- {child.name} log (tail)\n{child.text()[-2000:]}")
        return 1
    print("ok   all dashboard queries returned data")
    print(f"ok   UpgradeStalled only for {', '.join(sorted(HELD_APPS))}, never for the waits for an operator")
    print("ok   every URL scripts/demo prints answers 200")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exporter", required=True)
    parser.add_argument("--simulator", required=True)
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="ue-e2e-"))
    children = []
    try:
        return run(args, workdir, children)
    finally:
        for child in reversed(children):
            child.stop()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
