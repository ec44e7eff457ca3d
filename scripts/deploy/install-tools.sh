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
# of-watchdog at commit 67a6309 (2025-11-14), the version openfaas/golang-http-template pins.
OF_WATCHDOG_MODULE=github.com/openfaas/of-watchdog
OF_WATCHDOG_VERSION="${SINBIN_OF_WATCHDOG_VERSION:-v0.0.0-20251114100857-67a6309db21b}"
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
      install_tool of-watchdog "$OF_WATCHDOG_MODULE" "$OF_WATCHDOG_VERSION" \
        "-X main.Version=$OF_WATCHDOG_VERSION -X main.GitCommit=${OF_WATCHDOG_VERSION##*-}" || status=1
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
