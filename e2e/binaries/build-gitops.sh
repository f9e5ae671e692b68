#!/usr/bin/env bash
# Builds the GitOps tools the e2e checks Orkestra against, from the Go module proxy, into a cache
# directory outside the repo keyed by the pinned versions and go.sum, and prints that directory:
#   helm        helm.sh/helm/v4/cmd/helm (lint, template)
#   kstatus     the status Flux computes (sigs.k8s.io/cli-utils pkg/kstatus/status)
#   lua-health  Argo CD health scripts run with github.com/yuin/gopher-lua
# Like build.sh, it builds into a temporary directory and renames it into place.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
gitops="$here/../gitops"
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
HELM_VERSION=$(cd "$here/helm" && go list -m -f '{{.Version}}' helm.sh/helm/v4)
KSTATUS_VERSION=$(cd "$gitops" && go list -m -f '{{.Version}}' sigs.k8s.io/cli-utils)
LUA_VERSION=$(cd "$gitops" && go list -m -f '{{.Version}}' github.com/yuin/gopher-lua)
go_version=$(go env GOVERSION)
sum=$(cat "$here/helm/go.sum" "$gitops/go.sum" "$gitops"/*/main.go | sha256sum | cut -c1-12)
cache_root=${ORKESTRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orkestra}
out="$cache_root/gitops-helm-$HELM_VERSION-cli-utils-$KSTATUS_VERSION-lua-$LUA_VERSION-$go_version-$sum"

if [ -x "$out/helm" ] && [ -x "$out/kstatus" ] && [ -x "$out/lua-health" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$cache_root"
tmp=$(mktemp -d "$cache_root/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "build-gitops.sh: building helm $HELM_VERSION, kstatus ($KSTATUS_VERSION), lua-health (gopher-lua $LUA_VERSION) into $out" >&2
(cd "$gitops" && go build -trimpath -ldflags "-s -w" -o "$tmp/" ./kstatus ./lua-health)
(cd "$here/helm" && go build -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
  -o "$tmp/helm" helm.sh/helm/v4/cmd/helm)

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "build-gitops.sh: built in $(( $(date +%s) - start ))s" >&2
echo "$out"
