#!/usr/bin/env bash
# The TAXII 2.1 benchmark: how long a client takes to pull a member's whole "everything"
# collection (at least 100,000 STIX objects) page by page, and whether a page deep in the walk
# costs what the first one does (the last/first ratio; 1.0 means paging by `next` does not slow
# down with depth). Every page time is printed next to `GET /healthz` of the same run (median of
# 50), so the figures hold on a noisy machine. The same objects are then loaded into medallion
# 3.0.0 (OASIS's reference TAXII server, memory backend) and walked the same way, with a timeout.
#
#   Benchmarks/taxii.sh [ITEMS]                   the whole run (default ITEMS: see below)
#   Benchmarks/taxii.sh --medallion-only [N|FILE] medallion alone: on N invented objects (default
#                                                 100000), or on a dump a whole run kept (KEEP=1)
#
# Builds nothing: RENKEI_BIN (default .build/release/renkei; `swift build -c release` makes it)
# runs `renkei demo scale --teams $TEAMS --items ITEMS --seed 1` into a temporary data directory,
# `renkei serve` on a free port and `renkei user token` for member@renkei-demo.example; the
# walker is Benchmarks/taxii_walk.py (requests; medallion from the interop venv, .venv-interop).
# Environment: RENKEI_BIN, PYTHON (default .venv-interop/bin/python), TEAMS (default 200),
# PAGE (default 1000 objects a page), MEDALLION_TIMEOUT (default 600 s), KEEP=1 keeps the data
# directory and the dump of the objects.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
TEAMS=${TEAMS:-200}
PAGE=${PAGE:-1000}
MEDALLION_TIMEOUT=${MEDALLION_TIMEOUT:-600}
PYTHON=${PYTHON:-$REPO/.venv-interop/bin/python}
MEMBER=member@renkei-demo.example
MIN_OBJECTS=100000
# member@ reads about 1.4 STIX objects per loaded item at 200 teams, seed 1 (7,151 objects from
# 5,000 items: the community's items, Lindenfeld-CSIRT's and those shared with the member by name,
# each a report or note with its indicators and vulnerabilities). 80,000 items give about 114,000
# objects in the everything collection; the walker checks there are at least MIN_OBJECTS.
DEFAULT_ITEMS=80000

say() { echo "==> $*" >&2; }

[[ -x $PYTHON ]] || { say "no Python at $PYTHON (make the interop venv, or set PYTHON)"; exit 1; }
"$PYTHON" -c 'import medallion, requests' 2>/dev/null || { say "$PYTHON lacks medallion or requests"; exit 1; }

WORK=$(mktemp -d /tmp/renkei-taxii-bench.XXXXXX)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; else say "data kept in $WORK"; fi
}
trap cleanup EXIT

medallion_walk() { # DUMP
    say "medallion 3.0.0 on the same objects (timeout ${MEDALLION_TIMEOUT} s)"
    "$PYTHON" Benchmarks/taxii_walk.py medallion --dump "$1" --page "$PAGE" --timeout "$MEDALLION_TIMEOUT"
}

if [[ ${1:-} == --medallion-only ]]; then
    source=${2:-100000}
    if [[ -f $source ]]; then
        dump=$source
    else
        dump=$WORK/objects.json
        "$PYTHON" Benchmarks/taxii_walk.py synthetic --objects "$source" --dump "$dump"
    fi
    medallion_walk "$dump"
    exit 0
fi

ITEMS=${1:-$DEFAULT_ITEMS}
BIN=${RENKEI_BIN:-.build/release/renkei}
[[ -x $BIN ]] || { say "no renkei binary at $BIN (swift build -c release, or set RENKEI_BIN)"; exit 1; }

# The server is measured, not its limits: the rate limits are raised for the run.
export LOG_LEVEL=warning RENKEI_API_RATE_LIMIT=1000000000 RENKEI_API_RATE_LIMIT_ANONYMOUS=1000000000 \
    RENKEI_LOOKUP_TOKEN_RATE_LIMIT=1000000000 RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS=1000000000
unset DATABASE_URL

DATA=$WORK/data
say "renkei demo scale --teams $TEAMS --items $ITEMS"
start=$(date +%s.%N)
RENKEI_DATA_DIR=$DATA "$BIN" demo scale --teams "$TEAMS" --items "$ITEMS" --seed 1 >/dev/null 2>"$WORK/load.log" \
    || { cat "$WORK/load.log" >&2; exit 1; }
load_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
TOKEN=$(RENKEI_DATA_DIR=$DATA "$BIN" user token --email "$MEMBER" --name "taxii benchmark")

PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
RENKEI_DATA_DIR=$DATA RENKEI_PUBLIC_URL=$BASE "$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.5
done
curl -fs "$BASE/healthz" >/dev/null || { say "the server did not answer"; exit 1; }

say "Renkei: member@'s everything collection in pages of $PAGE"
"$PYTHON" Benchmarks/taxii_walk.py renkei --base "$BASE" --token "$TOKEN" --page "$PAGE" \
    --dump "$WORK/objects.json" --min-objects "$MIN_OBJECTS"
rss=$(awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER_PID/status")
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

medallion_walk "$WORK/objects.json"
echo
echo "renkei demo scale --teams $TEAMS --items $ITEMS: $load_seconds s; Renkei's resident memory after the walk: $rss;" \
    "pages of $PAGE; $(nproc) cores."
