#!/usr/bin/env bash
# Checks scripts/render-rules: rendering the shipped 30m window reproduces
# dashboards/prometheus/alerts.yml exactly (after its header line), and a 2m
# copy is valid and fires on the 2m schedule, the scaled waits included
# (render/stall_window_2m.yml).
# Usage: tests/rules/render_rules_check.sh [PROMTOOL]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
promtool=${1:-promtool}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/scripts/render-rules" --stall-window=30m | tail -n +2 > "$tmp/alerts-30m.yml"
if ! diff -u "$root/dashboards/prometheus/alerts.yml" "$tmp/alerts-30m.yml"; then
  echo "render-rules --stall-window=30m does not reproduce alerts.yml" >&2
  exit 1
fi

"$root/scripts/render-rules" --stall-window=2m > "$tmp/alerts-2m.yml"
"$promtool" check rules "$tmp/alerts-2m.yml"
cp "$here/render/stall_window_2m.yml" "$tmp/"
(cd "$tmp" && "$promtool" test rules stall_window_2m.yml)

# Bad input is refused with a message and status 1: a bad duration, and a
# rules file that lacks one of the waits it scales.
if "$root/scripts/render-rules" --stall-window=soon > /dev/null 2>&1; then
  echo "render-rules accepted --stall-window=soon" >&2
  exit 1
fi
sed 's/- alert: QumuloUpgradeBlocked$/- alert: SomethingElse/' "$root/dashboards/prometheus/alerts.yml" > "$tmp/renamed.yml"
if "$root/scripts/render-rules" --stall-window=2m --file="$tmp/renamed.yml" \
  > /dev/null 2> "$tmp/err"; then
  echo "render-rules accepted a rules file without QumuloUpgradeBlocked" >&2
  exit 1
fi
grep -q "no QumuloUpgradeBlocked rule" "$tmp/err"
echo "render-rules: ok"
