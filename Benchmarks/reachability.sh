#!/usr/bin/env bash
# The reachability benchmark: a community of 1,000 teams and ITEMS shared items (`renkei demo
# scale`), a year of monthly reachability tests of every team, and the pages that read them.
#
#   Benchmarks/reachability.sh [ITEMS]      (default 1000000)
#
# With a release build (RENKEI_BIN runs another binary): loads the data, times `renkei
# reachability start` of all teams and the closing round of each test (whole commands), then
# starts `renkei serve`, signs the demo's member in and times with curl, each as the median and
# maximum of REQUESTS requests (default 20), next to /healthz from the same run:
#   - /reachability (the tests with their figures), a test's page (its groups, for a member);
#   - the member's team page (its response times over 90 days: the requests addressed to the
#     team, its abuse notices and its tests) and its history of tests.
# Prints a Markdown table. KEEP=1 keeps the work directory.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ITEMS=${1:-1000000}
TESTS=${TESTS:-12}
SCRATCH=${RENKEI_SCRATCH:-/tmp/renkei-release}
REQUESTS=${REQUESTS:-20}
MEMBER=member@renkei-demo.example
TEAM=lindenfeld-csirt

say() { echo "==> $*" >&2; }

if [[ -n ${RENKEI_BIN:-} ]]; then
    BIN=$RENKEI_BIN
else
    say "building renkei (release) in $SCRATCH"
    swift build -c release --scratch-path "$SCRATCH" --product renkei >&2
    BIN=$SCRATCH/release/renkei
fi

WORK=$(mktemp -d /tmp/renkei-reachability-bench.XXXXXX)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; else say "work directory kept in $WORK"; fi
}
trap cleanup EXIT
export RENKEI_DATA_DIR=$WORK/data LOG_LEVEL=warning
unset DATABASE_URL
mkdir -p "$RENKEI_DATA_DIR"

seconds() { python3 -c 'import sys, time; print(f"{time.time():.3f}")'; }
say "loading 1,000 teams and $ITEMS items"
"$BIN" demo scale --teams 1000 --items "$ITEMS" --seed 1 >/dev/null
START_TIMES=() CLOSE_TIMES=()
NOW=$(date -u +%s)
for n in $(seq 1 "$TESTS"); do
    t0=$(seconds)
    CAMPAIGN=$("$BIN" reachability start --scope all | cut -f1)
    t1=$(seconds)
    # Each test closes a week later, as the server's round would close it.
    "$BIN" reachability round --as-of "$(date -u -d "@$((NOW + 8 * 86400))" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
    t2=$(seconds)
    START_TIMES+=("$(python3 -c "print(round($t1 - $t0, 2))")") CLOSE_TIMES+=("$(python3 -c "print(round($t2 - $t1, 2))")")
done
CHALLENGES=$(sqlite3 "$RENKEI_DATA_DIR/renkei.sqlite" "SELECT COUNT(*) FROM reachability_challenges")
say "$TESTS tests, $CHALLENGES challenges; start: ${START_TIMES[*]} s; closing round: ${CLOSE_TIMES[*]} s"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
RENKEI_PUBLIC_URL=$BASE "$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.5
done
JAR=$WORK/cookies
CSRF=$(curl -fs -c "$JAR" "$BASE/sign-in" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "_csrf=$CSRF" --data-urlencode "email=$MEMBER" \
    --data-urlencode "password=demo-member-pass" "$BASE/sign-in"

once() { curl -fs -o /dev/null -w '%{time_total}\n' "$@"; }
# times LABEL ARGS...: REQUESTS requests, their median and maximum in milliseconds.
times() {
    local label=$1; shift
    for _ in $(seq 1 "$REQUESTS"); do once "$@"; done | python3 -c '
import statistics, sys
values = sorted(float(line) * 1000 for line in sys.stdin)
print(f"| {sys.argv[1]} | {statistics.median(values):.1f} | {values[-1]:.1f} |")' "$label"
}
echo "| Request ($REQUESTS each; $ITEMS items, 1,000 teams, $CHALLENGES challenges) | median ms | max ms |"
echo "|---|---:|---:|"
times "/healthz" "$BASE/healthz"
times "/reachability (member)" -b "$JAR" "$BASE/reachability"
times "/reachability/campaigns/… (member, 1,000 teams)" -b "$JAR" "$BASE/reachability/campaigns/$CAMPAIGN"
times "/teams/$TEAM (member of the team: response times)" -b "$JAR" "$BASE/teams/$TEAM"
times "/teams/$TEAM/reachability (member of the team)" -b "$JAR" "$BASE/teams/$TEAM/reachability"
times "/healthz (again)" "$BASE/healthz"
t0=$(seconds)
"$BIN" reachability results "$CAMPAIGN" --json >/dev/null
t1=$(seconds)
python3 -c "import sys; print(f'| renkei reachability start (1,000 teams, whole command): median of {len(sys.argv) - 1} | {sorted(map(float, sys.argv[1:]))[(len(sys.argv) - 1) // 2] * 1000:.0f} | {max(map(float, sys.argv[1:])) * 1000:.0f} |')" "${START_TIMES[@]}"
python3 -c "import sys; print(f'| renkei reachability round closing a test (whole command): median | {sorted(map(float, sys.argv[1:]))[(len(sys.argv) - 1) // 2] * 1000:.0f} | {max(map(float, sys.argv[1:])) * 1000:.0f} |')" "${CLOSE_TIMES[@]}"
python3 -c "print(f'| renkei reachability results --json (whole command) | {($t1 - $t0) * 1000:.0f} | |')"
