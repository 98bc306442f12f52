#!/usr/bin/env bash
# Starts dynalite + the API Gateway stand-in for one mode (MODE=vulnerable|fixed),
# seeds the tables, logs in the demo users and writes .run/$MODE/{base_url,identities}.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
MODE=${MODE:-vulnerable}
case "$MODE" in vulnerable|fixed) ;; *) echo "MODE must be vulnerable or fixed" >&2; exit 2 ;; esac
export MODE
RUN="$HERE/.run/$MODE"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
STAGE=prod

"$HERE/scripts/down.sh" --quiet
mkdir -p "$RUN"
rm -f "$RUN"/*.log "$RUN"/port "$RUN"/base_url "$RUN"/identities
[ -x "$HERE/node_modules/.bin/dynalite" ] || "$HERE/scripts/install.sh"

fail() {
  echo "up.sh ($MODE): $*" >&2
  for f in "$RUN"/*.log; do [ -f "$f" ] && { echo "--- tail $f" >&2; tail -n 30 "$f" >&2; }; done
  "$HERE/scripts/down.sh" --quiet
  exit 1
}
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_open() { "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()' "$1" 2>/dev/null; }

# --- local DynamoDB (in memory) -------------------------------------------
DDB_PORT=""
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  setsid node "$HERE/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
    --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 >>"$RUN/dynalite.log" 2>&1 </dev/null &
  echo $! >"$RUN/dynalite.pid"
  for _ in $(seq 100); do
    kill -0 "$(cat "$RUN/dynalite.pid")" 2>/dev/null || break
    port_open "$port" && { DDB_PORT=$port; break; }
    sleep 0.1
  done
  [ -n "$DDB_PORT" ] && break
  kill "$(cat "$RUN/dynalite.pid")" 2>/dev/null || true
  echo "dynalite did not come up on port $port, retrying" >>"$RUN/dynalite.log"
done
[ -n "$DDB_PORT" ] || fail "dynalite failed to start"

# --- function configuration (what the Lambda console would hold) -----------
rand() { "$PY" -c 'import secrets,string,sys; a=string.ascii_uppercase+string.digits; print("".join(secrets.choice(a) for _ in range(int(sys.argv[1]))))' "$1"; }
if [ "$MODE" = fixed ]; then
  JWT_SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')"
else
  JWT_SECRET=secret
fi
# the function sees only its own configuration, never this shell's environment
LAMBDA_ENV=(
  PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
  APP_MODE="$MODE"
  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  AWS_ACCESS_KEY_ID="AKIA$(rand 16)"
  AWS_SECRET_ACCESS_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(30)[:40])')"
  AWS_LAMBDA_FUNCTION_NAME=teamhub-records LAMBDA_TASK_ROOT=/var/task
  DYNAMODB_ENDPOINT="http://127.0.0.1:$DDB_PORT"
  USERS_TABLE=teamhub-users NOTES_TABLE=teamhub-notes PAYSLIPS_TABLE=teamhub-payslips
  SMTP_HOST=smtp.example.com SMTP_USER=teamhub-mailer
  SMTP_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
  ALLOWED_ORIGINS=https://teamhub.example.com
  JWT_SECRET="$JWT_SECRET"
)

env -i "${LAMBDA_ENV[@]}" "$PY" "$HERE/app/seed.py" >>"$RUN/seed.log" 2>&1 || fail "seeding failed"

# --- API Gateway stand-in ---------------------------------------------------
setsid env -i "${LAMBDA_ENV[@]}" "$PY" "$HERE/app/gateway.py" --host 127.0.0.1 --port 0 --stage "$STAGE" \
  --port-file "$RUN/port" --openapi "$HERE/openapi.json" >>"$RUN/gateway.log" 2>&1 </dev/null &
echo $! >"$RUN/gateway.pid"
for _ in $(seq 100); do
  [ -s "$RUN/port" ] && break
  kill -0 "$(cat "$RUN/gateway.pid")" 2>/dev/null || fail "gateway exited"
  sleep 0.1
done
[ -s "$RUN/port" ] || fail "gateway did not report its port"
BASE="http://127.0.0.1:$(cat "$RUN/port")/$STAGE"

# wait for readiness and log in the demo users
HERE="$HERE" "$PY" - "$BASE" "$RUN/identities.tmp" >>"$RUN/gateway.log" 2>&1 <<'PYEOF' || fail "readiness check or login failed"
import json, sys, time, urllib.request
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
sys.path.insert(0, __import__("os").path.join(__import__("os").environ.get("HERE", "."), "app"))
from seed import PASSWORDS
lines = []
for name in ("alice", "bob", "admin"):
    req = urllib.request.Request(base + "/login", method="POST",
                                 data=json.dumps({"username": name, "password": PASSWORDS[name]}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        token = json.load(r)["token"]
    lines.append("%s=JWT_TOKEN: %s" % (name, token))
open(out, "w").write("\n".join(lines) + "\n")
PYEOF
mv "$RUN/identities.tmp" "$RUN/identities"
echo "$BASE" >"$RUN/base_url"

echo "TeamHub records API ($MODE) at $BASE"
echo "  OpenAPI: $BASE/openapi.json"
echo "Identities:"
sed 's/^/  /' "$RUN/identities"
