"""Abuse reports and batch notices exactly once, whatever stops the process.

`renkei abuse ingest` is killed with SIGKILL half-way through a report (after its first block,
while the transaction is open): nothing of the report may be stored. Run again, it takes the
report whole: every event once, each repeat within 24 hours counted on its event (the test
counts the repeats itself). A third run changes nothing. Then `renkei abuse notify` is
killed while it queues notices and run again, and the outbox is delivered twice through a real
SMTP peer (aiosmtpd): every routed event is in exactly one notice, and each notice reaches each
of its recipients exactly once.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, free_port, renkei_env, run_cli
from mailpeer import Relay, stop_agent

EVENTS = 120_000          # about 7 MB: two of the ingest's 4 MiB blocks
FEED = "crash-test"
DELIVERED = re.compile(r"Outbox: sent (\d+), deferred (\d+), failed (\d+)\.")


@pytest.fixture(scope="module")
def relay():
    relay = Relay(free_port()).start()
    yield relay
    relay.stop()


def mail_env(relay: Relay) -> dict[str, str]:
    return {"RENKEI_MAIL_DOMAIN": "lists.renkei.test", "SMTP_URL": relay.url, "SMTP_TLS": "off", "SMTP_CA_FILE": "", "RENKEI_GPG_HOME": ""}


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    return result


def query(data_dir: Path, sql: str, *parameters) -> list[tuple]:
    with sqlite3.connect(data_dir / "renkei.sqlite") as connection:
        return connection.execute(sql, parameters).fetchall()


def start(binary: Path, data_dir: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([str(binary), *args], cwd=REPO, env=renkei_env(data_dir, **env), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_when(process: subprocess.Popen, seen: re.Pattern, timeout: float = 300) -> bytes:
    """Reads the process's standard error until `seen` matches, then kills it with SIGKILL."""
    os.set_blocking(process.stderr.fileno(), False)
    text = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        text += process.stderr.read() or b""
        if seen.search(text):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait(timeout=30)
    return text


def test_a_killed_ingest_leaves_nothing_and_every_event_and_notice_comes_once(renkei_bin, tmp_path, relay):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = mail_env(relay)
    ok(run_cli(renkei_bin, data_dir, "demo", env=env))
    ok(run_cli(renkei_bin, data_dir, "mail", "key", env=env))
    ok(run_cli(renkei_bin, data_dir, "abuse", "feeds", "add", FEED, "--tlp", "GREEN", env=env))
    # The demo's own mail (its notices among it) goes first, so the relay counts only ours.
    ok(run_cli(renkei_bin, data_dir, "mail", "deliver", "--flush", env=env, timeout=600))
    relay.mailbox.clear()

    report = tmp_path / "events.csv"
    subprocess.run([sys.executable, str(REPO / "Benchmarks" / "gen_abuse_events.py"), "--events", str(EVENTS), "--out", str(report)],
                   capture_output=True, timeout=300, check=True)
    # The rule, independently: the report spans less than 24 hours, so every event after the
    # first of its (type, address, port, host name, URL) is a repeat.
    with report.open(newline="") as rows:
        keys = [(row["type"], ipaddress.ip_address(row["ip"]), row["port"], row["fqdn"].strip().lower(), row["url"].strip())
                for row in csv.DictReader(rows)]
    assert len(keys) == EVENTS
    repeats = EVENTS - len(set(keys))
    events_before = query(data_dir, "SELECT COUNT(*) FROM abuse_events")[0][0]

    # Killed after its first block: the transaction never commits.
    ingest = start(renkei_bin, data_dir, "abuse", "ingest", "--feed", FEED, str(report), "--json", env=env)
    progress = kill_when(ingest, re.compile(rb"\] ([1-9]|[1-9][0-9])% "))
    assert ingest.returncode == -signal.SIGKILL, f"the ingest ended by itself before it could be killed:\n{progress[-500:]!r}"
    assert query(data_dir, "SELECT COUNT(*) FROM abuse_ingests WHERE feed = ?", FEED) == [(0,)]
    assert query(data_dir, "SELECT COUNT(*) FROM abuse_events") == [(events_before,)]

    # Run again: the whole report, once.
    summary = json.loads(ok(run_cli(renkei_bin, data_dir, "abuse", "ingest", "--feed", FEED, str(report), "--json", env=env, timeout=600)).stdout)
    assert (summary["accepted"], summary["duplicates"], summary["rejected"]) == (EVENTS, repeats, 0)
    assert summary["routed"] + summary["unrouted"] == EVENTS - repeats and summary["routed"] > 0 and summary["teams"] > 1
    stored = query(data_dir, "SELECT COUNT(*), SUM(count) FROM abuse_events WHERE feed = ?", FEED)
    assert stored == [(EVENTS - repeats, EVENTS)]
    again = json.loads(ok(run_cli(renkei_bin, data_dir, "abuse", "ingest", "--feed", FEED, str(report), "--json", env=env)).stdout)
    assert again["replayed"] is True and again["ingest"] == summary["ingest"]
    assert query(data_dir, "SELECT COUNT(*), SUM(count) FROM abuse_events WHERE feed = ?", FEED) == stored

    # Notices: killed while queueing (or done already), run again; every routed event in one notice.
    notify = start(renkei_bin, data_dir, "abuse", "notify", "--flush", env=env)
    time.sleep(1.0)
    notify.send_signal(signal.SIGKILL)
    notify.wait(timeout=30)
    ok(run_cli(renkei_bin, data_dir, "abuse", "notify", "--flush", env=env, timeout=600))
    assert query(data_dir, "SELECT COUNT(*) FROM abuse_events WHERE feed = ? AND team_id IS NOT NULL AND notice_id IS NULL", FEED) == [(0,)]
    notices = dict(query(data_dir, """SELECT n.ticket, n.events FROM abuse_notices n WHERE n.id IN
                                      (SELECT notice_id FROM abuse_events WHERE feed = ?)""", FEED))
    assert sum(notices.values()) == summary["routed"]
    placeholders = ",".join("?" * len(notices))
    recipients = dict(query(data_dir, "SELECT n.ticket, COUNT(*) FROM abuse_notices n JOIN mail_messages m ON m.subject LIKE 'Renkei: ' || n.ticket || ',%' "
                                      f"JOIN mail_deliveries d ON d.message_id = m.id WHERE n.ticket IN ({placeholders}) GROUP BY n.ticket", *notices))
    assert set(recipients) == set(notices), "every notice is queued with its recipients"

    # Delivered twice: each notice reaches each recipient once.
    for _ in range(2):
        ok(run_cli(renkei_bin, data_dir, "mail", "deliver", "--flush", env=env, timeout=600))
    seen: dict[tuple[str, str], int] = {}
    for delivery in relay.mailbox.deliveries:
        ticket = delivery.header("X-Renkei-Ticket")
        if ticket in notices:
            for recipient in delivery.recipients:
                seen[(ticket, recipient)] = seen.get((ticket, recipient), 0) + 1
    assert set(seen.values()) == {1}, "no notice twice to anyone"
    assert {ticket for ticket, _ in seen} == set(notices)
    assert len(seen) == sum(recipients.values())
    stop_agent(data_dir / "gnupg")
