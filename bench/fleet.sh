#!/usr/bin/env bash
# Fleet benchmark: serves N simulated sites with `vigie farm`, starts
# Debian's nats-server with JetStream and a throwaway PostgreSQL (initdb and
# pg_ctl in a temporary directory, on loopback ports), then audits the farm
# with 1, 2 and 4 `vigie worker` processes driven by `vigie scan --queue
# --wait`, and in local mode (`vigie scan` alone, SQLite). Prints wall time,
# sites per second, the CPU seconds of vigie's processes (coordinator and
# workers; not NATS nor PostgreSQL), the coordinator's (or local scanner's)
# peak RSS and the largest worker peak RSS, and how busy the machine's
# cores were (farm, NATS and PostgreSQL included).
#
#   bench/fleet.sh [N]              default: 2000
#   WORKERS="1 2 4" CONCURRENCY=16 bench/fleet.sh 2000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
conc=${CONCURRENCY:-16}
counts=${WORKERS:-1 2 4}
work=$(mktemp -d)
chmod 755 "$work"
. bench/lib/pg.sh
cleanup() {
	pg_stop
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mb() { echo $(($1 / 1024)); }
# busy: jiffies spent busy and in all by the whole machine (farm, NATS and
# PostgreSQL included), from /proc/stat.
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
busypct() { echo "$1 $2" | awk '{printf "%.0f", 100 * ($3 - $1) / ($4 - $2)}'; }
rss() { tail -n 1 "$1" | cut -d' ' -f1; }
cpu() { tail -n 1 "$1" | awk '{print $2 + $3}'; }

go build -o "$work/vigie" ./cmd/vigie

# The farm, in its own process.
dir="$work/farm"
"$work/vigie" farm --sites "$n" --dir "$dir" 2>"$work/farm.log" &
for _ in $(seq 100); do [ -s "$dir/ca.pem" ] && break; sleep 0.1; done
net=(--ca-cert "$dir/ca.pem" --no-dns)
while read -r c; do [ -n "$c" ] && net+=(--connect-to "$c"); done <"$dir/connect-to.txt"

# NATS with JetStream.
nport=$(free_port)
nats-server -js -sd "$work/nats" -a 127.0.0.1 -p "$nport" 2>"$work/nats.log" &
queue=nats://127.0.0.1:$nport

# A throwaway PostgreSQL.
pg_start "$(free_port)"
db="postgres://vigie@127.0.0.1:$pport/postgres?sslmode=disable"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nport") 2>/dev/null && break; sleep 0.1; done

# A first, discarded pass warms the farm up (its pages are built on first use).
"$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" --db none --archive none -c "$conc" --jsonl -o /dev/null >/dev/null 2>&1 || true

printf '%-7s %-8s %-8s %-8s %-7s %-6s %-13s %-14s %-9s %s\n' mode workers seconds sites/s cpu_s busy% coord_rss_MB worker_rss_MB findings note

# Local mode: one process, SQLite; without evidence as the fleet (workers
# keep none), then with the default evidence archive.
export XDG_DATA_HOME="$work/data" # the evidence signing key
for archive in none findings; do
	start=$(date +%s.%N); b0=$(busy)
	/usr/bin/time -f '%M %U %S' -o "$work/local.rss" "$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" \
		--db "$work/local-$archive.db" -c "$conc" --archive "$archive" --evidence-dir "$work/evidence" \
		--jsonl -o "$work/local.jsonl" >/dev/null 2>"$work/local.log" || [ $? -eq 1 ]
	end=$(date +%s.%N); b1=$(busy)
	secs=$(echo "$end - $start" | bc -l)
	printf '%-7s %-8s %-8.2f %-8.1f %-7.1f %-6s %-13s %-14s %-9s %s\n' local - "$secs" "$(echo "$n / $secs" | bc -l)" \
		"$(cpu "$work/local.rss")" "$(busypct "$b0" "$b1")" "$(mb "$(rss "$work/local.rss")")" - "$(grep -c '"check"' "$work/local.jsonl" || true)" "--archive $archive"
done

# Fleet mode: W workers on this machine, one coordinator.
for w in $counts; do
	tpids=()
	for i in $(seq "$w"); do
		lport=$(free_port)
		/usr/bin/time -f '%M %U %S' -o "$work/worker-$w-$i.rss" "$work/vigie" worker --queue "$queue" --db "$db" \
			-c "$conc" --listen "127.0.0.1:$lport" --log-format json 2>"$work/worker-$w-$i.log" &
		tpids+=($!)
		for _ in $(seq 100); do curl -fs "http://127.0.0.1:$lport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
	done
	start=$(date +%s.%N); b0=$(busy)
	/usr/bin/time -f '%M %U %S' -o "$work/coord-$w.rss" "$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" \
		--queue "$queue" --db "$db" --wait --jsonl -o "$work/fleet-$w.jsonl" >/dev/null 2>"$work/coord-$w.log" || [ $? -eq 1 ]
	end=$(date +%s.%N); b1=$(busy)
	# Stop the workers (SIGTERM to the worker, child of /usr/bin/time).
	for t in "${tpids[@]}"; do kill -TERM $(pgrep -P "$t") 2>/dev/null || true; done
	for t in "${tpids[@]}"; do wait "$t" || true; done
	maxrss=0
	cpus=$(cpu "$work/coord-$w.rss")
	for i in $(seq "$w"); do
		r=$(rss "$work/worker-$w-$i.rss")
		[ "$r" -gt "$maxrss" ] && maxrss=$r
		cpus=$(echo "$cpus + $(cpu "$work/worker-$w-$i.rss")" | bc -l)
	done
	secs=$(echo "$end - $start" | bc -l)
	printf '%-7s %-8s %-8.2f %-8.1f %-7.1f %-6s %-13s %-14s %-9s %s\n' fleet "$w" "$secs" "$(echo "$n / $secs" | bc -l)" \
		"$cpus" "$(busypct "$b0" "$b1")" "$(mb "$(rss "$work/coord-$w.rss")")" "$(mb "$maxrss")" "$(grep -c '"check"' "$work/fleet-$w.jsonl" || true)" "-c $conc per worker"
done
