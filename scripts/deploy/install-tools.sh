#!/usr/bin/env bash
# Installs the platform tools the deploy checks run offline, pinned, into a cache outside git:
#   faas-cli    github.com/openfaas/faas-cli    (generate, build --shrinkwrap)
#   of-watchdog github.com/openfaas/of-watchdog (the real watchdog a function runs behind)
#   kustomize   sigs.k8s.io/kustomize/kustomize/v5 (renders infra/k8s/overlays/*)
# Idempotent: a tool whose cached binary carries the pinned version is left alone.
#
#   bash scripts/deploy/install-tools.sh [faas-cli|of-watchdog|kustomize]...   (no argument: all)
#   prints one line per tool: <name> <path>
#
# Both projects tag releases without the leading "v" Go modules need, so the module proxy serves
# them only as pseudo-versions (v0.0.0-<commit time>-<commit>): those are the pins below.
# `go install module@version` also asks the proxy for the module's version list (to report
# deprecation), which the proxy reachable here refuses; the fallback builds the same pinned
# module inside a throwaway module instead, which needs only the pinned version.
set -euo pipefail
# Variables of the former name are read for one release (shared/contract/src/legacy-names.mjs).
eval "$(node "$(dirname "$0")/../../shared/contract/src/legacy-names.mjs" shell-env)"

CACHE="${SINBIN_CACHE:-$HOME/.cache/sinbin}"
BIN="$CACHE/bin"
# faas-cli at commit 08e3e96 (2021-10-12; 0.13 series): generate (openfaas.com/v1 and
# serving.knative.dev/v1), build --shrinkwrap, configuration.copy.
FAAS_CLI_MODULE=github.com/openfaas/faas-cli
FAAS_CLI_VERSION="${SINBIN_FAAS_CLI_VERSION:-v0.0.0-20211012083206-08e3e965c831}"
# of-watchdog at commit 9bdadb1e (2026-05-13). The module proxy reachable here refuses of-watchdog, so it
# is built offline from the source kept beside the checkout (../shared/vendor, modules vendored); where
# that copy is missing, from the module proxy. See install_of_watchdog.
OF_WATCHDOG_MODULE=github.com/openfaas/of-watchdog
OF_WATCHDOG_VERSION="${SINBIN_OF_WATCHDOG_VERSION:-v0.0.0-20260513144341-9bdadb1e8c68}"
OF_WATCHDOG_COMMIT=9bdadb1e8c68ae1016ac1a35906cd2acaa53169a
VENDOR_DIR="${SINBIN_VENDOR_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/vendor}"
KUSTOMIZE_MODULE=sigs.k8s.io/kustomize/kustomize/v5
KUSTOMIZE_VERSION="${SINBIN_KUSTOMIZE_VERSION:-v5.8.1}"

log() { echo "install-tools: $*" >&2; }

# install <binary-name> <module> <version> <ldflags>
install_tool() {
  local name="$1" module="$2" version="$3" ldflags="$4"
  local target="$BIN/$name" stamp="$BIN/$name.version"
  if [[ -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$module@$version" ]]; then
    echo "$name $target"
    return 0
  fi
  command -v go >/dev/null || { log "go is not installed: it is needed to build $name"; return 1; }
  mkdir -p "$BIN"
  local lock="$CACHE/.install-$name.lock"
  exec {fd}>"$lock"
  flock "$fd"
  # Another process may have finished the same install while this one waited.
  if [[ -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$module@$version" ]]; then
    flock -u "$fd"
    echo "$name $target"
    return 0
  fi
  local work
  work="$(mktemp -d)"
  log "building $name from $module@$version (a few minutes the first time)"
  local started=$SECONDS
  if ! GOBIN="$work/bin" GOFLAGS=-mod=mod go install -ldflags "$ldflags" "$module@$version" >"$work/install.log" 2>&1; then
    log "go install $module@$version failed ($(tail -1 "$work/install.log")); building in a throwaway module"
    mkdir -p "$work/mod" "$work/bin"
    printf 'module sinbin.local/tools\n\ngo 1.22\n\nrequire %s %s\n' "$module" "$version" >"$work/mod/go.mod"
    if ! (cd "$work/mod" && go build -mod=mod -trimpath -ldflags "$ldflags" -o "$work/bin/$name" "$module") >>"$work/install.log" 2>&1; then
      log "could not build $name; the last lines of the log:"
      tail -5 "$work/install.log" >&2
      flock -u "$fd"
      rm -rf "$work"
      return 1
    fi
  fi
  # go install names the binary after the module's last path element (v5 -> its parent's).
  local built="$work/bin/$name"
  mkdir -p "$BIN"
  install -m 0755 "$built" "$target.tmp"
  mv -f "$target.tmp" "$target"
  echo "$module@$version" >"$stamp"
  flock -u "$fd"
  rm -rf "$work"
  log "$name ready in $((SECONDS - started)) s: $target"
  echo "$name $target"
}

# of-watchdog serves its Prometheus metrics on port 8081, fixed in its config (config.go), and exits
# if that port is taken: one watchdog per network namespace, as in a pod. `make up` runs one per
# function on one machine, so the build adds one setting, `metrics_port` (default 8081, unchanged
# behaviour), with a one-line edit checked below; nothing else differs from upstream.
watchdog_metrics_port_edit() {
  local config="$1/config/config.go"
  grep -q 'MetricsPort:         8081,' "$config" || { log "of-watchdog's config.go no longer sets MetricsPort: 8081 as expected; update the edit in $0"; return 1; }
  sed -i 's/MetricsPort:         8081,/MetricsPort:         getInt(envMap, "metrics_port", 8081),/' "$config"
}

install_of_watchdog() {
  local name=of-watchdog target="$BIN/of-watchdog" stamp="$BIN/of-watchdog.version"
  local want="$OF_WATCHDOG_MODULE@$OF_WATCHDOG_VERSION+metrics_port"
  if [[ -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$name $target"
    return 0
  fi
  command -v go >/dev/null || { log "go is not installed: it is needed to build $name (Debian: apt-get install golang-go, or go.dev/dl)"; return 1; }
  mkdir -p "$BIN"
  exec {fd}>"$CACHE/.install-$name.lock"
  flock "$fd"
  if [[ -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    flock -u "$fd"
    echo "$name $target"
    return 0
  fi
  local work started=$SECONDS tarball="$VENDOR_DIR/of-watchdog-${OF_WATCHDOG_COMMIT:0:8}.tar.gz" src flags
  work="$(mktemp -d)"
  if [[ -f "$tarball" ]]; then
    # The vendored copy: git archive of the pinned commit, modules in vendor/; builds without a network.
    [[ "$(git get-tar-commit-id <"$tarball" 2>/dev/null || zcat "$tarball" | git get-tar-commit-id)" == "$OF_WATCHDOG_COMMIT" ]] \
      || { log "$tarball is not of-watchdog commit $OF_WATCHDOG_COMMIT"; flock -u "$fd"; rm -rf "$work"; return 1; }
    log "building $name $OF_WATCHDOG_VERSION from $tarball (offline, about a minute on 2 cores)"
    src="$work/src"
    mkdir -p "$src"
    tar xzf "$tarball" -C "$src"
    flags=-mod=vendor
  else
    log "building $name from $OF_WATCHDOG_MODULE@$OF_WATCHDOG_VERSION (module proxy; no vendored copy at $tarball)"
    local dir
    if ! dir=$(GOFLAGS=-mod=mod go mod download -json "$OF_WATCHDOG_MODULE@$OF_WATCHDOG_VERSION" 2>"$work/install.log" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || [[ -z "$dir" ]]; then
      log "could not download $OF_WATCHDOG_MODULE@$OF_WATCHDOG_VERSION: $(tail -1 "$work/install.log")"
      flock -u "$fd"; rm -rf "$work"; return 1
    fi
    src="$work/src"
    cp -r "$dir" "$src"
    chmod -R u+w "$src"
    flags=-mod=mod
  fi
  if ! watchdog_metrics_port_edit "$src" \
    || ! (cd "$src" && CGO_ENABLED=0 go build "$flags" -trimpath \
      -ldflags "-s -w -X main.Version=$OF_WATCHDOG_VERSION -X main.GitCommit=$OF_WATCHDOG_COMMIT" -o "$work/of-watchdog" .) >>"$work/install.log" 2>&1; then
    log "could not build $name; the last lines of the log:"
    tail -5 "$work/install.log" >&2
    flock -u "$fd"; rm -rf "$work"; return 1
  fi
  install -m 0755 "$work/of-watchdog" "$target.tmp"
  mv -f "$target.tmp" "$target"
  echo "$want" >"$stamp"
  flock -u "$fd"
  rm -rf "$work"
  log "$name ready in $((SECONDS - started)) s: $target"
  echo "$name $target"
}

tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(faas-cli of-watchdog kustomize)
status=0
for tool in "${tools[@]}"; do
  case "$tool" in
    faas-cli)
      install_tool faas-cli "$FAAS_CLI_MODULE" "$FAAS_CLI_VERSION" \
        "-X $FAAS_CLI_MODULE/version.Version=$FAAS_CLI_VERSION -X $FAAS_CLI_MODULE/version.GitCommit=${FAAS_CLI_VERSION##*-}" || status=1
      ;;
    of-watchdog)
      install_of_watchdog || status=1
      ;;
    kustomize)
      install_tool kustomize "$KUSTOMIZE_MODULE" "$KUSTOMIZE_VERSION" "-X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION" || status=1
      ;;
    *)
      log "unknown tool $tool (faas-cli, of-watchdog, kustomize)"
      status=2
      ;;
  esac
done
exit "$status"
