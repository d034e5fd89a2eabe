#!/usr/bin/env bash
# Checks built wheels (and sdists) with the Python ecosystem's own tools; fails on any finding.
# Run by bindings-python/test.sh (CI) and by .github/workflows/release.yml before publishing.
#
#   scripts/check-wheel.sh DIST...
#
#   twine check --strict     metadata and README render as PyPI will show them
#   abi3audit --strict       the extension uses only the stable ABI of CPython 3.9 (wheels)
#   auditwheel show          Linux wheels: the platform tag their symbols really allow is the
#                            one in the file name (manylinux_2_17 = glibc 2.17, musllinux_1_2)
#
# The tools (scripts/wheel-tools.txt) are taken from the environment of $PYTHON (default python3).
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: check-wheel.sh DIST..." >&2; exit 2; }
PYTHON="${PYTHON:-python3}"

"$PYTHON" -m twine check --strict "$@"

for dist in "$@"; do
  name="$(basename "$dist")"
  case "$name" in
    *.whl) ;;
    *) continue ;;   # an sdist: twine only
  esac
  "$PYTHON" -m abi3audit --strict --summary "$dist"

  # The tag auditwheel must report, from the file name's platform tags.
  expected=""
  case "$name" in
    *manylinux2014_x86_64*) expected=manylinux_2_17_x86_64 ;;
    *manylinux2014_aarch64*) expected=manylinux_2_17_aarch64 ;;
    *musllinux_1_2_x86_64*) expected=musllinux_1_2_x86_64 ;;
    *musllinux_1_2_aarch64*) expected=musllinux_1_2_aarch64 ;;
    *linux*) echo "check-wheel.sh: $name: unexpected Linux platform tag" >&2; exit 1 ;;
  esac
  [ -n "$expected" ] || continue
  if [ "${expected#musllinux}" != "$expected" ] && ! ldd --version 2>&1 | grep -qi musl; then
    # auditwheel resolves libc.so on the host it runs on; on a glibc host that is a linker
    # script and it stops with "ELFError: Magic number does not match". The release workflow
    # runs auditwheel on the musllinux wheel inside Alpine (python-linux-smoke).
    echo "auditwheel: $name skipped here (a musllinux wheel is audited on a musl host)"
    continue
  fi
  report="$("$PYTHON" -m auditwheel show "$dist")"
  printf '%s\n' "$report"
  # auditwheel wraps its lines: compare with the whitespace folded.
  folded="$(printf '%s' "$report" | tr -s ' \n' '  ')"
  case "$folded" in
    *"is consistent with the following platform tag: \"$expected\""*)
      echo "auditwheel: $name is $expected" ;;
    *) echo "check-wheel.sh: auditwheel does not find $name consistent with $expected" >&2; exit 1 ;;
  esac
  case "$folded" in
    *"requires no external shared libraries"* | *"system-provided shared libraries"*) ;;
    *) echo "check-wheel.sh: $name needs shared libraries outside the manylinux/musllinux policy" >&2; exit 1 ;;
  esac
done
echo "check-wheel.sh: $# distribution(s) pass twine, abi3audit and auditwheel"
