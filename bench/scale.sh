#!/usr/bin/env bash
# One machine, one scan of N farm sites (default 100,000), as issue 21 asks:
#  1. `vigie scan` with the SQLite history, evidence and the TLS probe, stopped
#     with SIGINT after INTERRUPT seconds, then continued with --resume; wall
#     time, peak RSS (/usr/bin/time -v), CPU of each part; every SAMPLE
#     seconds (default 30) the sites recorded, the scan's resident set and
#     its in-use heap after a collection (VIGIE_MEMSTATS), in
#     $KEEP/memory.txt, and the samples nearest each 10,000 sites printed,
#     so that flat memory shows; MEMPROFILE=1 keeps a heap profile per
#     sample ($KEEP/heap-*.N, for go tool pprof -base);
#  2. the store's size, rows and write rate (sites recorded per second);
#  3. the dashboard (`vigie serve` on that store) under bench/dashload.py:
#     p50/p95/max per page.
# Long (tens of minutes at 100,000): run it by hand, not in go test.
#
#   bench/scale.sh [N]        INTERRUPT=120 CONCURRENCY=64 KEEP=DIR bench/scale.sh 100000
#   NICE=10 DASHBOARD=0 ...   the scans under nice -n 10; no dashboard part
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
conc=${CONCURRENCY:-64}
interrupt=${INTERRUPT:-120}
sample=${SAMPLE:-30}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
# The farm runs under /usr/bin/time, which a signal to itself would orphan:
# its child is stopped by its parent's ID.
trap 'pkill -P "${farm_time:-0}" 2>/dev/null; kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
if [ -n "${VIGIE:-}" ]; then cp "$VIGIE" "$work/vigie"; else go build -o "$work/vigie" ./cmd/vigie; fi
export XDG_DATA_HOME="$work/data"
dir="$work/farm"
rm -rf "$dir" "$work"/evidence-* "$work"/heap-* # a KEEP directory used before
/usr/bin/time -v -o "$work/farm.time" "$work/vigie" farm --sites "$n" --dir "$dir" 2>"$work/farm.log" &
farm_time=$!
for _ in $(seq 600); do [ -s "$dir/ca.pem" ] && break; sleep 0.1; done
net=(--ca-cert "$dir/ca.pem" --no-dns)
while read -r c; do [ -n "$c" ] && net+=(--connect-to "$c"); done <"$dir/connect-to.txt"
db="$work/history.db"
rm -f "$db"*
field() { grep -F "$1" "$2" | sed 's/.*: //'; }
report() { # label time-file start end
	local secs rss cpu
	secs=$(echo "$4 - $3" | bc -l)
	rss=$(($(field "Maximum resident set size" "$2") / 1024))
	cpu=$(echo "$(field "User time" "$2") + $(field "System time" "$2")" | bc -l)
	printf '%-10s wall %8.1f s  peak RSS %5s MB  CPU %8.1f s\n' "$1" "$secs" "$rss" "$cpu"
}
# sampler LABEL PID: every $sample s, one line "label seconds sites RSS_MB
# heap_MB" from the store and the scan's last VIGIE_MEMSTATS line.
sampler() {
	local t0=$SECONDS
	while kill -0 "$2" 2>/dev/null; do
		sleep "$sample"
		local sites mem
		sites=$(sqlite3 "file:$db?mode=ro" 'SELECT COUNT(*) FROM scan_sites' 2>/dev/null || echo '?')
		mem=$(grep 'vigie: memory' "$work/scan-$1.log" 2>/dev/null | tail -n 1 |
			sed -E 's/.*heap in use ([0-9.]+) MB.*RSS ([0-9]+) MB.*/\2 \1/' || true)
		[ -z "$mem" ] || echo "$1 $((SECONDS - t0)) $sites $mem" >>"$work/memory.txt"
	done
}
scan() {
	local prof=()
	[ -n "${MEMPROFILE:-}" ] && prof=(VIGIE_MEMPROFILE="$work/heap-$2")
	env VIGIE_MEMSTATS="${sample}s" "${prof[@]}" nice -n "${NICE:-0}" /usr/bin/time -v -o "$1" "$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" --db "$db" -c "$conc" \
		--evidence-dir "$work/evidence-$2" --jsonl -o "$work/out-$2.jsonl" "${@:3}" >"$work/table-$2.txt" 2>"$work/scan-$2.log"
}
echo "== $n sites, -c $conc, SQLite + evidence + TLS probe; SIGINT after ${interrupt}s, then --resume"
s0=$(date +%s.%N)
: >"$work/memory.txt"
scan "$work/first.time" first &
pid=$!
sampler first $pid &
sleep "$interrupt"
kill -INT "$(pgrep -f "^$work/vigie scan")" 2>/dev/null || true
wait $pid || true
s1=$(date +%s.%N)
report interrupted "$work/first.time" "$s0" "$s1"
id=$(sqlite3 "$db" 'SELECT id FROM scans ORDER BY started DESC LIMIT 1' 2>/dev/null || grep -o 'scan [0-9TZ]*-[0-9a-f]*' "$work/scan-first.log" | head -1 | cut -d' ' -f2)
done1=$(sqlite3 "$db" "SELECT COUNT(*) FROM scan_sites WHERE scan_id = '$id'" 2>/dev/null || echo '?')
echo "interrupted scan $id: $done1 sites recorded"
s2=$(date +%s.%N)
scan "$work/resume.time" resume --resume "$id" &
pid=$!
sampler resume $pid &
wait $pid || true # 1: findings; 2: interrupted by hand too
s3=$(date +%s.%N)
report resumed "$work/resume.time" "$s2" "$s3"
grep -h "resuming\|^scan " "$work/scan-resume.log" | head -3
total=$(sqlite3 "$db" "SELECT COUNT(*), COUNT(DISTINCT site_url) FROM scan_sites WHERE scan_id = '$id'" 2>/dev/null || echo '?')
findings=$(sqlite3 "$db" "SELECT COUNT(*) FROM finding_sightings WHERE scan_id = '$id'" 2>/dev/null || echo '?')
secs=$(echo "$s3 - $s2 + $s1 - $s0" | bc -l)
echo "sites recorded (rows|distinct): $total; findings: $findings; scan time in all: $(printf %.0f "$secs") s ($(echo "$n / $secs" | bc -l | xargs printf %.1f) sites/s)"
echo "store: $(du -m "$db" | cut -f1) MB (+ WAL $(du -m "$db-wal" 2>/dev/null | cut -f1 || echo 0) MB); evidence: $(du -sm "$work"/evidence-* | awk '{s+=$1} END {print s}') MB"
echo "memory (run, seconds into it, sites recorded, scan RSS MB, in-use heap MB), nearest each 10,000 sites:"
awk '$3 ~ /^[0-9]+$/ { k = int($3 / 10000); if (!(k in seen)) { seen[k] = 1; print "  " $0 } } END { print "  last: " $0 }' "$work/memory.txt"
echo "farm peak RSS: $(($(field "Maximum resident set size" "$work/farm.time" 2>/dev/null || echo 0) / 1024)) MB (while running: $(ps -o rss= -p "$(pgrep -f "vigie farm --sites $n" | head -1)" 2>/dev/null | awk '{print int($1/1024)}') MB)"

[ "${DASHBOARD:-1}" = 0 ] && exit 0
echo "== dashboard on the $n-site store"
printf 'bench-password-123\n' | "$work/vigie" user add --db "$db" --role viewer bench >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$work/vigie" serve --db "$db" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/login" >/dev/null 2>&1 && break; sleep 0.1; done
python3 bench/dashload.py "http://127.0.0.1:$port" bench bench-password-123 "${REQUESTS:-40}" "${CLIENTS:-4}"
