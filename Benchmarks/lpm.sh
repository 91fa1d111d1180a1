#!/usr/bin/env bash
# The longest-prefix-match benchmark of the lookup engine against pytricia, on the shared
# dataset (900,000 IPv4 + 150,000 IPv6 prefixes, 1,000,000 queries).
#
#   Benchmarks/lpm.sh [DATA_DIR]      (default: .bench-data; generated when missing)
#
# Builds renkei in release mode, runs `renkei bench lpm` and pytricia (in .venv-bench) on the
# same files, checks that the answers are byte-identical and prints both reports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=${1:-.bench-data}
SHARED=../shared/bench

if [[ ! -f $DATA/table.csv || ! -f $DATA/queries.txt ]]; then
    echo "==> generating the dataset in $DATA" >&2
    python3 "$SHARED/gen_lpm_data.py" --out "$DATA" >&2
fi
if [[ ! -x .venv-bench/bin/python ]] || ! .venv-bench/bin/python -c 'import pytricia' 2>/dev/null; then
    echo "==> installing pytricia in .venv-bench" >&2
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -q pytricia >&2
fi
echo "==> swift build -c release" >&2
swift build -c release --product renkei >&2

renkei=$(.build/release/renkei bench lpm --table "$DATA/table.csv" --queries "$DATA/queries.txt" --out "$DATA/answers-renkei.txt")
peer=$(.venv-bench/bin/python "$SHARED/peer_pytricia.py" --table "$DATA/table.csv" --queries "$DATA/queries.txt" --out "$DATA/answers-pytricia.txt")
echo "$renkei"
echo "$peer"
if cmp -s "$DATA/answers-renkei.txt" "$DATA/answers-pytricia.txt"; then
    echo "answers: identical"
else
    echo "answers: DIFFERENT (see $DATA/answers-*.txt)"
    exit 1
fi
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); p=json.loads(sys.argv[2]); print("route_e2e speed-up over pytricia: %.1fx" % (p["route_e2e_s"]/r["route_e2e_s"]))' "$renkei" "$peer"
