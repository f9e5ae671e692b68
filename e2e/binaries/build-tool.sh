#!/usr/bin/env bash
# Builds one Go tool pinned by e2e/binaries/NAME/go.mod (its `tool` directive) into a cache
# directory outside the repo, keyed by the tool's module version, the Go version and the go.sum
# hash, and prints the path of the binary. NAME is `registry` (CNCF Distribution, the local OCI
# registry) or `oras` (the reference OCI client the interop tests compare against). Like build.sh,
# it builds into a temporary directory and renames it into place, so a killed build leaves no
# partial cache.
set -euo pipefail

name=${1:?usage: build-tool.sh registry|oras}
here=$(cd "$(dirname "$0")" && pwd)
mod="$here/$name"
[ -f "$mod/go.mod" ] || { echo "build-tool.sh: no module e2e/binaries/$name" >&2; exit 1; }
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

pkg=$(cd "$mod" && go mod edit -json | sed -n 's/.*"Path": "\(.*cmd\/[a-z]*\)".*/\1/p' | head -1)
case "$name" in
  registry) module=github.com/distribution/distribution/v3 ;;
  oras) module=oras.land/oras ;;
  *) echo "build-tool.sh: unknown tool $name" >&2; exit 1 ;;
esac
version=$(cd "$mod" && go list -m -f '{{.Version}}' "$module")
[ -n "$pkg" ] && [ -n "$version" ] || { echo "build-tool.sh: cannot read the pinned $name tool" >&2; exit 1; }
case "$name" in
  registry) ldflags="-s -w -X $module/version.version=$version" ;;
  oras) ldflags="-s -w -X $module/internal/version.BuildMetadata=orkestra" ;;
esac

go_version=$(go env GOVERSION)
sum=$(sha256sum <"$mod/go.sum" | cut -c1-12)
# shellcheck source=cache.sh
. "$here/cache.sh"
out="$cache_root/$name-$version-$go_version-$sum"

build() { (cd "$mod" && go build -trimpath -ldflags "$ldflags" -o "$1/$name" "$pkg"); }
cached_build "$out" build "$name"
echo "$out/$name"
