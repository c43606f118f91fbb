#!/usr/bin/env bash
# Fleet recovery benchmark (issue 21): how long a queued scan of N farm
# sites takes, against a local scan of the same sites run just before it,
# when during the scan
#   kill   one of the workers is killed with SIGKILL,
#   pg     PostgreSQL is restarted (pg_ctl restart -m fast),
#   nats   the NATS server is restarted (SIGTERM, then started again on the
#          same port and store),
#   none   nothing happens (the fleet's own overhead).
# Real programs throughout: `vigie farm`, Debian's nats-server with
# JetStream, a throwaway PostgreSQL (initdb and pg_ctl on loopback), `vigie
# worker` processes and `vigie scan --queue --wait`, all with their default
# timings (ack wait, give-up, backoff) unless WORKER_FLAGS says otherwise.
#
# For each scenario it prints the load average before the pair of runs, the
# local and fleet wall times and their ratio, when the event happened and
# how long the fleet took after it, how long the coordinator took to write
# the results once every site was recorded (write_s) and a `vigie report`
# of the scan afterwards (report_s), the sites recorded in the store (rows
# and distinct URLs of the scan: each site must be there exactly once), how
# many audits the workers recorded (above N: sites audited again, a job
# redelivered after its record was committed), the jobs delivered again
# and when the last of them was recorded after the event (again/last; a
# killed worker's jobs come back after the ack wait), and whether the fleet's
# finding IDs (from the store and from its JSONL) equal the local scan's.
#
#   bench/fleet-recovery.sh [N]              default: 2000
#   SCENARIOS="kill pg nats" WORKERS=3 CONCURRENCY=32 WORKER_C=12 AT=0.33 bench/fleet-recovery.sh 2000
#   NATS_DOWN=5 bench/fleet-recovery.sh      # NATS down for 5 s between stop and start
#   WORKER_FLAGS="--ack-wait 10s" bench/fleet-recovery.sh
#
# The machine's other load skews wall times: the two runs of a pair are
# back to back, and the load average is printed with each pair.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
scenarios=${SCENARIOS:-kill pg nats}
nworkers=${WORKERS:-3}
conc=${CONCURRENCY:-32} # the local scan's -c
wconc=${WORKER_C:-12}   # each worker's -c
at=${AT:-0.33}          # the event happens once this share of the sites is recorded
natsdown=${NATS_DOWN:-0}
read -r -a wflags <<<"${WORKER_FLAGS:-}"
work=$(mktemp -d)
chmod 755 "$work"
. bench/lib/pg.sh
natspid=
cleanup() {
	pg_stop
	kill $(jobs -p) 2>/dev/null || true
	[ -n "$natspid" ] && kill "$natspid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' /; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# stamp prefixes each line with the seconds since $1.
stamp() { while IFS= read -r l; do printf '%6.2f %s\n' "$(since "$1")" "$l"; done; }
metric() { curl -fs "http://$1/metrics" 2>/dev/null | awk -v m="$2" '$1 == m {print $2}'; }

go build -o "$work/vigie" ./cmd/vigie

# The farm, in its own process.
dir="$work/farm"
"$work/vigie" farm --sites "$n" --dir "$dir" 2>"$work/farm.log" &
for _ in $(seq 600); do [ -s "$dir/ca.pem" ] && [ -s "$dir/connect-to.txt" ] && break; sleep 0.1; done
[ -s "$dir/connect-to.txt" ] || { echo "the farm did not start:" >&2; cat "$work/farm.log" >&2; exit 1; }
net=(--ca-cert "$dir/ca.pem" --no-dns)
while read -r c; do [ -n "$c" ] && net+=(--connect-to "$c"); done <"$dir/connect-to.txt"

# NATS with JetStream, restartable on the same port and store.
nport=$(free_port)
queue=nats://127.0.0.1:$nport
start_nats() {
	nats-server -js -sd "$work/nats" -a 127.0.0.1 -p "$nport" >>"$work/nats.log" 2>&1 &
	natspid=$!
	wait_port "$nport"
}
stop_nats() { kill -TERM "$natspid"; wait "$natspid" 2>/dev/null || true; natspid=; }
start_nats

# A throwaway PostgreSQL.
pg_start "$(free_port)"
# One database per scenario: each fleet scan, like its local scan, starts
# with no history (no open findings of earlier scans to revisit).
sql() { "$pgbin/psql" -X -A -t -q -h 127.0.0.1 -p "$pport" -U vigie -d "$1" -c "$2"; }

# A first, discarded pass warms the farm up (its pages are built on first use).
"$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" --db none --archive none -c "$conc" --jsonl -o /dev/null >/dev/null 2>&1 || true

ids() { jq -r 'select(.check != null) | .id' "$1" | LC_ALL=C sort; }

printf '%-5s %-15s %-8s %-8s %-6s %-8s %-8s %-8s %-9s %-12s %-7s %-10s %-9s %s\n' \
	event load local_s fleet_s ratio event_s after_s write_s report_s rows/distinct audits again/last findings same_ids
k=0
for sc in $scenarios; do
	k=$((k + 1))
	# The local scan, SQLite, no evidence (workers keep none).
	load=$(loadavg)
	t0=$(now)
	"$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" --db "$work/local-$k.db" -c "$conc" --archive none \
		--jsonl -o "$work/local-$k.jsonl" >/dev/null 2>"$work/local-$k.log" || [ $? -eq 1 ]
	local_s=$(since "$t0")
	ids "$work/local-$k.jsonl" >"$work/local-$k.ids"

	# The fleet: workers, then the coordinator.
	sql postgres "CREATE DATABASE fleet_$k" >/dev/null
	db="postgres://vigie@127.0.0.1:$pport/fleet_$k?sslmode=disable"
	addrs=() pids=()
	for i in $(seq "$nworkers"); do
		lport=$(free_port)
		"$work/vigie" worker --queue "$queue" --db "$db" -c "$wconc" --listen "127.0.0.1:$lport" --log-format json \
			--allow-private --allow-job-network "${wflags[@]}" 2>"$work/worker-$k-$i.log" &
		pids+=($!) addrs+=("127.0.0.1:$lport")
		for _ in $(seq 100); do curl -fs "http://127.0.0.1:$lport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
	done
	t0=$(now)
	"$work/vigie" scan --csv "$dir/targets.csv" "${net[@]}" --queue "$queue" --db "$db" --wait \
		--jsonl -o "$work/fleet-$k.jsonl" >/dev/null 2> >(stamp "$t0" >"$work/coord-$k.log") &
	coord=$!

	# The event, once a share of the sites is recorded (and, to kill a
	# worker, while it holds jobs).
	event_s=- event_at=
	if [ "$sc" != none ]; then
		goal=$(echo "$n * $at / 1" | bc)
		while kill -0 "$coord" 2>/dev/null; do
			total=0
			for a in "${addrs[@]}"; do total=$((total + $(metric "$a" vigie_worker_jobs_done_total || echo 0))); done
			held=$(metric "${addrs[0]}" vigie_worker_jobs_in_flight || echo 0)
			if [ "$total" -ge "$goal" ] && { [ "$sc" != kill ] || [ "$held" -gt 0 ]; }; then break; fi
			sleep 0.05
		done
		event_s=$(since "$t0")
		event_at=$(now)
		case $sc in
		kill)
			kill -KILL "${pids[0]}"
			{ wait "${pids[0]}"; } 2>/dev/null || true
			;;
		pg) as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w restart >/dev/null ;;
		nats)
			stop_nats
			sleep "$natsdown"
			start_nats
			;;
		*) echo "unknown scenario $sc" >&2; exit 2 ;;
		esac
		event_s=$(printf '%.1f' "$event_s")
	fi
	wait "$coord" || [ $? -eq 1 ] || { echo "coordinator failed:" >&2; tail -n 20 "$work/coord-$k.log" >&2; exit 1; }
	fleet_s=$(since "$t0")
	after_s=-
	[ "$event_s" != - ] && after_s=$(printf '%.1f' "$(echo "$fleet_s - $event_s" | bc -l)")

	# A job committed but not acknowledged (the killed worker's, or one
	# whose acknowledgement the NATS restart lost) comes back and is
	# recorded again, maybe after the coordinator ended: wait for the
	# queue to drain before counting.
	for _ in $(seq 600); do
		pend=0
		for a in "${addrs[@]:1}"; do pend=$((pend + $(metric "$a" vigie_worker_jobs_in_flight || echo 0))); done
		depth=$(metric "${addrs[1]}" vigie_queue_depth || echo 1)
		[ "$pend" = 0 ] && [ "$depth" = 0 ] && break
		sleep 0.1
	done
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done

	id=$(sed -n 's/^ *[0-9.]* scan \([^:]*\): [0-9]* sites queued.*/\1/p' "$work/coord-$k.log" | head -n 1)
	rows=$(sql "fleet_$k" "SELECT count(*) || '/' || count(DISTINCT site_url) FROM scan_sites WHERE scan_id = '$id'")
	audits=$(cat "$work"/worker-"$k"-*.log | jq -r --arg id "$id" 'select(.msg == "site recorded" and .scan == $id) | .site' | wc -l)
	sql "fleet_$k" "SELECT finding_id FROM finding_sightings WHERE scan_id = '$id' ORDER BY 1" | LC_ALL=C sort >"$work/store-$k.ids"
	ids "$work/fleet-$k.jsonl" >"$work/fleet-$k.ids"
	# How long the coordinator took to write the results once every site
	# was recorded, and a `vigie report` of the same scan afterwards.
	write_s=$(awk '/ sites done, / {d = $1} / sites in / {e = $1} END {printf "%.1f", e - d}' "$work/coord-$k.log")
	t1=$(now)
	"$work/vigie" report --db "$db" "$id" --jsonl -o /dev/null 2>/dev/null
	report_s=$(printf '%.1f' "$(since "$t1")")
	# Jobs delivered again (attempt > 1) and when the last of them was
	# recorded, in seconds after the event: a killed worker's jobs come
	# back after the ack wait.
	back=$(cat "$work"/worker-"$k"-*.log | python3 -c '
import json, sys, datetime
at = float(sys.argv[1]) if sys.argv[1] else None
n, last = 0, None
for l in sys.stdin:
    try:
        r = json.loads(l)
    except ValueError:
        continue
    if r.get("msg") == "site recorded" and r.get("attempt", 1) > 1:
        n += 1
        t = datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
        last = t if last is None else max(last, t)
print(n if last is None or at is None else "%d/%.1f" % (n, last - at))
' "${event_at:-}")
	same=no
	cmp -s "$work/local-$k.ids" "$work/store-$k.ids" && cmp -s "$work/local-$k.ids" "$work/fleet-$k.ids" && same=yes
	printf '%-5s %-15s %-8.1f %-8.1f %-6.2f %-8s %-8s %-8s %-9s %-12s %-7s %-10s %-9s %s\n' "$sc" "$load" "$local_s" "$fleet_s" \
		"$(echo "$fleet_s / $local_s" | bc -l)" "$event_s" "$after_s" "$write_s" "$report_s" "$rows" "$audits" "$back" "$(wc -l <"$work/store-$k.ids")" "$same"
	if [ -n "${VERBOSE:-}" ]; then
		{ grep -v ' scan [^:]*: [0-9]*/' "$work/coord-$k.log" || true; grep ' scan [^:]*: [0-9]*/' "$work/coord-$k.log" | tail -n 1; } |
			sort -n | sed 's/^/  coordinator: /' >&2
		cat "$work"/worker-"$k"-*.log | jq -r 'select(.level != "INFO") | "  worker: \(.level) \(.msg) \(.err // "" | gsub("https?://[^ :]*"; "URL") | .[0:70])"' | sort | uniq -c | sort -rn | head -n 15 >&2 || true
	fi
done
