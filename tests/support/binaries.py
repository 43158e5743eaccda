"""Starting the built binaries on 127.0.0.1 and reading them over HTTP: child
processes with their logs, the ports they bound, GET and the samples of a
metrics page. Shared by tests/e2e/, tests/browser/ and bench/ (through
bench/common.py). Standard library only."""
import os
import pathlib
import re
import socket
import subprocess
import time
import urllib.request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Child:
    """A built binary whose stderr goes to a log file; stopped with SIGTERM."""

    def __init__(self, name, argv, workdir):
        self.name = name
        self.log = pathlib.Path(workdir) / f"{name}.log"
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)

    @property
    def pid(self):
        return self.proc.pid

    def text(self):
        return self.log.read_text(errors="replace")

    def port(self, pattern):
        """The port the child logged it bound (they are started on port 0)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text())
            if match:
                return int(match.group(1))
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"{self.name} did not start:\n{self.text()[-3000:]}")

    def cpu_seconds(self):
        """User + system CPU time of the process so far."""
        fields = pathlib.Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_mb(self, key="VmRSS"):
        for line in pathlib.Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def threads(self):
        return len(os.listdir(f"/proc/{self.pid}/task"))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_simulator(binary, workdir, *flags, name="simulator"):
    sim = Child(name, [binary, "--web.listen-address=127.0.0.1:0", *flags], workdir)
    port = sim.port(r"listening.* address=127[.]0[.]0[.]1:(\d+)")
    return sim, f"http://127.0.0.1:{port}"


def start_exporter(binary, workdir, config_text, name="exporter"):
    config = pathlib.Path(workdir) / f"{name}.yml"
    config.write_text(config_text)
    exporter = Child(name, [binary, f"--config.file={config}", "--web.listen-address=127.0.0.1:0"], workdir)
    return exporter, exporter.port(r"msg=listening .*port=(\d+)"), config


def free_port():
    """A port free on 127.0.0.1 now, for a binary that cannot be started on port 0."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=10, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def metric_sum(page, name, **labels):
    """Sum of the samples of `name` whose labels include `labels`."""
    total, found = 0.0, False
    for line in page.splitlines():
        match = SAMPLE.match(line)
        if not match or match.group(1) != name:
            continue
        text = match.group(2) or ""
        if all(f'{k}="{v}"' in text for k, v in labels.items()):
            total += float(match.group(3))
            found = True
    return total if found else None
