#!/usr/bin/env bash
# Regenerates Data/pinyin-initials.txt: the first letter of ICU's Han-Latin reading of every character
# U+4E00..U+9FFF, one letter per character ("-" where ICU has none). Needs uconv (Debian: icu-devtools).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY' > /tmp/han.txt
print("\n".join(chr(c) for c in range(0x4E00, 0xA000)))
PY
uconv -x 'Han-Latin; Latin-ASCII; Lower' < /tmp/han.txt \
  | awk '{ c = substr($0, 1, 1); if (c ~ /[a-z]/) printf "%s", c; else printf "-" } END { print "" }' > Data/pinyin-initials.txt
wc -c Data/pinyin-initials.txt
