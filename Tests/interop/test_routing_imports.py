"""Routing data at Internet size (issue 20) from outside: `renkei import pfx2as|rir` while a
server answers lookups, an import killed with SIGKILL at three moments, and the history of
imports with `renkei import rollback`.

The files come from Benchmarks/gen_routing_data.py (the import benchmark's generator, imported
here): 100,000 generated prefixes per routing file. What an answer must say is worked out here,
by a longest-prefix match over the generated prefixes, and compared with the `facts` of the
answer; every answer names the imports it was built from (`datasets`), and its facts must be
those of the import it names.
"""

from __future__ import annotations

import ipaddress
import json
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests

from conftest import REPO, renkei_env

sys.path.insert(0, str(REPO / "Benchmarks"))
import gen_routing_data  # noqa: E402

# GET /api/v1/lookup counts against the anonymous API limit, bulk lookups against the lookup
# limit: both are raised so that polling 20 times a second is measured, not refused.
UNLIMITED = {"RENKEI_API_RATE_LIMIT_ANONYMOUS": "1000000000", "RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS": "1000000000"}
BIG = 100_000
PROGRESS = [re.compile(p) for p in (
    r"^Reading (?P<name>\S+) \((?P<index>\d+)/(?P<count>\d+), (?P<kib>\d+) KiB\)$",
    r"^  (?P<entries>\d+) entries, (?P<skipped>\d+) skipped",
    r"^Writing the (?P<kind>\w+) dataset \((?P<entries>\d+) entries\)$",
    r"^Imported the (?P<kind>\w+) dataset: (?P<entries>\d+) entries, (?P<skipped>\d+) lines skipped\.$",
)]


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    return result


@pytest.fixture(autouse=True)
def default_history(monkeypatch):
    """Every process here keeps the default number of imports unless a test says otherwise."""
    monkeypatch.delenv("RENKEI_DATASET_HISTORY", raising=False)


class Routes:
    """A generated pfx2as file and what a lookup of an address in it must say."""

    def __init__(self, path: Path, count: int, seed: int):
        self.path = path
        self.prefixes = gen_routing_data.write_pfx2as_generated(str(path), count, seed)
        self.table = {(n.version, int(n.network_address), n.prefixlen): origin for n, origin in self.prefixes}

    def fact(self, address: str) -> str | None:
        """The routing fact of the longest prefix covering `address`, as Renkei words it."""
        ip = ipaddress.ip_address(address)
        for length in range(ip.max_prefixlen, -1, -1):
            network = ipaddress.ip_network((int(ip), length), strict=False)
            origin = self.table.get((ip.version, int(network.network_address), length))
            if origin is not None:
                asns = list(dict.fromkeys(re.split(r"[_,]", origin)))
                return f"{network} is announced by {', '.join('AS' + a for a in asns)} (routing data)."
        return None

    def probes(self, count: int) -> list[str]:
        """Addresses inside IPv4 /24s of this file (no longer prefix can cover them)."""
        found = [str(n.network_address + 1) for n, _ in self.prefixes if n.version == 4 and n.prefixlen == 24]
        return found[:: max(1, len(found) // count)][:count]


def routing_fact(facts: list[str]) -> str | None:
    announced = [f for f in facts if " is announced by " in f]
    assert len(announced) <= 1, facts
    return announced[0] if announced else None


def history(cli, data_dir: Path, kind: str = "pfx2as") -> list[dict]:
    result = ok(cli(data_dir, "import", "history", "--json", kind))
    entries = json.loads(result.stdout)
    assert all(e["kind"] == kind for e in entries), entries
    return entries


def current(entries: list[dict]) -> dict:
    marked = [e for e in entries if e["current"]]
    assert len(marked) == 1 and entries[0] is marked[0], f"one current import, the newest: {entries}"
    return marked[0]


def cli_facts(cli, data_dir: Path, addresses: list[str]) -> list[str | None]:
    """The routing fact `renkei lookup --json` gives for each address."""
    result = ok(cli(data_dir, "lookup", *addresses, "--json"))
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [a["indicator"] for a in answers] == addresses
    return [routing_fact(a["facts"]) for a in answers]


def check_progress(stdout: str, kind: str, files: list[Path], entries: int, skipped: int) -> None:
    """The progress lines of an import, in the contract's order."""
    lines = [line for line in stdout.splitlines() if any(p.match(line) for p in PROGRESS)]
    expected = [0, 1] * len(files) + [2, 3]
    kinds = [next(i for i, p in enumerate(PROGRESS) if p.match(line)) for line in lines]
    assert kinds == expected, stdout
    for i, path in enumerate(files):
        reading = PROGRESS[0].match(lines[2 * i])
        assert reading["name"] == path.name and int(reading["index"]) == i + 1 and int(reading["count"]) == len(files)
        assert int(reading["kib"]) == path.stat().st_size // 1024
    writing, imported = PROGRESS[2].match(lines[-2]), PROGRESS[3].match(lines[-1])
    assert writing["kind"] == kind and int(writing["entries"]) == entries
    assert (imported["kind"], int(imported["entries"]), int(imported["skipped"])) == (kind, entries, skipped)


@pytest.fixture(scope="module")
def routes(tmp_path_factory) -> dict[str, Routes]:
    folder = tmp_path_factory.mktemp("routes")
    return {
        "first": Routes(folder / "routeviews-rv2-20261204-1200.pfx2as", BIG, seed=101),
        "second": Routes(folder / "routeviews-rv2-20261205-1200.pfx2as", BIG, seed=102),
        "small": Routes(folder / "routeviews-small.pfx2as", 2_000, seed=103),
        "tiny": Routes(folder / "routeviews-tiny.pfx2as", 500, seed=104),
    }


# --- lookups while an import runs ----------------------------------------------------------

class Poller(threading.Thread):
    """GET /api/v1/lookup 20 times a second, round the addresses; keeps every answer."""

    def __init__(self, server, addresses: list[str], rate: float = 20):
        super().__init__(daemon=True)
        self.server, self.addresses, self.rate = server, addresses, rate
        self.records: list[dict] = []
        self.halt = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        start = time.monotonic()
        i = 0
        while not self.halt.is_set():
            delay = start + i / self.rate - time.monotonic()
            if delay > 0 and self.halt.wait(delay):
                break
            address = self.addresses[i % len(self.addresses)]
            record = {"q": address, "sent": time.monotonic()}
            try:
                response = session.get(self.server.url("/api/v1/lookup"), params={"q": address}, timeout=5)
                record["status"] = response.status_code
                answer = response.json() if response.status_code == 200 else {}
                record["datasets"] = {d["kind"]: d for d in answer.get("datasets") or []}
                record["fact"] = routing_fact(answer.get("facts", []))
                if response.status_code != 200:
                    record["error"] = response.text[:300]
            except (requests.RequestException, ValueError) as error:
                record["status"] = None
                record["error"] = repr(error)
            record["done"] = time.monotonic()
            self.records.append(record)
            i += 1

    def first_naming(self, import_id: str, after: float) -> dict | None:
        return next((r for r in list(self.records)
                     if r["sent"] >= after and r.get("datasets", {}).get("pfx2as", {}).get("id") == import_id), None)

    def wait_for(self, import_id: str, after: float, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := self.first_naming(import_id, after):
                return found
            time.sleep(0.05)
        return self.first_naming(import_id, after)

    def stop(self) -> None:
        self.halt.set()
        self.join(10)


def answer_naming(server, address: str, import_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        answer = requests.get(server.url("/api/v1/lookup"), params={"q": address}, timeout=10).json()
        named = {d["kind"]: d["id"] for d in answer.get("datasets") or []}
        if named.get("pfx2as") == import_id:
            return answer
        assert time.monotonic() < deadline, f"the answers still name {named}, not import {import_id}, after {timeout} s"
        time.sleep(0.1)


def test_lookups_answer_within_a_second_during_an_import_and_name_the_new_import_within_3_s(server_factory, cli, routes):
    first, second = routes["first"], routes["second"]
    # Without the demo, whose own routing data would be the first import of the history.
    server = server_factory(demo=False, env=UNLIMITED)
    result = ok(cli(server.data_dir, "import", "pfx2as", str(first.path)))
    check_progress(result.stdout, "pfx2as", [first.path], BIG, 0)
    [old] = history(cli, server.data_dir)
    assert (old["current"], old["entries"], old["skipped"], old["source"]) == (True, BIG, 0, first.path.name)
    probes = second.probes(40) + first.probes(10)
    answer_naming(server, probes[0], old["id"], timeout=60)

    poller = Poller(server, probes)
    poller.start()
    try:
        time.sleep(1)
        result = ok(cli(server.data_dir, "import", "pfx2as", str(second.path)))
        exited = time.monotonic()
        check_progress(result.stdout, "pfx2as", [second.path], BIG, 0)
        entries = history(cli, server.data_dir)
        new = current(entries)
        assert [e["id"] for e in entries] == [new["id"], old["id"]] and new["id"] != old["id"]
        assert (new["entries"], new["source"]) == (BIG, second.path.name)
        named_new = poller.wait_for(new["id"], after=0, timeout=exited + 3.5 - time.monotonic())
        assert named_new and named_new["done"] - exited <= 3, \
            f"no answer named the new import {new['id']} within 3 s of the import's exit"
        time.sleep(1)

        # A rollback from another process is a change of the data too.
        ok(cli(server.data_dir, "import", "rollback", "pfx2as"))
        rolled_back = time.monotonic()
        assert current(history(cli, server.data_dir))["id"] == old["id"]
        named_old = poller.wait_for(old["id"], after=rolled_back, timeout=3.5)
        assert named_old and named_old["done"] - rolled_back <= 3, \
            "the answers did not name the earlier import again within 3 s of the rollback"
        time.sleep(0.5)
    finally:
        poller.stop()

    records = poller.records
    failed = [r for r in records if r.get("status") != 200]
    assert not failed, f"{len(failed)} of {len(records)} lookups failed, e.g. {failed[:3]}"
    slow = sorted(records, key=lambda r: r["done"] - r["sent"])[-1]
    assert slow["done"] - slow["sent"] < 1, f"a lookup took {slow['done'] - slow['sent']:.2f} s: {slow['q']}"
    by_id = {old["id"]: first, new["id"]: second}
    named = [r["datasets"].get("pfx2as", {}).get("id") for r in records]
    assert set(named) <= set(by_id), f"answers named imports other than {list(by_id)}: {set(named) - set(by_id)}"
    for r in records:
        dataset = r["datasets"]["pfx2as"]
        assert r["fact"] == by_id[dataset["id"]].fact(r["q"]), f"{r['q']}: the answer names import {dataset['id']} but says {r['fact']!r}"
        assert dataset["entries"] == BIG and dataset["source"] == by_id[dataset["id"]].path.name
    # Old answers until the new import, new ones until the rollback, old ones again: no flapping.
    changes = [b for a, b in zip(named, named[1:]) if a != b]
    assert changes == [new["id"], old["id"]], f"the named import changed {len(changes)} times: {changes}"
    assert sum(1 for i in named if i == new["id"]) >= 10


# --- an import killed ----------------------------------------------------------------------

@pytest.mark.parametrize("moment", ["reading", "writing", "a few ms after writing"])
def test_an_import_killed_leaves_the_previous_data_or_the_whole_new_data(renkei_bin, cli, routes, tmp_path, moment):
    small, big, tiny = routes["small"], routes["second"], routes["tiny"]
    data = tmp_path / "data"
    ok(cli(data, "import", "pfx2as", str(small.path)))
    [before] = history(cli, data)

    stderr = open(tmp_path / "import.err", "w")
    process = subprocess.Popen([str(renkei_bin), "import", "pfx2as", str(big.path)], cwd=REPO, env=renkei_env(data),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1)
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    seen = []
    try:
        for line in process.stdout:
            seen.append(line.rstrip("\n"))
            if moment == "reading" and line.startswith("Reading "):
                break
            if line.startswith("Writing the pfx2as dataset"):
                if moment != "writing":
                    time.sleep(0.005)
                break
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        watchdog.cancel()
        stderr.close()
    trigger = "Reading " if moment == "reading" else "Writing the pfx2as dataset"
    assert any(line.startswith(trigger) for line in seen), f"no “{trigger}” line: {seen}\n{(tmp_path / 'import.err').read_text()[-2000:]}"

    with sqlite3.connect(data / "renkei.sqlite") as database:
        assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    entries = history(cli, data)
    probes = small.probes(5) + big.probes(5)
    if current(entries)["id"] == before["id"]:
        assert entries == [before], f"the killed import left {entries}"
        expected = small
    else:
        assert moment != "reading", "an import killed while reading replaced the data"
        assert len(entries) == 2 and entries[1]["id"] == before["id"] and not entries[1]["current"], entries
        assert (entries[0]["entries"], entries[0]["source"]) == (BIG, big.path.name), entries
        expected = big
    assert cli_facts(cli, data, probes) == [expected.fact(a) for a in probes]
    print(f"killed {moment}: {'the new import was whole' if expected is big else 'the previous import stayed'}"
          f"{' (the import had finished)' if finished else ''}")

    # Nothing the killed process held keeps the next import from working.
    ok(cli(data, "import", "pfx2as", str(tiny.path)))
    assert current(history(cli, data))["source"] == tiny.path.name
    assert cli_facts(cli, data, tiny.probes(3)) == [tiny.fact(a) for a in tiny.probes(3)]


# --- history and rollback -----------------------------------------------------------------

def test_the_last_three_imports_are_kept_and_rollback_returns_to_the_previous_one(cli, tmp_path):
    data = tmp_path / "data"
    files = [Routes(tmp_path / f"routes-{i}.pfx2as", 1_000, seed=300 + i) for i in range(1, 5)]
    probes = [a for f in files for a in f.probes(4)]
    ids = []
    for routes_file in files:
        ok(cli(data, "import", "pfx2as", str(routes_file.path)))
        ids.append(current(history(cli, data))["id"])
    assert len(set(ids)) == 4

    entries = history(cli, data)
    assert [e["id"] for e in entries] == ids[:0:-1], "the newest three, newest first"
    assert [e["current"] for e in entries] == [True, False, False]
    assert [e["source"] for e in entries] == [f.path.name for f in files[:0:-1]]
    assert all(e["entries"] == 1_000 and e["skipped"] == 0 for e in entries)
    times = [datetime.fromisoformat(e["importedAt"].replace("Z", "+00:00")) for e in entries]
    assert times == sorted(times, reverse=True)

    expected = [[f.fact(a) for a in probes] for f in files]
    assert expected[3] != expected[2] != expected[1], "the probes tell the imports apart"
    assert cli_facts(cli, data, probes) == expected[3]

    ok(cli(data, "import", "rollback", "pfx2as"))
    entries = history(cli, data)
    assert [(e["id"], e["current"]) for e in entries] == [(ids[2], True), (ids[1], False)]
    assert cli_facts(cli, data, probes) == expected[2]

    ok(cli(data, "import", "rollback", "pfx2as"))
    assert [(e["id"], e["current"]) for e in history(cli, data)] == [(ids[1], True)]
    assert cli_facts(cli, data, probes) == expected[1]

    refused = cli(data, "import", "rollback", "pfx2as")
    assert refused.returncode == 2, f"exit {refused.returncode}\nstdout:\n{refused.stdout}\nstderr:\n{refused.stderr}"
    assert refused.stderr.strip(), "a rollback without an earlier import says why"
    assert [(e["id"], e["current"]) for e in history(cli, data)] == [(ids[1], True)]
    assert cli_facts(cli, data, probes) == expected[1]


def test_renkei_dataset_history_sets_how_many_imports_are_kept(cli, routes, tmp_path):
    data = tmp_path / "data"
    for name in ("tiny", "small", "tiny"):
        ok(cli(data, "import", "pfx2as", str(routes[name].path), env={"RENKEI_DATASET_HISTORY": "2"}))
    entries = history(cli, data)
    assert [(e["source"], e["current"]) for e in entries] == [(routes["tiny"].path.name, True), (routes["small"].path.name, False)]


# --- the generated RIR files ---------------------------------------------------------------

def expected_rir(path: Path) -> tuple[int, list[tuple[str, str]]]:
    """Entries the reader makes of a generated file (allocated/assigned records; an IPv4 range
    counts the CIDR prefixes covering it) and some (address, country) pairs."""
    entries, samples = 0, []
    for line in path.read_text().splitlines()[1:]:
        fields = line.split("|")
        if len(fields) < 8 or fields[6] not in ("allocated", "assigned") or not fields[4].isdigit():
            continue
        if fields[1] == "XX":
            continue
        try:
            if fields[2] == "ipv4":
                start = ipaddress.IPv4Address(fields[3])
                entries += len(list(ipaddress.summarize_address_range(start, start + int(fields[4]) - 1)))
                if len(samples) < 3 and fields[1] not in ("EU", "AP"):
                    samples.append((str(start + 1), fields[1]))
            elif fields[2] == "ipv6":
                ipaddress.ip_network(f"{fields[3]}/{fields[4]}")
                entries += 1
            else:
                entries += 1
        except ValueError:
            continue
    return entries, samples


def test_the_generated_rir_files_import_with_their_bad_lines_skipped(cli, tmp_path):
    written = gen_routing_data.write_rir(str(tmp_path / "rir"), total_lines=5_000, seed=7)
    paths = [Path(written[name]["path"]) for name in sorted(written)]
    data = tmp_path / "data"
    result = ok(cli(data, "import", "rir", *map(str, paths)))
    counts = [expected_rir(p) for p in paths]
    total = sum(c[0] for c in counts)
    bad = gen_routing_data.BAD_LINES_PER_FILE
    check_progress(result.stdout, "rir", paths, total, bad * len(paths))
    per_file = [PROGRESS[1].match(line) for line in result.stdout.splitlines() if PROGRESS[1].match(line)]
    assert [(int(m["entries"]), int(m["skipped"])) for m in per_file] == [(c[0], bad) for c in counts]
    samples = [s for c in counts for s in c[1][:1]]
    result = ok(cli(data, "lookup", *[a for a, _ in samples], "--json"))
    for (address, country), line in zip(samples, result.stdout.splitlines()):
        facts = json.loads(line)["facts"]
        assert any(f.endswith(f"({country}) (RIR data).") for f in facts), (address, facts)
