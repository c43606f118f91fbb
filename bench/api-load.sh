#!/usr/bin/env bash
# Load test of the HTTP API and the dashboard (web.TestLoad): CLIENTS
# concurrent clients for DURATION seconds over loopback, against a SQLite
# store of SITES sites with FINDINGS findings each; prints p50/p95/p99
# latencies and errors per kind of request.
#
#   bench/api-load.sh                       50 clients, 60 s, 10,000 sites x 20
#   CLIENTS=100 DURATION=30 bench/api-load.sh
#   VIGIE_LOAD_DB=/tmp/load.db bench/api-load.sh   keep the store between runs
set -euo pipefail
cd "$(dirname "$0")/.."
export VIGIE_LOAD=1
exec go test ./web -run '^TestLoad$' -count=1 -v -timeout 60m
