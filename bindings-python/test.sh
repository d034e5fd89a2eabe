#!/usr/bin/env bash
# Builds the Python package `p100` and tests it end to end. Called by scripts/test-all.sh (CI);
# runs on a fresh machine (installs what it needs, idempotently) and exits non-zero on any
# failure.
#
#   1. tools venv (bindings-python/.venv): scripts/wheel-tools.txt (maturin, ziglang, auditwheel,
#      abi3audit, twine), pytest, mypy, ruff
#   2. cargo build of the sandbox; the manylinux2014 x86_64 wheel (glibc >= 2.17) built with
#      maturin + zig by scripts/build-wheel.sh, and the sdist: the same script and checks as the
#      release workflow (.github/workflows/release.yml)
#   3. scripts/check-wheel.sh: twine check --strict, abi3audit --strict, auditwheel show
#   4. the wheel installs into a fresh venv and imports there; with pytest beside it and no cargo
#      on PATH, the README's "Testing with the sandbox" snippet passes (the `p100_sandbox`
#      fixture comes from the wheel's pytest11 entry point); the wheel's size and the in-process
#      sandbox's start-up time (median, to the first answered request) are printed
#   5. linters: stubs up to date, ruff (package, tests, scripts, examples and the repository's
#      Python tool scripts: bench/, bindings-mobile/, docs/tools/, openapi/, sandbox/scripts/),
#      mypy --strict (package, examples; the package also as Python 3.10, mypy's oldest), stubtest,
#      pyright strict as Python 3.9 (package, examples; npm `pyright` into .tools/pyright), and
#      `pyright --verifytypes` of the installed package: 100 % typed, every public class and
#      function with a docstring (what an editor shows)
#   6. pytest (tests/, against in-process sandboxes: p100.testing.Sandbox)
#   7. every example in examples/python/ against a sandbox (the p100-sandbox binary: separate
#      processes)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$HERE"

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BUILD="$TARGET/python-test"
VENV="$HERE/.venv"
PY="$VENV/bin/python"

# Each step's banner says how long the step before it took (CI's time budget is tight).
step_start=$SECONDS
step() {
  printf '\n---- bindings-python: %s (the step before took %d s) ----\n' "$*" $((SECONDS - step_start))
  step_start=$SECONDS
}

step "tools"
if [ ! -x "$PY" ]; then
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    # Debian's python3 needs python3-venv for `-m venv`.
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
fi
"$PY" -m pip install -q --disable-pip-version-check \
  -r scripts/wheel-tools.txt "pytest>=7" "mypy>=1.10" "ruff>=0.5"

step "build the sandbox and the wheel"
cargo build -p p100-sandbox --release
SANDBOX_BIN="$TARGET/release/p100-sandbox"
rm -rf "$BUILD/wheels"
WHEEL="$(PYTHON="$PY" scripts/build-wheel.sh x86_64-unknown-linux-gnu "$BUILD/wheels")"
echo "built $(basename "$WHEEL")"
"$PY" -m maturin sdist --manifest-path "$HERE/Cargo.toml" --out "$BUILD/wheels" >&2
SDIST="$(ls "$BUILD"/wheels/p100-*.tar.gz)"
echo "built $(basename "$SDIST")"

step "the wheel and the sdist pass twine, abi3audit and auditwheel (manylinux_2_17)"
PYTHON="$PY" scripts/check-wheel.sh "$WHEEL" "$SDIST"

step "the wheel installs into a fresh venv"
rm -rf "$BUILD/fresh-venv"
python3 -m venv "$BUILD/fresh-venv"
"$BUILD/fresh-venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL"
(cd "$BUILD" && "$BUILD/fresh-venv/bin/python" - <<'EOF'
import decimal, p100, p100.webhooks
assert p100.Client and p100.AsyncClient and issubclass(p100.ApiError, p100.P100Error)
event = p100.webhooks.parse('{"externalUserId": "u1", "status": "ACTIVE"}')
assert isinstance(event, p100.UserStatusEvent) and event.status == "ACTIVE"
try:
    p100.Client("k", "http://127.0.0.1:9").transfers.create(amount=0.5, currency="eur")
except p100.ValidationError as e:
    assert e.field == "amount"
else:
    raise SystemExit("a float amount was not refused")
print("fresh venv: p100", p100.__version__, "imports and works")
EOF
)
echo "wheel size: $(stat -c %s "$WHEEL") bytes ($(basename "$WHEEL"))"

step "the README's pytest snippet passes in a fresh venv with only the wheel and pytest, no cargo"
"$BUILD/fresh-venv/bin/python" -m pip install -q --disable-pip-version-check "pytest>=7"
rm -rf "$BUILD/readme-test"
mkdir -p "$BUILD/readme-test"
awk '/^## Testing with the sandbox/{f=1} f&&/^```python/{p=1;next} p&&/^```/{exit} p' README.md \
  >"$BUILD/readme-test/test_readme.py"
grep -q "def test_" "$BUILD/readme-test/test_readme.py" || {
  echo "no pytest snippet found in README.md's 'Testing with the sandbox'" >&2; exit 1; }
cat >"$BUILD/readme-test/startup.py" <<'EOF'
import statistics
import time

from p100.testing import Sandbox

times = []
for _ in range(15):
    t0 = time.perf_counter()
    with Sandbox() as sb, sb.client() as client:
        client.partner.balances()
        times.append(time.perf_counter() - t0)
print(
    "in-process sandbox start-up to the first answered request: median "
    f"{statistics.median(times) * 1000:.1f} ms, min {min(times) * 1000:.1f} ms (n=15)"
)
EOF
# PATH without any directory that holds cargo or rustc.
NOCARGO_PATH="$BUILD/fresh-venv/bin"
IFS=: read -r -a path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
  if [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ]; then NOCARGO_PATH="$NOCARGO_PATH:$d"; fi
done
(cd "$BUILD/readme-test" && env -u CARGO_HOME -u RUSTUP_HOME PATH="$NOCARGO_PATH" bash -c '
  set -euo pipefail
  if command -v cargo >/dev/null 2>&1; then echo "cargo is still on PATH" >&2; exit 1; fi
  python -m pytest -q -p no:cacheprovider test_readme.py
  python startup.py
')

# The tools venv tests the same wheel (replacing any `maturin develop` install).
"$PY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

step "linters"
"$PY" scripts/gen_stubs.py --check
# The repository's other Python scripts (generators, benchmarks, doc and spec checks), by path:
# bench/, bindings-mobile/ and openapi/ also hold venvs, node_modules and build trees.
TOOL_SCRIPTS=(
  ../bench/python ../bench/table.py
  ../bindings-mobile/readme_blocks.py ../bindings-mobile/kotlin/readme-snippets.py
  ../bindings-mobile/swift/readme-snippets.py ../bindings-mobile/swift/operations-test.py
  ../docs/tools
  ../openapi/schemathesis_counts.py ../openapi/webhook_bodies.py
  ../sandbox/scripts
)
"$VENV/bin/ruff" check python tests scripts ../examples/python "${TOOL_SCRIPTS[@]}"
"$VENV/bin/ruff" format --check python tests scripts ../examples/python "${TOOL_SCRIPTS[@]}"
"$PY" -m compileall -q python tests scripts ../examples/python
"$VENV/bin/mypy" --strict python/p100
"$VENV/bin/mypy" --strict --python-version 3.10 python/p100
(cd "$BUILD" && "$VENV/bin/mypy" --strict --cache-dir "$BUILD/mypy-cache" "$ROOT/examples/python")
# The documentation's Python samples, as a reader pastes them (docs/tools/samples.py extracts).
rm -rf "$BUILD/doc-samples" && mkdir -p "$BUILD/doc-samples"
"$PY" - "$ROOT/docs" "$BUILD/doc-samples" <<'PYEOF'
import sys
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1]) / "tools"))
from samples import extract  # noqa: E402

out = Path(sys.argv[2])
found = [s for s in extract(Path(sys.argv[1]) / "content") if s.lang == "python"]
for s in found:
    (out / (s.id.replace("-", "_") + ".py")).write_text(s.code)
print(f"docs: {len(found)} Python samples for mypy --strict")
if len(found) < 5:
    sys.exit("docs: fewer Python samples than expected")
PYEOF
(cd "$BUILD" && "$VENV/bin/mypy" --strict --cache-dir "$BUILD/mypy-cache" "$BUILD/doc-samples")
(cd "$BUILD" && "$PY" -m mypy.stubtest p100 --mypy-config-file "$HERE/pyproject.toml")
PYRIGHT_VERSION="1.1.414"
pyright_dir="$ROOT/.tools/pyright"
if [ "$(cat "$pyright_dir/version.txt" 2>/dev/null)" != "$PYRIGHT_VERSION" ]; then
  rm -rf "$pyright_dir" && mkdir -p "$pyright_dir"
  npm install --no-save --no-audit --no-fund --prefix "$pyright_dir" "pyright@$PYRIGHT_VERSION" >/dev/null
  echo "$PYRIGHT_VERSION" > "$pyright_dir/version.txt"
fi
pyright="$pyright_dir/node_modules/.bin/pyright"
"$pyright" --pythonpath "$PY"   # settings: [tool.pyright] of pyproject.toml
# From the build directory (no settings): the package as installed from the wheel (named by
# PYTHONPATH: --verifytypes did not find it in the --pythonpath interpreter's site-packages).
site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
(cd "$BUILD" && PYTHONPATH="$site" "$pyright" --pythonpath "$PY" --verifytypes p100 --ignoreexternal) \
  | tee "$BUILD/verifytypes.txt" | grep -E "without docstring|completeness"
for line in "Type completeness score: 100%" "Functions without docstring: 0" \
  "Classes without docstring: 0"; do
  grep -qF "$line" "$BUILD/verifytypes.txt" \
    || { echo "pyright --verifytypes p100: not \"$line\"" >&2; cat "$BUILD/verifytypes.txt" >&2; exit 1; }
done

SANDBOX_PID=""
cleanup() {
  if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

step "pytest"
set +e
"$PY" -m pytest tests -q -p no:cacheprovider 2>&1 | tee "$BUILD/pytest.log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
grep -Eq '[0-9]+ passed' "$BUILD/pytest.log" || { echo "pytest reported no passed test" >&2; exit 1; }

step "the scenarios through Prism: every request and accepted reply checked against openapi/p100.openapi.json"
# @stoplight/prism-cli as a validating proxy (--errors) in front of each scenario's sandbox
# (tests/test_scenarios.py, P100_PRISM). Not errors_and_faults or fault_matrix: their injected
# faults break the spec on purpose.
[ -x "$ROOT/openapi/node_modules/.bin/prism" ] || (cd "$ROOT/openapi" && npm ci --no-audit --no-fund)
P100_PRISM="$ROOT/openapi/node_modules/.bin/prism|$ROOT/openapi/p100.openapi.json" \
  P100_SCENARIOS=partner_day,kyc_models,orders_and_links \
  "$PY" -m pytest tests/test_scenarios.py -q -p no:cacheprovider

step "examples against a sandbox"
KEY="py-examples-$RANDOM$RANDOM"
"$SANDBOX_BIN" --port 0 --api-key "$KEY" --settle-ms 100 >"$BUILD/sandbox.out" 2>&1 &
SANDBOX_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(sed -n 's/.*listening on //p' "$BUILD/sandbox.out" | head -n1)"
  [ -n "$URL" ] && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$BUILD/sandbox.out" >&2; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "the sandbox did not start" >&2; exit 1; }
passed=0
failed=0
for example in "$ROOT"/examples/python/*.py; do
  name="$(basename "$example")"
  if (cd "$ROOT/examples/python" && P100_API_KEY="$KEY" P100_BASE_URL="$URL" \
        timeout 300 "$PY" "$name" >"$BUILD/example-$name.log" 2>&1); then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    cat "$BUILD/example-$name.log"
    failed=$((failed + 1))
  fi
done
echo "examples: $passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi

step "all Python checks passed"
