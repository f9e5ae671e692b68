#!/usr/bin/env bash
# Builds kro's controller (github.com/kubernetes-sigs/kro ./cmd/controller), the peer the benchmark
# compares Orkestra against, from the Go module proxy into a cache directory outside the repo keyed
# by kro's version and the Go version, and prints that directory: `kro` (the controller) and
# `crds/` (the CRDs from the same module's helm/crds, which kro needs installed before it starts).
# The module is built as its own main module (`go install pkg@version`), so its go.mod and go.sum
# decide every dependency, exactly as kro's release does. Like build.sh, it builds into a
# temporary directory and renames it into place.
set -euo pipefail

KRO_VERSION=${KRO_VERSION:-v0.9.4}
module=github.com/kubernetes-sigs/kro
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-buildvcs=false"
go_version=$(go env GOVERSION)
# shellcheck source=cache.sh
. "$here/cache.sh"
out="$cache_root/kro-$KRO_VERSION-$go_version"

build() {
  local dir
  dir=$(cd "$here" && go mod download -json "$module@$KRO_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -d "$dir/helm/crds" ] || { echo "build-kro.sh: $module@$KRO_VERSION has no helm/crds" >&2; exit 1; }
  mkdir -p "$1/crds"
  cp "$dir"/helm/crds/*.yaml "$1/crds/"
  chmod -R u+w "$1/crds"
  GOBIN="$1" go install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=$KRO_VERSION" \
    "$module/cmd/controller@$KRO_VERSION"
  mv "$1/controller" "$1/kro"
}
cached_build "$out" build kro
echo "$out"
