#!/usr/bin/env bash
# Starts the Riverside Clinic example: dynalite on a free loopback port, the
# seed, then the Flask app on another free loopback port. MODE=vulnerable
# (default) or MODE=fixed. Prints the base URL and ready-made identities.
# State (PID files, logs, the deployed copy) lives in .run/MODE/; down.sh
# stops both processes by PID.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mode=${MODE:-${LEAKHOUND_EXAMPLE_MODE:-vulnerable}}
case "$mode" in
vulnerable | fixed) ;;
*) echo "up: MODE must be vulnerable or fixed, not '$mode'" >&2; exit 2 ;;
esac
py=${LEAKHOUND_EXAMPLE_PYTHON:-/usr/bin/python3}
run="$here/.run/$mode"
helper="$here/scripts/helper.py"

if [ ! -d "$here/node_modules/dynalite" ]; then
	echo "up: dynalite is not installed; run examples/flask-dynamodb/scripts/install.sh" >&2
	exit 3
fi

# A previous run of this mode is stopped first.
MODE="$mode" "$here/scripts/down.sh" --quiet
mkdir -p "$run"

fail() {
	echo "up: $*" >&2
	for f in dynalite seed flask; do [ -f "$run/$f.log" ] && tail -n 20 "$run/$f.log" >&2; done
	MODE="$mode" "$here/scripts/down.sh" --quiet
	exit 3
}
trap 'fail "interrupted"' INT TERM

started=$(date +%s.%N)

# A free port is picked, then bound by the server: another process may take
# it in between, so each start is tried three times.
start_dynalite() {
	dport=$("$py" "$helper" free-port)
	(exec setsid node "$here/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$dport" \
		--createTableMs 0 --deleteTableMs 0 --updateTableMs 0) >"$run/dynalite.log" 2>&1 &
	echo $! >"$run/dynalite.pid"
	"$py" "$helper" wait-http "http://127.0.0.1:$dport/" 15 "$(cat "$run/dynalite.pid")"
}
for try in 1 2 3; do
	start_dynalite && break
	[ "$try" -lt 3 ] || fail "dynalite did not start"
done

# The "deployment": a copy of the app in its own root, as a server would
# have it. In vulnerable mode that root is also the static folder, with the
# .env and logs/ beside the source.
srv="$run/srv"
rm -rf "$srv"
mkdir -p "$srv"
cp "$here"/app/*.py "$srv/"
rand() { "$py" -c "import secrets,sys; a=sys.argv[1]; print(''.join(secrets.choice(a) for _ in range(int(sys.argv[2]))))" "$@"; }
if [ "$mode" = vulnerable ]; then
	cat >"$srv/.env" <<ENV
FLASK_APP=app.py
FLASK_DEBUG=1
LEAKHOUND_EXAMPLE_MODE=vulnerable
CLINIC_DYNAMODB_ENDPOINT=http://127.0.0.1:$dport
AWS_DEFAULT_REGION=us-east-1
AWS_ACCESS_KEY_ID=AKIA$(rand ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 16)
AWS_SECRET_ACCESS_KEY=$(rand ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ 40)
CLINIC_SECRET_KEY=changeme
CLINIC_JWT_SECRET=secret
ENV
	envfile="$srv/.env"
else
	cat >"$run/app.env" <<ENV
LEAKHOUND_EXAMPLE_MODE=fixed
CLINIC_DYNAMODB_ENDPOINT=http://127.0.0.1:$dport
AWS_DEFAULT_REGION=us-east-1
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
CLINIC_SECRET_KEY=$(rand 0123456789abcdef 64)
CLINIC_JWT_SECRET=$(rand 0123456789abcdef 64)
ENV
	envfile="$run/app.env"
fi
set -a
# shellcheck disable=SC1090
. "$envfile"
set +a

# The seed runs while Flask starts (the app touches no table before its first
# request); the demo logins wait for both.
(cd "$srv" && CLINIC_SEED_CACHE="$here/.run/seed-cache.json" exec "$py" seed.py) >"$run/seed.log" 2>&1 &
seed_pid=$!

start_flask() {
	port=$("$py" "$helper" free-port)
	(cd "$srv" && CLINIC_HOST=127.0.0.1 CLINIC_PORT="$port" exec setsid "$py" app.py) >"$run/flask.log" 2>&1 &
	echo $! >"$run/flask.pid"
	base="http://127.0.0.1:$port"
	"$py" "$helper" wait-http "$base/healthz" 20 "$(cat "$run/flask.pid")"
}
for try in 1 2 3; do
	start_flask && break
	[ "$try" -lt 3 ] || fail "the Flask app did not start"
done

wait "$seed_pid" || fail "seeding failed"
"$py" "$helper" tokens "$base" >"$run/identities" || fail "could not log in the demo identities"
echo "$base" >"$run/base_url"
echo "http://127.0.0.1:$dport" >"$run/dynamodb_endpoint"
trap - INT TERM
took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

rel=${run#"$PWD"/}
echo "Riverside Clinic API ($mode) is up in ${took}s: $base"
echo "dynalite: http://127.0.0.1:$dport   state and logs: $rel/"
echo "Identities (two patients and the clinic administrator):"
while IFS= read -r line; do
	printf "  --identity '%s'\n" "$line"
done <"$run/identities"
echo "Scan it:"
printf "  bin/leakhound scan %s" "$base"
head -n 2 "$run/identities" | while IFS= read -r line; do printf " \\\\\n    --identity '%s'" "$line"; done
echo
echo "Stop it: make example-down$([ "$mode" = fixed ] && echo " MODE=fixed")"
