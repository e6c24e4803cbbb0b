#!/usr/bin/env bash
# Builds the control plane of the e2e test tier from Go modules, once, into .tools/bin/ of the repo (git-ignored):
#   etcd                       go.etcd.io/etcd/server/v3 (root package)
#   kube-apiserver, kube-controller-manager, kube-scheduler   k8s.io/kubernetes/cmd/...
#   kwok                       sigs.k8s.io/kwok/cmd/kwok
# Versions come from versions.env beside this script. Each component writes a stamp of its versions next to the binaries
# (.tools/bin/<component>.stamp); a component is rebuilt only when its stamp no longer matches versions.env (or a binary
# is missing). Running this again with nothing changed is a no-op that takes well under a second.
#
# Usage: scripts/controlplane/build.sh [--force] [kubernetes|etcd|kwok ...]
#   --force (or CONTROLPLANE_FORCE_REBUILD=1) rebuilds even when the stamps match; naming components limits the build to them.
#
# Go's build and module caches are deliberately left at Go's defaults (GOCACHE ~/.cache/go-build, GOMODCACHE ~/go/pkg/mod):
# they live in the user's home, outside the repo, so they stay warm across fresh clones on the same machine and a fresh
# clone's build is mostly linking (about a minute) instead of a cold compile of Kubernetes (tens of minutes on 2 cores).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
WORK="$TOOLS/build" # generated wrapper modules; written here at build time, never committed
TIMES="$TOOLS/build-times.log"
# Bump when the recipe below (flags, tags, wrapper layout) changes, so existing binaries get rebuilt.
RECIPE=1

log() { printf '[controlplane/build] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

FORCE=0
[[ "${CONTROLPLANE_FORCE_REBUILD:-0}" == 1 ]] && FORCE=1
WANT=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    kubernetes | etcd | kwok) WANT+=("$arg") ;;
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$arg' (try --help)" ;;
  esac
done
[[ ${#WANT[@]} -gt 0 ]] || WANT=(kubernetes etcd kwok)

# shellcheck source=versions.env
source "$HERE/versions.env"
: "${KUBERNETES_VERSION:?missing in versions.env}" "${ETCD_VERSION:?missing in versions.env}" "${KWOK_VERSION:?missing in versions.env}"

command -v go >/dev/null || die "go is not on PATH (Go 1.26 or newer is needed)"
# Never fetch another toolchain: every pinned version declares go 1.26.0, which the local Go satisfies.
export GOTOOLCHAIN=local
export CGO_ENABLED=0
GOVERSION="$(go env GOVERSION)"
case "$GOVERSION" in
  go1.2[6-9]* | go1.[3-9]* | go[2-9]*) ;;
  *) die "found $GOVERSION; the pinned versions need Go 1.26 or newer" ;;
esac

mkdir -p "$BIN" "$WORK"

# lock COMPONENT: one build of a component at a time (CI and a test run's global setup may both call this script);
# a second caller waits, then finds the stamp up to date.
lock() {
  local fd
  exec {fd}>"$TOOLS/$1.lock"
  flock "$fd"
}

stamp_text() { printf 'recipe=%s\n%s\n' "$RECIPE" "$1"; }

# up_to_date COMPONENT STAMP BINARY...
up_to_date() {
  local name="$1" want="$2" b
  shift 2
  [[ "$FORCE" == 0 ]] || return 1
  [[ -f "$BIN/$name.stamp" && "$(cat "$BIN/$name.stamp")" == "$(stamp_text "$want")" ]] || return 1
  for b in "$@"; do [[ -x "$BIN/$b" ]] || return 1; done
}

# timed LABEL COMMAND...: runs the command and records its wall-clock seconds in .tools/build-times.log.
timed() {
  local label="$1" start end
  shift
  start="$(date +%s)"
  "$@"
  end="$(date +%s)"
  log "$label: $((end - start))s"
  printf '%s\t%s\t%ss\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$label" "$((end - start))" "$GOVERSION" >>"$TIMES"
}

gobuild() { go build -mod=mod -p 2 -trimpath -buildvcs=false "$@"; }

build_kubernetes() {
  local v="$KUBERNETES_VERSION" bins=(kube-apiserver kube-controller-manager kube-scheduler)
  local stamp="KUBERNETES_VERSION=$v"
  lock kubernetes
  if up_to_date kubernetes "$stamp" "${bins[@]}"; then log "kubernetes $v: up to date"; return; fi
  [[ "$v" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "KUBERNETES_VERSION must look like v1.MINOR.PATCH, got '$v'"
  local minor="${BASH_REMATCH[1]}" staging="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
  rm -f "$BIN/kubernetes.stamp"
  log "kubernetes $v (staging modules $staging)"

  # k8s.io/kubernetes's go.mod replaces its staging modules with local folders, which a dependency's replaces cannot do;
  # so the wrapper replaces each of them with the published module of the same release.
  local gomod
  gomod="$(cd "$WORK" && go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$gomod" && -f "$gomod" ]] || die "could not download the go.mod of k8s.io/kubernetes@$v"
  local mods
  mods="$(sed -n 's#^[[:space:]]*\(replace[[:space:]]\{1,\}\)\{0,1\}\(k8s\.io/[A-Za-z0-9._-]*\)[[:space:]]\{1,\}=>[[:space:]]\{1,\}\./staging/.*#\2#p' "$gomod")"
  [[ -n "$mods" ]] || die "found no staging replace directives in $gomod"
  local godirective godebug
  godirective="$(grep -m1 -E '^go [0-9]' "$gomod")"
  # the godebug line (or block), so runtime defaults match upstream's binaries
  godebug="$(awk '/^godebug[[:space:]]*\($/ {blk=1} blk || /^godebug[[:space:]]/ {print} blk && /^\)/ {blk=0}' "$gomod")"

  local dir="$WORK/kubernetes"
  rm -rf "$dir"
  mkdir -p "$dir"
  {
    echo "// Generated by scripts/controlplane/build.sh: builds k8s.io/kubernetes $v commands. Not committed."
    echo "module vngshift.local/controlplane/kubernetes"
    echo
    echo "$godirective"
    echo
    [[ -z "$godebug" ]] || printf '%s\n\n' "$godebug"
    echo "require k8s.io/kubernetes $v"
    echo
    echo "replace ("
    local m
    for m in $mods; do echo "	$m => $m $staging"; done
    echo ")"
  } >"$dir/go.mod"
  {
    echo "//go:build tools"
    echo
    echo "// Package tools records the commands this generated module builds."
    echo "package tools"
    echo
    echo "import ("
    local b
    for b in "${bins[@]}"; do echo "	_ \"k8s.io/kubernetes/cmd/$b\""; done
    echo ")"
  } >"$dir/tools.go"
  log "wrapper module: $(wc -l <<<"$mods") staging replaces, $godirective${godebug:+, $godebug}"

  local pkgs=() b
  for b in "${bins[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  # Resolve and download every module the three commands need (also fills go.sum), timed apart from compiling.
  (cd "$dir" && timed "kubernetes $v: resolve+download modules" go list -mod=mod -deps -tags selinux,notest,grpcnotrace "${pkgs[@]}" >/dev/null)

  local ldflags="-s -w"
  local p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  # One binary at a time, so the log shows what each adds on top of the previous ones (they share most packages).
  for b in "${bins[@]}"; do
    (cd "$dir" && timed "kubernetes $v: $b" gobuild -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$BIN/$b" "k8s.io/kubernetes/cmd/$b")
  done
  "$BIN/kube-apiserver" --version >&2
  stamp_text "$stamp" >"$BIN/kubernetes.stamp"
}

build_etcd() {
  local v="$ETCD_VERSION" stamp="ETCD_VERSION=$ETCD_VERSION"
  lock etcd
  if up_to_date etcd "$stamp" etcd; then log "etcd $v: up to date"; return; fi
  rm -f "$BIN/etcd.stamp"
  log "etcd $v"
  # A module of its own, so etcd's dependency versions never mix with Kubernetes's. etcd's own go.mod has replaces to
  # sibling folders (ignored in a dependency), so the wrapper just requires the published server module.
  local dir="$WORK/etcd"
  rm -rf "$dir"
  mkdir -p "$dir"
  {
    echo "// Generated by scripts/controlplane/build.sh: builds etcd $v. Not committed."
    echo "module vngshift.local/controlplane/etcd"
    echo
    echo "go 1.26.0"
    echo
    echo "require go.etcd.io/etcd/server/v3 $v"
  } >"$dir/go.mod"
  printf '//go:build tools\n\n// Package tools records the command this generated module builds.\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$dir/tools.go"
  (cd "$dir" && timed "etcd $v: resolve+download modules" go list -mod=mod -deps go.etcd.io/etcd/server/v3 >/dev/null)
  (cd "$dir" && timed "etcd $v: etcd" gobuild -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
  "$BIN/etcd" --version >&2
  stamp_text "$stamp" >"$BIN/etcd.stamp"
}

build_kwok() {
  local v="$KWOK_VERSION" stamp="KWOK_VERSION=$KWOK_VERSION"
  lock kwok
  if up_to_date kwok "$stamp" kwok; then log "kwok $v: up to date"; return; fi
  rm -f "$BIN/kwok.stamp"
  log "kwok $v"
  # sigs.k8s.io/kwok has no replace directives, so `go install module@version` builds it as published.
  (cd "$WORK" && timed "kwok $v: resolve+download modules" go mod download "sigs.k8s.io/kwok@$v")
  (cd "$WORK" && GOBIN="$BIN" timed "kwok $v: kwok" go install -p 2 -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${v#v}" "sigs.k8s.io/kwok/cmd/kwok@$v")
  "$BIN/kwok" --version >&2 || true
  stamp_text "$stamp" >"$BIN/kwok.stamp"
}

start="$(date +%s)"
for c in "${WANT[@]}"; do "build_$c"; done
log "done in $(($(date +%s) - start))s; binaries in ${BIN#"$ROOT"/}"
