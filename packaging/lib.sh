# Sourced by the packaging scripts: the platforms, and building pybatch for one.

# shellcheck shell=bash
PYBATCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The release platforms, GOOS/GOARCH; $PYBATCH_PLATFORMS chooses fewer (the
# tests build only linux/amd64).
read -r -a PLATFORMS <<<"${PYBATCH_PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}"

# The commit goes into the binary with -ldflags -X as well as through Go's
# own VCS stamping, which GOFLAGS=-buildvcs=false or a missing git turn off.
pybatch_ldflags() {
  local pkg=github.com/pybatch/pybatch/internal/buildinfo flags="-s -w" rev when
  if rev=$(git -C "$PYBATCH_ROOT" rev-parse HEAD 2>/dev/null); then
    when=$(git -C "$PYBATCH_ROOT" log -1 --format=%cI HEAD)
    flags+=" -X $pkg.commit=$rev -X $pkg.commitTime=$when"
    if [ -n "$(git -C "$PYBATCH_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
      flags+=" -X $pkg.modified=true"
    fi
  fi
  printf '%s' "$flags"
}

# build_pybatch GOOS/GOARCH OUTFILE: a static binary (no cgo), reproducible
# paths (-trimpath).
build_pybatch() {
  local goos=${1%/*} goarch=${1#*/}
  (cd "$PYBATCH_ROOT" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch \
    go build -trimpath -ldflags "$(pybatch_ldflags)" -o "$2" ./cmd/pybatch)
}

# build_mkwheel OUTFILE: the wheel packer, for this machine.
build_mkwheel() {
  (cd "$PYBATCH_ROOT" && env -u GOOS -u GOARCH go build -o "$1" ./packaging/mkwheel)
}

# exe_name GOOS/GOARCH: pybatch or pybatch.exe.
exe_name() {
  case $1 in windows/*) echo pybatch.exe ;; *) echo pybatch ;; esac
}

# human SIZE: bytes as MB with one decimal.
human() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

# licence_args: mkwheel's licence flags, from a LICENSE file at the root
# (and $PYBATCH_LICENSE_EXPRESSION, the SPDX expression) when there is one.
licence_args() {
  local f
  for f in LICENSE LICENSE.txt LICENSE.md COPYING; do
    if [ -f "$PYBATCH_ROOT/$f" ]; then
      printf '%s\n' -license "$PYBATCH_ROOT/$f"
      break
    fi
  done
  if [ -n "${PYBATCH_LICENSE_EXPRESSION:-}" ]; then
    printf '%s\n' -license-expression "$PYBATCH_LICENSE_EXPRESSION"
  fi
}
