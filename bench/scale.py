#!/usr/bin/env python3
"""Cost against fleet size: the exporter polling N simulated applications.

For each N (default 100, 1000, 2000, 10000) it starts upgrade_simulator with
--applications=N --upgrading=10 --latency=20ms and the exporter with one
Service Fabric target collecting applications at the default intervals and
concurrency (30s, 1h, 8), then measures:

  first poll   every object read once: poll time against the ideal
               (requests / concurrency x latency) and the exporter's CPU time
               for it, per 1000 objects;
  steady state a window of later polls (default intervals): CPU per poll,
               gateway requests per second and the most requests ever in
               flight, both counted by the simulator;
  memory       resident set after the first poll and at the end, and its peak;
  /metrics     (at --page-n, default 2000 applications: about 60k series) the
               median latency of the cached page, plain and gzip, and wrk
               throughput against nginx serving the same bytes as static files.

Writes bench/results/scale.json, bench/results/scale.dat and, with gnuplot,
bench/scale.png; prints a Markdown section for bench/RESULTS.md.

Usage: bench/scale.py [--build=build] [--sizes=100,1000,2000,10000]
                      [--window=300] [--page-n=2000]
"""
import argparse
import datetime
import json
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import common

REVISION = common.revision()  # of the tree the binaries were built from, read at start

LATENCY_S = 0.020
CONCURRENCY = 8
UPGRADING = 10
RESULTS = common.ROOT / "bench" / "results"


def metrics(port):
    return common.http_get(f"http://127.0.0.1:{port}/metrics")[1].decode()


def sim_stats(url):
    return json.loads(common.http_get(f"{url}/-/stats")[1])


def wrk(url, seconds, connections, threads, gzip):
    """wrk's requests/s and median latency (ms) for `url`."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if gzip:
        argv += ["-H", "Accept-Encoding: gzip"]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[median.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    return {"rps": rps, "median_ms": float(median.group(1)) * scale, "errors": errors.group(0) if errors else ""}


def measure_page(port, workdir):
    """/metrics from the exporter's cache against nginx serving the same bytes."""
    base = f"http://127.0.0.1:{port}/metrics"
    plain = common.http_get(base)[1]
    packed = common.http_get(base, headers={"Accept-Encoding": "gzip"})[1]
    series = sum(1 for line in plain.decode().splitlines() if line and not line.startswith("#"))
    result = {"series": series, "bytes": len(plain), "gzip_bytes": len(packed)}
    # Median of one client asking in a loop (no concurrency): the page's own cost.
    for name, gzip in (("plain", False), ("gzip", True)):
        result[f"exporter_{name}"] = wrk(base, 10, 1, 1, gzip)
    if shutil.which("nginx"):
        root = pathlib.Path(workdir) / "www"
        root.mkdir()
        for path in (pathlib.Path(workdir), root):  # nginx's workers run as another user
            path.chmod(0o755)
        (root / "metrics").write_bytes(plain)
        (root / "metrics.gz").write_bytes(packed)
        nginx_port = 19871
        conf = pathlib.Path(workdir) / "nginx.conf"
        conf.write_text(f"""daemon off; worker_processes 1; pid {workdir}/nginx.pid; error_log {workdir}/nginx.err;
events {{ worker_connections 256; }}
http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000; default_type text/plain;
  server {{ listen 127.0.0.1:{nginx_port}; root {root}; }} }}
""")
        nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(workdir)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            common.wait_for(lambda: _answers(f"http://127.0.0.1:{nginx_port}/metrics"), 10, "nginx")
            for name, path in (("plain", "metrics"), ("gzip", "metrics.gz")):
                result[f"nginx_{name}"] = wrk(f"http://127.0.0.1:{nginx_port}/{path}", 10, 1, 1, False)
            # Throughput side by side: the same load on both.
            result["exporter_gzip_load"] = wrk(base, 10, 8, 2, True)
            result["nginx_gzip_load"] = wrk(f"http://127.0.0.1:{nginx_port}/metrics.gz", 10, 8, 2, False)
        finally:
            nginx.terminate()
            nginx.wait()
    return result


def _answers(url):
    try:
        return common.http_get(url, timeout=1)[0] == 200
    except OSError:
        return False


def run_size(n, args, workdir):
    sim, sim_url = common.start_simulator(f"{args.build}/upgrade_simulator", workdir, f"--applications={n}",
                                          f"--upgrading={UPGRADING}", f"--latency={int(LATENCY_S * 1000)}ms")
    exporter = None
    try:
        exporter, port, _ = common.start_exporter(f"{args.build}/upgrade_exporter", workdir, f"""targets:
  - name: sf
    type: service_fabric
    url: {sim_url}
    collect: [applications]
""", name=f"exporter-{n}")
        cpu_start = exporter.cpu_seconds()
        page = common.wait_for(lambda: (lambda m: m if common.metric_sum(m, "upgrade_exporter_poll_duration_seconds")
                                        else None)(metrics(port)), 600, f"the first poll of {n} applications")
        cpu_first = exporter.cpu_seconds() - cpu_start
        poll_s = common.metric_sum(page, "upgrade_exporter_poll_duration_seconds")
        requests = common.metric_sum(page, "upgrade_exporter_requests_total")
        objects = common.metric_sum(page, "upgrade_exporter_objects", kind="application")
        ideal_s = requests / CONCURRENCY * LATENCY_S
        row = {"n": n, "objects": objects, "requests": requests, "poll_s": poll_s, "ideal_s": ideal_s,
               "efficiency": ideal_s / poll_s, "cpu_first_ms": cpu_first * 1000,
               "cpu_first_ms_per_1000": cpu_first * 1000 / objects * 1000, "rss_first_mb": exporter.rss_mb()}

        if n == args.page_n:
            row["page"] = measure_page(port, workdir)

        # Steady state at the default intervals.
        window = args.window if n == max(args.sizes) else min(args.window, 65)
        stats0, cpu0, t0 = sim_stats(sim_url), exporter.cpu_seconds(), time.monotonic()
        success0 = common.metric_sum(metrics(port), "upgrade_exporter_last_success_timestamp_seconds")
        time.sleep(window)  # the measurement window itself
        stats1, cpu1, t1 = sim_stats(sim_url), exporter.cpu_seconds(), time.monotonic()
        page = metrics(port)
        polls = max(1, round((common.metric_sum(page, "upgrade_exporter_last_success_timestamp_seconds") - success0)
                             / 30))
        row.update({"window_s": t1 - t0, "steady_polls": polls,
                    "cpu_steady_ms_per_poll": (cpu1 - cpu0) * 1000 / polls,
                    "gateway_rps": (stats1["requests"] - stats0["requests"]) / (t1 - t0),
                    "max_in_flight": stats1["max_in_flight"], "rss_end_mb": exporter.rss_mb(),
                    "rss_peak_mb": exporter.rss_mb("VmHWM")})
        return row
    finally:
        if exporter:
            exporter.stop()
        sim.stop()


def plot(rows):
    data = RESULTS / "scale.dat"
    with open(data, "w") as f:
        f.write("# n poll_s ideal_s cpu_first_ms cpu_steady_ms rss_end_mb rss_peak_mb\n")
        for r in rows:
            f.write(f"{r['n']} {r['poll_s']:.3f} {r['ideal_s']:.3f} {r['cpu_first_ms']:.1f} "
                    f"{r['cpu_steady_ms_per_poll']:.1f} {r['rss_end_mb']:.1f} {r['rss_peak_mb']:.1f}\n")
    if not shutil.which("gnuplot"):
        print("gnuplot not found (scripts/install-deps --bench): no plot", file=sys.stderr)
        return
    script = f"""set terminal pngcairo size 1200,420 font ',10'
set output '{common.ROOT}/bench/scale.png'
set multiplot layout 1,3 title 'upgrade\\_exporter cost against N applications (20 ms upstream latency, concurrency 8)'
set logscale xy; set grid; set key top left; set xlabel 'applications'
set ylabel 'seconds'; set title 'first poll time'
plot '{data}' u 1:2 w lp lw 2 t 'measured', '' u 1:3 w l dt 2 t 'ideal (requests / 8 x 20 ms)'
set ylabel 'ms'; set title 'exporter CPU per poll'
plot '{data}' u 1:4 w lp lw 2 t 'first poll (reads every object)', '' u 1:5 w lp lw 2 t 'steady poll', \\
     '' u 1:($1*0.05) w l dt 2 t 'limit 50 ms / 1000 objects'
unset logscale y; set ylabel 'MB'; set title 'resident memory'
plot '{data}' u 1:6 w lp lw 2 t 'at the end', '' u 1:7 w lp lw 2 t 'peak (while rendering)', 60 w l dt 2 t 'limit 60 MB'
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def report(rows, args):
    big = max(rows, key=lambda r: r["n"])
    page_row = next((r for r in rows if "page" in r), None)
    lines = [f"### Scale ({datetime.date.today()}, revision {REVISION})", "",
             f"Command: `bench/scale.py --sizes={','.join(map(str, args.sizes))} --window={args.window} "
             f"--page-n={args.page_n}`. Machine: {common.machine()}. Simulator and exporter on the same machine; "
             f"the simulator adds {int(LATENCY_S * 1000)} ms to every answer and has {UPGRADING} applications "
             f"upgrading. Exporter defaults: concurrency {CONCURRENCY}, poll_interval 30s, idle_poll_interval 1h.",
             "", "The first poll reads every object once; later polls list, read the upgrading objects and re-read "
             "idle ones once per idle_poll_interval. CPU is user + system time from /proc (10 ms ticks).", "",
             "| N | objects | first poll: requests | poll time | ideal | ideal / measured | CPU | CPU per 1000 "
             "objects | steady polls: CPU per poll | CPU per 1000 objects | gateway req/s | RSS after first poll "
             "| RSS at end | peak RSS |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        r["cpu_steady_ms_per_1000"] = r["cpu_steady_ms_per_poll"] / r["objects"] * 1000
        lines.append(f"| {r['n']} | {r['objects']:.0f} | {r['requests']:.0f} | {r['poll_s']:.2f} s | "
                     f"{r['ideal_s']:.2f} s | {r['efficiency']:.3f} | {r['cpu_first_ms']:.0f} ms | "
                     f"{r['cpu_first_ms_per_1000']:.0f} ms | {r['cpu_steady_ms_per_poll']:.0f} ms "
                     f"({r['steady_polls']} polls) | {r['cpu_steady_ms_per_1000']:.0f} ms | {r['gateway_rps']:.2f} | "
                     f"{r['rss_first_mb']:.1f} MB | {r['rss_end_mb']:.1f} MB | {r['rss_peak_mb']:.1f} MB |")
    steady_cpu = big["cpu_steady_ms_per_1000"]
    lines += ["", "Targets, each against its limit in this run:", "",
              "| target | measured | limit | |", "|---|---|---|---|",
              f"| poll time vs ideal, {big['n']} applications | {big['efficiency']:.3f} of ideal | ≥ 0.9 | "
              f"{'met' if big['efficiency'] >= 0.9 else 'MISSED'} |",
              f"| exporter CPU per poll per 1000 objects, {big['n']} applications, steady polls | "
              f"{steady_cpu:.0f} ms | ≤ 50 ms | {'met' if steady_cpu <= 50 else 'MISSED'} |",
              f"| the same for the first poll, which reads every object (once per start) | "
              f"{big['cpu_first_ms_per_1000']:.0f} ms | ≤ 50 ms | "
              f"{'met' if big['cpu_first_ms_per_1000'] <= 50 else 'MISSED'} |",
              f"| resident memory, {big['n']} applications, at the end of the run | {big['rss_end_mb']:.1f} MB | "
              f"< 60 MB | {'met' if big['rss_end_mb'] < 60 else 'MISSED'} |",
              f"| resident memory, {big['n']} applications, peak (VmHWM, while a poll renders) | "
              f"{big['rss_peak_mb']:.1f} MB | < 60 MB | {'met' if big['rss_peak_mb'] < 60 else 'MISSED'} |",
              f"| gateway load, {big['n']} applications, {UPGRADING} upgrading, default intervals "
              f"({big['window_s']:.0f} s window after the first poll) | {big['gateway_rps']:.2f} req/s | < 4 req/s | "
              f"{'met' if big['gateway_rps'] < 4 else 'MISSED'} |",
              f"| most requests in flight (counted by the simulator, whole run) | {big['max_in_flight']} | "
              f"≤ {CONCURRENCY} | {'met' if big['max_in_flight'] <= CONCURRENCY else 'MISSED'} |"]
    if page_row and "nginx_gzip_load" in page_row["page"]:
        p = page_row["page"]
        ratio = p["nginx_gzip_load"]["rps"] / p["exporter_gzip_load"]["rps"]
        median = max(p["exporter_plain"]["median_ms"], p["exporter_gzip"]["median_ms"])
        lines += [f"| `/metrics` median latency, {p['series']} series ({page_row['n']} applications), plain / gzip "
                  f"| {p['exporter_plain']['median_ms']:.2f} / {p['exporter_gzip']['median_ms']:.2f} ms | < 5 ms | "
                  f"{'met' if median < 5 else 'MISSED'} |",
                  f"| `/metrics` gzip throughput, 8 connections: nginx / exporter | "
                  f"{p['nginx_gzip_load']['rps']:.0f} / {p['exporter_gzip_load']['rps']:.0f} req/s = {ratio:.2f}× "
                  f"| ≤ 2× | {'met' if ratio <= 2 else 'MISSED'} |",
                  "", f"The page: {p['bytes']} bytes, {p['gzip_bytes']} gzipped. One connection, median: exporter "
                  f"{p['exporter_plain']['median_ms']:.2f} ms plain, {p['exporter_gzip']['median_ms']:.2f} ms gzip; "
                  f"nginx {p['nginx_plain']['median_ms']:.2f} ms plain, {p['nginx_gzip']['median_ms']:.2f} ms gzip."]
    lines += ["", "![cost against N](scale.png)", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=str(common.ROOT / "build"))
    parser.add_argument("--sizes", default="100,1000,2000,10000")
    parser.add_argument("--window", type=int, default=300, help="steady-state seconds at the largest N")
    parser.add_argument("--page-n", type=int, default=2000, help="N at which /metrics is benchmarked")
    parser.add_argument("--report", metavar="JSON", help="print the report of a saved scale.json, run nothing")
    args = parser.parse_args()
    args.sizes = [int(n) for n in args.sizes.split(",")]
    if args.report:
        rows = json.loads(pathlib.Path(args.report).read_text())
        args.sizes = [r["n"] for r in rows]
        plot(rows)
        print(report(rows, args))
        return 0
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for n in args.sizes:
        workdir = tempfile.mkdtemp(prefix=f"ue-scale-{n}-")
        print(f"N={n} ...", file=sys.stderr, flush=True)
        rows.append(run_size(n, args, workdir))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        shutil.rmtree(workdir, ignore_errors=True)
    (RESULTS / "scale.json").write_text(json.dumps(rows, indent=1))
    plot(rows)
    print(report(rows, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
