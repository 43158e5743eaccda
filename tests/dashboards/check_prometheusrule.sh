#!/usr/bin/env bash
# The committed deploy/kubernetes/prometheusrule.yaml must be exactly what
# scripts/gen-prometheusrule makes of dashboards/prometheus/alerts.yml today.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$root/scripts/gen-prometheusrule" "$tmp"
if ! diff -u "$root/deploy/kubernetes/prometheusrule.yaml" "$tmp"; then
  echo "deploy/kubernetes/prometheusrule.yaml is stale: run scripts/gen-prometheusrule" >&2
  exit 1
fi
echo "prometheusrule.yaml: up to date"
