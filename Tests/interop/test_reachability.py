"""A reachability test of the demo network through a real SMTP peer (aiosmtpd).

The secretariat starts a test of every current team; the outbox delivers the challenges to the
relay, which keeps them. Fifty teams are then played as people would: 30 open the link and
confirm (10 more only open it, as a mail filter does), 10 reply by mail quoting the token, 5
of them signing with PGP/MIME, and 10 never answer; every other team stays silent too. The
figures must match those counts exactly; a replayed or foreign token is refused; reminders go
at 24 and 72 hours, once each, to the teams that did not answer and to nobody else.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import json
import re
import secrets
import sqlite3
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import REPO, RenkeiServer, free_port, renkei_env, run_cli
from mailpeer import GnuPGHome, Relay, message, signed_entity, stop_agent, text_part

DOMAIN = "lists.renkei.test"
DESK = f"reachability@{DOMAIN}"
TOKEN = re.compile(r"rt-[0-9a-f]{40}")


@pytest.fixture(scope="module")
def relay():
    relay = Relay(free_port()).start()
    yield relay
    relay.stop()


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    return result


def receive(binary: Path, data_dir: Path, env: dict[str, str], raw: bytes) -> subprocess.CompletedProcess:
    """What an MTA does with a mail to the reachability address: `renkei mail receive`."""
    return subprocess.run([str(binary), "mail", "receive", "--recipient", DESK], cwd=REPO, env=renkei_env(data_dir, **env),
                          input=raw, capture_output=True, timeout=120)


def challenged_addresses(data_dir: Path) -> dict[str, list[str]]:
    """Each current team's published address and its emergency address when that is one,
    recounted here from the directory's records: the teams a test of everyone must reach."""
    with sqlite3.connect(data_dir / "renkei.sqlite") as connection:
        gone = {row[0] for row in connection.execute("SELECT team_id FROM membership_status WHERE status IN ('resigned', 'terminated')")}
        teams = {}
        for team_id, record in connection.execute("SELECT id, record FROM teams"):
            if team_id in gone:
                continue
            fields = json.loads(record)
            addresses = {fields["email"].lower()}
            emergency = fields.get("emergencyContact", "").strip()
            if "@" in emergency and " " not in emergency:
                addresses.add(emergency.lower())
            teams[fields["slug"]] = sorted(addresses)
        return teams


def mails(relay: Relay, number: int) -> list:
    """The challenges (0) or reminders (1, 2) the relay took, by their Message-ID."""
    return [d for d in relay.mailbox.all() if d.header("Message-ID").startswith(f"<rt.{number}.")]


def text_of(raw: bytes) -> str:
    """The first text/plain part, decoded: what the team's people read."""
    for part in email.message_from_bytes(raw, policy=email.policy.default).walk():
        if part.get_content_type() == "text/plain":
            return part.get_content()
    return ""


def test_a_campaign_counts_each_answer_once_and_reminds_only_the_silent(renkei_bin, tmp_path, relay):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {"RENKEI_MAIL_DOMAIN": DOMAIN, "SMTP_URL": relay.url, "SMTP_TLS": "off", "SMTP_CA_FILE": "", "RENKEI_GPG_HOME": ""}
    ok(run_cli(renkei_bin, data_dir, "demo", env=env))
    ok(run_cli(renkei_bin, data_dir, "mail", "key", env=env))
    # The demo's own mail goes first, so the relay holds only the test's.
    ok(run_cli(renkei_bin, data_dir, "mail", "deliver", "--flush", env=env, timeout=600))
    relay.mailbox.clear()

    expected = challenged_addresses(data_dir)
    started = ok(run_cli(renkei_bin, data_dir, "reachability", "start", "--scope", "all", env=env)).stdout
    campaign, summary = started.strip().split("\t")
    assert summary == f"{len(expected)} teams challenged (all teams)"
    ok(run_cli(renkei_bin, data_dir, "mail", "deliver", "--flush", env=env, timeout=600))
    challenges = mails(relay, 0)
    assert sorted(d.recipient for d in challenges) == sorted(a for addresses in expected.values() for a in addresses), "one mail per address"
    assert all(d.message.get_content_type() == "multipart/signed" and d.header("Reply-To") == DESK for d in challenges)
    token_of = {}
    for delivery in challenges:
        found = set(TOKEN.findall(text_of(delivery.raw)))
        assert len(found) == 1, f"one token in the mail to {delivery.recipient}"
        token_of[delivery.recipient] = found.pop()
    teams = sorted(expected)
    tokens = {slug: token_of[expected[slug][0]] for slug in teams}
    assert len(set(tokens.values())) == len(teams), "each team its own token"
    for slug in teams:
        assert all(token_of[address] == tokens[slug] for address in expected[slug]), "a team's addresses share its token"

    chosen = teams[:50]
    by_link, by_mail, silent = chosen[:30], chosen[30:40], chosen[40:]
    server = RenkeiServer(renkei_bin, data_dir, demo=False, env=env).start()
    try:
        # Opening a link (a mail filter does) is no answer; confirming is, once.
        for slug in silent:
            page = requests.get(server.url(f"/reachability/answer/{tokens[slug]}"), timeout=30)
            assert page.status_code == 200 and 'id="answer-form"' in page.text
        for slug in by_link:
            session = requests.Session()
            page = session.get(server.url(f"/reachability/answer/{tokens[slug]}"), timeout=30)
            csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
            confirmed = session.post(server.url(f"/reachability/answer/{tokens[slug]}"), data={"_csrf": csrf}, allow_redirects=False, timeout=30)
            assert confirmed.status_code == 303, f"{slug}: {confirmed.status_code}"
            again = session.post(server.url(f"/reachability/answer/{tokens[slug]}"), data={"_csrf": csrf}, allow_redirects=False, timeout=30)
            assert again.status_code == 409, "a replayed link counts once"
        foreign = requests.get(server.url(f"/reachability/answer/rt-{secrets.token_hex(20)}"), timeout=30)
        assert foreign.status_code == 404
    finally:
        server.stop()

    # By mail: half signed with the analyst's own key (PGP/MIME), half plain.
    analyst = GnuPGHome(tmp_path / "gnupg-analyst").generate("Analyst <analyst@responder.example>")
    try:
        for index, slug in enumerate(by_mail):
            text = f"We read you.\r\n\r\n> Please answer by ...\r\n> Token: {tokens[slug]}\r\n"
            headers = [("From", f"Analyst <analyst@{slug}.example>"), ("To", DESK), ("Subject", f"Re: Reachability test for {slug}"),
                       ("Message-ID", f"<{secrets.token_hex(8)}@{slug}.example>"), ("MIME-Version", "1.0")]
            content = text_part(text)
            entity = signed_entity(content, analyst.sign(content)) if index % 2 == 0 else content
            raw = message(headers, entity)
            answered = receive(renkei_bin, data_dir, env, raw)
            assert answered.returncode == 0, answered.stderr.decode()
            assert answered.stdout.decode().startswith("reachability test answered for ")
            replayed = receive(renkei_bin, data_dir, env, raw)
            assert replayed.returncode == 77 and b"answered already" in replayed.stderr
    finally:
        stop_agent(analyst.path)
    stranger = message([("From", "x@elsewhere.example"), ("To", DESK), ("Subject", "hello")],
                       text_part(f"Token: rt-{secrets.token_hex(20)}\r\n"))
    assert receive(renkei_bin, data_dir, env, stranger).returncode == 77, "a foreign token is refused"

    results = json.loads(ok(run_cli(renkei_bin, data_dir, "reachability", "results", campaign, "--json", env=env)).stdout)
    total = results["total"]
    assert (total["challenged"], total["withinHour"], total["withinDay"], total["withinWeek"], total["bounced"]) == (len(teams), 40, 40, 40, 0)

    # Reminders: at 24 hours and at 72 hours, once each, only to the teams that did not answer.
    answered = set(by_link) | set(by_mail)
    silent_addresses = sorted(a for slug in teams if slug not in answered for a in expected[slug])
    now = datetime.datetime.now(datetime.timezone.utc)
    for hours, number in ((25, 1), (26, 1), (73, 2), (74, 2)):
        relay.mailbox.clear()
        ok(run_cli(renkei_bin, data_dir, "reachability", "round", "--as-of", (now + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ"), env=env))
        ok(run_cli(renkei_bin, data_dir, "mail", "deliver", "--flush", env=env, timeout=600))
        reminders = mails(relay, number)
        if hours in (25, 73):
            assert sorted(d.recipient for d in reminders) == silent_addresses, f"reminder {number}"
            assert all(f"Reminder {number}:" in text_of(d.raw) for d in reminders)
        else:
            assert reminders == [], "a reminder goes once"
