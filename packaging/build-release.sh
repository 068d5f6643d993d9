#!/usr/bin/env bash
# Release artifacts: for every platform of build-wheels.sh, an archive of the
# binary with the README (and the licence, when the repository has one) —
# .tar.gz, or .zip for Windows — and its wheel; then SHA256SUMS over them all.
#
#   bash packaging/build-release.sh [OUTDIR]           # default: dist/
#   cd OUTDIR && sha256sum -c SHA256SUMS
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out=${1:-$PYBATCH_ROOT/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build_mkwheel "$work/mkwheel"
version=$("$work/mkwheel" -print-version)
mapfile -t lic < <(licence_args)
echo "pybatch $version: release archives and wheels for ${PLATFORMS[*]} into $out"
artifacts=()
for p in "${PLATFORMS[@]}"; do
  dir="pybatch-$version-${p%/*}-${p#*/}"
  mkdir -p "$work/$dir"
  build_pybatch "$p" "$work/$dir/$(exe_name "$p")"
  cp "$PYBATCH_ROOT/README.md" "$work/$dir/"
  for f in LICENSE LICENSE.txt LICENSE.md COPYING; do
    if [ -f "$PYBATCH_ROOT/$f" ]; then cp "$PYBATCH_ROOT/$f" "$work/$dir/"; fi
  done
  # Fixed owner and times, sorted names: the same tree gives the same bytes.
  touch -d @"${SOURCE_DATE_EPOCH:-315532800}" "$work/$dir" "$work/$dir"/*
  case $p in
    windows/*)
      archive="$dir.zip"
      rm -f "$out/$archive"
      if command -v zip >/dev/null; then
        (cd "$work" && TZ=UTC zip -q -X -r "$out/$archive" "$dir")
      else
        (cd "$work" && python3 -m zipfile -c "$out/$archive" "$dir")
      fi
      ;;
    *)
      archive="$dir.tar.gz"
      tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$dir" | gzip -n -9 >"$out/$archive"
      ;;
  esac
  whl=$("$work/mkwheel" -binary "$work/$dir/$(exe_name "$p")" -platform "$p" -out "$out" -readme "$PYBATCH_ROOT/README.md" "${lic[@]}")
  artifacts+=("$archive" "$(basename "$whl")")
  printf '%-14s %s (%s), %s (%s)\n' "$p" "$archive" "$(human "$(stat -c %s "$out/$archive")")" "$(basename "$whl")" "$(human "$(stat -c %s "$whl")")"
done
(cd "$out" && sha256sum "${artifacts[@]}" >SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
echo "checksums: $out/SHA256SUMS"
