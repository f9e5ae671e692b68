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
# shellcheck source=cache.sh
. "$here/cache.sh"
out="$cache_root/gitops-helm-$HELM_VERSION-cli-utils-$KSTATUS_VERSION-lua-$LUA_VERSION-$go_version-$sum"

build() {
  (cd "$gitops" && go build -trimpath -ldflags "-s -w" -o "$1/" ./kstatus ./lua-health)
  (cd "$here/helm" && go build -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
    -o "$1/helm" helm.sh/helm/v4/cmd/helm)
}
cached_build "$out" build helm kstatus lua-health
echo "$out"
