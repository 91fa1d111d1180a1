#!/usr/bin/env bash
# The import benchmark of issue 20: routing and registry data at Internet size imported while a
# server answers lookups. A full RouteViews pfx2as file (1,050,000 prefixes: the LPM
# benchmark's 900,000 IPv4 + 150,000 IPv6, each with an origin AS), then the five RIRs'
# delegated-extended files (500,000 records), then a second pfx2as file (the same prefixes, other
# origins: the daily update).
#
#   Benchmarks/import.sh [DATA_DIR]      (default: .bench-data; generated when missing)
#
# Generates the files with Benchmarks/gen_routing_data.py (the prefixes come from the LPM
# generator's table.csv, made when missing as Benchmarks/lpm.sh makes it), builds renkei in
# release mode (in $RENKEI_SCRATCH, default /tmp/renkei-release; RENKEI_BIN runs that binary
# instead), starts `renkei serve` on a free port with an empty data directory and, while
# Benchmarks/poll_lookup.py asks GET /api/v1/lookup for addresses of the data 20 times a
# second and samples the server's VmRSS:
#   - times each `renkei import` as a whole command, and its reading and writing parts (from
#     its progress lines);
#   - waits until the answers name the new import (`datasets[].id`, from `renkei import history
#     --json`), then 5 s more;
#   - reads the server's `lookup tables ready ... built in N ms` lines.
# Then measures /healthz and one lookup with wrk (if installed; WRK_DURATION, default 5s) and
# prints Markdown tables. KEEP=1 keeps the work directory (server log, poll records).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=${1:-.bench-data}
SHARED=../shared/bench
SCRATCH=${RENKEI_SCRATCH:-/tmp/renkei-release}
DURATION=${WRK_DURATION:-5s}
SETTLE=5                 # seconds of polling after the answers name a new import
NAMED_TIMEOUT=120        # give up waiting for the answers to name a new import after this

say() { echo "==> $*" >&2; }

# --- the data ----------------------------------------------------------------------------
if [[ ! -f $DATA/table.csv ]]; then
    say "generating the LPM dataset in $DATA"
    python3 "$SHARED/gen_lpm_data.py" --out "$DATA" >&2
fi
ROUTES1=$DATA/routing/routeviews-rv2-20261204-1200.pfx2as
ROUTES2=$DATA/routing/routeviews-rv2-20261205-1200.pfx2as
RIR_DIR=$DATA/routing/rir
if [[ ! -f $ROUTES1 || ! -f $ROUTES2 || $DATA/table.csv -nt $ROUTES1 ]]; then
    say "generating the pfx2as files from $DATA/table.csv"
    python3 Benchmarks/gen_routing_data.py pfx2as --table "$DATA/table.csv" --seed 1 --out "$ROUTES1"
    python3 Benchmarks/gen_routing_data.py pfx2as --table "$DATA/table.csv" --seed 2 --out "$ROUTES2"
fi
if [[ ! -f $RIR_DIR/delegated-ripencc-extended-latest ]]; then
    say "generating the RIR files"
    python3 Benchmarks/gen_routing_data.py rir --out "$RIR_DIR"
fi
RIR_FILES=("$RIR_DIR"/delegated-{afrinic,apnic,arin,lacnic,ripencc}-extended-latest)

# --- the binary --------------------------------------------------------------------------
if [[ -n ${RENKEI_BIN:-} ]]; then
    BIN=$RENKEI_BIN
else
    say "swift build -c release --scratch-path $SCRATCH"
    swift build -c release --scratch-path "$SCRATCH" --product renkei >&2
    BIN=$SCRATCH/release/renkei
fi

WORK=$(mktemp -d /tmp/renkei-import-bench.XXXXXX)
SERVER_PID=
POLLER_PID=
cleanup() {
    if [[ -n $POLLER_PID ]]; then kill "$POLLER_PID" 2>/dev/null || true; wait "$POLLER_PID" 2>/dev/null || true; fi
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; else say "work directory kept in $WORK"; fi
}
trap cleanup EXIT

# The server is measured, not its limits: the rate limits are raised for the run.
export RENKEI_API_RATE_LIMIT=1000000000 RENKEI_API_RATE_LIMIT_ANONYMOUS=1000000000 \
    RENKEI_LOOKUP_TOKEN_RATE_LIMIT=1000000000 RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS=1000000000
export RENKEI_DATA_DIR=$WORK/data
unset DATABASE_URL RENKEI_DATASET_HISTORY
mkdir -p "$RENKEI_DATA_DIR"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- the server and the poller -----------------------------------------------------------
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
SERVER_LOG=$WORK/serve.log
# Info level: the server's `lookup tables ready` lines are info.
LOG_LEVEL=info RENKEI_PUBLIC_URL=$BASE "$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; exit 1; }
    sleep 0.5
done
curl -fs "$BASE/healthz" >/dev/null || { say "the server did not answer"; exit 1; }

python3 Benchmarks/poll_lookup.py addresses --pfx2as "$ROUTES1" --rir "$RIR_DIR" --out "$WORK/addresses.txt"
RECORDS=$WORK/poll.jsonl
EVENTS=$WORK/events.jsonl
: >"$EVENTS"
python3 Benchmarks/poll_lookup.py poll --url "$BASE" --addresses "$WORK/addresses.txt" --out "$RECORDS" \
    --rate 20 --pid "$SERVER_PID" 2>"$WORK/poll.err" &
POLLER_PID=$!
say "polling the lookup for 5 s before the imports"
sleep 5

current_id() { # KIND -> the id of the current import of KIND (empty, and a warning, if none)
    LOG_LEVEL=warning "$BIN" import history --json "$1" | python3 -c '
import json, sys
kind = sys.argv[1]
try:
    entries = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
current = [d for d in entries if d.get("kind") == kind and d.get("current")]
print(current[0]["id"] if current else "")' "$1" || say "renkei import history --json $1 failed"
}

# import_run LABEL KIND FILE...: one import, timed from its progress lines, then polling until
# the answers name it and SETTLE seconds more.
import_run() {
    local label=$1 kind=$2
    shift 2
    local out=$WORK/import-$kind-$(wc -l <"$EVENTS").out lines log_lines start end writing id
    lines=$(cat "$@" | wc -l)
    log_lines=$(wc -l <"$SERVER_LOG")
    say "$label: renkei import $kind ($# file(s), $lines lines)"
    start=$EPOCHREALTIME
    if ! LOG_LEVEL=warning "$BIN" import "$kind" "$@" 2>"$out.err" \
            | while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done >"$out"; then
        cat "$out" "$out.err" >&2
        exit 1
    fi
    end=$EPOCHREALTIME
    writing=$(awk '/ Writing the / {print $1; exit}' "$out")
    [[ -n $writing ]] || { say "$label: no “Writing the $kind dataset” line"; cat "$out" >&2; writing=$end; }
    id=$(current_id "$kind")
    say "$label: $(cut -d' ' -f2- "$out" | tail -n 1) (import $id)"
    local waited=0
    until [[ -z $id ]] || grep -q "\"$kind\":\"$id\"" "$RECORDS"; do
        sleep 0.2
        waited=$((waited + 1))
        if ((waited > NAMED_TIMEOUT * 5)); then say "$label: the answers did not name import $id within $NAMED_TIMEOUT s"; break; fi
    done
    sleep "$SETTLE"
    local settled=$EPOCHREALTIME summary entries skipped rebuild
    summary=$(grep -o "Imported the $kind dataset: [0-9]* entries, [0-9]* lines skipped" "$out" || echo "0 entries, 0 lines")
    entries=$(sed -E 's/.*: ([0-9]+) entries.*/\1/' <<<"$summary")
    skipped=$(sed -E 's/.*, ([0-9]+) lines.*/\1/' <<<"$summary")
    rebuild=$(tail -n +"$((log_lines + 1))" "$SERVER_LOG" | grep 'lookup tables ready' | grep -o 'built in [0-9]* ms' \
        | grep -o '[0-9]*' | paste -sd, - || true)
    printf '{"label": "%s", "kind": "%s", "files": %d, "lines": %d, "start": %s, "writing": %s, "end": %s, "settled": %s, "id": "%s", "entries": %d, "skipped": %d, "rebuild_ms": [%s]}\n' \
        "$label" "$kind" "$#" "$lines" "$start" "$writing" "$end" "$settled" "$id" "$entries" "$skipped" "$rebuild" >>"$EVENTS"
}

import_run "pfx2as (into an empty dataset)" pfx2as "$ROUTES1"
import_run "rir, 5 files" rir "${RIR_FILES[@]}"
import_run "pfx2as again (replaces the first)" pfx2as "$ROUTES2"

kill "$POLLER_PID"; wait "$POLLER_PID" 2>/dev/null || true; POLLER_PID=

# --- throughput for reference ------------------------------------------------------------
WRK_ROWS=()
if command -v wrk >/dev/null; then
    lookup_ip=$(head -n 1 "$WORK/addresses.txt")
    for path in /healthz "/api/v1/lookup?q=$lookup_ip"; do
        say "wrk -t2 -c32 -d$DURATION $path"
        out=$(wrk -t2 -c32 -d"$DURATION" --latency "$BASE$path")
        WRK_ROWS+=("| GET $path (after the imports) | $(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out") | $(awk '$1 == "50%" {print $2}' <<<"$out") | $(awk '$1 == "99%" {print $2}' <<<"$out") |")
    done
else
    say "wrk is not installed: no throughput figures"
fi

echo
python3 Benchmarks/poll_lookup.py report --records "$RECORDS" --events "$EVENTS"
if ((${#WRK_ROWS[@]})); then
    echo
    echo "| request (wrk -t2 -c32 -d$DURATION) | req/s | p50 | p99 |"
    echo "| --- | --- | --- | --- |"
    printf '%s\n' "${WRK_ROWS[@]}"
fi
echo
echo "renkei serve with SQLite; the poller's lookups go to $(wc -l <"$WORK/addresses.txt") addresses of the data in turn; $(nproc) cores."
