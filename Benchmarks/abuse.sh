#!/usr/bin/env bash
# The abuse benchmark of issue 17: a report of EVENTS generated events (default 1,000,000;
# Benchmarks/gen_abuse_events.py, seed 1: about 30% repeats within the hour, addresses in the
# demo teams' prefixes and spread over RIR-like ranges) taken in by Renkei, and by IntelMQ on the
# same input in the same run.
#
#   Benchmarks/abuse.sh [EVENTS]
#
# Renkei (release build in $RENKEI_SCRATCH, default /tmp/renkei-release; RENKEI_BIN runs that
# binary instead), on a fresh SQLite data directory holding the demo network (its 197 teams to
# route to): `renkei abuse ingest --feed generic-csv FILE --json` reads, normalises,
# deduplicates, routes and commits the whole report; then `renkei abuse notify --flush` queues
# each team's batch notice in the outbox. Each as a whole command under /usr/bin/time (wall
# time, peak resident memory), first on the report's first 100,000 events, then on all of them
# (each on a fresh copy of the directory), so memory can be compared between the two sizes.
# The peer: Benchmarks/abuse_peer_intelmq.sh on the first PEER_EVENTS events (default: all):
# IntelMQ's file collector, CSV parser, deduplicator and file output over Redis.
# Prints Markdown tables; KEEP=1 keeps the work directory.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EVENTS=${1:-1000000}
PEER_EVENTS=${PEER_EVENTS:-$EVENTS}
SCRATCH=${RENKEI_SCRATCH:-/tmp/renkei-release}
WORK=$(mktemp -d /tmp/renkei-abuse-bench.XXXXXX)
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$WORK"' EXIT

say() { echo "==> $*" >&2; }

if [[ -n ${RENKEI_BIN:-} ]]; then
    BIN=$RENKEI_BIN
else
    say "swift build -c release --scratch-path $SCRATCH"
    swift build -c release --scratch-path "$SCRATCH" --product renkei >&2
    BIN=$SCRATCH/release/renkei
fi
export RENKEI_HOME=$PWD

say "generating $EVENTS events"
python3 Benchmarks/gen_abuse_events.py --events "$EVENTS" --out "$WORK/report.csv" >&2
head -n 100001 "$WORK/report.csv" > "$WORK/first-100000.csv"

say "a data directory with the demo network"
mkdir "$WORK/demo"
RENKEI_DATA_DIR=$WORK/demo "$BIN" demo > /dev/null 2>&1

# One whole command on a fresh copy of the demo directory: its JSON summary line, then
# "wall_seconds peak_kib".
timed() {
    local name=$1; shift
    rm -rf "$WORK/run" && cp -r "$WORK/demo" "$WORK/run"
    RENKEI_DATA_DIR=$WORK/run /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
}

declare -A ROW
for input in first-100000 report; do
    say "renkei abuse ingest: $input.csv"
    timed "ingest-$input" "$BIN" abuse ingest --feed generic-csv "$WORK/$input.csv" --json
    read -r wall kib < "$WORK/ingest-$input.time"
    summary=$(tail -n 1 "$WORK/ingest-$input.out")
    say "renkei abuse notify --flush after $input.csv"
    RENKEI_DATA_DIR=$WORK/run /usr/bin/time -f "%e %M" -o "$WORK/notify-$input.time" "$BIN" abuse notify --flush --json \
        > "$WORK/notify-$input.out" 2> "$WORK/notify-$input.err"
    read -r notify_wall notify_kib < "$WORK/notify-$input.time"
    ROW[$input]=$(python3 - "$summary" "$wall" "$kib" "$(tail -n 1 "$WORK/notify-$input.out")" "$notify_wall" "$notify_kib" <<'PY'
import json, sys
s = json.loads(sys.argv[1]); wall = float(sys.argv[2]); kib = int(sys.argv[3])
n = json.loads(sys.argv[4]); notify_wall = float(sys.argv[5]); notify_kib = int(sys.argv[6])
print(f"| {s['accepted']:,} | {s['duplicates']:,} | {s['routed']:,} / {s['unrouted']:,} to {s['teams']} teams | {s['seconds']:.2f} s "
      f"({s['accepted'] / s['seconds']:,.0f} events/s) | {wall:.2f} s ({s['accepted'] / wall:,.0f} events/s) | {kib / 1024:.0f} MiB "
      f"| {n['notices']} notices, {n['events']:,} events: {notify_wall:.2f} s, {notify_kib / 1024:.0f} MiB |")
PY
)
done

say "IntelMQ on the first $PEER_EVENTS events"
head -n $((PEER_EVENTS + 1)) "$WORK/report.csv" > "$WORK/peer.csv"
PEER=$(Benchmarks/abuse_peer_intelmq.sh "$WORK/peer.csv")

echo
echo "### Renkei: ingest (read, normalise, deduplicate, route, commit) and notices, SQLite"
echo
echo "| events | duplicates | new events routed / unrouted | ingest (its summary) | ingest command | peak memory | notify --flush |"
echo "|---:|---:|---|---:|---:|---:|---|"
echo "${ROW[first-100000]}"
echo "${ROW[report]}"
echo
echo "### IntelMQ $(.venv-bench-intelmq/bin/python -c 'import intelmq; print(intelmq.__version__)' 2>/dev/null || echo 3.5) with Redis, same input"
echo
python3 - "$PEER" "$(tail -n 1 "$WORK/ingest-report.out")" "$(cut -d' ' -f1 "$WORK/ingest-report.time")" <<'PY'
import json, sys
peer = json.loads(sys.argv[1]); renkei = json.loads(sys.argv[2]); wall = float(sys.argv[3])
rate = renkei["accepted"] / wall
print("| events | seconds | events/s | passed by the deduplicator | Renkei's rate (whole command) / IntelMQ's |")
print("|---:|---:|---:|---:|---:|")
print(f"| {peer['events']:,} | {peer['seconds']:.1f} | {peer['events_per_second']:,.0f} | {peer['output_lines']:,} | {rate / peer['events_per_second']:,.0f}× |")
PY
