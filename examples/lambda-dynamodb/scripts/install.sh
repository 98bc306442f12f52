#!/usr/bin/env bash
# Installs what the local stack needs, only when missing: Debian's Python
# packages (boto3, PyJWT) and dynalite from the committed package-lock.json.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x "$PY" ] || missing+=(python3)
if [ -x "$PY" ]; then
  "$PY" -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)
  "$PY" -c 'import jwt' >/dev/null 2>&1 || missing+=(python3-jwt)
else
  missing+=(python3-boto3 python3-jwt)
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x "$HERE/node_modules/.bin/dynalite" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
