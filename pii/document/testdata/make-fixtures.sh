#!/bin/sh
# Regenerates the spreadsheet and PDF fixtures from members.csv with
# LibreOffice Calc (Debian: apt-get install libreoffice-calc-nogui). The
# people are fictitious. Not run by the tests or by CI: the outputs are
# committed.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# CSV import: comma (44), double quote (34), UTF-8 (76), from line 1.
for fmt in xlsx ods pdf; do
	HOME=$tmp soffice --headless --infilter=CSV:44,34,76,1 --convert-to "$fmt" --outdir "$tmp" members.csv >/dev/null
	cp "$tmp/members.$fmt" "members-libreoffice.$fmt"
done
# A PDF from Chromium's printer (Type0 fonts with ToUnicode maps, another
# generator than LibreOffice).
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --user-data-dir="$tmp/chromium" \
	--print-to-pdf="$tmp/member-letter.pdf" "file://$PWD/member-letter.html" 2>/dev/null
cp "$tmp/member-letter.pdf" member-letter-chromium.pdf
