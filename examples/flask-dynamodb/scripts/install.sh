#!/usr/bin/env bash
# Installs what the example needs, and only what is missing: Debian's Flask,
# boto3 and PyJWT (PyPI is not used), Node.js if absent, and dynalite from
# package-lock.json. On a machine that has them it does nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
missing=()
for pkg in python3-flask python3-boto3 python3-jwt; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "install: apt-get install ${missing[*]}" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -d "$here/node_modules/dynalite" ]; then
	echo "install: npm ci (dynalite)" >&2
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
