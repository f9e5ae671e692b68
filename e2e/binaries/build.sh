#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and etcd from the Go module proxy into a cache
# directory outside the repo, keyed by the pinned versions and the go.sum files, and prints that
# directory. A cached directory is reused as is; a build killed midway leaves no partial cache,
# because it builds into a temporary directory and renames it into place.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
KUBE_VERSION=$(cd "$here/kube" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
ETCD_VERSION=$(cd "$here/etcd" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
[ -n "$KUBE_VERSION" ] && [ -n "$ETCD_VERSION" ] || { echo "build.sh: cannot read pinned versions" >&2; exit 1; }
go_version=$(go env GOVERSION)
sum=$(cat "$here/kube/go.sum" "$here/etcd/go.sum" | sha256sum | cut -c1-12)
cache_root=${ORKESTRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orkestra}
out="$cache_root/k8s-$KUBE_VERSION-etcd-$ETCD_VERSION-$go_version-$sum"

if [ -x "$out/kube-apiserver" ] && [ -x "$out/kube-controller-manager" ] && [ -x "$out/etcd" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$cache_root"
tmp=$(mktemp -d "$cache_root/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
ldflags="-s -w"
# The same version variables hack/lib/version.sh sets, so /version and kubectl see a real release.
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
  ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done

echo "build.sh: building Kubernetes $KUBE_VERSION and etcd $ETCD_VERSION with $go_version into $out (cold: about 5 min on 2 cores)" >&2
(cd "$here/etcd" && go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
  -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
(cd "$here/kube" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "build.sh: built in $(( $(date +%s) - start ))s" >&2
echo "$out"
