#!/usr/bin/env bash
# Cross-build pybatch (CGO_ENABLED=0) and pack each binary into a platform
# wheel that puts `pybatch` on PATH (pip, pipx, uv tool install) and runs with
# `python -m pybatch`:
#
#   bash packaging/build-wheels.sh [OUTDIR]            # default: dist/
#   PYBATCH_PLATFORMS=linux/amd64 bash packaging/build-wheels.sh /tmp/w
#
# Platforms: linux amd64 and arm64 (one wheel each, tagged manylinux and
# musllinux: the binary is static), macOS amd64 and arm64, Windows amd64.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out=${1:-$PYBATCH_ROOT/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build_mkwheel "$work/mkwheel"
version=$("$work/mkwheel" -print-version -pep440)
mapfile -t lic < <(licence_args)
echo "pybatch $version: wheels for ${PLATFORMS[*]} into $out"
for p in "${PLATFORMS[@]}"; do
  bin="$work/${p/\//-}/$(exe_name "$p")"
  start=$(date +%s%N)
  build_pybatch "$p" "$bin"
  whl=$("$work/mkwheel" -binary "$bin" -platform "$p" -out "$out" -readme "$PYBATCH_ROOT/README.md" "${lic[@]}")
  ms=$((($(date +%s%N) - start) / 1000000))
  printf '%-14s binary %s, wheel %s (%s bytes), built in %d.%ds: %s\n' "$p" "$(human "$(stat -c %s "$bin")")" \
    "$(human "$(stat -c %s "$whl")")" "$(stat -c %s "$whl")" $((ms / 1000)) $((ms % 1000 / 100)) "$(basename "$whl")"
done
