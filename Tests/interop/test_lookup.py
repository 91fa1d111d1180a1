"""The point-of-contact lookup from outside: answers compared with pytricia (an independent
longest-prefix-match implementation), the OpenAPI description checked by openapi-spec-validator,
and the lookup/route/import commands."""

from __future__ import annotations

import ipaddress
import json
import random
import subprocess
from pathlib import Path

import pytest
import requests
import pytricia
from openapi_spec_validator import validate

from conftest import REPO, run_cli

FIXTURES = REPO / "Tests" / "Fixtures" / "registry"


def random_table(rng: random.Random, count: int) -> dict[str, int]:
    """Nested IPv4 and IPv6 prefixes, as routing tables have them."""
    table: dict[str, int] = {}
    networks: list[ipaddress._BaseNetwork] = []
    while len(table) < count:
        if networks and rng.random() < 0.5:
            parent = rng.choice(networks)
            if parent.prefixlen >= parent.max_prefixlen - 1:
                continue
            length = rng.randint(parent.prefixlen + 1, min(parent.max_prefixlen, parent.prefixlen + 8))
            network = rng.choice(list(parent.subnets(new_prefix=length)) if length - parent.prefixlen <= 4 else
                                 [ipaddress.ip_network((int(parent.network_address) + (rng.getrandbits(length - parent.prefixlen) << (parent.max_prefixlen - length)), length))])
        elif rng.random() < 0.8:
            network = ipaddress.ip_network((rng.getrandbits(32), rng.randint(8, 32)), strict=False)
        else:
            network = ipaddress.ip_network(((0x2001 << 112) | rng.getrandbits(112), rng.randint(16, 64)), strict=False)
        table[str(network)] = rng.randrange(50)
        networks.append(network)
    return table


def test_longest_prefix_answers_match_pytricia(renkei_bin, tmp_path):
    rng = random.Random(7)
    table = random_table(rng, 5000)
    (tmp_path / "table.csv").write_text("prefix,team\n" + "".join(f"{p},{t}\n" for p, t in table.items()))
    tries = [pytricia.PyTricia(32), pytricia.PyTricia(128)]
    for prefix, team in table.items():
        tries[":" in prefix][prefix] = team
    queries = []
    for _ in range(20000):
        prefix = ipaddress.ip_network(rng.choice(list(table)))
        if rng.random() < 0.7:
            address = prefix.network_address + rng.randrange(prefix.num_addresses)
        elif rng.random() < 0.8:
            address = ipaddress.IPv4Address(rng.getrandbits(32))
        else:
            address = ipaddress.IPv6Address((0x2001 << 112) | rng.getrandbits(112))
        queries.append(str(address))
    (tmp_path / "queries.txt").write_text("\n".join(queries) + "\n")
    result = subprocess.run([str(renkei_bin), "bench", "lpm", "--table", str(tmp_path / "table.csv"),
                             "--queries", str(tmp_path / "queries.txt"), "--out", str(tmp_path / "answers.txt")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["prefixes"] == len(table)
    expected = [tries[":" in q].get(q) for q in queries]
    answers = (tmp_path / "answers.txt").read_text().splitlines()
    assert answers == ["-" if e is None else str(e) for e in expected]


def test_openapi_description_is_valid(demo_server):
    document = requests.get(demo_server.url("/api/v1/openapi.json"), timeout=10).json()
    validate(document)
    assert "/api/v1/lookup" in document["paths"]


def test_lookup_api_answers_the_demo_network(demo_server):
    # The demo gives 203.0.113.0/24 and the .jp domain to Japan's national team.
    answer = requests.get(demo_server.url("/api/v1/lookup"), params={"q": "203.0.113.7"}, timeout=10).json()
    assert answer["candidates"][0]["kind"] == "constituency-prefix"
    assert "203.0.113.0/24" in answer["candidates"][0]["reasons"][0]
    jp = requests.get(demo_server.url("/api/v1/lookup"), params={"q": "https://www.example.jp/login"}, timeout=10).json()
    assert jp["candidates"][0]["team"]["slug"] == answer["candidates"][0]["team"]["slug"]
    bulk = requests.post(demo_server.url("/api/v1/lookup"), json=["203.0.113.7", "AS64500", "no such thing"], timeout=30).json()
    assert len(bulk["results"]) == 2
    assert bulk["errors"] == [{"line": 3, "input": "no such thing", "error": bulk["errors"][0]["error"]}]
    problem = requests.get(demo_server.url("/api/v1/lookup"), params={"q": "300.1.1.1"}, timeout=10)
    assert problem.status_code == 422
    assert problem.headers["Content-Type"].startswith("application/problem+json")


def test_import_lookup_and_route_from_the_command_line(renkei_bin, tmp_path):
    data = tmp_path / "data"
    assert run_cli(renkei_bin, data, "demo").returncode == 0
    rir = run_cli(renkei_bin, data, "import", "rir", str(FIXTURES / "delegated-extended-sample.txt"))
    assert rir.returncode == 0, rir.stderr
    assert "skipped delegated-extended-sample.txt: line 16:" in rir.stdout
    assert "Imported the rir dataset: 10 entries, 3 lines skipped." in rir.stdout
    routes = run_cli(renkei_bin, data, "import", "pfx2as", str(FIXTURES / "routeviews-pfx2as-sample.txt"))
    assert routes.returncode == 0, routes.stderr

    lookup = run_cli(renkei_bin, data, "lookup", "203.0.113.7", "AS64501", "--json")
    assert lookup.returncode == 0, lookup.stderr
    answers = [json.loads(line) for line in lookup.stdout.splitlines()]
    assert [a["indicator"] for a in answers] == ["203.0.113.7", "AS64501"]
    assert "203.0.113.0/24 is registered to Japan (JP) (RIR data)." in answers[0]["facts"]
    table = run_cli(renkei_bin, data, "lookup", "example.jp", "not-a-thing!")
    assert table.returncode == 2
    assert "example.jp (domain)" in table.stdout and "not-a-thing!" in table.stderr

    events = tmp_path / "events.csv"
    events.write_text("seen,ip,url\n2026-11-27,203.0.113.7,http://x.example/\n2026-11-27,192.0.2.77,\n2026-11-27,bogus,\n")
    out = tmp_path / "routed"
    routed = run_cli(renkei_bin, data, "route", str(events), "--column", "ip", "--out", str(out))
    assert routed.returncode == 0, routed.stderr
    assert "Routing [" in routed.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["rows"] == 3 and summary["unreadable"] == 1
    files = sorted(p.name for p in out.iterdir())
    assert "unrouted.csv" in files and "summary.json" in files
    for name in files:
        if name.endswith(".csv"):
            assert (out / name).read_text().splitlines()[0] == "seen,ip,url"
    missing = run_cli(renkei_bin, data, "route", str(events), "--column", "address", "--out", str(out))
    assert missing.returncode == 2 and "no column" in missing.stderr
