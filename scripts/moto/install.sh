#!/usr/bin/env bash
# Installs moto's server (the AWS emulator the e2e tier tests the AWS adapters against) from PyPI into a virtual
# environment in .tools/moto of the repo (git-ignored), once. The version is pinned below; a stamp beside the venv
# records it, and running this again with the stamp current is a no-op.
#
# Usage: scripts/moto/install.sh        (prints the path of moto_server on its last line)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$ROOT/.tools/moto"
MOTO_VERSION="5.2.6"
STAMP="$VENV/moto.stamp"

log() { printf '[moto/install] %s\n' "$*" >&2; }

if [[ -x "$VENV/bin/moto_server" && -f "$STAMP" && "$(cat "$STAMP")" == "$MOTO_VERSION" ]]; then
  echo "$VENV/bin/moto_server"
  exit 0
fi
command -v python3 >/dev/null || { log "error: python3 is needed to install moto"; exit 1; }
log "installing moto[server]==$MOTO_VERSION into $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
echo "$MOTO_VERSION" >"$STAMP"
echo "$VENV/bin/moto_server"
