#!/usr/bin/env python3
"""Soak: the exporter polling the simulator every second for a long time, with
faults injected upstream, concurrent scrapes and periodic reloads.

Samples the exporter's resident memory, file descriptors and threads every
10 seconds; counts scrape errors (any non-200, any page that does not end in
a newline or lacks upgrade_exporter_build_info) and reload errors. Passes when
there were none and memory and descriptors stayed flat: the last five
minutes' median RSS within 10% (+2 MB) of the median of the five minutes after
warm-up, and their peak descriptor count no higher than the early peak + 4.

Usage: bench/soak.py [--minutes=30] [--build=build] [--json=FILE]
Prints a Markdown section for bench/RESULTS.md.
"""
import argparse
import datetime
import gzip
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request

import common

REVISION = common.revision()  # of the tree the binaries were built from, read at start

SCRAPERS = 3          # concurrent scrape loops: two plain, one gzip
SCRAPE_PAUSE = 0.15   # seconds between one loop's scrapes (about 20 scrapes/s in all)
RELOAD_EVERY = 20     # seconds
SAMPLE_EVERY = 10     # seconds
WARMUP = 120          # seconds before the early window starts
WINDOW = 300          # seconds in the early and the late window


def config(sim_url, extra_target):
    text = f"""global:
  poll_interval: 1s
  idle_poll_interval: 30s
  timeout: 2s
targets:
  - name: sf
    type: service_fabric
    url: {sim_url}
    max_results: 50
  - name: qumulo
    type: qumulo
    url: {sim_url}
"""
    if extra_target:  # added and removed by every other reload
        text += f"""  - name: sf-extra
    type: service_fabric
    url: {sim_url}
    collect: [cluster, applications]
    include: ['^fabric:/shop/.*']
"""
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--build", default=str(common.ROOT / "build"))
    parser.add_argument("--json", help="write every sample here")
    args = parser.parse_args()
    duration = args.minutes * 60

    workdir = tempfile.mkdtemp(prefix="ue-soak-")
    sim, sim_url = common.start_simulator(f"{args.build}/upgrade_simulator", workdir, "--speed=10",
                                          "--applications=200", "--upgrading=20", "--fault-rate=0.02", "--seed=7")
    exporter, port, config_path = common.start_exporter(f"{args.build}/upgrade_exporter", workdir,
                                                        config(sim_url, False))
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    counts = {"scrapes": 0, "scrape_errors": 0, "reloads": 0, "reload_errors": 0}
    errors = []
    lock = threading.Lock()

    def count(key, error=None):
        with lock:
            counts[key] += 1
            if error and len(errors) < 20:
                errors.append(error)

    def scrape_loop(use_gzip):
        headers = {"Accept-Encoding": "gzip"} if use_gzip else {}
        while not stop.is_set():
            try:
                status, body = common.http_get(f"{base}/metrics", headers=headers)
                page = gzip.decompress(body).decode() if use_gzip else body.decode()
                if status != 200 or not page.endswith("\n") or "upgrade_exporter_build_info" not in page:
                    count("scrape_errors", f"status {status}, {len(page)} bytes")
            except Exception as e:  # noqa: BLE001  every failure is a scrape error
                count("scrape_errors", repr(e))
            count("scrapes")
            stop.wait(SCRAPE_PAUSE)

    def reload_loop():
        extra = False
        while not stop.wait(RELOAD_EVERY):
            extra = not extra
            config_path.write_text(config(sim_url, extra))
            try:
                request = urllib.request.Request(f"{base}/-/reload", method="POST", data=b"")
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.status != 200:
                        count("reload_errors", f"reload status {response.status}")
            except Exception as e:  # noqa: BLE001
                count("reload_errors", repr(e))
            count("reloads")

    threads = [threading.Thread(target=scrape_loop, args=(i == SCRAPERS - 1,)) for i in range(SCRAPERS)]
    threads.append(threading.Thread(target=reload_loop))
    for t in threads:
        t.start()

    samples = []
    started = time.monotonic()
    try:
        while time.monotonic() - started < duration:
            if exporter.proc.poll() is not None or sim.proc.poll() is not None:
                dead = exporter if exporter.proc.poll() is not None else sim
                errors.append(f"{dead.name} exited with {dead.proc.returncode}")
                break
            _, body = common.http_get(f"{base}/metrics")
            page = body.decode()
            samples.append({
                "t": round(time.monotonic() - started, 1),
                "rss_mb": round(exporter.rss_mb(), 2),
                "fds": exporter.fds(),
                "threads": exporter.threads(),
                "cpu_s": round(exporter.cpu_seconds(), 2),
                "requests": common.metric_sum(page, "upgrade_exporter_requests_total") or 0,
                "errors": common.metric_sum(page, "upgrade_exporter_request_errors_total") or 0,
            })
            time.sleep(SAMPLE_EVERY)  # the sampling period itself
    finally:
        stop.set()
        for t in threads:
            t.join()
        peak_mb = exporter.rss_mb("VmHWM") if exporter.proc.poll() is None else 0
        exporter.stop()
        sim.stop()

    elapsed = samples[-1]["t"] if samples else 0
    early = [s for s in samples if WARMUP <= s["t"] < WARMUP + WINDOW]
    late = [s for s in samples if s["t"] >= elapsed - WINDOW]
    early_rss = statistics.median(s["rss_mb"] for s in early) if early else 0
    late_rss = statistics.median(s["rss_mb"] for s in late) if late else 0
    early_fds = max((s["fds"] for s in early), default=0)
    late_fds = max((s["fds"] for s in late), default=0)
    memory_flat = bool(early) and late_rss <= early_rss * 1.10 + 2
    fds_flat = bool(early) and late_fds <= early_fds + 4
    upstream_requests = samples[-1]["requests"] - samples[0]["requests"] if samples else 0
    upstream_errors = samples[-1]["errors"] - samples[0]["errors"] if samples else 0
    ok = memory_flat and fds_flat and counts["scrape_errors"] == 0 and counts["reload_errors"] == 0 and not errors

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"counts": counts, "errors": errors, "samples": samples}, f, indent=1)

    print(f"""### Soak, {args.minutes:g} minutes ({datetime.date.today()}, revision {REVISION})

Command: `bench/soak.py --minutes={args.minutes:g}`. Machine: {common.machine()}.
Simulator: 200 applications (20 upgrading), 10x speed, 2% of progress requests
faulted (503 busy, 500, truncated JSON, 3 s delay). Exporter: 1 s polls of three
targets (one added and removed by every other reload), timeout 2 s; {SCRAPERS}
scrape loops (one with gzip) at about {SCRAPERS / SCRAPE_PAUSE:.0f} scrapes/s; a reload every {RELOAD_EVERY} s.

| | early window ({WARMUP // 60}-{(WARMUP + WINDOW) // 60} min) | last {WINDOW // 60} min | limit |
|---|---|---|---|
| RSS, median | {early_rss:.1f} MB | {late_rss:.1f} MB | late ≤ early × 1.1 + 2 MB: {"met" if memory_flat else "MISSED"} |
| file descriptors, peak | {early_fds} | {late_fds} | late ≤ early + 4: {"met" if fds_flat else "MISSED"} |

- Scrapes: {counts["scrapes"]}, errors: {counts["scrape_errors"]}. Reloads: {counts["reloads"]}, errors: {counts["reload_errors"]}.
- Upstream requests: {upstream_requests:.0f}, of which failed (injected faults): {upstream_errors:.0f}.
- Peak RSS (VmHWM): {peak_mb:.1f} MB; threads at the end: {samples[-1]["threads"] if samples else 0}; exporter CPU: {samples[-1]["cpu_s"] if samples else 0:.0f} s in {elapsed / 60:.0f} min.
- Result: **{"pass" if ok else "FAIL"}**{"" if not errors else "; first errors: " + "; ".join(errors[:5])}
""")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
