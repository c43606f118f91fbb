# Sourced by the fleet benchmarks: a throwaway PostgreSQL from Debian's
# packages (initdb and pg_ctl in "$work/pg", on a loopback port, durability
# off), and its cleanup. Needs $work; sets $pgbin and $pport.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
# PostgreSQL refuses to run as root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# pg_start PORT initialises and starts the server on 127.0.0.1:PORT; its
# user vigie needs no password.
pg_start() {
	pport=$1
	mkdir -p "$work/pg"
	[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
	as_pg "$pgbin/initdb" -D "$work/pg/data" -A trust -U vigie -E UTF8 --no-sync --no-instructions >"$work/initdb.log"
	as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w -o \
		"-k $work/pg -p $pport -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null
}
# pg_stop stops it at once, if it runs.
pg_stop() {
	[ -f "$work/pg/data/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
}
