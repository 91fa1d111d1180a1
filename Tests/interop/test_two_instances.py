"""Issue 13, "Several servers on one PostgreSQL": two `renkei serve` processes share one
database (README, "Several servers") and behave as one service. Sessions, the sign-in
throttle, periodic work, the outbox and the directory are decided in the database; each
server enforces its share of the API rate limits.

Needs PostgreSQL: RENKEI_TEST_POSTGRES_URL names a database this test empties first (CI's
.ci/run sets it). Without it the module is skipped, except in CI, where it fails.
"""

from __future__ import annotations

import datetime
import glob
import os
import re
import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import CSRF_PATTERN, IN_CI, RenkeiServer, free_port, run_cli, sign_in_http
from mailpeer import GnuPGHome, Relay, stop_agent

POSTGRES_URL = os.environ.get("RENKEI_TEST_POSTGRES_URL", "")
MARK = uuid.uuid4().hex[:8]
DOMAIN = "lists.renkei.test"
MEMBER = ("member@renkei-demo.example", "demo-member-pass")
SECRETARIAT = ("secretariat@renkei-demo.example", "demo-secretariat-pass")
TEAM = "lindenfeld-csirt"
# Each of the two servers allows 5 anonymous API requests a minute: 10 between them.
ANONYMOUS_LIMIT = 10
EXPIRING = f"expiring.{MARK}@{TEAM}.example"


def psql_binary() -> str:
    found = shutil.which("psql") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True)), None)
    if not found:
        pytest.fail("psql is needed to prepare the PostgreSQL database (apt-get install postgresql-client)")
    return found


def psql(sql: str) -> str:
    result = subprocess.run([psql_binary(), POSTGRES_URL, "-Atq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"psql {sql!r}: {result.stderr}"
    return result.stdout.strip()


@pytest.fixture(scope="module")
def site(renkei_bin, tmp_path_factory):
    """An emptied database with the demo network and a person whose key expires in ten days;
    one GnuPG home for the lists' key (what each server must share); a relay; then two
    servers started at the same moment."""
    if not POSTGRES_URL:
        reason = "RENKEI_TEST_POSTGRES_URL is not set: the two-instance test needs a PostgreSQL database"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    psql("DROP OWNED BY CURRENT_USER CASCADE")
    root = tmp_path_factory.mktemp("two-instances")
    gpg_home = root / "gnupg"
    relay = Relay(free_port()).start()
    env = {"DATABASE_URL": POSTGRES_URL, "RENKEI_GPG_HOME": str(gpg_home), "RENKEI_MAIL_DOMAIN": DOMAIN, "SMTP_URL": relay.url,
           "SMTP_TLS": "off", "SMTP_CA_FILE": "", "RENKEI_INSTANCES": "2", "RENKEI_API_RATE_LIMIT_ANONYMOUS": str(ANONYMOUS_LIMIT),
           "RENKEI_PASSWORD": f"two-instances-{MARK}"}
    cli_dir = root / "cli"
    cli_dir.mkdir()

    def cli(*args: str) -> subprocess.CompletedProcess:
        result = run_cli(renkei_bin, cli_dir, *args, env=env)
        assert result.returncode == 0, f"renkei {' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result

    cli("demo")
    keys = GnuPGHome(root / "expiring-key")
    keys.generate(f"Expiring Key <{EXPIRING}>", expires_at=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=10))
    (root / "expiring.asc").write_text(keys.export())
    cli("user", "create", "--email", EXPIRING, "--name", "Expiring Key", "--team", TEAM)
    cli("user", "key", "--email", EXPIRING, "--file", str(root / "expiring.asc"))
    cli("mail", "key")  # the lists' key, made once, before the servers share its home
    servers = []
    for name in ("a", "b"):
        data_dir = root / name
        data_dir.mkdir()
        servers.append(RenkeiServer(renkei_bin, data_dir, demo=False, env=env))
    # Both start at once, so both ask for every periodic round at boot.
    with ThreadPoolExecutor(2) as pool:
        for started in [pool.submit(server.start) for server in servers]:
            started.result()
    yield servers[0], servers[1], relay, cli
    for server in servers:
        server.stop()
    relay.stop()
    keys.close()
    stop_agent(gpg_home)


def signed_in(session: requests.Session, server) -> bool:
    page = session.get(server.url("/account"), timeout=30, allow_redirects=False)
    return page.status_code == 200 and "account-link" in page.text


def test_a_session_made_on_one_server_works_on_the_other(site, authenticator):
    a, b, _, _ = site
    session = requests.Session()
    sign_in_http(session, a, *MEMBER, authenticator)
    assert signed_in(session, b), "B knows the session A began"
    account = session.get(b.url("/account"), timeout=30).text
    assert session.post(b.url("/sign-out"), data={"_csrf": CSRF_PATTERN.search(account).group(1)}, timeout=30).ok
    assert not signed_in(session, a), "signing out on B ends the session on A"


def test_failed_sign_ins_on_one_server_count_on_the_other(site):
    a, b, _, _ = site
    account = f"guesser.{MARK}@renkei-demo.example"

    def attempt(server) -> requests.Response:
        session = requests.Session()
        form = session.get(server.url("/sign-in"), timeout=30).text
        return session.post(server.url("/sign-in"), timeout=30, allow_redirects=False,
                            data={"_csrf": CSRF_PATTERN.search(form).group(1), "email": account, "password": "wrong", "next": ""})

    # Five failures are free, then each doubles the wait: the seventh earns 4 s.
    failures = 0
    while failures < 7:
        answer = attempt(a)
        if answer.status_code == 429:
            time.sleep(int(answer.headers["Retry-After"]))
            continue
        assert answer.status_code == 401, f"HTTP {answer.status_code}"
        failures += 1
    refused = attempt(b)
    assert refused.status_code == 429, f"B let the guesser try again at once: HTTP {refused.status_code}"
    assert 1 <= int(refused.headers["Retry-After"]) <= 4


def test_anonymous_api_limits_hold_over_both_servers(site):
    a, b, _, _ = site
    answers = [requests.get(server.url("/api/v1/items"), timeout=30).status_code for server in [a, b] * (ANONYMOUS_LIMIT // 2)]
    assert answers == [200] * ANONYMOUS_LIMIT, "a proxy alternating between the servers gets the whole allowance"
    refused = requests.get(a.url("/api/v1/items"), timeout=30)
    assert refused.status_code == 429, "and not more"
    assert f"{ANONYMOUS_LIMIT} requests per 60 seconds" in refused.text, "the client is told the whole allowance"


def secretariat_token(server, authenticator, name: str) -> dict[str, str]:
    """An Authorization header for the secretariat, made through the account page."""
    session = requests.Session()
    sign_in_http(session, server, *SECRETARIAT, authenticator)
    account = session.get(server.url("/account"), timeout=30).text
    page = session.post(server.url("/account/tokens"), timeout=30, data={"_csrf": CSRF_PATTERN.search(account).group(1), "name": name}).text
    return {"Authorization": "Bearer " + re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)}


def test_a_team_edited_on_one_server_shows_on_the_other_within_2_seconds(site, authenticator):
    a, b, _, _ = site
    auth = secretariat_token(a, authenticator, "two-instances")
    team = requests.get(a.url(f"/api/v1/teams/{TEAM}"), headers=auth, timeout=30).json()
    # Warm B's directory and lookup tables, so what follows tests their refresh.
    assert requests.get(b.url("/global-irt/v1/teams"), params={"team": TEAM}, headers=auth, timeout=30).ok
    assert requests.get(b.url("/api/v1/lookup"), params={"q": f"www.two-{MARK}.example"}, headers=auth, timeout=30).ok
    name = f"Lindenfeld CSIRT {MARK}"
    domains = team["constituency"].get("domains", []) + [f"two-{MARK}.example"]
    patched = requests.patch(a.url(f"/api/v1/teams/{TEAM}"), json={"officialName": name, "constituency": {"domains": domains}},
                             headers=auth, timeout=30)
    assert patched.status_code == 200, patched.text
    changed = time.monotonic()
    listed = looked_up = None
    while time.monotonic() - changed < 2 and not (listed and looked_up):
        if not listed and name in requests.get(b.url("/global-irt/v1/teams"), params={"team": TEAM}, headers=auth, timeout=30).text:
            listed = time.monotonic() - changed
        if not looked_up:
            answer = requests.get(b.url("/api/v1/lookup"), params={"q": f"www.two-{MARK}.example"}, headers=auth, timeout=30).json()
            if any(candidate["team"]["slug"] == TEAM for candidate in answer.get("candidates", [])):
                looked_up = time.monotonic() - changed
        time.sleep(0.1)
    assert listed is not None, "B's Global IRT list shows the new name within 2 s"
    assert looked_up is not None, "B's lookup finds the team's new domain within 2 s"


def test_a_routing_import_is_answered_by_both_servers_within_2_seconds(site, authenticator, tmp_path):
    """Issue 20: an import made beside the servers (the command on the shared database) is
    noticed by each, which builds new tables in the background and names the import in its
    answers."""
    a, b, _, cli = site
    auth = secretariat_token(a, authenticator, "two-instances-routing")
    routes = tmp_path / "routes.pfx2as"
    routes.write_text(f"198.51.100.0\t24\t{64_500 + int(MARK[:4], 16) % 1000}\n2001:db8::\t32\t64496\n")
    for server in (a, b):  # warm both servers' tables first
        assert requests.get(server.url("/api/v1/lookup"), params={"q": "198.51.100.7"}, headers=auth, timeout=30).ok
    cli("import", "pfx2as", str(routes))
    imported = time.monotonic()
    named: dict[str, float] = {}
    while time.monotonic() - imported < 2 and len(named) < 2:
        for label, server in (("a", a), ("b", b)):
            if label in named:
                continue
            answer = requests.get(server.url("/api/v1/lookup"), params={"q": "198.51.100.7"}, headers=auth, timeout=30).json()
            if any(dataset["kind"] == "pfx2as" and dataset["source"] == "routes.pfx2as" for dataset in answer["datasets"]):
                named[label] = time.monotonic() - imported
        time.sleep(0.1)
    assert set(named) == {"a", "b"}, f"both servers answer from the new routing data within 2 s (did: {named})"


def test_mail_queued_once_reaches_each_recipient_once(site, tmp_path):
    a, b, relay, cli = site
    text = tmp_path / "post.md"
    text.write_text(f"Body {MARK}")
    titles = [f"Two servers {MARK} #{n}" for n in range(3)]
    for title in titles:
        cli("post", "--as", MEMBER[0], "--title", title, "--list", "members", "--tlp", "TLP:CLEAR", str(text))
    expected = int(psql(f"SELECT count(*) FROM mail_deliveries d JOIN mail_messages m ON m.id = d.message_id WHERE m.subject LIKE '%Two servers {MARK}%'"))
    assert expected >= 6, f"the members list fans out ({expected} deliveries)"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and psql("SELECT count(*) FROM mail_deliveries WHERE state = 'queued'") != "0":
        time.sleep(0.5)
    time.sleep(3)  # a duplicate would come with the next round of either server
    mine = [d for d in relay.mailbox.all() if f"Two servers {MARK}" in d.header("Subject")]
    copies = sorted((d.header("Subject"), d.recipient) for d in mine)
    assert len(copies) == expected, f"{len(copies)} messages for {expected} deliveries\nA:\n{a.log()}\nB:\n{b.log()}"
    assert len(set(copies)) == len(copies), "no recipient got a post twice"


def test_periodic_rounds_ran_once_although_both_servers_asked(site):
    a, b, relay, _ = site
    # The hourly upkeep warned of the expiring key once, whichever server took the round.
    relay.mailbox.wait_for(lambda ds: any(d.recipient == EXPIRING for d in ds), timeout=20)
    time.sleep(3)  # a second warning would have been queued at the same boot
    warnings = [d for d in relay.mailbox.all() if d.recipient == EXPIRING]
    assert len(warnings) == 1, f"{len(warnings)} key expiry warnings"
    assert warnings[0].header("Subject").startswith("Your PGP key expires on")
    rounds = dict(line.split("|", 1) for line in psql("SELECT name, runs FROM job_leases").splitlines())
    assert rounds.get("mail-upkeep") == "1" and rounds.get("sign-in-failures") == "1", rounds
