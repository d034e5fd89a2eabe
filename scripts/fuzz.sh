#!/usr/bin/env bash
# Runs every cargo-fuzz target of the core for SECONDS each (default 30) and prints the
# executions per target. A finding stops the script with the target's name and the crash file
# (core/fuzz/artifacts/<target>/); reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>   (from core/)
#
# cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
# Installs cargo-fuzz when it is missing. Corpora are kept in core/fuzz/corpus/ (not in git)
# and grow from run to run.
set -euo pipefail
cd "$(dirname "$0")/../core"
export RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never

seconds="${1:-30}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [seconds per target]" >&2; exit 2 ;;
esac

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz || cargo install cargo-fuzz
fi

targets=$(cargo fuzz list)
# Build every target once, before the clock starts.
if ! build_log=$(nice cargo fuzz build -O 2>&1); then
  printf '%s\n' "$build_log" >&2
  exit 1
fi

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
summary=()
failed=()
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  log="$log_dir/$t.log"
  printf '%-16s %4ss ... ' "$t" "$seconds"
  # -max_total_time: whole run; -rss_limit_mb keeps the 2-core, shared machine usable.
  if nice cargo fuzz run -O "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
      >"$log" 2>&1; then
    status=ok
  else
    status=FINDING
    failed+=("$t")
  fi
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  printf '%s: %s executions, corpus %s\n' "$status" "${runs:-?}" "$corpus"
  summary+=("$(printf '%-16s %12s executions  %s' "$t" "${runs:-?}" "$status")")
  if [ "$status" = FINDING ]; then
    grep -E 'panicked at|^Failing input|artifact_prefix|Test unit written' "$log" | head -5 | sed 's/^/    /'
    cp "$log" "fuzz/artifacts/$t.log" 2>/dev/null || true
  fi
done

echo
echo "== fuzz summary (${seconds}s per target) =="
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "findings in: ${failed[*]} (see core/fuzz/artifacts/)" >&2
  exit 1
fi
