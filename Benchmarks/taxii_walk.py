"""The TAXII 2.1 walker of Benchmarks/taxii.sh: every page of one collection, following `next`.

    taxii_walk.py renkei --base URL --token TOKEN [--page 1000] [--dump FILE] [--min-objects N]
        Walks member@'s "everything" collection on Renkei (Bearer token), pages of --page, and
        times each page; then GET /healthz 50 times (the same run's baseline). --dump writes
        the objects with each one's date_added (from the manifest) for the medallion half.
    taxii_walk.py synthetic --objects N --dump FILE
        Writes N invented objects (reports naming indicators, under the five TLP 2.0 markings)
        in the same dump format, for running the medallion half alone.
    taxii_walk.py medallion --dump FILE [--page 1000] [--timeout 600]
        Loads the dump into medallion 3.0.0 (OASIS's reference server, memory backend,
        max_page_size = --page), walks it the same way and reports "did not finish in T s" when
        the walk is not done by --timeout.

Needs requests and medallion (the interop venv, .venv-interop, has both).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def say(text: str) -> None:
    print(f"==> {text}", file=sys.stderr, flush=True)


class Timeout(Exception):
    """The deadline passed; `times` holds the pages walked until then."""

    def __init__(self, times: list[float] | None = None):
        super().__init__()
        self.times = times or []


def walk(session: requests.Session, objects_url: str, page: int, deadline: float | None = None) -> tuple[list[dict], list[float]]:
    """Every page of `objects_url` with limit=page, following `next`: the objects and each
    page's seconds (request sent to body read and parsed)."""
    params = {"limit": str(page)}
    objects, times = [], []
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise Timeout(times)
        start = time.perf_counter()
        try:
            answer = session.get(objects_url, params=params, headers={"Accept": TAXII}, timeout=remaining or 600)
        except requests.Timeout as error:
            raise Timeout(times) from error
        if answer.status_code != 200:
            sys.exit(f"GET {answer.url}: HTTP {answer.status_code} {answer.text[:300]}")
        envelope = answer.json()
        times.append(time.perf_counter() - start)
        objects += envelope.get("objects", [])
        if not envelope.get("more"):
            return objects, times
        if not envelope.get("next"):
            sys.exit(f"GET {answer.url}: more is true but there is no next")
        params["next"] = envelope["next"]


def date_added_of(session: requests.Session, manifest_url: str, page: int) -> dict[str, str]:
    """id -> date_added (latest version) from every page of the manifest."""
    params = {"limit": str(page)}
    found: dict[str, str] = {}
    while True:
        answer = session.get(manifest_url, params=params, headers={"Accept": TAXII}, timeout=600)
        answer.raise_for_status()
        envelope = answer.json()
        for record in envelope.get("objects", []):
            found[record["id"]] = record["date_added"]
        if not envelope.get("more"):
            return found
        params["next"] = envelope["next"]


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(server: str, objects: int, times: list[float], baseline_name: str, baseline: list[float]) -> None:
    """The last page compared is the last but one: the very last holds what is left over."""
    total = sum(times)
    first, last, middle = times[0], times[-2] if len(times) > 1 else times[-1], statistics.median(times)
    print(f"| {server} | {objects:,} | {len(times):,} | {total:.2f} s | {milliseconds(first)} | {milliseconds(middle)} | "
          f"{milliseconds(last)} | {last / first:.2f} | {baseline_name} {milliseconds(statistics.median(baseline))} |")


HEADER = ("| server | objects | pages | total | first page | median page | last full page | last/first | baseline (median of 50) |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")


def renkei(args) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {args.token}"
    answer = session.get(args.base + "/taxii2/api/collections/", headers={"Accept": TAXII}, timeout=60)
    answer.raise_for_status()
    collections = answer.json()["collections"]
    [everything] = [c for c in collections if "everything" in c["title"].lower()]
    url = f"{args.base}/taxii2/api/collections/{everything['id']}/"
    say(f"walking {everything['title']!r} in pages of {args.page}")
    objects, times = walk(session, url + "objects/", args.page)
    health = []
    for _ in range(50):
        start = time.perf_counter()
        requests.get(args.base + "/healthz", timeout=30).raise_for_status()
        health.append(time.perf_counter() - start)
    print(HEADER)
    report("Renkei", len(objects), times, "GET /healthz", health)
    # Each page repeats the marking definitions and identities its objects name; medallion
    # holds each object once, and cannot read an extension-definition (it takes the
    # definition's own `version`, "1.0", for a timestamp).
    served = len(objects)
    distinct = {}
    for obj in objects:
        if obj["type"] != "extension-definition":
            distinct.setdefault((obj["id"], obj.get("modified") or obj.get("created")), obj)
    objects = list(distinct.values())
    say(f"{served:,} objects served, {len(objects):,} distinct (extension definitions aside)")
    if len(objects) < args.min_objects:
        say(f"only {len(objects):,} objects, fewer than {args.min_objects:,}: load more items")
    if args.dump:
        say("reading the manifest for each object's date_added")
        added = date_added_of(session, url + "manifest/", args.page)
        missing = [o["id"] for o in objects if o["id"] not in added]
        if missing:
            sys.exit(f"{len(missing)} objects are not in the manifest, e.g. {missing[:3]}")
        Path(args.dump).write_text(json.dumps({"collection": everything, "objects": objects,
                                               "date_added": [added[o["id"]] for o in objects]}))
    if len(objects) < args.min_objects:
        sys.exit(1)


def synthetic(args) -> None:
    """Reports naming three indicators each, items a second apart, seeded."""
    rng = random.Random(7)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    objects = [{"type": "marking-definition", "spec_version": "2.1", "id": marking, "created": "2022-10-01T00:00:00.000Z",
                "name": "TLP:" + label.upper(), "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                                                                {"extension_type": "property-extension", "tlp_2_0": label}}}
               for label, marking in TLP.items()]
    added = ["2022-10-01T00:00:00.000Z"] * len(objects)
    item = 0
    while len(objects) < args.objects:
        when = (start + dt.timedelta(seconds=item)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        marking = [rng.choice(list(TLP.values()))]
        refs = []
        for n in range(3):
            indicator = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                         "created": when, "modified": when, "name": f"address {item}.{n}", "indicator_types": ["unknown"],
                         "pattern": f"[ipv4-addr:value = '10.{item % 250}.{n}.{rng.randint(1, 254)}']", "pattern_type": "stix",
                         "valid_from": when, "object_marking_refs": marking}
            objects.append(indicator)
            refs.append(indicator["id"])
        objects.append({"type": "report", "spec_version": "2.1", "id": f"report--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                        "created": when, "modified": when, "name": f"item {item}", "published": when, "report_types": ["threat-report"],
                        "object_refs": refs, "object_marking_refs": marking})
        added += [when] * 4
        item += 1
    objects, added = objects[:args.objects], added[:args.objects]
    Path(args.dump).write_text(json.dumps({"collection": {"id": str(uuid.uuid4()), "title": "Synthetic"}, "objects": objects, "date_added": added}))
    say(f"wrote {len(objects):,} objects to {args.dump}")


def medallion_data(base_url: str, collection: dict, objects: list[dict], added: list[str]) -> dict:
    """medallion 3.0.0's memory-backend layout (see Tests/interop/test_taxii.py)."""
    stored, manifest = [], []
    for obj, when in zip(objects, added):
        version = obj.get("modified") or obj.get("created")
        if version is None:
            obj = dict(obj, _date_added=when)
            version = when
        stored.append(obj)
        manifest.append({"id": obj["id"], "date_added": when, "version": version, "media_type": STIX})
    return {
        "/discovery": {"title": "medallion", "default": f"{base_url}/api/", "api_roots": [f"{base_url}/api/"]},
        "api": {"information": {"title": "benchmark", "versions": [TAXII], "max_content_length": 1 << 30}, "status": [],
                "collections": [{"id": collection["id"], "title": collection["title"], "can_read": True, "can_write": False,
                                 "media_types": [STIX], "objects": stored, "manifest": manifest}]},
    }


def medallion(args) -> None:
    dump = json.loads(Path(args.dump).read_text())
    collection, objects, added = dump["collection"], dump["objects"], dump["date_added"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="medallion-bench-"))
    (work / "data.json").write_text(json.dumps(medallion_data(base, collection, objects, added)))
    (work / "config.json").write_text(json.dumps({
        "backend": {"module_class": "MemoryBackend", "module": "medallion.backends.memory_backend", "filename": str(work / "data.json")},
        "users": {"bench": "bench-pass"}, "taxii": {"max_page_size": args.page}}))
    say(f"starting medallion with {len(objects):,} objects")
    log = open(work / "medallion.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "medallion.scripts.run", "--host", "127.0.0.1", "--port", str(port), str(work / "config.json")],
                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        session = requests.Session()
        session.auth = ("bench", "bench-pass")
        for _ in range(600):
            if process.poll() is not None:
                sys.exit(f"medallion exited:\n{(work / 'medallion.log').read_text()[-2000:]}")
            try:
                if session.get(base + "/taxii2/", headers={"Accept": TAXII}, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            sys.exit("medallion did not answer within 300 s")
        discovery = []
        for _ in range(50):
            start = time.perf_counter()
            session.get(base + "/taxii2/", headers={"Accept": TAXII}, timeout=30).raise_for_status()
            discovery.append(time.perf_counter() - start)
        say(f"walking medallion in pages of {args.page}, for at most {args.timeout:.0f} s")
        started = time.monotonic()
        try:
            walked, times = walk(session, f"{base}/api/collections/{collection['id']}/objects/", args.page, started + args.timeout)
        except Timeout as timeout:
            walked = timeout.times
            print(HEADER)
            pages = f"{len(walked):,} of {-(-len(objects) // args.page):,} in {args.timeout:.0f} s (stopped)"
            figures = (f"{milliseconds(walked[0])} | {milliseconds(statistics.median(walked))} | {milliseconds(walked[-1])} | "
                       f"{walked[-1] / walked[0]:.2f}") if walked else "| | |"
            print(f"| medallion 3.0.0 (memory backend) | {len(objects):,} | {pages} | > {args.timeout:.0f} s | {figures} | "
                  f"GET /taxii2/ {milliseconds(statistics.median(discovery))} |")
            return
        print(HEADER)
        report("medallion 3.0.0 (memory backend)", len(walked), times, "GET /taxii2/", discovery)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        if os.environ.get("KEEP") != "1":
            for path in work.iterdir():
                path.unlink()
            work.rmdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("renkei")
    one.add_argument("--base", required=True)
    one.add_argument("--token", required=True)
    one.add_argument("--page", type=int, default=1000)
    one.add_argument("--dump")
    one.add_argument("--min-objects", type=int, default=0)
    two = commands.add_parser("synthetic")
    two.add_argument("--objects", type=int, default=100_000)
    two.add_argument("--dump", required=True)
    three = commands.add_parser("medallion")
    three.add_argument("--dump", required=True)
    three.add_argument("--page", type=int, default=1000)
    three.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    {"renkei": renkei, "synthetic": synthetic, "medallion": medallion}[args.command](args)


if __name__ == "__main__":
    main()
