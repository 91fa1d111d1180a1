"""The measuring tools, run as the benchmark (`Benchmarks/http.sh`) runs them: `renkei demo
scale` fills an empty data directory, `renkei user token` prints a token a script uses, and
`renkei cvss --json` streams a feed with the same output as before it was made fast.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import requests

from conftest import REPO, RenkeiServer

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_TEAMS = {"wrenshire-csirt", "hoshizora-csirt", "lindenfeld-csirt"}
EVERY_PAIR = {
    ("CLEAR", "community"), ("CLEAR", "teams"), ("CLEAR", "individuals"),
    ("GREEN", "community"), ("GREEN", "teams"), ("GREEN", "individuals"),
    ("AMBER", "community"), ("AMBER", "teams"), ("AMBER", "individuals"),
    ("AMBER+STRICT", "community"), ("AMBER+STRICT", "teams"), ("AMBER+STRICT", "individuals"),
    ("RED", "individuals"),
}


def ok(result):
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    return result


def usage_error(result) -> str:
    assert result.returncode == 2, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    assert "renkei:" in result.stderr, result.stderr[-2000:]
    return result.stderr[result.stderr.index("renkei:"):]


def items_table(data_dir: Path) -> list[tuple]:
    """Every stored item as (id, label, audience kind, title), oldest first, read from the file."""
    with sqlite3.connect(data_dir / "renkei.sqlite") as db:
        return db.execute(
            "SELECT id, tlp, (SELECT key FROM json_each(document, '$.audience')), json_extract(document, '$.title') "
            "FROM shared_items ORDER BY created_at, id").fetchall()


@pytest.fixture(scope="module")
def scaled(cli, tmp_path_factory):
    """A directory of 8 teams and 400 items, seed 5."""
    directory = tmp_path_factory.mktemp("scaled") / "data"
    result = ok(cli(directory, "demo", "scale", "--teams", "8", "--items", "400", "--seed", "5"))
    return directory, result


def test_demo_scale_loads_teams_accounts_and_every_label_with_every_audience(scaled, cli, tmp_path):
    directory, result = scaled
    assert "items: 400/400" in result.stderr
    assert "member@renkei-demo.example" in result.stdout
    exported = tmp_path / "teams.json"
    ok(cli(directory, "export", "global-irt", "--output", str(exported)))
    teams = json.loads(exported.read_text(encoding="utf-8"))
    slugs = {team["-renkei-slug"] for team in teams}
    assert len(teams) == 8
    assert DEMO_TEAMS <= slugs
    items = items_table(directory)
    assert len(items) == 400
    pairs = Counter((tlp, kind) for _, tlp, kind, _ in items)
    assert set(pairs) == EVERY_PAIR
    with sqlite3.connect(directory / "renkei.sqlite") as db:
        emails = {row[0] for row in db.execute("SELECT email FROM users")}
        # One analyst for each of the five invented teams, and the seven demo accounts.
        assert len(emails) == 12
        assert {"secretariat@renkei-demo.example", "member@renkei-demo.example", "applicant@renkei-demo.example"} <= emails


def test_demo_scale_leaves_the_indexes_a_new_database_has(scaled, cli, tmp_path):
    """The load drops the items' indexes while it writes and makes them again at the end."""
    directory, _ = scaled
    fresh = tmp_path / "fresh"
    ok(cli(fresh, "demo", "scale", "--teams", "8", "--items", "0"))

    def indexes(data_dir: Path) -> set[tuple]:
        with sqlite3.connect(data_dir / "renkei.sqlite") as db:
            return set(db.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))

    loaded = indexes(directory)
    assert loaded == indexes(fresh)
    assert {"shared_items_keyset", "shared_items_list_keyset", "item_audiences_reader", "item_audiences_item"} <= {name for name, _, _ in loaded}
    with sqlite3.connect(directory / "renkei.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_demo_scale_is_deterministic_for_a_seed(scaled, cli, tmp_path):
    directory, _ = scaled
    again = tmp_path / "again"
    ok(cli(again, "demo", "scale", "--teams", "8", "--items", "400", "--seed", "5"))
    assert items_table(again) == items_table(directory)
    other = tmp_path / "other"
    ok(cli(other, "demo", "scale", "--teams", "8", "--items", "400", "--seed", "6"))
    assert {row[0] for row in items_table(other)}.isdisjoint({row[0] for row in items_table(directory)})


def test_demo_scale_refuses_a_directory_that_is_not_empty(scaled, cli, tmp_path):
    directory, _ = scaled
    message = usage_error(cli(directory, "demo", "scale", "--teams", "8", "--items", "10"))
    assert "not empty" in message
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    assert "not empty" in usage_error(cli(stray, "demo", "scale", "--teams", "8", "--items", "10"))
    assert sorted(path.name for path in stray.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("args", [
    ["--teams", "2", "--items", "10"],
    ["--teams", "8"],
    ["--teams", "eight", "--items", "10"],
    ["--teams", "8", "--items", "-1"],
    ["--teams", "8", "--items", "10", "--seed", "x"],
    ["--teams", "8", "--items", "10", "--colour", "red"],
])
def test_demo_scale_bad_arguments(cli, tmp_path, args):
    directory = tmp_path / "data"
    usage_error(cli(directory, "demo", "scale", *args))
    assert not directory.exists() or not any(directory.iterdir())


def test_user_token_prints_a_token_that_reads_the_items_api(scaled, cli, renkei_bin):
    directory, _ = scaled
    result = ok(cli(directory, "user", "token", "--email", "member@renkei-demo.example", "--name", "benchmark"))
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    assert token.startswith("rk_")
    with sqlite3.connect(directory / "renkei.sqlite") as db:
        audited = db.execute("SELECT action, subject, detail FROM audit_events WHERE action = 'token.create'").fetchall()
    assert audited == [("token.create", "member@renkei-demo.example", "API token “benchmark” made on the command line")]

    server = RenkeiServer(renkei_bin, directory, demo=False).start()
    try:
        answer = requests.get(server.url("/api/v1/items?limit=50"), headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert answer.status_code == 200, answer.text[:500]
        page = answer.json()
        assert len(page["items"]) == 50
        assert page["next"]
        assert {item["tlp"] for item in page["items"]} - {"TLP:CLEAR"}, "a member reads more than TLP:CLEAR"
        anonymous = requests.get(server.url("/api/v1/items?limit=50"), timeout=30).json()
        assert {item["id"] for item in anonymous["items"]} != {item["id"] for item in page["items"]}
        refused = requests.get(server.url("/api/v1/items"), headers={"Authorization": "Bearer rk_not-a-token"}, timeout=30)
        assert refused.status_code == 401
    finally:
        server.stop()


def test_user_token_refuses_unknown_accounts_and_roles_without_their_second_factor(scaled, cli):
    directory, _ = scaled
    assert "there is no user" in usage_error(cli(directory, "user", "token", "--email", "nobody@renkei-demo.example", "--name", "x"))
    message = usage_error(cli(directory, "user", "token", "--email", "secretariat@renkei-demo.example", "--name", "x"))
    assert "two-factor" in message
    usage_error(cli(directory, "user", "token", "--email", "member@renkei-demo.example"))
    with sqlite3.connect(directory / "renkei.sqlite") as db:
        tokens = db.execute("SELECT u.email FROM api_tokens t JOIN users u ON u.id = t.user_id").fetchall()
    assert ("secretariat@renkei-demo.example",) not in tokens


def run_cvss(renkei_bin, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(renkei_bin), "cvss", *args], input=stdin, capture_output=True, cwd=REPO, timeout=120)


def test_cvss_json_output_is_byte_for_byte_what_it_was(renkei_bin):
    """The fixture's expected files were written by the command before it streamed (one
    `print` per line through `JSONValue`): every version, invalid vectors, blank lines, CRLF,
    spaces and no-break spaces around vectors, quotes, backslashes and control characters."""
    feed = (FIXTURES / "cvss-feed.txt").read_bytes()
    result = run_cvss(renkei_bin, "--json", stdin=feed)
    assert result.returncode == 2
    assert result.stdout == (FIXTURES / "cvss-feed.jsonl").read_bytes()
    assert result.stderr == (FIXTURES / "cvss-feed.stderr.txt").read_bytes()
    table = run_cvss(renkei_bin, stdin=feed)
    assert table.returncode == 2
    assert table.stdout == (FIXTURES / "cvss-feed.table.txt").read_bytes()


def test_cvss_reads_a_feed_larger_than_its_read_block_and_a_last_line_without_newline(renkei_bin):
    vector = b"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    count = 40_000  # about 1.8 MB: more than one block of standard input
    result = run_cvss(renkei_bin, "--json", stdin=b"\n".join([vector] * count))
    assert result.returncode == 0, result.stderr[-500:]
    expected = (b'{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"Critical",'
                b'"temporalScore":9.8,"environmentalScore":9.8}\n')
    assert result.stdout == expected * count


def test_cvss_repeated_vectors_are_answered_each_time_in_input_order(renkei_bin):
    """A feed repeats vectors; each line still gets its own answer (and error), in order."""
    good = b"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    bad = b"CVSS:3.1/AV:Q"
    other = b"AV:N/AC:L/Au:N/C:C/I:C/A:C"
    result = run_cvss(renkei_bin, "--json", stdin=b"\n".join([bad, good, other] * 3_000) + b"\n")
    assert result.returncode == 2
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 9_000
    for index in range(0, 9_000, 3):
        assert lines[index].startswith('{"vectorString":"CVSS:3.1/AV:Q","error":'), index
        assert lines[index + 1].startswith('{"version":"3.1","vectorString":"CVSS:3.1/AV:N/'), index
        assert lines[index + 2] == '{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:C/I:C/A:C","baseScore":10,"baseSeverity":"High"}', index
    errors = result.stderr.decode().splitlines()
    assert len(errors) == 3_000 and all(line.startswith("renkei: CVSS:3.1/AV:Q: ") for line in errors)


def test_cvss_answers_each_spelling_of_an_equivalent_line_with_its_own_bytes(renkei_bin):
    """Lines that Unicode calls equivalent (a precomposed and a decomposed letter, the Kelvin
    sign and K) are different input: each answer quotes its own line."""
    lines = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:\u00e9", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:e\u0301",
             "CVSS:3.1/AV:\u212a", "CVSS:3.1/AV:K"]
    result = run_cvss(renkei_bin, "--json", stdin=("\n".join(lines) + "\n").encode())
    assert result.returncode == 2
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [answer["vectorString"] for answer in answers] == lines
    assert [line.split(": ", 2)[1] for line in result.stderr.decode().splitlines()] == lines


def test_cvss_arguments_are_scored_like_lines(renkei_bin):
    result = run_cvss(renkei_bin, "--json", "AV:N/AC:L/Au:N/C:C/I:C/A:C", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H")
    assert result.returncode == 0
    assert result.stdout.decode().splitlines() == [
        '{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:C/I:C/A:C","baseScore":10,"baseSeverity":"High"}',
        '{"version":"4.0","vectorString":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H","score":10,"severity":"Critical","nomenclature":"CVSS-B"}',
    ]
