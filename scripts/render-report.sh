#!/usr/bin/env bash
# Renders an HTML report to PNG with headless Chromium, to look at it as a person would.
#   scripts/render-report.sh REPORT.html OUT.png
# Needs Debian's chromium (apt-get install chromium); it fetches nothing (the report is
# self-contained), so the background-networking flags keep it from trying.
set -euo pipefail
in=$(readlink -f "${1:?usage: scripts/render-report.sh REPORT.html OUT.png}")
out=$(readlink -f "${2:?usage: scripts/render-report.sh REPORT.html OUT.png}")
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
  --window-size=1150,1500 --screenshot="$out" "file://$in" >/dev/null 2>&1
echo "$out"
