#!/bin/sh
# Writes the HTML report of a database and renders it with headless Chromium to a PNG (to look at) and
# a PDF (to check it prints), installing Debian's chromium package when it is missing.
#   scripts/report-screenshot.sh leads.db /tmp/report     writes /tmp/report.html, .png and .pdf
set -eu
db=${1:?a database file}; out=${2:?an output name without extension}
command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }
cd "$(dirname "$0")/.."
swift run -q leads report --html "$out.html" --db "$db"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,4000 --screenshot="$out.png" "file://$(realpath "$out.html")" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$out.pdf" "file://$(realpath "$out.html")" 2>/dev/null
echo "Wrote $out.html, $out.png and $out.pdf"
