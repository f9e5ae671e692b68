#!/usr/bin/env bash
# Builds the template oracle (Go text/template + Sprig, see main.go) from the Go module proxy into a
# cache directory outside the repo, keyed by the Go version and the hash of main.go, go.mod and
# go.sum, and prints the binary's path. Like e2e/binaries/build.sh, a build killed midway leaves no
# partial cache.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
go_version=$(go env GOVERSION)
sum=$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-12)
# shellcheck source=../../../../e2e/binaries/cache.sh
. "$here/../../../../e2e/binaries/cache.sh"
out="$cache_root/template-oracle-$go_version-$sum"

build() { (cd "$here" && go build -trimpath -ldflags "-s -w" -o "$1/oracle" .); }
cached_build "$out" build oracle
echo "$out/oracle"
