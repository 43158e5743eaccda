#!/usr/bin/env bash
# Checks deploy/alertmanager/alertmanager.yml: amtool accepts it, alerts reach
# the receivers its comments promise, and every inhibition mutes what it should
# and nothing else, asked of a real Alertmanager started on 127.0.0.1 (no
# clustering, a temporary storage directory, stopped on exit).
# Usage: tests/dashboards/check_alertmanager.sh [AMTOOL [ALERTMANAGER]]
# (both from Debian's prometheus-alertmanager). Exit status 0 or 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
config="$root/deploy/alertmanager/alertmanager.yml"
amtool=${1:-$(command -v amtool || true)}
alertmanager=${2:-$(command -v prometheus-alertmanager || command -v alertmanager || true)}
if [[ -z "$amtool" || -z "$alertmanager" ]]; then
  echo "check_alertmanager: amtool and alertmanager are needed (Debian package prometheus-alertmanager)" >&2
  exit 1
fi

"$amtool" check-config "$config"

# Routing: labels, then the receiver they must reach.
route() {
  local want=$1
  shift
  if ! "$amtool" config routes test --config.file="$config" --verify.receivers="$want" "$@" > /dev/null 2>&1; then
    echo "check_alertmanager: $* does not route to $want" >&2
    exit 1
  fi
}
route upgrades alertname=UpgradeSafetyCheckBlocked severity=warning target=prod kind=application name=fabric:/a
route upgrades alertname=UpgradeDomainSlowerThanUsual severity=warning target=prod kind=cluster name=prod
route upgrades alertname=QumuloUpgradeBlocked severity=warning target=lab kind=qumulo name=lab
route upgrades alertname=QumuloRebootDataAtRisk severity=critical target=lab kind=qumulo name=lab
route upgrades-info alertname=UpgradeAwaitingManualStep severity=info target=prod kind=cluster name=prod
route upgrades-info alertname=QumuloRollingReboot severity=info target=lab kind=qumulo name=lab
route upgrades alertname=RepairTaskExecutingTooLong severity=warning target=prod kind=repair_task name=IM/Node/a
route upgrades-info alertname=RepairTaskAwaitingApproval severity=info target=prod kind=repair_task name=IM/Node/a
route default alertname=UpgradeExporterDown severity=warning job=upgrade_exporter
route default "alertname=Node is offline" severity=critical target=lab node_id=3

tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$alertmanager" --config.file="$config" --storage.path="$tmp/data" --web.listen-address="127.0.0.1:$port" \
  --cluster.listen-address= --log.level=warn 2> "$tmp/alertmanager.log" &
pid=$!

python3 - "http://127.0.0.1:$port" "$tmp/alertmanager.log" <<'PY'
"""Posts source and target alerts, then reads back which ones are inhibited."""
import datetime
import json
import sys
import time
import urllib.request

base, log = sys.argv[1], sys.argv[2]


def alert(alertname, **labels):
    return {"alertname": alertname, "severity": "warning", **labels}


def obj(name):
    """Identity labels of one upgraded object."""
    return {"target": "prod", "kind": "application", "name": name}


LAB = {"target": "lab", "kind": "qumulo", "name": "lab"}
# (labels, inhibited?): every rule once, and a near miss next to it.
CASES = [
    (alert("UpgradeSafetyCheckBlocked", node="N1", check="EnsurePartitionQuorum", **obj("fabric:/a")), False),
    (alert("UpgradeStalled", **obj("fabric:/a")), True),
    (alert("UpgradeStalled", **obj("fabric:/b")), False),
    (alert("UpgradeHealthCheckRetrying", **obj("fabric:/h")), False),
    (alert("UpgradeStalled", **obj("fabric:/h")), True),
    (alert("UpgradeAwaitingManualStep", **{**obj("fabric:/c"), "severity": "info"}), False),
    (alert("UpgradeStalled", **obj("fabric:/c")), True),
    (alert("UpgradeTakingTooLong", **obj("fabric:/c")), True),
    (alert("UpgradeTakingTooLong", **obj("fabric:/d")), False),
    (alert("UpgradeTimeoutSoon", **obj("fabric:/d")), True),
    (alert("UpgradeDomainTimeoutSoon", **obj("fabric:/d")), False),
    # Compared with the object's own history, not a cause: never muted.
    (alert("UpgradeDomainSlowerThanUsual", **obj("fabric:/d")), False),
    (alert("UpgradeRollingBack", phase="rolling_back", **obj("fabric:/e")), False),
    (alert("UpgradeDomainTimeoutSoon", **obj("fabric:/e")), True),
    (alert("UpgradeHealthCheckRetrying", **obj("fabric:/e")), True),
    (alert("UpgradeSafetyCheckBlocked", node="N2", check="WaitForPrimarySwap", **obj("fabric:/e")), False),
    (alert("QumuloUpgradeBlocked", **LAB), False),
    (alert("UpgradeStalled", **LAB), True),
    (alert("QumuloRollingReboot", state="REBOOT_IN_PROGRESS", **{**LAB, "severity": "info"}), False),
    (alert("Node is offline", severity="critical", target="lab", node_id="3", grafana_folder="Qumulo"), True),
    (alert("QumuloNodeOffline", severity="critical", target="lab", node_id="4"), True),
    # Data at risk during the reboot is never muted by it.
    (alert("QumuloRebootDataAtRisk", **{**LAB, "severity": "critical"}), False),
    (alert("Node is offline", severity="critical", target="nyc", node_id="1"), False),
    (alert("Node is offline", severity="critical", node_id="2"), False),
    (alert("Disk is unhealthy", severity="critical", target="lab", node_id="3"), False),
]


def request(path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as response:
        return json.loads(response.read() or b"null")


deadline = time.monotonic() + 30
while True:
    try:
        request("/api/v2/status")
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("check_alertmanager: Alertmanager did not start:\n" + open(log).read())
        time.sleep(0.2)

ends = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat()
request("/api/v2/alerts", [{"labels": labels, "endsAt": ends} for labels, _ in CASES])


def key(labels):
    return json.dumps(labels, sort_keys=True)


want = {key(labels): inhibited for labels, inhibited in CASES}
deadline = time.monotonic() + 30
while True:
    got = {key(a["labels"]): bool(a["status"]["inhibitedBy"]) for a in request("/api/v2/alerts")}
    wrong = sorted(k for k, inhibited in want.items() if got.get(k) != inhibited)
    if not wrong or time.monotonic() > deadline:
        break
    time.sleep(0.5)
for k in wrong:
    state = "missing" if k not in got else ("inhibited" if got[k] else "not inhibited")
    print(f"check_alertmanager: expected {'inhibited' if want[k] else 'not inhibited'}, got {state}: {k}")
if wrong:
    sys.exit(1)
print(f"check_alertmanager: {len(CASES)} alerts, {sum(want.values())} inhibited as expected")
PY
echo "alertmanager.yml: ok"
