#!/usr/bin/env bash
# The abuse-handling peer of the abuse benchmark (ORACLES.md, "Abuse-handling peer: intelmq"):
# IntelMQ 3.5 takes a generic-csv report (Benchmarks/gen_abuse_events.py) through a file
# collector, the generic CSV parser, the Redis-backed deduplicator (key: classification.type,
# source.ip, source.port, feed.name; 24 h) and a file output, each bot its own process, the
# pipeline Redis queues on a private redis-server.
#
#   Benchmarks/abuse_peer_intelmq.sh INPUT.csv
#
# Prints one JSON line on stdout: {"events": N, "seconds": S, "events_per_second": R,
# "output_lines": M}. S runs from the start of the four bots (start-up included, as a command's
# would be) to the output file's last write (its mtime); the run ends when the collector has
# exited, every queue is empty and the output has not grown for SETTLE seconds, which is not
# counted. events = the input's rows after the header; output_lines = the events the
# deduplicator let through (the distinct keys, as the feed is one). Needs Debian's redis-server
# and, as root, the user intelmq (the bots switch to it); installs intelmq into
# .venv-bench-intelmq. KEEP=1 keeps the work directory (runtime.yaml, bot logs, dumps, output).
set -euo pipefail
export LC_ALL=C
INPUT=$(realpath "${1:?usage: Benchmarks/abuse_peer_intelmq.sh INPUT.csv}")
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=.venv-bench-intelmq
INTELMQ_VERSION=3.5.0     # the newest 3.5 on PyPI
SETTLE=3                  # seconds without output growth (and empty queues) that end the run
STALL=300                 # give up when the output has not grown for this long
CHUNK=262144              # bytes of CSV per report: the parser holds a whole report at once

say() { echo "==> $*" >&2; }

command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
    echo "error: redis-server is missing: apt-get install -y redis-server" >&2; exit 1; }
# A bot started as root switches to the user intelmq (and refuses to run without it), who
# cannot read root's home: as root the venv is made from Debian's /usr/bin/python3, not from a
# pyenv Python in /root, and checked as intelmq.
BASE_PYTHON=python3
AS_INTELMQ=()
if (( EUID == 0 )); then
    id intelmq >/dev/null 2>&1 || { echo "error: IntelMQ does not run as root and there is no user intelmq to" \
        "switch to: useradd --system --user-group --no-create-home intelmq (or run as another user)" >&2; exit 1; }
    BASE_PYTHON=/usr/bin/python3
    AS_INTELMQ=(runuser -u intelmq --)
fi
if ! "${AS_INTELMQ[@]}" "$VENV/bin/python" -c "import intelmq, _strptime, sys; sys.exit(intelmq.__version__ != '$INTELMQ_VERSION')" 2>/dev/null; then
    say "installing intelmq==$INTELMQ_VERSION in $VENV (on $BASE_PYTHON)"
    "$BASE_PYTHON" -m venv --clear "$VENV"
    "$VENV/bin/pip" install -q "intelmq==$INTELMQ_VERSION" >&2
fi
EVENTS=$(( $(wc -l <"$INPUT") - 1 ))

WORK=$(mktemp -d /tmp/renkei-intelmq-bench.XXXXXX)
REDIS_PID=
BOT_PIDS=()
cleanup() {
    # SIGTERM lets a bot close its queues; one that hangs (its redis gone) gets SIGKILL after 10 s.
    for pid in "${BOT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        alive=0; for pid in "${BOT_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        (( alive )) || break; sleep 0.2
    done
    for pid in "${BOT_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; else say "work directory kept in $WORK"; fi
}
trap cleanup EXIT

# --- redis: pipeline (db 2), statistics (db 3) and the deduplicator's cache (db 6) ------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --save '' --appendonly no --bind 127.0.0.1 --dir "$WORK" \
    --logfile "$WORK/redis.log" &
REDIS_PID=$!
for _ in $(seq 1 100); do
    [[ $(redis-cli -p "$PORT" ping 2>/dev/null) == PONG ]] && break
    kill -0 "$REDIS_PID" 2>/dev/null || { cat "$WORK/redis.log" >&2; exit 1; }
    sleep 0.1
done

# --- IntelMQ: INTELMQ_ROOT_DIR moves etc/ (runtime.yaml, harmonization.conf) and var/ -----
export INTELMQ_ROOT_DIR=$WORK/intelmq
mkdir -p "$INTELMQ_ROOT_DIR/etc" "$INTELMQ_ROOT_DIR/var/log" "$WORK/in"
cp "$("$VENV/bin/python" -c 'import intelmq, os; print(os.path.dirname(intelmq.__file__))')/etc/harmonization.conf" \
    "$INTELMQ_ROOT_DIR/etc/"
# The collector reads every *.csv of a folder. A copy, not a link: the bots may run as intelmq.
cp "$INPUT" "$WORK/in/input.csv"
OUTPUT=$WORK/events.jsonl
# The collector runs once (run_mode scheduled: read, send, exit) instead of rereading the file
# every rate_limit seconds. The parser requires every non-empty column; IntelMQ has no
# open-service type, so type_translation maps it to potentially-unwanted-accessible (what
# Renkei's AbuseTaxonomy says IntelMQ files it as) and the other six to themselves (a type
# missing from the translation would fail the line). Empty fqdn/url cells are skipped.
cat >"$INTELMQ_ROOT_DIR/etc/runtime.yaml" <<EOF
global:
  source_pipeline_host: 127.0.0.1
  source_pipeline_port: $PORT
  destination_pipeline_host: 127.0.0.1
  destination_pipeline_port: $PORT
  statistics_host: 127.0.0.1
  statistics_port: $PORT
  logging_path: $INTELMQ_ROOT_DIR/var/log/
  logging_level: INFO
  error_procedure: pass
file-collector:
  module: intelmq.bots.collectors.file.collector_file
  run_mode: scheduled
  parameters:
    path: $WORK/in
    postfix: .csv
    delete_file: false
    chunk_size: $CHUNK
    chunk_replicate_header: true
    name: generic-csv
    provider: renkei-benchmark
    destination_queues: {_default: [csv-parser-queue]}
csv-parser:
  module: intelmq.bots.parsers.generic.parser_csv
  parameters:
    columns: [time.source, source.ip, source.port, classification.type, source.fqdn, source.url]
    skip_header: true
    type_translation:
      scanner: scanner
      infected-system: infected-system
      open-service: potentially-unwanted-accessible
      phishing: phishing
      brute-force: brute-force
      ddos-amplifier: ddos-amplifier
      spam: spam
    destination_queues: {_default: [deduplicator-queue]}
deduplicator:
  module: intelmq.bots.experts.deduplicator.expert
  parameters:
    redis_cache_host: 127.0.0.1
    redis_cache_port: $PORT
    redis_cache_db: 6
    redis_cache_ttl: 86400
    filter_type: whitelist
    filter_keys: classification.type,source.ip,source.port,feed.name
    destination_queues: {_default: [file-output-queue]}
file-output:
  module: intelmq.bots.outputs.file.output
  parameters:
    file: $OUTPUT
EOF

(( EUID != 0 )) || chown -R intelmq: "$WORK"

QUEUES=(csv-parser-queue deduplicator-queue file-output-queue)
queued() {   # messages waiting or in work (the *-internal lists) in all queues: one number
    for queue in "${QUEUES[@]}"; do printf 'LLEN %s\nLLEN %s-internal\n' "$queue" "$queue"; done |
        redis-cli -p "$PORT" -n 2 | awk '{ n += $1 } END { print n + 0 }'
}
lines() { if [[ -f $OUTPUT ]]; then wc -l <"$OUTPUT"; else echo 0; fi; }
size() { stat -c %s "$OUTPUT" 2>/dev/null || echo 0; }

say "IntelMQ $INTELMQ_VERSION on $(basename "$INPUT"): $EVENTS events, redis on port $PORT"
START=$EPOCHREALTIME
# Downstream first, so that the collector's reports find their readers. Each module's console
# script runs one bot (as intelmqctl start would, without its process bookkeeping).
for bot in file-output:intelmq.bots.outputs.file.output deduplicator:intelmq.bots.experts.deduplicator.expert \
           csv-parser:intelmq.bots.parsers.generic.parser_csv file-collector:intelmq.bots.collectors.file.collector_file; do
    "$VENV/bin/${bot#*:}" "${bot%%:*}" >"$WORK/${bot%%:*}.out" 2>&1 &
    BOT_PIDS+=($!)
done
COLLECTOR_PID=$!

# Poll twice a second: done when the collector has exited, nothing is queued and the output
# has not grown for SETTLE seconds. A continuous bot that exits is an error.
last_size=-1; still=0; next_report=$(( SECONDS + 10 ))
while :; do
    sleep 0.5
    for pid in "${BOT_PIDS[@]}"; do
        if [[ $pid != "$COLLECTOR_PID" ]] && ! kill -0 "$pid" 2>/dev/null; then
            say "a bot exited early; logs:"; tail -n 20 "$WORK"/*.out "$INTELMQ_ROOT_DIR"/var/log/*.log >&2; exit 1
        fi
    done
    current=$(size); waiting=$(queued)
    if [[ $current == "$last_size" ]]; then still=$(( still + 1 )); else still=0; fi
    last_size=$current
    if ! kill -0 "$COLLECTOR_PID" 2>/dev/null && (( waiting == 0 && still >= 2 * SETTLE )); then break; fi
    (( still < 2 * STALL )) || { say "no progress for $STALL s ($waiting queued)"; exit 1; }
    if (( SECONDS >= next_report )); then
        say "$(lines) output lines, $waiting messages queued"
        next_report=$(( SECONDS + 10 ))
    fi
done
END=$(stat -c %.9Y "$OUTPUT")
OUTPUT_LINES=$(lines)
if (( OUTPUT_LINES == 0 && EVENTS > 0 )); then
    say "no events came out; logs:"; tail -n 20 "$INTELMQ_ROOT_DIR"/var/log/*.log >&2; exit 1
fi
dumps=$(find "$INTELMQ_ROOT_DIR/var/log" -name '*.dump' | wc -l)
(( dumps == 0 )) || say "warning: $dumps bot(s) dumped messages they could not handle (KEEP=1 to see them)"

python3 -c 'import json, sys
events, start, end, lines = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
seconds = max(end - start, 1e-9)
print(json.dumps({"events": events, "seconds": round(seconds, 3), "events_per_second": round(events / seconds, 1), "output_lines": lines}))' \
    "$EVENTS" "$START" "$END" "$OUTPUT_LINES"
