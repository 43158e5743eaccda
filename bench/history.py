#!/usr/bin/env python3
"""What a large EventStore costs the exporter.

A busy cluster's EventStore can hold tens of thousands of upgrade events in
its week. The exporter reads them at start as a stream, one event at a time,
into a log bounded at kMaxHistoryEvents (200 000) events per target. The
target: 50 000 events in the window add under 10 MB of RSS.

Two runs against a small fake Service Fabric API served from this script (the
simulator's week is a few dozen events): the cluster's progress and
/EventsStore/Cluster/Events holding no events (the baseline), then --events
events (default 50 000), real-shaped (GUID instance ids, versions, elapsed
times). One target collecting `cluster` only, poll_interval 1s, and the
default max_response_bytes: 50 000 events are ~17 MiB of JSON, more than the
16 MiB default, which the EventStore read does not use (it streams, under its
own limit; README, "Upgrade history"). For each: the resident set after the
store was read, at its peak, and how many events the log kept.

Prints a Markdown section for bench/RESULTS.md and writes bench/results/history.json.

Usage: bench/history.py [--build=build] [--events=50000]
"""
import argparse
import datetime
import http.server
import json
import tempfile
import threading
import time
import uuid

import common

RESULTS = common.ROOT / "bench" / "results"
PROGRESS = json.dumps({"UpgradeState": "RollingForwardCompleted", "CodeVersion": "10.0.2226.9590"}).encode()


def stamp(unix):
    return datetime.datetime.fromtimestamp(unix, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def application_event(event, upgrade, applications):
    """The application equivalent of a cluster event: upgrade `upgrade` is of application upgrade % applications."""
    app = upgrade % applications
    event = {k: v for k, v in event.items() if k not in ("TargetClusterVersion", "CurrentClusterVersion")}
    event["Kind"] = event["Kind"].replace("Cluster", "Application", 1)
    event.update({"ApplicationId": f"shop{app}~orders{app}", "ApplicationTypeName": f"OrdersType{app}",
                  "ApplicationTypeVersion": f"{2 + upgrade}.0.{app}",
                  "CurrentApplicationTypeVersion": f"{1 + upgrade}.0.{app}"})
    return event


def events_body(count, applications=0):
    """`count` upgrade events over the last six days: upgrades of 20 domains each, of the cluster,
    or, with `applications`, of that many distinct applications in turn."""
    now = time.time()
    events = []
    for i in range(count):
        upgrade, step = divmod(i, 22)
        instance = str(uuid.UUID(int=upgrade + 1))
        at = now - 6 * 86400 + i * (6 * 86400 / max(count, 1))
        to = f"10.0.{2000 + upgrade}.9590"
        common_fields = {"EventInstanceId": instance, "TimeStamp": stamp(at), "Category": "Upgrade",
                         "HasCorrelatedEvents": False, "TargetClusterVersion": to}
        if step == 0:
            event = {"Kind": "ClusterUpgradeStarted", "CurrentClusterVersion": f"10.0.{1999 + upgrade}.9590",
                     "UpgradeType": "Rolling", "RollingUpgradeMode": "Monitored", "FailureAction": "Rollback"}
        elif step == 21:
            event = {"Kind": "ClusterUpgradeCompleted", "OverallUpgradeElapsedTimeInMs": 3600000.5}
        else:
            event = {"Kind": "ClusterUpgradeDomainCompleted", "UpgradeState": "RollingForwardInProgress",
                     "UpgradeDomains": f"({step - 1})", "UpgradeDomainElapsedTimeInMs": 161403.2}
        event = {**event, **common_fields}
        events.append(application_event(event, upgrade, applications) if applications else event)
    return json.dumps(events).encode()


def serve(events, applications):
    """A fake API on a free loopback port; returns (server, url)."""
    body = events_body(events, applications)
    store = "/EventsStore/Applications/Events" if applications else "/EventsStore/Cluster/Events"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            answer = body if self.path.startswith(store) else PROGRESS
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            try:
                self.wfile.write(answer)
            except BrokenPipeError:
                pass  # the exporter refused the body as too large, as it may

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", len(body)


def history_requests(port):
    page = common.http_get(f"http://127.0.0.1:{port}/metrics")[1].decode()
    errors = common.metric_sum(page, "upgrade_exporter_request_errors_total", endpoint="history") or 0
    return (common.metric_sum(page, "upgrade_exporter_requests_total", endpoint="history") or 0), errors


def run(build, events, workdir, max_response_bytes=None, applications=0):
    server, url, body_bytes = serve(events, applications)
    exporter = None
    try:
        exporter, port, _ = common.start_exporter(f"{build}/upgrade_exporter", workdir, f"""global:
  poll_interval: 1s
targets:
  - name: sf
    type: service_fabric
    url: {url}
    collect: [{'applications' if applications else 'cluster'}]
{f"    max_response_bytes: {max_response_bytes}" if max_response_bytes else ""}
""", name=f"exporter-{events}")
        common.wait_for(lambda: history_requests(port)[0] >= 1, 120, "the read of the store", pace=0.05)
        time.sleep(3)  # a few polls after the read, so the figure is the steady one
        requests, errors = history_requests(port)
        page = common.http_get(f"http://127.0.0.1:{port}/metrics")[1].decode()
        upgrades = common.metric_sum(page, "upgrade_history_upgrades") or 0
        return {"events": events, "body_mb": body_bytes / 2**20, "rss_mb": exporter.rss_mb(),
                "rss_peak_mb": exporter.rss_mb("VmHWM"), "read_failed": bool(errors),
                "upgrades": upgrades, "upgrades_sent": -(-events // 22)}
    finally:
        if exporter:
            exporter.stop()
        server.shutdown()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--applications", type=int, default=0,
                        help="spread the events over this many applications (more distinct strings) "
                             "instead of the cluster; their histories are built but not exported, as "
                             "the fake lists no applications")
    parser.add_argument("--max-response-bytes", help="e.g. 256MiB; the default leaves the target's default")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        base = run(args.build, 0, workdir, args.max_response_bytes, args.applications)
        loaded = run(args.build, args.events, workdir, args.max_response_bytes, args.applications)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "history.json").write_text(json.dumps({"baseline": base, "events": loaded}, indent=1))
    added = loaded["rss_mb"] - base["rss_mb"]
    peak_added = loaded["rss_peak_mb"] - base["rss_peak_mb"]
    print(f"### Upgrade history ({datetime.date.today()}, revision {common.revision()})\n")
    limit = f" --max-response-bytes={args.max_response_bytes}" if args.max_response_bytes else ""
    limit += f" --applications={args.applications}" if args.applications else ""
    print(f"Command: `bench/history.py --events={args.events}{limit}`. Machine: {common.machine()}. One target "
          f"collecting {f'applications ({args.applications} in the events)' if args.applications else 'cluster'}, poll_interval 1s, max_response_bytes {args.max_response_bytes or 'default'}; "
          "a fake API serves the store.\n")
    print("| run | body | read | upgrades sent / in history | RSS after the read | peak RSS |")
    print("|---|---|---|---|---|---|")
    for label, r in (("baseline (no events)", base), (f"{args.events} events", loaded)):
        read = "refused" if r["read_failed"] else "ok"
        print(f"| {label} | {r['body_mb']:.1f} MiB | {read} | {r['upgrades_sent']} / {r['upgrades']:.0f} | "
              f"{r['rss_mb']:.1f} MB | {r['rss_peak_mb']:.1f} MB |")
    print()
    print("| target | measured | limit | |")
    print("|---|---|---|---|")
    print(f"| RSS added by {args.events} events | {added:.1f} MB | < 10 MB | {'met' if added < 10 else 'MISSED'} |")
    print(f"| peak RSS added (while the answer streams) | {peak_added:.1f} MB | < 10 MB | "
          f"{'met' if peak_added < 10 else 'MISSED'} |")


if __name__ == "__main__":
    main()
