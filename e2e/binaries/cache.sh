# Sourced by the build scripts: the one way a built binary enters the cache outside the repo.
# cached_build OUT BUILD_FUNCTION [BINARY…]: when every BINARY is already executable in OUT, does
# nothing; otherwise runs BUILD_FUNCTION with a temporary directory (inside the cache root) as its
# argument and renames that directory to OUT, so a build killed midway leaves no partial cache.
# Build logs go to stderr; nothing is printed on stdout (the callers print their own path).
cache_root=${ORKESTRA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orkestra}

cached_build() {
  local out=$1 build=$2
  shift 2
  local missing=0 bin
  for bin in "$@"; do [ -x "$out/$bin" ] || missing=1; done
  [ "$missing" = 1 ] || return 0
  mkdir -p "$cache_root"
  local tmp start
  tmp=$(mktemp -d "$cache_root/.build-XXXXXX")
  # shellcheck disable=SC2064 # expand now: the trap must remove this build's directory
  trap "rm -rf '$tmp'" EXIT
  start=$(date +%s)
  echo "$(basename "$0"): building into $out" >&2
  "$build" "$tmp"
  rm -rf "$out"
  mv "$tmp" "$out"
  trap - EXIT
  echo "$(basename "$0"): built in $(( $(date +%s) - start ))s" >&2
}
