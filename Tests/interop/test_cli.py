"""The `renkei` command line, run as a user would: no server, a fresh data directory each.

Contract: bad input → exit status 2 and a message on stderr starting "renkei:"; an import
with any invalid team writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# 192.0.2.5-192.0.2.20 is exactly these blocks, in address order.
KESTREL_V4 = ["192.0.2.5/32", "192.0.2.6/31", "192.0.2.8/29", "192.0.2.16/30", "192.0.2.20/32"]


def ok(result):
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    return result


def usage_error(result):
    """Exit status 2 with a "renkei: ..." message on stderr; returns the message."""
    assert result.returncode == 2, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    lines = [line for line in result.stderr.splitlines() if line.startswith("renkei:")]
    assert lines, f"no 'renkei:' message on stderr:\n{result.stderr[-2000:]}"
    return result.stderr[result.stderr.index("renkei:"):]


def export(cli, data_dir: Path, *flags: str) -> list[dict]:
    target = Path(data_dir) / f"export{'-'.join(flags)}.json"
    ok(cli(data_dir, "export", "global-irt", *flags, "--output", str(target)))
    document = json.loads(target.read_text(encoding="utf-8"))
    assert isinstance(document, list)
    return document


def without_last_modified(teams: list[dict]) -> list[dict]:
    return [{k: v for k, v in team.items() if k != "last-modified"} for team in teams]


def by_slug(teams: list[dict]) -> dict[str, dict]:
    return {team["-renkei-slug"]: team for team in teams}


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def demo_export(cli, tmp_path_factory):
    """The full export of a freshly loaded demo directory (loaded once for the module)."""
    directory = tmp_path_factory.mktemp("demo-data")
    result = ok(cli(directory, "demo"))
    target = directory / "demo-export.json"
    ok(cli(directory, "export", "global-irt", "--output", str(target)))
    return directory, target, result


# --- demo ---------------------------------------------------------------------------------------

def test_demo_loads_the_fictional_network(demo_export, cli):
    directory, target, result = demo_export
    assert "rep@renkei-demo.example" in result.stdout
    assert "fictional" in result.stdout.lower()
    teams = json.loads(target.read_text(encoding="utf-8"))
    assert len(teams) == 197
    assert "lindenfeld-csirt" in by_slug(teams)
    # Loading again is harmless.
    again = ok(cli(directory, "demo"))
    assert "already loaded" in again.stdout
    assert len(export(cli, directory)) == 197


def test_export_to_standard_output_is_pure_json(cli, data_dir):
    # "export global-irt ... (JSON array to stdout)": usable in a pipe, even on the first run
    # (when the database is created and migrated).
    first = ok(cli(data_dir, "export", "global-irt"))
    try:
        document = json.loads(first.stdout)
    except json.JSONDecodeError:
        pytest.fail("stdout of `export global-irt` on a new data directory is not JSON "
                    "(log lines belong on stderr):\n" + first.stdout[:600])
    assert document == []
    ok(cli(data_dir, "demo"))
    teams = json.loads(ok(cli(data_dir, "export", "global-irt")).stdout)
    assert len(teams) == 197


def test_public_export_holds_only_public_fields(demo_export, cli):
    directory, target, _ = demo_export
    full = by_slug(json.loads(target.read_text(encoding="utf-8")))
    public = by_slug(export(cli, directory, "--public"))
    assert full.keys() == public.keys()
    assert any("-renkei-internal-emails" in t for t in full.values()), "the full export is a backup"
    assert not any("-renkei-internal-emails" in t for t in public.values())
    lindenfeld_full, lindenfeld_public = full["lindenfeld-csirt"], public["lindenfeld-csirt"]
    assert "-renkei-emergency-contact" in lindenfeld_full
    assert "-renkei-emergency-contact" not in lindenfeld_public


# --- round trip ---------------------------------------------------------------------------------

def test_global_irt_export_import_export_round_trip(demo_export, cli, data_dir):
    _, first_file, _ = demo_export
    first = json.loads(first_file.read_text(encoding="utf-8"))
    result = ok(cli(data_dir, "import", "global-irt", str(first_file)))
    assert "197" in result.stdout
    second = export(cli, data_dir)
    assert len(second) == len(first)
    a, b = without_last_modified(first), without_last_modified(second)
    if a != b:
        left, right = by_slug(a), by_slug(b)
        differing = [slug for slug in left if left[slug] != right.get(slug)]
        pytest.fail(f"{len(differing)} team(s) differ after the round trip, e.g. {differing[:3]}: "
                    f"{json.dumps(left[differing[0]], ensure_ascii=False)[:800]} vs "
                    f"{json.dumps(right.get(differing[0]), ensure_ascii=False)[:800]}"
                    if differing else "same teams, different order")
    # Importing the same file again changes nothing.
    again = ok(cli(data_dir, "import", "global-irt", str(first_file)))
    assert "0 new" in again.stdout
    assert without_last_modified(export(cli, data_dir)) == b


# --- Trusted Introducer -------------------------------------------------------------------------

def test_import_ti_splits_ranges_into_cidrs(cli, data_dir):
    ok(cli(data_dir, "import", "ti", str(FIXTURES / "ti-teams.json")))
    teams = by_slug(export(cli, data_dir))
    assert set(teams) == {"kestrel-cert", "marlpit-psirt", "sundew-bank-csirt"}
    kestrel = teams["kestrel-cert"]
    assert kestrel["short-team-name"] == "Kestrel-CERT"
    assert kestrel["country-code"] == "NL"
    assert kestrel["establishment"] == "2009-06-15"
    assert kestrel["email"] == "cert@kestrel-valley.example"
    constituency = kestrel["-renkei-constituency"]
    # Sorted as the app sorts prefixes: by network, then length; IPv4 before IPv6.
    assert constituency["prefixes"] == KESTREL_V4 + ["2001:db8:77::/48"]
    assert constituency["asns"] == ["AS64510"]
    assert constituency["domains"] == ["kestrel-valley.example"]
    # A date-time "established" keeps its date; a team without ranges has no prefixes.
    assert teams["marlpit-psirt"]["establishment"] == "2016-09-01"
    assert "prefixes" not in teams["marlpit-psirt"].get("-renkei-constituency", {})
    assert teams["sundew-bank-csirt"]["-renkei-constituency"]["prefixes"] == ["198.51.100.0/24"]


def test_import_ti_with_an_invalid_team_writes_nothing(cli, data_dir):
    ok(cli(data_dir, "import", "ti", str(FIXTURES / "ti-teams.json")))
    before = export(cli, data_dir)
    message = usage_error(cli(data_dir, "import", "ti", str(FIXTURES / "ti-invalid-country.json")))
    assert "nothing imported" in message
    assert "team 2" in message and "Nowhere-CERT" in message, message
    assert "countryCode" in message and "XX" in message, message
    after = export(cli, data_dir)
    assert after == before, "the valid first team of the file must not have been written either"
    assert "wagtail-csirt" not in by_slug(after)


@pytest.mark.parametrize("content,expect", [
    ('[{"short_name": "Reversed-CERT", "country": "NL", "email": "x@reversed.example", '
     '"constituency": {"ipranges": ["192.0.2.20-192.0.2.5"]}}]', "192.0.2.20-192.0.2.5"),
    ('[{"short_name": "Mixed-CERT", "country": "NL", "email": "x@mixed.example", '
     '"constituency": {"ipranges": ["192.0.2.1-2001:db8::1"]}}]', "Mixed-CERT"),
    ("this is not JSON", ""),
    ('{"no": "teams here"}', ""),
])
def test_import_ti_bad_files(cli, data_dir, tmp_path, content, expect):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    message = usage_error(cli(data_dir, "import", "ti", str(path)))
    assert expect in message
    assert export(cli, data_dir) == []


def test_import_missing_file(cli, data_dir, tmp_path):
    message = usage_error(cli(data_dir, "import", "global-irt", str(tmp_path / "nope.json")))
    assert "nope.json" in message


def test_unknown_import_format(cli, data_dir):
    message = usage_error(cli(data_dir, "import", "csv", str(FIXTURES / "ti-teams.json")))
    assert "csv" in message
    assert export(cli, data_dir) == []


def test_unknown_export_format(cli, data_dir):
    message = usage_error(cli(data_dir, "export", "csv"))
    assert "csv" in message


# --- users --------------------------------------------------------------------------------------

def test_user_create_password_rules(cli, data_dir):
    ok(cli(data_dir, "import", "ti", str(FIXTURES / "ti-teams.json")))
    args = ["user", "create", "--email", "ops@kestrel-valley.example", "--name", "Kestrel Operator",
            "--roles", "secretariat", "--team", "kestrel-cert"]
    message = usage_error(cli(data_dir, *args, env={"RENKEI_PASSWORD": "short"}))
    assert "12" in message
    created = ok(cli(data_dir, *args, env={"RENKEI_PASSWORD": "a-long-enough-passphrase"}))
    assert "ops@kestrel-valley.example" in created.stdout
    # The same address twice is refused.
    usage_error(cli(data_dir, *args, env={"RENKEI_PASSWORD": "a-long-enough-passphrase"}))


@pytest.mark.parametrize("args", [
    ["user", "create", "--email", "not-an-address", "--name", "X"],
    ["user", "create", "--email", "x@example.org", "--name", "X", "--roles", "emperor"],
    ["user", "create", "--email", "x@example.org", "--name", "X", "--team", "no-such-team"],
    ["user", "delete"],
])
def test_user_create_bad_arguments(cli, data_dir, args):
    usage_error(cli(data_dir, *args, env={"RENKEI_PASSWORD": "a-long-enough-passphrase"}))


def test_a_server_started_outside_the_checkout_serves_its_pages(renkei_bin, tmp_path):
    """Started from another folder, every page was a 500 (no templates in the working
    directory); the program now finds its files above itself, or where RENKEI_HOME says."""
    import subprocess

    import requests

    from conftest import RenkeiServer, renkei_env

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    server = RenkeiServer(renkei_bin, tmp_path / "data", demo=False, cwd=elsewhere).start()
    try:
        for path in ["/", "/lookup", "/teams", "/favicon.svg", "/css/renkei.css", "/api/v1/openapi.json"]:
            response = requests.get(server.url(path), timeout=10)
            assert response.status_code == 200, f"{path}: {response.status_code}"
        assert "<form" in requests.get(server.url("/lookup"), timeout=10).text
    finally:
        server.stop()

    refused = subprocess.run([str(renkei_bin), "serve", "--port", "1"], cwd=elsewhere, capture_output=True, text=True, timeout=60,
                             env=renkei_env(tmp_path / "data2", RENKEI_HOME=str(elsewhere)))
    assert refused.returncode == 2 and refused.stderr.startswith("renkei: RENKEI_HOME"), refused.stderr


@pytest.mark.parametrize("args, status", [(["--help"], 0), (["user", "--help"], 0), (["serve", "--help"], 0),
                                          (["demo", "scale", "--help"], 2)])
def test_help_opens_no_database(cli, tmp_path, args, status):
    """`renkei --help` used to open (and so create and migrate) the SQLite file of the data
    directory: asking how to use a program must leave nothing behind. (`demo scale` reads
    its own options and refuses `--help` with its usage.)"""
    data_dir = tmp_path / "data"
    result = cli(data_dir, *args)
    assert result.returncode == status, result.stderr
    assert "usage" in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    assert not data_dir.exists(), sorted(p.name for p in data_dir.iterdir())


def test_serve_demo_writes_the_accounts_before_it_serves(server_factory):
    """With its output going to a file, as a service's log does, the demo's accounts stayed in
    the output buffer until the server stopped: nobody could read them while it ran."""
    server = server_factory(demo=True)
    log = server.log()
    assert "member@renkei-demo.example" in log and "demo-member-pass" in log, log


def test_serve_demo_serves_with_its_output_closed(renkei_bin, tmp_path):
    """Writing the demo's accounts to a closed standard output must not stop the server."""
    import os
    import subprocess
    import time

    import requests

    from conftest import REPO, free_port, renkei_env

    port = free_port()
    server = subprocess.Popen([str(renkei_bin), "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)], cwd=REPO,
                              env=renkei_env(tmp_path / "data"), stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=lambda: os.close(1))
    try:
        deadline, answered = time.monotonic() + 60, False
        while time.monotonic() < deadline and server.poll() is None and not answered:
            try:
                answered = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                time.sleep(0.25)
        assert answered, f"the server exited with {server.poll()}"
    finally:
        server.terminate()
        server.wait(timeout=20)
