# Sourced by the test scripts: start_sandbox PREFIX [PROFILE] starts target/PROFILE/p100-sandbox
# (default release) on a free 127.0.0.1 port with a fresh key, waits for its ready line and sets
# $key, $url and $sandbox_pid; the sandbox is stopped (and its log removed) when the calling
# shell exits. Needs $target_dir (cargo's target directory) and that sandbox already built.
start_sandbox() {
  key="$1-$RANDOM$RANDOM"
  sandbox_log="$(mktemp)"
  "$target_dir/${2:-release}/p100-sandbox" --port 0 --api-key "$key" --settle-ms 100 >"$sandbox_log" 2>&1 &
  sandbox_pid=$!
  trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; rm -f "$sandbox_log"' EXIT
  url=""
  for _ in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$sandbox_log" | head -1 || true)"
    [ -n "$url" ] && break
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$sandbox_log" >&2; echo "the sandbox did not start" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the sandbox did not report its URL" >&2; exit 1; }
}
