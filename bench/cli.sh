#!/usr/bin/env bash
# Whole-CLI benchmark, as a new user runs Vigie: serves N simulated sites
# (about ten 20–40 KB pages each) with `vigie farm` in its own process, then
# audits them RUNS times with `vigie scan` writing the SQLite history, the
# evidence archive (--archive findings) and the TLS probe on. Prints wall
# time, sites per second, CPU seconds and peak RSS of each run, and writes the
# sorted finding IDs of the last run to $IDS (default: ./cli-ids-N.txt) so that
# two commits can be compared with diff.
#
#   bench/cli.sh [N]                 default: 1000
#   RUNS=5 CONCURRENCY=64 VIGIE=/path/to/vigie bench/cli.sh 1000
#   PROFILE=cpu.out bench/cli.sh 1000   # also writes a CPU profile of the last run
#   FARM_PROFILE=farm.out bench/cli.sh 1000   # and of the farm (warm-up included)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
runs=${RUNS:-3}
conc=${CONCURRENCY:-64}
ids=${IDS:-$PWD/cli-ids-$n.txt}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -n "${VIGIE:-}" ]; then cp "$VIGIE" "$work/vigie"; else go build -o "$work/vigie" ./cmd/vigie; fi
export XDG_DATA_HOME="$work/data" # the evidence signing key

dir="$work/farm"
farm_prof=()
[ -n "${FARM_PROFILE:-}" ] && farm_prof=(env VIGIE_CPUPROFILE="$FARM_PROFILE")
"${farm_prof[@]}" "$work/vigie" farm --sites "$n" --dir "$dir" 2>"$work/farm.log" &
farm_pid=$!
# farm_cpu prints the farm's CPU seconds so far (user + system): the farm
# shares the machine's cores with the scan.
farm_cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$farm_pid/stat"; }
for _ in $(seq 100); do [ -s "$dir/ca.pem" ] && break; sleep 0.1; done
net=(--ca-cert "$dir/ca.pem" --no-dns)
while read -r c; do [ -n "$c" ] && net+=(--connect-to "$c"); done <"$dir/connect-to.txt"
# A first, discarded pass warms the farm up (its pages are built on first use).
"$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" --db none --archive none --no-tls-probe -c "$conc" \
	--jsonl -o /dev/null >/dev/null 2>&1 || true

printf '%-5s %-6s %-8s %-8s %-7s %-7s %-8s %-9s %-8s %s\n' run sites seconds sites/s cpu_s farm_s rss_MB findings db_MB evidence_MB
for r in $(seq "$runs"); do
	rm -rf "$work/evidence" "$work/history.db"*
	prof=()
	[ -n "${PROFILE:-}" ] && [ "$r" = "$runs" ] && prof=(env VIGIE_CPUPROFILE="$PROFILE")
	farm0=$(farm_cpu)
	start=$(date +%s.%N)
	/usr/bin/time -f "%M %U %S" -o "$work/rss" "${prof[@]}" "$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" \
		--db "$work/history.db" --archive findings --evidence-dir "$work/evidence" -c "$conc" \
		--jsonl -o "$work/out.jsonl" >/dev/null 2>"$work/scan.log" || [ $? -eq 1 ] || { cat "$work/scan.log" >&2; exit 1; }
	end=$(date +%s.%N)
	secs=$(echo "$end - $start" | bc -l)
	read -r rss user sys < <(tail -n 1 "$work/rss")
	findings=$(grep -c '"check"' "$work/out.jsonl" || true)
	printf '%-5s %-6s %-8.2f %-8.1f %-7.2f %-7.2f %-8s %-9s %-8s %s\n' "$r" "$n" "$secs" "$(echo "$n / $secs" | bc -l)" \
		"$(echo "$user + $sys" | bc -l)" "$(echo "$(farm_cpu) - $farm0" | bc -l)" $((rss / 1024)) "$findings" \
		$(($(du -sk "$work/history.db" | cut -f1) / 1024)) $(($(du -sk "$work/evidence" | cut -f1) / 1024))
done
grep '"check"' "$work/out.jsonl" | sed 's/^{"id":"\([^"]*\)".*/\1/' | sort >"$ids"
echo "finding IDs: $ids ($(wc -l <"$ids"))"
