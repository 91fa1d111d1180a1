#!/usr/bin/env bash
# The coverage benchmark: /coverage and /api/v1/coverage with routing and registry data at
# Internet size (the import benchmark's 1,050,000-prefix pfx2as file and five RIR files of
# 500,000 records) over the demo directory (197 teams).
#
#   Benchmarks/coverage.sh [DATA_DIR]      (default: .bench-data; generated when missing)
#
# Loads the demo and imports the files into an empty data directory with a release build
# (RENKEI_BIN runs another binary), starts `renkei serve`, then times with curl, each as the
# median and maximum of REQUESTS requests (default 20), next to /healthz from the same run:
#   - the first /api/v1/coverage after the import (the address coverage is computed, for the
#     anonymous audience), and the first for a member (computed for that audience);
#   - /api/v1/coverage and the /coverage page once computed (kept per version of the tables).
# Prints a Markdown table. KEEP=1 keeps the work directory.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=${1:-.bench-data}
SHARED=../shared/bench
SCRATCH=${RENKEI_SCRATCH:-/tmp/renkei-release}
REQUESTS=${REQUESTS:-20}

say() { echo "==> $*" >&2; }

if [[ ! -f $DATA/table.csv ]]; then
    say "generating the LPM dataset in $DATA"
    python3 "$SHARED/gen_lpm_data.py" --out "$DATA" >&2
fi
ROUTES=$DATA/routing/routeviews-rv2-20261204-1200.pfx2as
RIR_DIR=$DATA/routing/rir
if [[ ! -f $ROUTES ]]; then python3 Benchmarks/gen_routing_data.py pfx2as --table "$DATA/table.csv" --seed 1 --out "$ROUTES"; fi
if [[ ! -f $RIR_DIR/delegated-ripencc-extended-latest ]]; then python3 Benchmarks/gen_routing_data.py rir --out "$RIR_DIR"; fi

if [[ -n ${RENKEI_BIN:-} ]]; then
    BIN=$RENKEI_BIN
else
    say "building renkei (release) in $SCRATCH"
    swift build -c release --scratch-path "$SCRATCH" --product renkei >&2
    BIN=$SCRATCH/release/renkei
fi

WORK=$(mktemp -d /tmp/renkei-coverage-bench.XXXXXX)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; else say "work directory kept in $WORK"; fi
}
trap cleanup EXIT
export RENKEI_API_RATE_LIMIT=1000000000 RENKEI_API_RATE_LIMIT_ANONYMOUS=1000000000
export RENKEI_DATA_DIR=$WORK/data
unset DATABASE_URL
mkdir -p "$RENKEI_DATA_DIR"

say "loading the demo and importing the Internet-size files"
LOG_LEVEL=warning "$BIN" demo >/dev/null
LOG_LEVEL=warning "$BIN" import pfx2as "$ROUTES" >&2
LOG_LEVEL=warning "$BIN" import rir "$RIR_DIR"/delegated-*-extended-latest >&2
TOKEN=$(LOG_LEVEL=warning "$BIN" user token --email member@renkei-demo.example --name bench | grep -Eo '[A-Za-z0-9_-]{30,}' | tail -1)

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
LOG_LEVEL=info RENKEI_PUBLIC_URL=$BASE "$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
    grep -q "lookup tables ready" "$WORK/serve.log" 2>/dev/null && curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.5
done

once() { curl -fs -o /dev/null -w '%{time_total}\n' "$@"; }
# times LABEL ARGS...: REQUESTS requests, their median and maximum in milliseconds.
times() {
    local label=$1; shift
    for _ in $(seq 1 "$REQUESTS"); do once "$@"; done | python3 -c '
import statistics, sys
values = sorted(float(line) * 1000 for line in sys.stdin)
print(f"| {sys.argv[1]} | {statistics.median(values):.1f} | {values[-1]:.1f} |")' "$label"
}
COLD_ANON=$(once "$BASE/api/v1/coverage")
COLD_MEMBER=$(once -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/coverage")
echo "| Request ($REQUESTS each) | median ms | max ms |"
echo "|---|---:|---:|"
times "/healthz" "$BASE/healthz"
times "/api/v1/coverage (anonymous)" "$BASE/api/v1/coverage"
times "/api/v1/coverage (member)" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/coverage"
times "/coverage (page, anonymous)" "$BASE/coverage"
python3 -c 'import sys; print(f"| first /api/v1/coverage after the import: anonymous, member | {float(sys.argv[1])*1000:.0f}, {float(sys.argv[2])*1000:.0f} | |")' "$COLD_ANON" "$COLD_MEMBER"
grep -Eo "lookup tables ready: built in [0-9]+ ms" "$WORK/serve.log" | tail -1 | sed 's/^/tables: /' >&2
