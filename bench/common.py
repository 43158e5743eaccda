"""What bench/ adds to the test helpers of tests/support/binaries.py (child
processes, HTTP, metric samples, re-exported here): the machine and the
revision a run measured. Standard library only."""
import os
import pathlib
import platform
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from binaries import Child, http_get, metric_sum, start_exporter, start_simulator  # noqa: E402,F401


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


def wait_for(condition, timeout, what, pace=0.1):
    """condition()'s first truthy value, checked every `pace` seconds; exits when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(pace)  # re-check pace; the wait is for the condition
    raise SystemExit(f"timed out waiting for {what}")
