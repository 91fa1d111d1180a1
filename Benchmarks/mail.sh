#!/usr/bin/env bash
# The mail fan-out benchmark: one TLP:AMBER post to 1,000 teams × 3 subscribers, each with
# their own OpenPGP key, delivered to a loopback SMTP relay (aiosmtpd) with per-recipient
# encryption. Reports the time to queue the post's mail and the messages per second.
#
#   Benchmarks/mail.sh [TEAMS] [PER_TEAM]     (default 1000 3)
#
# Keys are made once (GnuPG batch generation, about a minute for 3,000) and kept in
# .bench-data/mail-keys; each run uses a fresh data directory. RENKEI_BIN overrides the
# release build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TEAMS=${1:-1000}
PER_TEAM=${2:-3}
NEEDED=$((TEAMS * PER_TEAM))
KEYS=.bench-data/mail-keys

if (( $(find "$KEYS" -name '*.asc' 2>/dev/null | wc -l) < NEEDED )); then
    echo "==> making $NEEDED recipient keys in $KEYS" >&2
    rm -rf "$KEYS" && mkdir -p "$KEYS/home" && chmod 700 "$KEYS/home"
    for ((i = 0; i < NEEDED; i++)); do
        printf 'Key-Type: eddsa\nKey-Curve: ed25519\nKey-Usage: sign\nSubkey-Type: ecdh\nSubkey-Curve: cv25519\nSubkey-Usage: encrypt\n'
        printf 'Name-Real: Recipient %d\nName-Email: r%d@bench.example\nExpire-Date: 0\n%%no-protection\n%%commit\n' "$i" "$i"
    done > "$KEYS/params"
    gpg --homedir "$KEYS/home" --batch --quiet --gen-key "$KEYS/params" 2>/dev/null
    gpg --homedir "$KEYS/home" --with-colons --list-keys | awk -F: '/^pub/ {want = 1} /^fpr/ && want {print $10; want = 0}' |
        while read -r fingerprint; do gpg --homedir "$KEYS/home" --armor --export "$fingerprint" > "$KEYS/$fingerprint.asc"; done
    gpgconf --homedir "$KEYS/home" --kill gpg-agent 2>/dev/null || true
fi
if [[ ! -x .venv-bench/bin/python ]] || ! .venv-bench/bin/python -c 'import aiosmtpd' 2>/dev/null; then
    echo "==> installing aiosmtpd in .venv-bench" >&2
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -q aiosmtpd >&2
fi
RENKEI=${RENKEI_BIN:-}
if [[ -z $RENKEI ]]; then
    echo "==> swift build -c release" >&2
    swift build -c release --product renkei >&2
    RENKEI=.build/release/renkei
fi

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv-bench/bin/python Benchmarks/smtp_sink.py "$PORT" "$WORK/received" > "$WORK/sink.log" 2>&1 &
SINK=$!
trap 'kill $SINK 2>/dev/null; gpgconf --homedir "$WORK/data/gnupg" --kill gpg-agent 2>/dev/null; rm -rf "$WORK"' EXIT
until grep -q listening "$WORK/sink.log" 2>/dev/null; do sleep 0.1; done

export RENKEI_DATA_DIR="$WORK/data" RENKEI_MAIL_DOMAIN=bench.renkei.test SMTP_URL="smtp://127.0.0.1:$PORT" SMTP_TLS=off LOG_LEVEL=error
"$RENKEI" mail bench --teams "$TEAMS" --per-team "$PER_TEAM" --keys "$KEYS"
echo "the relay received $(cat "$WORK/received") messages"
