#!/usr/bin/env bash
# Deletes the kind cluster scripts/kind/up.sh made.
set -euo pipefail
NAME="${VNGSHIFT_KIND_CLUSTER:-vngshift-e2e}"
command -v kind >/dev/null 2>&1 || exit 0
kind delete cluster --name "$NAME"
