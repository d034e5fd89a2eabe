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
#   licenses                 the wheel's .dist-info/licenses/ and the sdist hold LICENSE-MIT,
#                            LICENSE-APACHE and THIRD-PARTY-LICENSES.txt (the compiled crates';
#                            listing pyo3 and tokio), and the metadata says MIT OR Apache-2.0
#
# The tools (scripts/wheel-tools.txt) are taken from the environment of $PYTHON (default python3).
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: check-wheel.sh DIST..." >&2; exit 2; }
PYTHON="${PYTHON:-python3}"

"$PYTHON" -m twine check --strict "$@"

"$PYTHON" - "$@" <<'PYEOF'
import re
import sys
import tarfile
import zipfile

WANTED = ("LICENSE-MIT", "LICENSE-APACHE", "THIRD-PARTY-LICENSES.txt")


def contents(dist: str) -> tuple[dict[str, str], str]:
    """The license files (by name) and the metadata of a wheel or an sdist."""
    if dist.endswith(".whl"):
        with zipfile.ZipFile(dist) as z:
            names = z.namelist()
            found = {n.rsplit("/", 1)[1]: z.read(n).decode() for n in names if ".dist-info/licenses/" in n}
            return found, z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    with tarfile.open(dist) as t:
        top = {m.name.split("/", 1)[1]: m for m in t.getmembers() if m.name.count("/") == 1 and m.isfile()}
        read = {n: t.extractfile(m).read().decode() for n, m in top.items() if n in (*WANTED, "PKG-INFO")}
        return {n: v for n, v in read.items() if n != "PKG-INFO"}, read["PKG-INFO"]


for dist in sys.argv[1:]:
    files, meta = contents(dist)
    missing = set(WANTED) - set(files)
    if missing:
        sys.exit(f"check-wheel.sh: {dist}: no {sorted(missing)}")
    for crate in ("pyo3", "tokio", "serde"):
        if not re.search(rf"^  {crate} \d+\.\d+", files["THIRD-PARTY-LICENSES.txt"], re.M):
            sys.exit(f"check-wheel.sh: {dist}: THIRD-PARTY-LICENSES.txt does not list {crate}")
    if "License-Expression: MIT OR Apache-2.0" not in meta:
        sys.exit(f"check-wheel.sh: {dist}: no License-Expression: MIT OR Apache-2.0")
    print(f"licenses: {dist.rsplit('/', 1)[-1]} ships its licenses and the crates' notices")
PYEOF

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
