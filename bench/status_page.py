#!/usr/bin/env python3
"""The status page's cost at fleet scale.

1. Rendering: build/status_render_bench renders the page and the API for a
   synthetic fleet of --objects applications (10 in progress, 3 failed, the
   rest settled) --runs times: median and slowest, plain and gzip sizes.
2. Serving: upgrade_simulator --applications=N --upgrading=10 behind the built
   exporter; once every object is read, one keep-alive client asks for each URL
   --requests times: median and 99th percentile latency of the cached page
   (gzip and plain), the cached API, and a filtered page (rendered per request).

Prints one JSON object; bench/RESULTS.md records a run. Targets: render under
50 ms, gzip page served under 5 ms median.

Usage: bench/status_page.py [--build=build] [--objects=10000] [--runs=21] [--requests=300]
Standard library only.
"""
import argparse
import http.client
import json
import pathlib
import statistics
import subprocess
import tempfile
import time

import common


def latency(port, path, requests, gzip):
    """Median and p99 (ms) of one keep-alive client asking for `path` in a loop."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    times, size = [], 0
    for _ in range(requests):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        size = len(body)
    connection.close()
    times.sort()
    return {"median_ms": round(statistics.median(times), 3), "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
            "bytes": size}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(common.ROOT / "build"))
    parser.add_argument("--objects", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    build = pathlib.Path(args.build)

    rendered = json.loads(subprocess.run([str(build / "status_render_bench"), str(args.objects), str(args.runs)],
                                         capture_output=True, text=True, check=True).stdout)
    result = {"machine": common.machine(), "revision": common.revision(), "render": rendered}

    with tempfile.TemporaryDirectory(prefix="ue-bench-status-") as workdir:
        sim, sim_url = common.start_simulator(str(build / "upgrade_simulator"), workdir,
                                              f"--applications={args.objects}", "--upgrading=10")
        exporter = None
        try:
            exporter, port, _ = common.start_exporter(str(build / "upgrade_exporter"), workdir, f"""
global: {{poll_interval: 30s, timeout: 10s}}
targets:
  - {{name: sf-scale, type: service_fabric, url: "{sim_url}", max_objects: {args.objects + 100}}}
""")
            # Ready when the status view (published after the metrics) holds every application.
            deadline = time.monotonic() + 300
            objects = 0
            while time.monotonic() < deadline:
                status = json.loads(common.http_get(f"http://127.0.0.1:{port}/api/v1/upgrades?kind=cluster")[1])
                objects = sum(t["objects"].get("application", 0) for t in status["targets"])
                if objects >= args.objects:
                    break
                time.sleep(0.5)
            else:
                raise SystemExit("the exporter did not read every application in 300 s")
            result["served"] = {
                "objects": int(objects),
                "page_gzip": latency(port, "/", args.requests, True),
                "page_plain": latency(port, "/", args.requests, False),
                "api_gzip": latency(port, "/api/v1/upgrades", args.requests, True),
                "page_filtered_gzip": latency(port, "/?phase=failed&phase=rolling_forward", args.requests, True),
            }
        finally:
            if exporter:
                exporter.stop()
            sim.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
