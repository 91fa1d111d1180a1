#!/usr/bin/env bash
# The HTTP benchmark of issue 13: a community's real size (1,000 teams, 1,000,000 shared items),
# each request measured next to `/healthz` of the same run, so the ratio holds on a noisy machine.
#
#   Benchmarks/http.sh [ITEMS]        (default 1000000; the independence check also loads 1,000)
#
# Builds renkei in release mode (in $RENKEI_SCRATCH, default /tmp/renkei-release, so it does not
# lock the development .build), loads the data with `renkei demo scale` into temporary data
# directories, starts `renkei serve` on a free port, gets a token with `renkei user token`,
# measures with wrk (-t2 -c32 -d10s --latency; Debian's package, installed when missing) and
# prints a Markdown table. `renkei cvss --json` is timed on 1,000,000 vectors twice: a feed that
# repeats vectors and one in which none repeats.
# Environment: WRK_DURATION (default 10s), KEEP=1 keeps the data directories, RENKEI_BIN runs
# that binary instead of building.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
ITEMS=${1:-1000000}
TEAMS=1000
SMALL_ITEMS=1000
DURATION=${WRK_DURATION:-10s}
SCRATCH=${RENKEI_SCRATCH:-/tmp/renkei-release}
LOOKUP_IP=10.0.123.45          # in the 124th invented team's 10.0.123.0/24 (ScaleData)
MEMBER=member@renkei-demo.example

say() { echo "==> $*" >&2; }

if ! command -v wrk >/dev/null; then
    say "installing wrk"
    apt-get install -y wrk >&2
fi
if [[ -n ${RENKEI_BIN:-} ]]; then
    BIN=$RENKEI_BIN
else
    say "swift build -c release --scratch-path $SCRATCH"
    swift build -c release --scratch-path "$SCRATCH" --product renkei >&2
    BIN=$SCRATCH/release/renkei
fi

WORK=$(mktemp -d /tmp/renkei-http-bench.XXXXXX)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; else say "data kept in $WORK"; fi
}
trap cleanup EXIT

# The server is measured, not its limits: the rate limits are raised for the run.
export LOG_LEVEL=warning RENKEI_API_RATE_LIMIT=1000000000 RENKEI_API_RATE_LIMIT_ANONYMOUS=1000000000 \
    RENKEI_LOOKUP_TOKEN_RATE_LIMIT=1000000000 RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS=1000000000
unset DATABASE_URL

load() { # DIR ITEMS -> seconds on stdout
    local start end
    start=$(date +%s.%N)
    RENKEI_DATA_DIR=$1 "$BIN" demo scale --teams "$TEAMS" --items "$2" --seed 1 >/dev/null 2>"$1.load.log" \
        || { cat "$1.load.log" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$start $end" | awk '{printf "%.1f", $2 - $1}'
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_server() { # DIR
    PORT=$(free_port)
    BASE=http://127.0.0.1:$PORT
    RENKEI_DATA_DIR=$1 RENKEI_PUBLIC_URL=$BASE "$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$1.serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 240); do
        if curl -fs "$BASE/healthz" >/dev/null 2>&1; then
            # The directory snapshot is built by the first request that needs it (about a
            # second at 1,000 teams): built here, so the figures are of the running server.
            curl -fs "$BASE/global-irt/v1/teams?limit=1" >/dev/null
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$1.serve.log" >&2; exit 1; }
        sleep 0.5
    done
    say "the server did not answer"; exit 1
}

stop_server() {
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

ROWS=()
# measure LABEL ITEMS PATH [HEADER]: one wrk run, then /healthz right after it.
measure() {
    local label=$1 items=$2 path=$3 header=${4:-}
    local args=(-t2 -c32 -d"$DURATION" --latency)
    [[ -n $header ]] && args+=(-H "$header")
    local out health
    out=$(wrk "${args[@]}" "$BASE$path")
    health=$(wrk -t2 -c32 -d"$DURATION" --latency "$BASE/healthz")
    local rps p50 p99 hrps non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    hrps=$(awk '/Requests\/sec/ {print $2}' <<<"$health")
    [[ -n $non2xx ]] && say "$label: $non2xx answers were not 2xx"
    # wrk gives up on a request after 2 s; such requests count in no latency figure.
    local timeouts
    timeouts=$(awk '/Socket errors/ {print $NF}' <<<"$out")
    [[ -n $timeouts && $timeouts != 0 ]] && label="$label ($timeouts timed out after 2 s)"
    ROWS+=("| $label | $items | $(printf '%.0f' "$rps") | $p50 | $p99 | $(printf '%.0f' "$hrps") | $(awk -v a="$rps" -v b="$hrps" 'BEGIN {printf "%.2f", a / b}') |")
    say "$label ($items items): $rps req/s, p50 $p50, p99 $p99; /healthz $hrps req/s"
}

# The `next` path of page N of the member's items (page 1 is the first).
page_path() { # N TOKEN
    local path="/api/v1/items?limit=50" n
    for ((n = 1; n < $1; n++)); do
        path=$(curl -fs -H "Authorization: Bearer $2" "$BASE$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next"] or "")')
        [[ -n $path ]] || { say "the member's items end before page $1"; return 1; }
    done
    echo "$path"
}

bench_dataset() { # DIR ITEMS
    local dir=$1 items=$2 token rss
    token=$(RENKEI_DATA_DIR=$dir "$BIN" user token --email "$MEMBER" --name "http benchmark")
    start_server "$dir"
    measure "GET /healthz" "$items" /healthz
    measure "GET /api/v1/lookup?q=$LOOKUP_IP" "$items" "/api/v1/lookup?q=$LOOKUP_IP"
    measure "GET /global-irt/v1/teams?limit=100" "$items" "/global-irt/v1/teams?limit=100"
    measure "GET /global-irt/v1/teams?limit=1" "$items" "/global-irt/v1/teams?limit=1"
    measure "GET /teams" "$items" /teams
    measure "GET /api/v1/items?limit=50 (member, page 1)" "$items" "/api/v1/items?limit=50" "Authorization: Bearer $token"
    measure "GET /api/v1/items?q=malware&limit=50 (member)" "$items" "/api/v1/items?q=malware&limit=50" "Authorization: Bearer $token"
    measure "GET /api/v1/items?q=malware&limit=50 (anonymous)" "$items" "/api/v1/items?q=malware&limit=50"
    if (( items >= 100000 )); then
        local deep
        deep=$(page_path 1000 "$token")
        measure "GET /api/v1/items?limit=50 (member, page 1,000)" "$items" "$deep" "Authorization: Bearer $token"
    fi
    rss=$(awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER_PID/status")
    ROWS+=("| resident memory of the server (VmRSS after the runs) | $items | $rss | | | | |")
    stop_server
}

say "loading $TEAMS teams and $SMALL_ITEMS items"
small_seconds=$(load "$WORK/small" "$SMALL_ITEMS")
say "loading $TEAMS teams and $ITEMS items"
big_seconds=$(load "$WORK/big" "$ITEMS")
ROWS+=("| renkei demo scale --teams $TEAMS --items $ITEMS | $ITEMS | $big_seconds s | | | | |")

bench_dataset "$WORK/small" "$SMALL_ITEMS"
bench_dataset "$WORK/big" "$ITEMS"

say "renkei cvss --json on 1,000,000 vectors"
python3 - "$WORK/vectors.txt" "$WORK/distinct.txt" <<'EOF'
import random
import sys
# The interop fixture's vectors (every version, some invalid) repeated to 1,000,000 lines, as a
# feed repeats them; and 1,000,000 distinct CVSS 3.1 vectors (seeded), where nothing repeats.
lines = [line for line in open("Tests/interop/fixtures/cvss-feed.txt", encoding="utf-8", newline="").read().split("\n")]
lines = [line for line in lines if line.strip()]
with open(sys.argv[1], "w", encoding="utf-8", newline="") as out:
    out.write("\n".join((lines * (1_000_000 // len(lines) + 1))[:1_000_000]) + "\n")
metrics = dict(AV="NALP", AC="LH", PR="NLH", UI="NR", S="UC", C="HLN", I="HLN", A="HLN", E="XUPFH", RL="XOTWU", RC="XURC",
               CR="XLMH", IR="XLMH", AR="XLMH", MAV="XNALP", MAC="XLH", MPR="XNLH", MUI="XNR", MS="XUC", MC="XNLH", MI="XNLH", MA="XNLH")
rng, seen = random.Random(13), set()
with open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    while len(seen) < 1_000_000:
        vector = "CVSS:3.1/" + "/".join(f"{name}:{rng.choice(values)}" for name, values in metrics.items())
        if vector not in seen:
            seen.add(vector)
            out.write(vector + "\n")
EOF
cvss_rate() { # FILE -> vectors/s
    local start end
    start=$(date +%s.%N)
    "$BIN" cvss --json <"$1" >"$WORK/scores.jsonl" 2>/dev/null || true
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", 1000000 / (b - a)}'
}
ROWS+=("| renkei cvss --json, file to file (vectors/s): the fixture's 1,012 vectors repeated | 1,000,000 vectors | $(cvss_rate "$WORK/vectors.txt") | | | | |")
ROWS+=("| renkei cvss --json, file to file (vectors/s): distinct CVSS 3.1 vectors | 1,000,000 vectors | $(cvss_rate "$WORK/distinct.txt") | | | | |")

echo
echo "| request | items | req/s | p50 | p99 | /healthz req/s (same run) | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo
echo "renkei demo scale with $SMALL_ITEMS items: $small_seconds s; wrk -t2 -c32 -d$DURATION --latency; $(nproc) cores."
