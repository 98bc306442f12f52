#!/usr/bin/env bash
# Stops the example started by up.sh for MODE (default vulnerable), by the
# PIDs it recorded, and removes the deployed copy (it holds the .env).
# --quiet prints nothing when there was nothing to stop.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mode=${MODE:-${LEAKHOUND_EXAMPLE_MODE:-vulnerable}}
run="$here/.run/$mode"
quiet=${1:-}
say() { [ "$quiet" = --quiet ] || echo "down: $*"; }

# stop NAME MARKER: kills the PID in NAME.pid if that process is still the one
# we started (its command line contains MARKER), TERM first, KILL after 5 s.
stop() {
	local pidfile="$run/$1.pid" pid
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do
			[ -e "/proc/$pid" ] || break
			# A zombie whose parent is gone is reaped by init; stop waiting.
			[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
			sleep 0.1
		done
		if [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
			kill -KILL "$pid" 2>/dev/null
		fi
		say "stopped $1 ($mode, pid $pid)"
	fi
	rm -f "$pidfile"
}

stop flask app.py
stop dynalite dynalite
rm -rf "$run/srv" "$run/app.env" "$run/identities" "$run/base_url" "$run/dynamodb_endpoint"
exit 0
