#!/usr/bin/env bash
# Stops the processes of one mode (MODE=vulnerable|fixed) by their PID files.
set -uo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
MODE=${MODE:-vulnerable}
RUN="$HERE/.run/$MODE"
QUIET=0; [ "${1:-}" = "--quiet" ] && QUIET=1
say() { [ $QUIET -eq 1 ] || echo "$@"; }

[ -d "$RUN" ] || { say "nothing running ($MODE)"; exit 0; }
shopt -s nullglob
for pidfile in "$RUN"/*.pid; do
  pid=$(cat "$pidfile" 2>/dev/null || true)
  name=$(basename "$pidfile" .pid)
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    say "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
done
rm -f "$RUN/base_url" "$RUN/identities"
exit 0
