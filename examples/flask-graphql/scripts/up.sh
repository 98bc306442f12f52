#!/usr/bin/env bash
# Starts Pastebox for one mode (MODE=vulnerable|fixed) on a free loopback port,
# logs in the demo users and writes .run/$MODE/{base_url,identities}.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
MODE=${MODE:-vulnerable}
case "$MODE" in vulnerable|fixed) ;; *) echo "MODE must be vulnerable or fixed" >&2; exit 2 ;; esac
export MODE
RUN="$HERE/.run/$MODE"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

"$HERE/scripts/down.sh" --quiet
mkdir -p "$RUN"
rm -f "$RUN"/*.log "$RUN"/port "$RUN"/base_url "$RUN"/identities
"$PY" -c 'import flask, graphene, jwt' 2>/dev/null || "$HERE/scripts/install.sh"

fail() {
  echo "up.sh ($MODE): $*" >&2
  for f in "$RUN"/*.log; do [ -f "$f" ] && { echo "--- tail $f" >&2; tail -n 30 "$f" >&2; }; done
  "$HERE/scripts/down.sh" --quiet
  exit 1
}
gen() { "$PY" -c 'import secrets,sys; print(secrets.token_urlsafe(int(sys.argv[1])))' "$1"; }

if [ "$MODE" = fixed ]; then JWT_SECRET=$(gen 48); else JWT_SECRET=password; fi
# the app sees only its own configuration, never this shell's environment
APP_ENV=(
  PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
  APP_MODE="$MODE" JWT_SECRET="$JWT_SECRET" FLASK_SECRET_KEY="$(gen 32)"
  DATABASE_URL="postgresql://pastebox:$(gen 12)@db.internal.example:5432/pastebox"
  SENTRY_DSN="https://$(gen 16 | tr -dc 'a-zA-Z0-9')@o0.ingest.example.com/42"
  ALLOWED_ORIGINS=https://pastebox.example.com
)

BASE=""
for attempt in 1 2 3; do
  rm -f "$RUN/port"
  setsid env -i "${APP_ENV[@]}" "$PY" "$HERE/app/server.py" --host 127.0.0.1 --port 0 \
    --port-file "$RUN/port" >>"$RUN/server.log" 2>&1 </dev/null &
  echo $! >"$RUN/server.pid"
  for _ in $(seq 100); do
    [ -s "$RUN/port" ] && break
    kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [ -s "$RUN/port" ]; then BASE="http://127.0.0.1:$(cat "$RUN/port")"; break; fi
  kill "$(cat "$RUN/server.pid")" 2>/dev/null || true
  echo "server did not start (attempt $attempt)" >>"$RUN/server.log"
done
[ -n "$BASE" ] || fail "server failed to start"

HERE="$HERE" "$PY" - "$BASE" "$RUN/identities.tmp" >>"$RUN/server.log" 2>&1 <<'PYEOF' || fail "readiness check or login failed"
import json, os, sys, time, urllib.request
base, out = sys.argv[1], sys.argv[2]
for _ in range(100):
    try:
        with urllib.request.urlopen(base + "/health", timeout=2) as r:
            if r.status == 200:
                break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("health check never answered 200")
sys.path.insert(0, os.path.join(os.environ["HERE"], "app"))
from store import DEMO_PASSWORDS
lines = []
for name in ("alice", "bob", "admin"):
    q = {"query": "mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
         "variables": {"u": name, "p": DEMO_PASSWORDS[name]}}
    req = urllib.request.Request(base + "/graphql", data=json.dumps(q).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        token = json.load(r)["data"]["login"]["token"]
    lines.append("%s=Authorization: Bearer %s" % (name, token))
open(out, "w").write("\n".join(lines) + "\n")
PYEOF
mv "$RUN/identities.tmp" "$RUN/identities"
echo "$BASE" >"$RUN/base_url"

echo "Pastebox GraphQL API ($MODE) at $BASE/graphql"
echo "Identities:"
sed 's/^/  /' "$RUN/identities"
