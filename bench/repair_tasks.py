#!/usr/bin/env python3
"""What thousands of completed repair tasks cost the exporter.

Real clusters keep thousands of completed repair tasks in every
/$/GetRepairTaskList answer. The exporter reads the tasks under way every
poll (StateFilter=63) and the completed ones only at start and every
idle_poll_interval (StateFilter=64), so they should cost little.

Two runs against upgrade_simulator, each one target collecting repair_tasks
only (poll_interval 1s, idle_poll_interval 1h): a baseline (a platform update
walking the domains and a stuck task) and the same plus --history completed
tasks (default 5000) from before the start. For each: CPU of the first poll
(which reads the completed ones), CPU per poll over a window of later polls,
and the resident set at the end and at its peak. The target: the history
adds under 5 MB of RSS and under 50 ms of CPU per poll.

Prints a Markdown section for bench/RESULTS.md and writes
bench/results/repair_tasks.json.

Usage: bench/repair_tasks.py [--build=build] [--history=5000] [--window=30]
"""
import argparse
import datetime
import json
import tempfile
import time

import common

RESULTS = common.ROOT / "bench" / "results"

SCENARIO = """
domains: [UD_0, UD_1, UD_2, UD_3, UD_4]
nodes_per_domain: 2
repair_tasks:
  - play: walk_domains
    id: Azure/PlatformUpdate/7b3c2f4e-1a9d-4c2e-9f0b-5d6e7f8a9b0c
    state_length: 20s
  - play: stuck_preparing_health_check
    id: POS___stuck
    nodes: [_Node_7]
    start: -20m
"""
HISTORY = """  - play: completed_history
    id: Azure/PlatformUpdate/history
    count: {count}
"""


def polls(port):
    """How many polls the exporter has made: requests to the list of tasks under way."""
    page = common.http_get(f"http://127.0.0.1:{port}/metrics")[1].decode()
    return common.metric_sum(page, "upgrade_exporter_requests_total", endpoint="repair_tasks_active") or 0


def run(build, history, window, workdir):
    name = f"history-{history}"
    scenario = f"{workdir}/{name}.yml"
    with open(scenario, "w") as f:
        f.write(SCENARIO + (HISTORY.format(count=history) if history else ""))
    sim, url = common.start_simulator(f"{build}/upgrade_simulator", workdir, f"--scenario={scenario}",
                                      name=f"simulator-{name}")
    exporter = None
    try:
        exporter, port, _ = common.start_exporter(f"{build}/upgrade_exporter", workdir, f"""global:
  poll_interval: 1s
  idle_poll_interval: 1h
targets:
  - name: sf
    type: service_fabric
    url: {url}
    collect: [repair_tasks]
""", name=f"exporter-{name}")
        cpu_start = exporter.cpu_seconds()
        common.wait_for(lambda: polls(port) >= 1, 60, "the first poll", pace=0.05)
        cpu_first = exporter.cpu_seconds() - cpu_start
        rss_first = exporter.rss_mb()
        first_polls, cpu_window_start = polls(port), exporter.cpu_seconds()
        time.sleep(window)  # a window of polls, measured over its length
        steady_polls = polls(port) - first_polls
        cpu_steady = exporter.cpu_seconds() - cpu_window_start
        return {"history": history, "cpu_first_ms": cpu_first * 1000, "rss_first_mb": rss_first,
                "steady_polls": steady_polls, "cpu_steady_ms_per_poll": cpu_steady * 1000 / max(steady_polls, 1),
                "rss_end_mb": exporter.rss_mb(), "rss_peak_mb": exporter.rss_mb("VmHWM")}
    finally:
        if exporter:
            exporter.stop()
        sim.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--history", type=int, default=5000)
    parser.add_argument("--window", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        base = run(args.build, 0, args.window, workdir)
        loaded = run(args.build, args.history, args.window, workdir)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "repair_tasks.json").write_text(json.dumps({"baseline": base, "history": loaded}, indent=1))
    rss_added = loaded["rss_end_mb"] - base["rss_end_mb"]
    peak_added = loaded["rss_peak_mb"] - base["rss_peak_mb"]
    cpu_added = loaded["cpu_steady_ms_per_poll"] - base["cpu_steady_ms_per_poll"]
    first_added = loaded["cpu_first_ms"] - base["cpu_first_ms"]
    print(f"### Repair tasks ({datetime.date.today()}, revision {common.revision()})\n")
    print(f"Command: `bench/repair_tasks.py --history={args.history} --window={args.window}`. "
          f"Machine: {common.machine()}. One target collecting repair_tasks, poll_interval 1s, "
          "idle_poll_interval 1h; CPU is user + system time from /proc (10 ms ticks).\n")
    print("| run | first poll CPU | steady CPU per poll | steady polls | RSS end | peak RSS |")
    print("|---|---|---|---|---|---|")
    for label, r in (("baseline", base), (f"+ {args.history} completed", loaded)):
        print(f"| {label} | {r['cpu_first_ms']:.0f} ms | {r['cpu_steady_ms_per_poll']:.1f} ms | "
              f"{r['steady_polls']:.0f} | {r['rss_end_mb']:.1f} MB | {r['rss_peak_mb']:.1f} MB |")
    print()
    print("| target | measured | limit | |")
    print("|---|---|---|---|")
    print(f"| RSS added by {args.history} completed tasks (at the end) | {rss_added:.1f} MB | < 5 MB | "
          f"{'met' if rss_added < 5 else 'MISSED'} |")
    print(f"| peak RSS added (while their answer is read) | {peak_added:.1f} MB | < 5 MB | "
          f"{'met' if peak_added < 5 else 'MISSED'} |")
    print(f"| CPU per poll added | {cpu_added:.1f} ms | < 50 ms | {'met' if cpu_added < 50 else 'MISSED'} |")
    print(f"\nThe one read of the completed tasks (first poll, then once per idle_poll_interval) "
          f"costs {first_added:.0f} ms more CPU than the baseline's.")


if __name__ == "__main__":
    main()
