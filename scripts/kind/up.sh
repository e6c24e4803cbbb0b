#!/usr/bin/env bash
# Creates the kind cluster of scripts/kind/cluster.yaml and writes its kubeconfig to $1 (default .tools/kind/kubeconfig).
# Needs the kind CLI and a running Docker engine; says which one is missing and exits 3 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME="${VNGSHIFT_KIND_CLUSTER:-vngshift-e2e}"
OUT="${1:-.tools/kind/kubeconfig}"
if ! command -v kind >/dev/null 2>&1; then
  echo "kind not found on PATH: install kind (https://kind.sigs.k8s.io) to run the kind e2e" >&2
  exit 3
fi
if ! docker info >/dev/null 2>&1; then
  echo "no Docker engine answers (docker info failed): kind needs one" >&2
  exit 3
fi
mkdir -p "$(dirname "$OUT")"
if kind get clusters 2>/dev/null | grep -qx "$NAME"; then
  kind export kubeconfig --name "$NAME" --kubeconfig "$OUT"
else
  kind create cluster --name "$NAME" --config scripts/kind/cluster.yaml --kubeconfig "$OUT" --wait 180s
fi
echo "$OUT"
