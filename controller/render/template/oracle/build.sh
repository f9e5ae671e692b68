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
cache_root=${ORKESTRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orkestra}
out="$cache_root/template-oracle-$go_version-$sum"

if [ -x "$out/oracle" ]; then
  echo "$out/oracle"
  exit 0
fi

mkdir -p "$cache_root"
tmp=$(mktemp -d "$cache_root/.build-oracle-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$here" && go build -trimpath -ldflags "-s -w" -o "$tmp/oracle" .)
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "$out/oracle"
