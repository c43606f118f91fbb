#!/usr/bin/env bash
# Scan benchmark: serves N simulated sites (about 10 pages each) on loopback
# with `vigie farm` in its own process, audits them with `vigie scan` and
# prints sites per second, the scanner's CPU time and peak RSS, with evidence off
# (--archive none) and on (--archive findings: WARC records of the
# exchanges findings rely on, masked, and a signed manifest).
#
#   bench/scan.sh [N ...]        default: 1000 10000
#   CONCURRENCY=64 bench/scan.sh 1000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
conc=${CONCURRENCY:-64}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/vigie" ./cmd/vigie
export XDG_DATA_HOME="$work/data" # the evidence signing key

printf '%-8s %-10s %-10s %-8s %-12s %-10s %-9s %s\n' sites seconds sites/s cpu_s peak_rss_MB findings evidence extra
for n in "${sizes[@]}"; do
	dir="$work/farm-$n"
	"$work/vigie" farm --sites "$n" --dir "$dir" 2>"$work/farm.log" &
	farm=$!
	for _ in $(seq 100); do [ -s "$dir/ca.pem" ] && break; sleep 0.1; done
	args=()
	while read -r c; do [ -n "$c" ] && args+=(--connect-to "$c"); done <"$dir/connect-to.txt"
	for mode in "" "--no-tls-probe"; do
		for archive in none findings; do
			rm -rf "$work/evidence"
			start=$(date +%s.%N)
			/usr/bin/time -f '%M %U %S' -o "$work/rss" "$work/vigie" scan --csv "$dir/targets.csv" "${args[@]}" \
				--ca-cert "$dir/ca.pem" --no-dns --db none -c "$conc" --jsonl -o "$work/out.jsonl" $mode \
				--archive "$archive" --evidence-dir "$work/evidence" >/dev/null 2>"$work/scan.log" || [ $? -eq 1 ]
			end=$(date +%s.%N)
			secs=$(echo "$end - $start" | bc -l)
			read -r rss user sys < <(tail -n 1 "$work/rss")
			rss=$((rss / 1024))
			findings=$(grep -c '"check"' "$work/out.jsonl" || true)
			printf '%-8s %-10.2f %-10.1f %-8.2f %-12s %-10s %-9s %s\n' "$n" "$secs" "$(echo "$n / $secs" | bc -l)" "$(echo "$user + $sys" | bc -l)" "$rss" "$findings" "$archive" "${mode:-with-tls-probe}"
		done
	done
	kill $farm; wait $farm 2>/dev/null || true
done
