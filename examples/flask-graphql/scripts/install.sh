#!/usr/bin/env bash
# Installs what Pastebox needs, only when missing: Debian's Flask, graphene 2 and PyJWT.
set -euo pipefail
PY=/usr/bin/python3
missing=()
if [ -x "$PY" ]; then
  "$PY" -c 'import flask' >/dev/null 2>&1 || missing+=(python3-flask)
  "$PY" -c 'import graphene' >/dev/null 2>&1 || missing+=(python3-graphene)
  "$PY" -c 'import jwt' >/dev/null 2>&1 || missing+=(python3-jwt)
else
  missing+=(python3 python3-flask python3-graphene python3-jwt)
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
