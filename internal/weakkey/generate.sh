#!/bin/sh
# Builds weakkeys.txt.gz, the built-in candidate list for JWT HMAC secrets
# and Flask/itsdangerous SECRET_KEYs, from:
#   1. curated.txt: framework defaults, documentation and tutorial secrets
#      (tried first, in file order);
#   2. every lower-case ASCII word of 3 to 8 letters of the SCOWL-based
#      American English word list of Debian's wamerican package, and the
#      capitalised form of the words of 4 to 6 letters.
# Output is deterministic (gzip -n). See README.md for sources and licences.
#
# Usage: sh generate.sh [path/to/american-english]
set -eu
cd "$(dirname "$0")"
words=${1:-/usr/share/dict/american-english}
tmp=
if [ ! -r "$words" ]; then
	# Fetch the package without installing it.
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download wamerican >/dev/null && dpkg-deb -x wamerican_*.deb root)
	words="$tmp/root/usr/share/dict/american-english"
fi
{
	grep -v '^#' curated.txt | grep -v '^$'
	LC_ALL=C awk 'length($0) >= 3 && length($0) <= 8 && $0 ~ /^[a-z]+$/' "$words"
	LC_ALL=C awk 'length($0) >= 4 && length($0) <= 6 && $0 ~ /^[a-z]+$/ { print toupper(substr($0, 1, 1)) substr($0, 2) }' "$words"
} | LC_ALL=C awk '!seen[$0]++' | gzip -n -9 > weakkeys.txt.gz
[ -z "$tmp" ] || rm -rf "$tmp"
echo "weakkeys.txt.gz: $(gzip -dc weakkeys.txt.gz | wc -l) entries, $(wc -c < weakkeys.txt.gz) bytes"
