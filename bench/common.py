"""Starting the built binaries on loopback, reading their self-metrics and
their /proc numbers: shared by bench/ and tests/e2e/. Standard library only."""
import os
import pathlib
import platform
import re
import subprocess
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
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


def start_simulator(binary, workdir, *flags):
    sim = Child("simulator", [binary, "--web.listen-address=127.0.0.1:0", *flags], workdir)
    port = sim.port(r"listening.* address=127[.]0[.]0[.]1:(\d+)")
    return sim, f"http://127.0.0.1:{port}"


def start_exporter(binary, workdir, config_text, name="exporter"):
    config = pathlib.Path(workdir) / f"{name}.yml"
    config.write_text(config_text)
    exporter = Child(name, [binary, f"--config.file={config}", "--web.listen-address=127.0.0.1:0"], workdir)
    return exporter, exporter.port(r"msg=listening .*port=(\d+)"), config


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


def machine():
    cpu = "unknown CPU"
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB, {platform.system()} {platform.release()}"


def revision():
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
