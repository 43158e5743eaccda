#!/usr/bin/env python3
"""End to end: upgrade_simulator -> upgrade_exporter -> a real Prometheus.

Plays what scripts/demo shows: the default scenario at real speed, secured
as the demo secures it (the Service Fabric targets get Entra ID-like tokens
from the simulator's token endpoint, renewed every 30 s here; the Qumulo
target logs in with a service account), and the
bundled rules rendered with the demo's 2m stall window, so what fires here
fires in the demo (which polls, scrapes and evaluates every 5s, so up to about
15s later). The exporter polls twice a second, Prometheus scrapes and
evaluates every second. Starts the three on 127.0.0.1 and waits, condition by
condition, until:

  1. progress moves and phases change, as Prometheus recorded them;
  2. every stall-diagnosis alert fires for the object the scenario plays it
     with (ALERT_CASES below), among them UpgradeAwaitingManualStep for
     fabric:/shop/checkout, which waits in manual mode, and UpgradeStalled for
     fabric:/shop/orders, held on a safety check;
  3. every query of every dashboard in dashboards/grafana/ (panels and
     label_values() variables) has returned data at least once: multi-value
     variables as `.*`, single-value ones (the detail dashboard's
     target/kind/name) tried with every exported object;
  4. every recording and alerting rule evaluates without error;

then checks that tokens were renewed and logins made with no request ever
refused (401) and no secret in the exporter's log, that UpgradeStalled was
never even pending for the manual wait,
never fired for anything the scenario does not hold still on purpose, and that
every URL scripts/demo prints (`scripts/demo --urls`) answers 200.

Fails with the conditions still unmet, the queries that never returned data,
and the tails of the three logs. A sanitizer report in the exporter's or the
simulator's log fails it too (scripts/test runs it in sanitizer builds).

Usage: e2e_test.py --exporter=BIN --simulator=BIN --prometheus=BIN [--keep]
Standard library only.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "dashboards"))
sys.path.insert(0, str(ROOT / "bench"))
import check_dashboards  # noqa: E402  (variable substitution and panel walking)
from common import Child, http_get, metric_sum  # noqa: E402  (child processes and HTTP, shared with bench/)

# The demo's secured clusters (scripts/demo makes random secrets; these are this test's).
CLIENT_ID = "6d1f0a52-3c1e-4b7a-9f00-0de30de30de3"
TENANT = "5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190"
SCOPE = "api://upgrade-simulator-cluster/.default"
CLIENT_SECRET = "e2e-client-secret-" + os.urandom(8).hex()
PASSWORD = "e2e-password-" + os.urandom(8).hex()

# The slowest case, the Qumulo rolling reboot, fires about 170s after start-up.
DEADLINE_SECONDS = 250
STALL_WINDOW = "2m"  # the demo's (scripts/demo)
MANUAL_APP = "fabric:/shop/checkout"
# What the default scenario holds still on purpose: UpgradeStalled may fire for these only.
HELD_APPS = {"fabric:/shop/orders", "fabric:/shop/search"}
# Each stall-diagnosis alert and the object (and labels) the default scenario plays it with.
ALERT_CASES = {
    "UpgradeAwaitingManualStep": f'kind="application",name="{MANUAL_APP}"',
    "UpgradeSafetyCheckBlocked": 'kind="application",name="fabric:/shop/orders",node="_Node_4",'
                                 'check="EnsurePartitionQuorum"',
    "UpgradeDomainTimeoutSoon": 'kind="application",name="fabric:/shop/orders"',
    "UpgradeTimeoutSoon": 'kind="application",name="fabric:/shop/orders"',
    "UpgradeStalled": 'kind="application",name="fabric:/shop/orders"',
    "UpgradeHealthCheckRetrying": 'kind="application",name="fabric:/shop/search"',
    "QumuloUpgradeBlocked": 'kind="qumulo"',
    "QumuloRollingReboot": 'kind="qumulo"',
}
SANITIZER = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|"
                       r":\d+:\d+: runtime error: ")

# Grafana's interval variables as this test's 1s scrapes make them.
BUILTINS = {"__rate_interval": "1m", "__interval": "5s", "__interval_ms": "5000", "__range": "5m",
            "__range_s": "300", "__range_ms": "300000"}
# The overview's stall window (seconds), shortened like the rules'.
OVERRIDES = {"stall_window": "120"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        values.update({k: v for k, v in OVERRIDES.items() if k in values})
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
        # Secured like the demo: Service Fabric behind Entra ID-like tokens
        # that expire every 30 s (so they are renewed during the run), Qumulo
        # behind a session login. Secrets are made for this run.
        scenario = (ROOT / "simulator" / "scenarios" / "default.yml").read_text()
        assert "\nqumulo:\n" in scenario, "the default scenario has no top-level qumulo block"
        login = f"  login: {{username: monitoring, password: \"{PASSWORD}\"}}\n"
        scenario = scenario.replace("\nqumulo:\n", "\nqumulo:\n" + login, 1)
        scenario += (f"\nservice_fabric:\n  oauth2: {{client_id: {CLIENT_ID}, client_secret: \"{CLIENT_SECRET}\", "
                     f"scope: \"{SCOPE}\", expires_in: 30s}}\n")
        (workdir / "scenario.yml").write_text(scenario)
        (workdir / "sf-client-secret").write_text(CLIENT_SECRET)
        (workdir / "qumulo-password").write_text(PASSWORD)
        simulator = Child("simulator", [args.simulator, "--web.listen-address=127.0.0.1:0",
                                        f"--scenario={workdir / 'scenario.yml'}"], workdir)
        children.append(simulator)
        sim_port = simulator.port(r"listening.* address=127\.0\.0\.1:(\d+)")
        sim_url = f"http://127.0.0.1:{sim_port}"

        (workdir / "exporter.yml").write_text(f"""global:
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
  - name: sf-capped         # the same cluster, capped, so objects are dropped
    type: service_fabric
    url: {sim_url}
    collect: [applications]
    max_objects: 2
  - name: qumulo
    type: qumulo
    url: {sim_url}
    qumulo_login:
      username: monitoring
      password_file: {workdir / "qumulo-password"}
""")
        exporter = Child("exporter", [args.exporter, f"--config.file={workdir / 'exporter.yml'}",
                                      "--web.listen-address=127.0.0.1:0"], workdir)
        children.append(exporter)
        exporter_port = exporter.port(r"msg=listening .*port=(\d+)")

        render = [sys.executable, str(ROOT / "scripts" / "render-rules"), f"--stall-window={STALL_WINDOW}"]
        rules = subprocess.run(render, capture_output=True, text=True, check=True).stdout
        (workdir / "alerts.yml").write_text(rules)
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
        prometheus = Child("prometheus", [args.prometheus, f"--config.file={workdir / 'prometheus.yml'}",
                                          f"--storage.tsdb.path={workdir / 'data'}",
                                          f"--web.listen-address=127.0.0.1:{prometheus_port}"], workdir)
        children.append(prometheus)
        base = f"http://127.0.0.1:{prometheus_port}"

        # The reload panels need a reload to have happened.
        reloaded = False
        conditions = {
            "progress moved": "count(changes(upgrade_progress_ratio[2m]) > 0)",
            "phases changed": "count(changes(upgrade_phase[2m]) > 0)",
        }
        for alert, labels in ALERT_CASES.items():
            conditions[f"{alert} firing for {{{labels}}}"] = \
                f'ALERTS{{alertname="{alert}",alertstate="firing",{labels}}}'

        unmet = dict(conditions)
        queries = dashboard_queries()
        pending = {i for i in range(len(queries))}
        objects = []
        started = time.monotonic()
        deadline = started + DEADLINE_SECONDS
        while time.monotonic() < deadline and (unmet or pending):
            for child in children:
                if child.proc.poll() is not None:
                    raise SystemExit(f"{child.name} exited with {child.proc.returncode}:\n{child.text()[-3000:]}")
            if not reloaded:
                try:
                    reloaded = urllib.request.urlopen(urllib.request.Request(
                        f"http://127.0.0.1:{exporter_port}/-/reload", method="POST", data=b""), timeout=5).status == 200
                except OSError:
                    pass
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

        # Every rule evaluated without error.
        try:
            groups = json.loads(http_get(f"{base}/api/v1/rules", timeout=5)[1])["data"]["groups"]
        except (OSError, ValueError, KeyError):
            groups = []
        broken = [f"{r['name']}: {r.get('lastError', '')}" for g in groups for r in g["rules"]
                  if r.get("health") != "ok"]

        # Nothing that moves may be called stalled, nor an upgrade waiting for a person, over the whole run.
        run = f"{int(time.monotonic() - started) + 60}s"
        stalled = prometheus_query(
            base, f'count by (name) (count_over_time(ALERTS{{alertname="UpgradeStalled",alertstate="firing"}}[{run}]))')
        wrongly = sorted({r["metric"].get("name", "") for r in stalled or []} - HELD_APPS)
        manual_stalled = prometheus_query(
            base, f'count_over_time(ALERTS{{alertname="UpgradeStalled",name="{MANUAL_APP}"}}[{run}])')
        bad_urls = unreachable_demo_urls(demo_urls(sim_port, exporter_port, prometheus_port))

        stats = json.loads(http_get(f"{sim_url}/-/stats")[1])
        metrics_page = http_get(f"http://127.0.0.1:{exporter_port}/metrics")[1].decode()
        token_requests = metric_sum(metrics_page, "upgrade_exporter_requests_total", endpoint="oauth2_token") or 0

        problems = [f"never true: {name}: {expr}" for name, expr in unmet.items()]
        # Two Service Fabric targets, each renewing its 30 s token about every 27 s.
        problems += [f"the exporter asked for {token_requests:.0f} tokens; renewals would make at least 4"] \
            if token_requests < 4 else []
        problems += ["the Qumulo target never logged in"] if not stats.get("qumulo_login_requests") else []
        problems += [f"the simulator refused {stats['unauthorized']} requests with 401"] \
            if stats.get("unauthorized") else []
        for child in children:
            if any(secret in child.text() for secret in (CLIENT_SECRET, PASSWORD)) and child.name == "exporter":
                problems.append("a secret is in the exporter's log")
        problems += [f"never returned data: {queries[i][0]}: {queries[i][1]}" for i in sorted(pending)]
        problems += [f"UpgradeStalled fired for moving upgrades: {', '.join(wrongly)}"] if wrongly else []
        problems += [f"UpgradeStalled was pending or firing for {MANUAL_APP}"] if manual_stalled else []
        problems += [f"a URL scripts/demo prints does not answer 200: {url}" for url in bad_urls]
        problems += ["POST /-/reload never succeeded"] if not reloaded else []
        problems += ["Prometheus loaded no rules"] if not groups else []
        problems += [f"rule not healthy: {rule}" for rule in broken]
        for child in children:
            if child.name != "prometheus" and SANITIZER.search(child.text()):
                problems.append(f"sanitizer report in the {child.name} log")
        if problems:
            print("\n".join(problems))
            for child in children:
                print(f"--- {child.name} log (tail)\n{child.text()[-2000:]}")
            return 1
        print(f"ok   all {len(queries)} dashboard queries returned data")
        print(f"ok   UpgradeStalled only for {', '.join(sorted(HELD_APPS))}, never for {MANUAL_APP}")
        print("ok   every URL scripts/demo prints answers 200")
        return 0
    finally:
        for child in reversed(children):
            child.stop()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
