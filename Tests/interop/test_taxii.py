"""STIX 2.1, TAXII 2.1 and the MISP feed, checked with implementations someone else wrote.

- stix2-validator (strict: the SHOULDs too) on every object Renkei emits: two members'
  `everything` collections, `renkei export stix`, and each item's `/api/v1/items/{id}/stix`.
- taxii2-client walks discovery, the API root, the collections and every page, anonymous, as
  member@ (Lindenfeld-CSIRT), as ana@ (Ipeara-CSIRT) and as guest@ (a SIG's guest): what each
  reader finds there is exactly what `/api/v1/items` shows them, under the item's own TLP 2.0
  marking; taxii2-client posts an AMBER indicator to member@'s team collection (last, with
  `renkei import stix`: the tests that write run after those that read, on one demo server).
- medallion, the OASIS reference server, is loaded with the objects of one reader's collection
  (each with its `date_added` from Renkei's manifest) and asked the same filtered questions.
- PyMISP reads every event of the member's MISP feed.

The harness (medallion's data layout, the validator's strict mode, the TAXII filter model) is
proven first on fixed sample objects, without Renkei: `test_0_*`.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from conftest import free_port

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_MARKING = {
    "TLP:CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "TLP:GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "TLP:AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "TLP:AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "TLP:RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
LABEL_OF_MARKING = {marking: label for label, marking in TLP_MARKING.items()}
# STIX's predefined TLP 1.0 markings: never to be used.
TLP_1_0 = ("marking-definition--613f2e26", "marking-definition--34098fce",
           "marking-definition--f88d31f6", "marking-definition--5e57c739")
MISP_DISTRIBUTION = {"TLP:CLEAR": 3, "TLP:GREEN": 1, "TLP:AMBER": 0, "TLP:AMBER+STRICT": 0, "TLP:RED": 0}

MEMBER = "member@renkei-demo.example"   # Lindenfeld-CSIRT
OTHER = "ana@renkei-demo.example"       # Ipeara-CSIRT, chairs SIGs member@ is not in
OTHER_TEAM = "ipeara-csirt"
GUEST = "guest@renkei-demo.example"     # a SIG's guest, no team
MEMBER_TEAM = "lindenfeld-csirt"
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# --- Generic helpers (no Renkei needed) ------------------------------------------------------

def parse_time(text: str) -> dt.datetime:
    """A STIX/TAXII timestamp (`Z`, 0 to 9 fraction digits) as an aware datetime, microseconds kept."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z", text)
    assert match, f"not a STIX/TAXII UTC timestamp: {text!r}"
    fraction = (match.group(2) or "0")[:6].ljust(6, "0")
    return dt.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(microsecond=int(fraction), tzinfo=dt.timezone.utc)


def taxii_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def version_of(obj: dict) -> str | None:
    """The STIX version of an object as TAXII counts it: `modified`, else `created`, else none
    (an SCO, whose version is its date_added)."""
    return obj.get("modified") or obj.get("created")


def key_of(obj: dict) -> tuple[str, dt.datetime | None]:
    version = version_of(obj)
    return obj["id"], parse_time(version) if version else None


def validate_strict(objects: list[dict], what: str) -> None:
    """stix2-validator in strict mode on `objects`, wrapped in one bundle."""
    from stix2validator import ValidationOptions, validate_instance
    assert objects, f"{what}: nothing to validate"
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
    result = validate_instance(bundle, ValidationOptions(version="2.1", strict=True))
    if not result.is_valid:
        lines = [str(error) for error in (result.errors or [])][:25]
        pytest.fail(f"{what}: stix2-validator --strict refuses {len(result.errors or [])} point(s):\n" + "\n".join(lines))


def references(obj: dict) -> set[str]:
    """Every id `obj` names in a `*_ref` or `*_refs` property (nested ones included)."""
    found: set[str] = set()

    def walk(value, name=""):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, key)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, name)
        elif isinstance(value, str) and (name.endswith("_ref") or name.endswith("_refs")) and "--" in value:
            found.add(value)
    walk({k: v for k, v in obj.items() if k != "id"})
    return found


def assert_closed(objects: list[dict], what: str) -> None:
    """Every reference resolves to an object of the same set (markings included)."""
    ids = {obj["id"] for obj in objects}
    dangling = sorted({ref for obj in objects for ref in references(obj)} - ids)
    assert not dangling, f"{what}: references to objects it does not ship: {dangling[:10]}"


def assert_marked(objects: list[dict], what: str) -> None:
    """Each object but a marking definition carries exactly one TLP 2.0 marking, and the
    marking-definition objects are OASIS's TLP 2.0 ones."""
    for obj in objects:
        if obj["type"] == "marking-definition":
            assert obj["id"] in LABEL_OF_MARKING, f"{what}: a marking definition that is not TLP 2.0: {obj['id']}"
            assert obj.get("extensions", {}).get(TLP_EXTENSION, {}).get("tlp_2_0") == LABEL_OF_MARKING[obj["id"]][4:].lower(), obj
            assert obj.get("created") == "2022-10-01T00:00:00.000Z" and obj.get("name") == LABEL_OF_MARKING[obj["id"]], obj
            continue
        refs = obj.get("object_marking_refs", [])
        assert len(refs) == 1 and refs[0] in LABEL_OF_MARKING, f"{what}: {obj['id']} has markings {refs}, not exactly one TLP 2.0 marking"
        assert not obj.get("granular_markings"), f"{what}: {obj['id']} has granular markings"
        # A team's identity and Renkei's own objects say what the public directory says.
        if obj["type"] in ("identity", "extension-definition"):
            assert LABEL_OF_MARKING[refs[0]] == "TLP:CLEAR", f"{what}: {obj['id']} ({obj['type']}) is {LABEL_OF_MARKING[refs[0]]}, not TLP:CLEAR"
    assert not [o for o in objects for ref in o.get("object_marking_refs", []) if ref.startswith(TLP_1_0)], f"{what}: TLP 1.0 markings"


def label_of(obj: dict) -> str:
    [marking] = obj["object_marking_refs"]
    return LABEL_OF_MARKING[marking]


def labels_in(objects: list[dict]) -> set[str]:
    """The labels the objects carry (marking definitions aside); "no marking" for an unmarked one."""
    return {LABEL_OF_MARKING.get(o["object_marking_refs"][0], "not TLP 2.0") if o.get("object_marking_refs") else "no marking"
            for o in objects if o["type"] != "marking-definition"}


def renkei_item_id(obj: dict) -> str | None:
    for ref in obj.get("external_references", []):
        if ref.get("source_name") == "renkei":
            return ref.get("external_id")
    return None


def reports_by_item(objects: list[dict], what: str, base_url: str | None = None) -> dict[str, dict]:
    """item id -> the report or note it became; each report/note names its item once, by an
    external reference {"source_name": "renkei", "external_id": ITEM}, and gives the item's
    url: in that reference (strict validation then wants its `hashes`, {302}) or in its text.
    A note without such a reference is a reply: it names its item's report/note."""
    found: dict[str, dict] = {}
    replies = []
    for obj in objects:
        if obj["type"] not in ("report", "note"):
            continue
        item = renkei_item_id(obj)
        if item is None and obj["type"] == "note":
            replies.append(obj)
            continue
        assert item and UUID_PATTERN.match(item.lower()), f"{what}: {obj['id']} carries no renkei external reference: {obj.get('external_references')}"
        ref = next(r for r in obj["external_references"] if r.get("source_name") == "renkei")
        text = " ".join([ref.get("url", "")] + [str(obj.get(k, "")) for k in ("description", "content")])
        urls = re.findall(r"https?://\S*" + re.escape(item), text, flags=re.IGNORECASE)
        assert urls, f"{what}: {obj['id']} gives no url of item {item}: {ref}"
        if base_url:
            assert all(url.startswith(base_url) for url in urls), f"{what}: {urls} is not on {base_url}"
        assert item.lower() not in found, f"{what}: item {item} appears as {found.get(item.lower(), {}).get('id')} and {obj['id']}"
        found[item.lower()] = obj
    ids = {obj["id"] for obj in found.values()}
    for reply in replies:
        assert ids & set(reply.get("object_refs", [])), f"{what}: {reply['id']} names no item's report/note (no renkei reference either)"
    return found


# --- A TAXII walker for any server (Renkei's and medallion's) -------------------------------

class Endpoint:
    """One collection of one TAXII server, with the credentials to read it."""

    def __init__(self, collection_url: str, auth=None, headers: dict | None = None):
        self.url = collection_url.rstrip("/") + "/"
        self.auth = auth
        self.headers = headers or {}

    def get(self, path: str, params: dict | None = None, accept: str = TAXII) -> requests.Response:
        return requests.get(self.url + path, params=params, auth=self.auth, headers={**self.headers, "Accept": accept}, timeout=60)

    def pages(self, path: str = "objects/", limit: int | None = 100, max_pages: int = 5000, **filters) -> list[tuple[dict, requests.Response]]:
        """Every page of `path` with the filters, following `next`; (envelope, response) pairs."""
        params = {k: v for k, v in filters.items() if v is not None}
        if limit is not None:
            params["limit"] = str(limit)
        result = []
        for _ in range(max_pages):
            answer = self.get(path, params)
            assert answer.status_code == 200, f"GET {answer.url}: HTTP {answer.status_code}: {answer.text[:500]}"
            assert answer.headers.get("Content-Type", "").replace(" ", "").startswith("application/taxii+json"), \
                f"GET {answer.url}: Content-Type {answer.headers.get('Content-Type')}"
            envelope = answer.json()
            # A page leads with the markings and identities its objects name, once each; a
            # later page may repeat them (see `unique`).
            keys = [(o["id"], o.get("version") or str(key_of(o)[1])) for o in envelope.get("objects", [])]
            assert len(set(keys)) == len(keys), f"GET {answer.url}: an object appears twice on one page"
            result.append((envelope, answer))
            if not envelope.get("more"):
                return result
            assert envelope.get("next"), f"GET {answer.url}: more is true but there is no next"
            params["next"] = envelope["next"]
        pytest.fail(f"{self.url}{path}: more than {max_pages} pages")

    def objects(self, limit: int | None = 100, **filters) -> list[dict]:
        return unique([obj for envelope, _ in self.pages("objects/", limit, **filters) for obj in envelope.get("objects", [])])

    def manifest(self, limit: int | None = 100, **filters) -> list[dict]:
        return unique([entry for envelope, _ in self.pages("manifest/", limit, **filters) for entry in envelope.get("objects", [])])


def unique(objects: list[dict]) -> list[dict]:
    """Objects (or manifest records) in order, each (id, version) once: Renkei's pages repeat
    the marking definitions and identities each page names, as a consumer upserts them."""
    seen, kept = set(), []
    for obj in objects:
        key = (obj["id"], obj.get("version") or str(key_of(obj)[1]))
        if key not in seen:
            seen.add(key)
            kept.append(obj)
    return kept


def answer_keys(objects: list[dict]) -> list[tuple]:
    """A sorted multiset of (id, version) for comparing two servers' answers."""
    return sorted((obj["id"], str(key_of(obj)[1])) for obj in objects)


# --- The TAXII filter model (TAXII 2.1 section 3.4): what either server should answer -------

def model_answer(objects: list[dict], added: dict[tuple, dt.datetime], **filters) -> list[dict]:
    """The objects (all versions given) that a TAXII 2.1 server answers for `filters`, sorted
    by date_added. `added` maps (id, version datetime or None) to date_added."""
    def added_of(obj):
        return added[key_of(obj)]
    chosen = list(objects)
    if filters.get("match[type]"):
        chosen = [o for o in chosen if o["type"] in filters["match[type]"].split(",")]
    if filters.get("match[id]"):
        chosen = [o for o in chosen if o["id"] in filters["match[id]"].split(",")]
    if filters.get("added_after"):
        after = parse_time(filters["added_after"])
        chosen = [o for o in chosen if added_of(o) > after]
    if filters.get("match[spec_version]"):
        chosen = [o for o in chosen if o.get("spec_version", "2.1") in filters["match[spec_version]"].split(",")]
    wanted = (filters.get("match[version]") or "last").split(",")
    if "all" not in wanted:
        by_id: dict[str, list[dict]] = {}
        for obj in chosen:
            by_id.setdefault(obj["id"], []).append(obj)
        kept = []
        for versions in by_id.values():
            ordered = sorted(versions, key=lambda o: key_of(o)[1] or added_of(o))
            picked = []
            if "first" in wanted:
                picked.append(ordered[0])
            if "last" in wanted:
                picked.append(ordered[-1])
            for stamp in wanted:
                if stamp not in ("first", "last"):
                    picked += [o for o in ordered if key_of(o)[1] == parse_time(stamp)]
            kept += list({id(o): o for o in picked}.values())
        chosen = kept
    return sorted(chosen, key=added_of)


# --- medallion (OASIS's TAXII 2.1 reference server, memory backend) -------------------------

MEDALLION_USER = ("medallion", "medallion-pass")


def medallion_data(base_url: str, collection_id: str, title: str, objects: list[dict], added: dict[tuple, dt.datetime]) -> dict:
    """The memory backend's data file of medallion 3.0.0 (the layout its memory_backend.py
    reads; 3.0.0 ships no test data in its wheel): top-level "/discovery" and one key per API
    root; a collection holds "objects" (every version) and a "manifest" with one entry per
    (id, version): its date_added, version and media_type. Objects sort and filter by the
    manifest's date_added, matched on (id, version). An object without modified/created (an
    SCO) is versioned by the hidden "_date_added" field, which medallion strips on output."""
    stored, manifest = [], []
    for obj in objects:
        when = added[key_of(obj)]
        copied = copy.deepcopy(obj)
        version = version_of(obj)
        if version is None:
            copied["_date_added"] = taxii_time(when)
            version = taxii_time(when)
        stored.append(copied)
        # medallion sorts the manifest by the date_added string: one fixed format keeps that
        # order the order in time.
        manifest.append({"id": obj["id"], "date_added": taxii_time(when), "version": taxii_time(parse_time(version)), "media_type": STIX})
    return {
        "/discovery": {"title": "medallion for comparison", "description": "Renkei's objects, reloaded",
                       "default": f"{base_url}/api/", "api_roots": [f"{base_url}/api/"]},
        "api": {
            "information": {"title": "comparison", "description": "one collection", "versions": [TAXII], "max_content_length": 104857600},
            "status": [],
            "collections": [{"id": collection_id, "title": title, "description": "from Renkei", "can_read": True, "can_write": False,
                             "media_types": [STIX], "objects": stored, "manifest": manifest}],
        },
    }


class Medallion:
    """`medallion --host 127.0.0.1 --port P config.json` with a memory backend."""

    def __init__(self, directory: Path, max_page_size: int = 100):
        self.directory = directory
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.max_page_size = max_page_size
        self.process: subprocess.Popen | None = None

    def start(self, collection_id: str, title: str, objects: list[dict], added: dict[tuple, dt.datetime]) -> "Medallion":
        self.directory.mkdir(parents=True, exist_ok=True)
        data = self.directory / "data.json"
        data.write_text(json.dumps(medallion_data(self.base_url, collection_id, title, objects, added)))
        config = self.directory / "config.json"
        config.write_text(json.dumps({
            "backend": {"module_class": "MemoryBackend", "module": "medallion.backends.memory_backend", "filename": str(data)},
            "users": {MEDALLION_USER[0]: MEDALLION_USER[1]},
            "taxii": {"max_page_size": self.max_page_size},
        }))
        self.log = open(self.directory / "medallion.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "medallion.scripts.run", "--host", "127.0.0.1", "--port", str(self.port), str(config)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.directory)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.directory / "medallion.log").read_text()[-3000:]
            try:
                if requests.get(self.base_url + "/taxii2/", auth=MEDALLION_USER, headers={"Accept": TAXII}, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("medallion did not answer within 30 s")

    def collection(self, collection_id: str) -> Endpoint:
        return Endpoint(f"{self.base_url}/api/collections/{collection_id}/", auth=MEDALLION_USER)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()


# The questions both servers answer in the comparison (TAXII 2.1 filters and their mix).
def comparison_queries(objects: list[dict], added: dict[tuple, dt.datetime]) -> dict[str, dict]:
    latest = model_answer(objects, added)
    ids = [obj["id"] for obj in latest]
    indicator = next((o["id"] for o in latest if o["type"] == "indicator"), ids[0])
    report = next((o["id"] for o in latest if o["type"] in ("report", "note")), ids[-1])
    times = sorted(set(added.values()))
    middle = taxii_time(times[len(times) // 2])
    return {
        "no filter": {},
        "match[type]=indicator": {"match[type]": "indicator"},
        "match[type]=report,note": {"match[type]": "report,note"},
        "match[id]=<an indicator>": {"match[id]": indicator},
        "match[id]=<a report or note>": {"match[id]": report},
        "match[id]=<a marking definition>": {"match[id]": TLP_MARKING["TLP:CLEAR"]},
        "match[version]=first": {"match[version]": "first"},
        "match[version]=last": {"match[version]": "last"},
        "match[version]=all": {"match[version]": "all"},
        "match[version]=<a report's modified>": {"match[version]": next((o["modified"] for o in latest if o["type"] in ("report", "note")), "first")},
        "added_after=<middle date_added>": {"added_after": middle},
        "match[spec_version]=2.1": {"match[spec_version]": "2.1"},
        "match[type]=indicator&match[version]=all&added_after=<middle>": {"match[type]": "indicator", "match[version]": "all", "added_after": middle},
    }


# --- Fixed sample objects for proving the harness --------------------------------------------

def tlp_marking_definitions() -> list[dict]:
    """OASIS's TLP 2.0 marking-definition objects (the extension's own definitions)."""
    return [{"type": "marking-definition", "spec_version": "2.1", "id": marking, "created": "2022-10-01T00:00:00.000Z",
             "name": label, "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": label[4:].lower()}}}
            for label, marking in TLP_MARKING.items()]


def renkei_reference(item: str) -> dict:
    # Strict mode wants a hash next to an external reference's url ({302} extref-hashes).
    return {"source_name": "renkei", "external_id": item, "url": f"https://renkei.example/items/{item}",
            "hashes": {"SHA-256": hashlib.sha256(item.encode()).hexdigest()}}


def sample_objects() -> tuple[list[dict], dict[tuple, dt.datetime]]:
    """A small collection as Renkei would fill one: markings, an author identity, indicators
    (one in two versions), a vulnerability, a file, a report and a note; and each (id,
    version)'s date_added."""
    import stix2
    amber, green = TLP_MARKING["TLP:AMBER"], TLP_MARKING["TLP:GREEN"]
    team = stix2.Identity(id="identity--0f3c4a5e-2b1d-4c8e-9a7f-1e2d3c4b5a69", name="Lindenfeld-CSIRT", identity_class="organization",
                          created="2026-01-01T00:00:00.000Z", modified="2026-01-01T00:00:00.000Z",
                          object_marking_refs=[TLP_MARKING["TLP:CLEAR"]])
    first = stix2.Indicator(id="indicator--7b0d6a64-5f25-4b7e-8c2a-3f4e5d6c7b8a", created="2026-01-02T00:00:00.000Z",
                            modified="2026-01-02T00:00:00.000Z", name="C2 address", description="Seen in the loader.",
                            pattern="[ipv4-addr:value = '203.0.113.77']", pattern_type="stix", valid_from="2026-01-02T00:00:00Z",
                            indicator_types=["malicious-activity"], created_by_ref=team.id, object_marking_refs=[amber])
    second = first.new_version(modified="2026-01-05T00:00:00.000Z", description="Seen in the loader; still active.")
    domain = stix2.Indicator(id="indicator--1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", created="2026-01-03T00:00:00.000Z",
                             modified="2026-01-03T00:00:00.000Z", name="Phishing domain", description="Lure landing page.",
                             pattern="[domain-name:value = 'meter-update.example']", pattern_type="stix", valid_from="2026-01-03T00:00:00Z",
                             indicator_types=["malicious-activity"], created_by_ref=team.id, object_marking_refs=[green])
    flaw = stix2.Vulnerability(id="vulnerability--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", created="2026-01-03T00:00:00.000Z",
                               modified="2026-01-03T00:00:00.000Z", name="CVE-2026-41001", created_by_ref=team.id,
                               external_references=[{"source_name": "cve", "external_id": "CVE-2026-41001"}], object_marking_refs=[amber])
    sample = stix2.File(name="invoice.exe", hashes={"SHA-256": hashlib.sha256(b"sample").hexdigest()}, object_marking_refs=[amber])
    item = "5f1e2d3c-4b5a-4697-8877-665544332211"
    report = stix2.Report(id="report--3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b", created="2026-01-04T00:00:00.000Z",
                          modified="2026-01-04T00:00:00.000Z", name="Loader sample hashes", description="C2 and the sample.",
                          published="2026-01-04T00:00:00Z", report_types=["threat-report"], created_by_ref=team.id,
                          object_refs=[first.id, flaw.id, sample.id],
                          external_references=[renkei_reference(item)],
                          object_marking_refs=[amber])
    request = "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"
    note = stix2.Note(id="note--4f5a6b7c-8d9e-4f0a-9b1c-2d3e4f5a6b7c", created="2026-01-04T12:00:00.000Z",
                      modified="2026-01-04T12:00:00.000Z", abstract="Has anyone seen this phishing kit?", content="Looking for the panel.",
                      created_by_ref=team.id, object_refs=[domain.id],
                      external_references=[renkei_reference(request)],
                      object_marking_refs=[green])
    objects = tlp_marking_definitions() + [json.loads(o.serialize()) for o in (team, first, domain, flaw, sample, report, note, second)]
    start = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
    added = {key_of(obj): start + dt.timedelta(minutes=i) for i, obj in enumerate(objects)}
    return objects, added


def compare_with_medallion(renkei: Endpoint, medallion: Endpoint, objects: list[dict], added: dict, page: int,
                           left_out: frozenset[str] = frozenset()) -> list[str]:
    """Asks both servers every comparison query; returns the differences, each with the model's
    answer (the TAXII 2.1 filter semantics) so the report says which server departs from it.
    Objects of the `left_out` types are not in `objects` and are dropped from Renkei's answers."""
    differences = []
    for name, filters in comparison_queries(objects, added).items():
        expected = answer_keys(model_answer(objects, added, **filters))
        ours = answer_keys([o for o in renkei.objects(limit=page, **filters) if o["type"] not in left_out])
        theirs = answer_keys(medallion.objects(limit=page, **filters))
        if ours != theirs or ours != expected:
            differences.append(f"{name}: Renkei {len(ours)} objects, medallion {len(theirs)}, the model {len(expected)}; "
                               f"only Renkei: {sorted(set(ours) - set(theirs))[:4]}, only medallion: {sorted(set(theirs) - set(ours))[:4]}, "
                               f"Renkei not the model: {sorted(set(ours) ^ set(expected))[:4]}")
    return differences


@pytest.fixture(scope="module")
def harness_medallion(tmp_path_factory):
    objects, added = sample_objects()
    server = Medallion(tmp_path_factory.mktemp("medallion-samples")).start("2a6f9c4e-8d1b-4f3a-9e7c-5b4a3d2c1e0f", "samples", objects, added)
    yield server, objects, added
    server.stop()


def test_0_harness_the_validator_is_strict_and_passes_the_samples():
    objects, _ = sample_objects()
    validate_strict(objects, "the sample objects")
    assert_closed(objects, "the sample objects")
    assert_marked(objects, "the sample objects")
    assert set(reports_by_item(objects, "the samples")) == {"5f1e2d3c-4b5a-4697-8877-665544332211", "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"}
    # Strict mode wants UUIDv4 for SDOs: a time-based id is refused, so the check is on.
    from stix2validator import ValidationOptions, validate_instance
    v1 = dict(objects[6], id=f"indicator--{uuid.uuid1()}")
    assert not validate_instance(v1, ValidationOptions(version="2.1", strict=True)).is_valid
    assert validate_instance(v1, ValidationOptions(version="2.1", strict=False)).is_valid
    # ... and an SCO's id must be the UUIDv5 of its contributing properties.
    file_object = next(o for o in objects if o["type"] == "file")
    assert not validate_instance(dict(file_object, id=f"file--{uuid.uuid4()}"), ValidationOptions(version="2.1", strict=True)).is_valid


def test_0_harness_medallion_answers_as_the_filter_model(harness_medallion):
    server, objects, added = harness_medallion
    collection = server.collection("2a6f9c4e-8d1b-4f3a-9e7c-5b4a3d2c1e0f")
    for name, filters in comparison_queries(objects, added).items():
        expected = answer_keys(model_answer(objects, added, **filters))
        assert answer_keys(collection.objects(limit=3, **filters)) == expected, name
        assert answer_keys(collection.objects(limit=100, **filters)) == expected, name
    # The two versions of the indicator, and the SCO versioned by its date_added.
    assert len(collection.objects(**{"match[version]": "all"})) == len(objects)
    assert len(collection.objects()) == len(objects) - 1
    everything = collection.objects(limit=100)
    assert [added[key_of(o)] for o in everything] == sorted(added[key_of(o)] for o in everything), "sorted by date_added"
    assert {o["id"] for o in collection.objects(limit=1)} == {o["id"] for o in objects}, "limit=1 reaches every object"
    after_all = collection.get("objects/", {"added_after": taxii_time(max(added.values()))}).json()
    assert not after_all.get("objects") and not after_all.get("more")
    # taxii2-client reads medallion too (the harness's client works against the reference).
    from taxii2client.v21 import Server, as_pages
    discovery = Server(server.base_url + "/taxii2/", user=MEDALLION_USER[0], password=MEDALLION_USER[1])
    [root] = discovery.api_roots
    [found] = root.collections
    walked = [o for envelope in as_pages(found.get_objects, per_request=4) for o in envelope.get("objects", [])]
    assert answer_keys(walked) == answer_keys(model_answer(objects, added))
    # medallion refuses what Renkei must refuse as well (406, 415), with a TAXII error body.
    refused = collection.get("objects/", accept="application/xml")
    assert refused.status_code == 406 and "title" in refused.json()
    posted = requests.post(collection.url + "objects/", data="{}", auth=MEDALLION_USER,
                           headers={"Accept": TAXII, "Content-Type": "text/plain"}, timeout=30)
    assert posted.status_code == 415 and "title" in posted.json()


# --- Renkei ------------------------------------------------------------------------------------

class Reader:
    """Who reads: anonymous (no token) or an account with an API token."""

    def __init__(self, name: str, email: str | None = None, token: str | None = None):
        self.name, self.email, self.token = name, email, token

    @property
    def basic(self):
        return (self.email, self.token) if self.token else None

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def __repr__(self):
        return self.email or "anonymous"


ANONYMOUS = Reader("anonymous")
CACHE: dict[tuple, object] = {}


@pytest.fixture(scope="module")
def server(demo_server):
    CACHE.clear()   # what was read belongs to one server
    return demo_server


@pytest.fixture(scope="module")
def readers(server, cli) -> dict[str, Reader]:
    made = {"anonymous": ANONYMOUS}
    for name, email in (("member", MEMBER), ("other", OTHER), ("guest", GUEST)):
        result = cli(server.data_dir, "user", "token", "--email", email, "--name", "taxii interop")
        assert result.returncode == 0, f"renkei user token --email {email}: exit {result.returncode}\n{result.stderr[-2000:]}"
        token = result.stdout.strip()
        assert token and "\n" not in token, f"renkei user token printed {result.stdout!r}, not the secret alone"
        made[name] = Reader(name, email, token)
    return made


@pytest.fixture(scope="module")
def hidden_item(server, readers, cli, tmp_path_factory) -> str:
    """An item member@ may not read: ana@ shares it with her own team only. (In the demo, no
    account without two-factor roles reads an item member@ does not.)"""
    before = set(api_items(server, readers["other"]))
    text = tmp_path_factory.mktemp("hidden") / "text.md"
    text.write_text("Beacons to 198.51.100.201 from one customer; CVE-2026-50123 on the host.\n")
    posted = cli(server.data_dir, "post", "--as", OTHER, "--title", "Ipeara only: loader C2", "--tlp", "TLP:AMBER",
                 "--teams", OTHER_TEAM, str(text))
    assert posted.returncode == 0, posted.stderr[-2000:]
    [made] = set(api_items(server, readers["other"])) - before
    assert made not in api_items(server, readers["member"])
    return made


def api_items(server, reader: Reader) -> dict[str, dict]:
    """What /api/v1/items shows `reader`: item id (lower case) -> item, every page."""
    found: dict[str, dict] = {}
    path = "/api/v1/items?limit=500"
    while path:
        answer = requests.get(server.url(path), headers=reader.headers, timeout=60)
        assert answer.status_code == 200, f"GET {path} as {reader}: HTTP {answer.status_code} {answer.text[:300]}"
        page = answer.json()
        for item in page["items"]:
            found[item["id"].lower()] = item
        path = page.get("next")
    return found


def taxii_get(server, path: str, reader: Reader = ANONYMOUS, params=None, accept: str = TAXII, basic: bool = False) -> requests.Response:
    return requests.get(server.url(path), params=params, timeout=60, auth=reader.basic if basic else None,
                        headers={**({} if basic else reader.headers), "Accept": accept})


def collections_of(server, reader: Reader) -> list[dict]:
    key = ("collections", reader.name)
    if key not in CACHE:
        answer = taxii_get(server, "/taxii2/api/collections/", reader)
        assert answer.status_code == 200, f"GET /taxii2/api/collections/ as {reader}: HTTP {answer.status_code} {answer.text[:300]}"
        assert answer.headers["Content-Type"].replace(" ", "") == TAXII, answer.headers["Content-Type"]
        CACHE[key] = answer.json().get("collections", [])
    return CACHE[key]


def collection_titled(collections: list[dict], word: str, reader: Reader) -> dict:
    found = [c for c in collections if word.lower() in c.get("title", "").lower()]
    assert len(found) == 1, f"{reader}: {len(found)} collections titled with {word!r}: {[c.get('title') for c in collections]}"
    return found[0]


def endpoint(server, reader: Reader, collection_id: str) -> Endpoint:
    return Endpoint(server.url(f"/taxii2/api/collections/{collection_id}/"), headers=reader.headers)


def collection_objects(server, reader: Reader, collection_id: str) -> list[dict]:
    """Every object of a collection (latest versions), all pages of 100, cached per reader."""
    key = ("objects", reader.name, collection_id)
    if key not in CACHE:
        CACHE[key] = endpoint(server, reader, collection_id).objects(limit=100)
    return CACHE[key]


def everything_of(server, reader: Reader) -> tuple[dict, list[dict]]:
    collection = collection_titled(collections_of(server, reader), "everything", reader)
    return collection, collection_objects(server, reader, collection["id"])


def assert_labels_follow_items(objects: list[dict], items: dict[str, dict], what: str) -> None:
    """The report/note of an item carries the item's label; every object it names carries the
    label of an item that names it (an object two items name may carry either's)."""
    reports = reports_by_item(objects, what)
    by_id = {obj["id"]: obj for obj in objects}
    labels_naming: dict[str, set[str]] = {}
    for item_id, report in reports.items():
        assert item_id in items, f"{what}: {report['id']} is of item {item_id}, which /api/v1/items does not show"
        assert label_of(report) == items[item_id]["tlp"], f"{what}: {report['id']} is marked {label_of(report)}, its item is {items[item_id]['tlp']}"
        for ref in report.get("object_refs", []):
            labels_naming.setdefault(ref, set()).add(items[item_id]["tlp"])
    for ref, labels in labels_naming.items():
        # An object with no marking at all is test_a_every_object_carries_exactly_one_tlp_marking's.
        if ref in by_id and by_id[ref]["type"] not in ("marking-definition", "identity") and by_id[ref].get("object_marking_refs"):
            assert label_of(by_id[ref]) in labels, f"{what}: {ref} is marked {label_of(by_id[ref])}; the items naming it are {sorted(labels)}"


def test_a_everything_collections_of_two_members_pass_strict_validation(server, readers, hidden_item):
    for name in ("member", "other"):
        reader = readers[name]
        collection, objects = everything_of(server, reader)
        assert UUID_PATTERN.match(collection["id"]), collection
        what = f"the everything collection of {reader}"
        assert len({key_of(o) for o in objects}) == len(objects), f"{what}: an object appears twice"
        validate_strict(objects, what)
        assert set(reports_by_item(objects, what, server.base_url)) == set(api_items(server, reader))


def test_a_cli_export_passes_strict_validation_and_holds_what_the_reader_reads(server, readers, cli):
    exported = cli(server.data_dir, "export", "stix", "--audience", "everything", "--as", MEMBER)
    assert exported.returncode == 0, f"renkei export stix: exit {exported.returncode}\n{exported.stderr[-2000:]}"
    bundle = json.loads(exported.stdout)
    assert bundle["type"] == "bundle" and bundle["id"].startswith("bundle--")
    objects = bundle["objects"]
    what = "renkei export stix --audience everything --as member@"
    validate_strict(objects, what)
    assert_closed(objects, what)
    member_items = api_items(server, readers["member"])
    assert set(reports_by_item(objects, what)) == set(member_items), f"{what}: not the items /api/v1/items shows member@"
    assert_labels_follow_items(objects, member_items, what)

    public = json.loads(cli(server.data_dir, "export", "stix", "--audience", "public", "--as", MEMBER).stdout)
    assert set(reports_by_item(public["objects"], "export --audience public")) == set(api_items(server, ANONYMOUS))
    # (objects without a marking are test_a_every_object_carries_exactly_one_tlp_marking's)
    assert labels_in([o for o in public["objects"] if o.get("object_marking_refs")]) <= {"TLP:CLEAR"}, labels_in(public["objects"])

    team = cli(server.data_dir, "export", "stix", "--audience", f"team:{MEMBER_TEAM}", "--as", MEMBER)
    assert team.returncode == 0, team.stderr[-2000:]
    assert set(reports_by_item(json.loads(team.stdout)["objects"], "export --audience team")) <= set(member_items)

    later = cli(server.data_dir, "export", "stix", "--audience", "everything", "--as", MEMBER, "--since", "2999-01-01T00:00:00Z")
    assert later.returncode == 0, later.stderr[-2000:]
    assert not reports_by_item(json.loads(later.stdout).get("objects", []), "export --since 2999"), "--since later than everything exports no item"

    refused = cli(server.data_dir, "export", "stix", "--audience", "no-such-audience", "--as", MEMBER)
    assert refused.returncode == 2 and refused.stderr.strip(), f"an unknown audience: exit {refused.returncode}"


def item_bundles(server, readers) -> dict[str, tuple[dict, dict]]:
    """item id -> (item, its /api/v1/items/{id}/stix bundle), for every item member@ or ana@ reads."""
    if "bundles" not in CACHE:
        member_items, other_items = api_items(server, readers["member"]), api_items(server, readers["other"])
        found = {}
        for item_id in sorted(set(member_items) | set(other_items)):
            reader = readers["member"] if item_id in member_items else readers["other"]
            answer = requests.get(server.url(f"/api/v1/items/{item_id}/stix"), headers=reader.headers, timeout=30)
            assert answer.status_code == 200, f"GET /api/v1/items/{item_id}/stix as {reader}: HTTP {answer.status_code} {answer.text[:300]}"
            found[item_id] = (member_items.get(item_id) or other_items[item_id], answer.json())
        CACHE["bundles"] = found
    return CACHE["bundles"]


def test_a_each_item_bundle_passes_strict_validation_and_is_404_to_others(server, readers, hidden_item):
    for item_id, (item, bundle) in item_bundles(server, readers).items():
        assert bundle["type"] == "bundle", bundle
        what = f"/api/v1/items/{item_id}/stix ({item['tlp']})"
        validate_strict(bundle["objects"], what)
        assert_closed(bundle["objects"], what)
        assert set(reports_by_item(bundle["objects"], what, server.base_url)) == {item_id}, f"{what}: not the item's own report/note"
        assert_labels_follow_items(bundle["objects"], {item_id: item}, what)
    answer = requests.get(server.url(f"/api/v1/items/{hidden_item}/stix"), headers=readers["member"].headers, timeout=30)
    assert answer.status_code == 404, f"GET /api/v1/items/{hidden_item}/stix as member@ (may not read it): HTTP {answer.status_code}"
    answer = requests.get(server.url(f"/api/v1/items/{hidden_item}/stix"), timeout=30)
    assert answer.status_code in (401, 404), f"GET /api/v1/items/{hidden_item}/stix anonymous: HTTP {answer.status_code}"


def test_a_every_object_carries_exactly_one_tlp_marking(server, readers, cli):
    """Items' bundles, the CLI's export and the collections: every object but a marking
    definition carries one TLP 2.0 marking (the author team's identity included)."""
    problems = []
    sources = [(f"/api/v1/items/{item_id}/stix", bundle["objects"]) for item_id, (_, bundle) in item_bundles(server, readers).items()]
    sources.append(("renkei export stix --audience everything --as member@",
                    json.loads(cli(server.data_dir, "export", "stix", "--audience", "everything", "--as", MEMBER).stdout)["objects"]))
    sources += [(f"the everything collection of {readers[name]}", everything_of(server, readers[name])[1]) for name in ("member", "other")]
    for what, objects in sources:
        try:
            assert_marked(objects, what)
        except AssertionError as error:
            problems.append(str(error).splitlines()[0])
    assert not problems, f"{len(problems)} of {len(sources)} sources have objects without one TLP marking, e.g.:\n" + "\n".join(problems[:6])


def test_a_collections_ship_the_markings_and_identities_their_objects_name(server, readers):
    for name in ("member", "other"):
        collection, objects = everything_of(server, readers[name])
        assert_closed(objects, f"the everything collection of {readers[name]}")


def test_a_each_page_holds_what_its_objects_name(server, readers):
    """A page holds whole items, led by the markings and identities they name, so a consumer
    that refuses an object whose author or marking it lacks (OpenCTI) can take each page as it
    comes; an item larger than a page is split, and each part is led by its markings and author."""
    reader = readers["member"]
    collection, objects = everything_of(server, reader)
    largest = max(len(report.get("object_refs", [])) for report in reports_by_item(objects, "everything").values())
    for limit in (10, 20, 40):  # at 5 an item's markings and identities alone may fill a page
        for envelope, answer in endpoint(server, reader, collection["id"]).pages("objects/", limit):
            page = envelope.get("objects", [])
            if limit > largest + 4:
                assert_closed(page, f"GET {answer.url}")
            else:
                named = {ref for obj in page for ref in [obj.get("created_by_ref"), *obj.get("object_marking_refs", [])] if ref}
                assert named <= {obj["id"] for obj in page}, f"GET {answer.url}: names {sorted(named - {o['id'] for o in page})} it does not hold"


def client_walk(server, reader: Reader) -> dict[str, tuple[dict, list[dict]]]:
    """taxii2-client: discovery -> API root -> collections -> every page (as_pages, 50 a page)."""
    from taxii2client.v21 import Server, as_pages
    credentials = {"user": reader.email, "password": reader.token} if reader.token else {}
    discovery = Server(server.url("/taxii2/"), **credentials)
    assert [root.url for root in discovery.api_roots] == [server.url("/taxii2/api/")], \
        f"{reader}: api_roots {[root.url for root in discovery.api_roots]} (absolute, from RENKEI_PUBLIC_URL)"
    [root] = discovery.api_roots
    assert TAXII in root.versions, root.versions
    walked = {}
    for collection in root.collections:
        assert UUID_PATTERN.match(collection.id), collection.id
        assert collection.can_read and STIX in collection.media_types, (collection.title, collection.can_read, collection.media_types)
        objects = unique([obj for envelope in as_pages(collection.get_objects, per_request=50) for obj in envelope.get("objects", [])])
        walked[collection.id] = ({"id": collection.id, "title": collection.title, "can_write": collection.can_write}, objects)
    return walked


def test_b_taxii2_client_each_reader_sees_exactly_what_api_items_shows(server, readers, hidden_item):
    member_titles = []
    for name in ("anonymous", "member", "other", "guest"):
        reader = readers[name]
        items = api_items(server, reader)
        walked = client_walk(server, reader)
        titles = [info["title"] for info, _ in walked.values()]
        member_titles += titles if name == "member" else []
        if reader is ANONYMOUS:
            assert len(walked) == 1 and "public" in titles[0].lower(), f"anonymous lists {titles}, not only the public collection"
            [(info, objects)] = walked.values()
            assert set(reports_by_item(objects, "the public collection", server.base_url)) == set(items), \
                "anonymous: the public collection's items are not /api/v1/items'"
            assert labels_in(objects) == {"TLP:CLEAR"}, f"anonymous: the public collection holds {labels_in(objects)}"
            assert_labels_follow_items(objects, items, "the public collection (anonymous)")
            continue
        for word in ("public", "everything") if name == "guest" else ("public", "community", "everything"):
            collection_titled([info for info, _ in walked.values()], word, reader)
        assert any("name" in t.lower() and "everything" not in t.lower() for t in titles), f"{reader}: no collection of items shared by name: {titles}"
        everything = collection_titled([info for info, _ in walked.values()], "everything", reader)
        _, objects = walked[everything["id"]]
        seen = reports_by_item(objects, f"the everything collection of {reader}", server.base_url)
        assert set(seen) == set(items), (f"{reader}: the everything collection and /api/v1/items differ: only in TAXII "
                                         f"{sorted(set(seen) - set(items))[:5]}, only in the API {sorted(set(items) - set(seen))[:5]}")
        assert answer_keys(objects) == answer_keys(collection_objects(server, reader, everything["id"])), \
            f"{reader}: taxii2-client's pages of 50 and pages of 100 hold different objects"
        for info, objects in walked.values():
            what = f"{reader}'s collection {info['title']!r}"
            assert set(reports_by_item(objects, what)) <= set(items), f"{what} holds items /api/v1/items does not show"
            assert_labels_follow_items(objects, items, what)
            if "public" in info["title"].lower():
                assert labels_in(objects) <= {"TLP:CLEAR"}, f"{what} holds {labels_in(objects)}"
    assert any("lindenfeld" in t.lower() for t in member_titles), f"member@ lists no collection of Lindenfeld-CSIRT: {member_titles}"


def test_b_basic_and_bearer_are_the_same_reader(server, readers):
    member = readers["member"]
    by_bearer = taxii_get(server, "/taxii2/api/collections/", member)
    by_basic = taxii_get(server, "/taxii2/api/collections/", member, basic=True)
    assert by_bearer.status_code == by_basic.status_code == 200
    assert by_bearer.json() == by_basic.json()
    wrong = requests.get(server.url("/taxii2/api/collections/"), auth=(MEMBER, "rk_not-a-token"), headers={"Accept": TAXII}, timeout=30)
    assert wrong.status_code == 401, f"a wrong token: HTTP {wrong.status_code}"


def test_c_a_team_collection_is_404_to_another_team_and_not_readable_anonymously(server, readers):
    member, other = readers["member"], readers["other"]
    team = collection_titled(collections_of(server, member), "lindenfeld", member)
    assert team["id"] not in {c["id"] for c in collections_of(server, other)}
    for suffix in ("", "objects/", "manifest/"):
        path = f"/taxii2/api/collections/{team['id']}/{suffix}"
        answer = taxii_get(server, path, other)
        assert answer.status_code == 404, f"GET {path} as {other}: HTTP {answer.status_code}"
        unknown = taxii_get(server, f"/taxii2/api/collections/{uuid.uuid4()}/{suffix}", other)
        assert unknown.status_code == 404 and answer.json().get("title") == unknown.json().get("title"), \
            "another team's collection answers as an unknown one"
        # A stranger is asked for credentials, for a real collection as for an unknown id.
        anonymous, anonymous_unknown = taxii_get(server, path), taxii_get(server, f"/taxii2/api/collections/{uuid.uuid4()}/{suffix}")
        for refused in (anonymous, anonymous_unknown):
            assert refused.status_code == 401 and refused.headers.get("WWW-Authenticate", "").startswith("Basic"), \
                f"GET {refused.url} anonymous: HTTP {refused.status_code} {refused.headers.get('WWW-Authenticate')}"
        assert anonymous.json() == anonymous_unknown.json()
    for collection in collections_of(server, member):
        if collection["id"] not in {c["id"] for c in collections_of(server, other)}:
            answer = taxii_get(server, f"/taxii2/api/collections/{collection['id']}/objects/", other)
            assert answer.status_code == 404, f"{collection['title']!r} of member@ fetched by {other}: HTTP {answer.status_code}"
    feed = requests.get(server.url(f"/feeds/misp/{team['id']}/manifest.json"), headers=other.headers, timeout=30)
    assert feed.status_code == 404, f"the MISP feed of member@'s team as {other}: HTTP {feed.status_code}"


def assert_error_body(answer: requests.Response, what: str) -> None:
    kind = answer.headers.get("Content-Type", "").replace(" ", "")
    assert kind.startswith("application/problem+json") or kind.startswith("application/taxii+json"), f"{what}: Content-Type {kind}"
    body = answer.json()
    assert body.get("title"), f"{what}: an error body without a title: {body}"


def test_e_unacceptable_media_types_are_406_and_415(server, readers):
    member = readers["member"]
    team = collection_titled(collections_of(server, member), "lindenfeld", member)
    for path in ("/taxii2/", "/taxii2/api/", "/taxii2/api/collections/", f"/taxii2/api/collections/{team['id']}/objects/"):
        answer = taxii_get(server, path, member, accept="application/xml")
        assert answer.status_code == 406, f"GET {path} Accept: application/xml: HTTP {answer.status_code}"
        assert_error_body(answer, f"406 of {path}")
        # The media type without its version is TAXII 2.1's too (section 1.6.8.1).
        assert taxii_get(server, path, member, accept="application/taxii+json").status_code == 200, path
    posted = requests.post(server.url(f"/taxii2/api/collections/{team['id']}/objects/"), data=json.dumps({"objects": []}), timeout=30,
                           headers={**member.headers, "Accept": TAXII, "Content-Type": "text/plain"})
    assert posted.status_code == 415, f"POST objects with Content-Type text/plain: HTTP {posted.status_code} {posted.text[:200]}"
    assert_error_body(posted, "415 of POST objects")
    answer = taxii_get(server, "/taxii2/", member)
    assert answer.status_code == 200 and answer.headers["Content-Type"].replace(" ", "") == TAXII


def test_f_filters_and_paging(server, readers):
    member = readers["member"]
    collection, objects = everything_of(server, member)
    api = endpoint(server, member, collection["id"])
    indicators = api.objects(**{"match[type]": "indicator"})
    assert indicators and {o["type"] for o in indicators} == {"indicator"}
    assert answer_keys(indicators) == answer_keys([o for o in objects if o["type"] == "indicator"])
    several = api.objects(**{"match[type]": "indicator,vulnerability"})
    assert answer_keys(several) == answer_keys([o for o in objects if o["type"] in ("indicator", "vulnerability")])
    report = next(o for o in objects if o["type"] in ("report", "note"))
    assert [o["id"] for o in api.objects(**{"match[id]": report["id"]})] == [report["id"]]
    assert [o["id"] for o in api.objects(**{"match[id]": indicators[0]["id"]})] == [indicators[0]["id"]]

    # One object and its versions by their own endpoints.
    single = api.get(f"objects/{report['id']}/")
    assert single.status_code == 200 and [o["id"] for o in single.json()["objects"]] == [report["id"]]
    versions = api.get(f"objects/{report['id']}/versions/")
    assert versions.status_code == 200 and report["modified"] in versions.json()["versions"], versions.text[:300]
    assert api.get(f"objects/indicator--{uuid.uuid4()}/").status_code == 404

    # The manifest: one record per object, version = modified (else created, else date_added).
    manifest = api.manifest(limit=100)
    assert sorted(m["id"] for m in manifest) == sorted(o["id"] for o in objects)
    by_id = {o["id"]: o for o in objects}
    for record in manifest:
        obj = by_id[record["id"]]
        expected = version_of(obj) or record["date_added"]
        assert parse_time(record["version"]) == parse_time(expected), f"manifest version of {obj['id']}: {record['version']}, the object's is {expected}"
        assert record.get("media_type") == STIX, record
        parse_time(record["date_added"])

    # Parameters a server did not give out or cannot read are 400, with a TAXII error.
    for bad in ({"limit": "0"}, {"limit": "many"}, {"next": "not-a-cursor"}, {"added_after": "yesterday"}, {"match[version]": "newest"}):
        answer = api.get("objects/", bad)
        assert answer.status_code == 400, f"GET objects/ with {bad}: HTTP {answer.status_code}"
        assert_error_body(answer, f"400 for {bad}")
    assert not api.objects(**{"match[spec_version]": "2.0"}), "every object is STIX 2.1"

    # added_after later than every date_added: nothing, and no more.
    last = max(parse_time(m["date_added"]) for m in manifest)
    empty = api.get("objects/", {"added_after": taxii_time(last + dt.timedelta(seconds=1))})
    assert empty.status_code == 200, empty.text[:300]
    assert not empty.json().get("objects") and not empty.json().get("more"), empty.text[:300]

    # limit=1 visits every object exactly once, in date_added order (the headers tell it).
    pages = api.pages("objects/", limit=1)
    seen = unique([o for envelope, _ in pages for o in envelope.get("objects", [])])
    assert all(len(envelope.get("objects", [])) <= 1 for envelope, _ in pages)
    assert answer_keys(seen) == answer_keys(objects), "limit=1 paging misses objects or repeats one other than a marking or identity"
    firsts = [parse_time(answer.headers["X-TAXII-Date-Added-First"]) for envelope, answer in pages if envelope.get("objects")]
    lasts = [parse_time(answer.headers["X-TAXII-Date-Added-Last"]) for envelope, answer in pages if envelope.get("objects")]
    assert firsts == lasts and firsts == sorted(firsts), "pages come in date_added order, First = Last on a page of one"
    full = api.pages("objects/", limit=100)
    for envelope, answer in full:
        if envelope.get("objects"):
            assert parse_time(answer.headers["X-TAXII-Date-Added-First"]) <= parse_time(answer.headers["X-TAXII-Date-Added-Last"])


def renkei_export(server, reader: Reader, collection_id: str) -> tuple[list[dict], dict[tuple, dt.datetime]]:
    """Every version of every object of a collection, and each one's date_added from the manifest."""
    api = endpoint(server, reader, collection_id)
    objects = api.objects(limit=100, **{"match[version]": "all"})
    manifest = api.manifest(limit=100, **{"match[version]": "all"})
    by_id: dict[str, list[dict]] = {}
    for record in manifest:
        by_id.setdefault(record["id"], []).append(record)
    added: dict[tuple, dt.datetime] = {}
    for obj in objects:
        records = by_id.get(obj["id"], [])
        assert records, f"{obj['id']} is in the collection but not in its manifest"
        if len(records) > 1:
            records = [r for r in records if version_of(obj) and parse_time(r["version"]) == parse_time(version_of(obj))]
            assert len(records) == 1, f"no one manifest record for {obj['id']} version {version_of(obj)}"
        added[key_of(obj)] = parse_time(records[0]["date_added"])
    return objects, added


def test_g_medallion_answers_the_same_filters_on_the_same_objects(server, readers, tmp_path):
    member = readers["member"]
    collection, _ = everything_of(server, member)
    objects, added = renkei_export(server, member, collection["id"])
    # Renkei repeats the marking definitions, identities and extension definitions with every
    # item that names them (each time with that item's date_added), where a store such as
    # medallion holds them once; and medallion 3.0.0 takes an extension-definition's own
    # `version` property ("1.0") for its TAXII version and fails to parse it. Those objects
    # stay out of the comparison; test_a_collections_ship_... checks they are there.
    left_out = frozenset({"extension-definition", "marking-definition", "identity"})
    objects = [o for o in objects if o["type"] not in left_out]
    medallion = Medallion(tmp_path / "medallion").start(collection["id"], collection["title"], objects, added)
    try:
        ours, theirs = endpoint(server, member, collection["id"]), medallion.collection(collection["id"])
        # The id sets are compared exactly: on these questions the two servers do not differ by
        # design. Where they do differ, nothing is compared: medallion wants Basic auth on every
        # request (Renkei answers the public collection anonymously); it caps a page at its
        # max_page_size (100 here, so pages of 50 are asked of both); its `next` is a session
        # that expires after 30 s and binds the filters (Renkei's is a stateless cursor); and it
        # sorts by the date_added string, so its data is written in one fixed format. Objects of
        # one item share a date_added (the item's, to the millisecond), so their order within
        # it is either server's choice: orders are compared by date_added only.
        differences = compare_with_medallion(ours, theirs, objects, added, page=50, left_out=left_out)
        assert not differences, "Renkei and medallion answer differently:\n" + "\n".join(differences)
        # Paging with a small limit: each server visits every object once, in date_added order.
        # Objects added in the same millisecond (one item's) may come in either order.
        for api in (ours, theirs):
            seen = [o for o in api.objects(limit=7) if o["type"] not in left_out]
            assert answer_keys(seen) == answer_keys(model_answer(objects, added)), f"{api.url}: limit=7 paging"
            order = [added[key_of(o)] for o in seen]
            assert order == sorted(order), f"{api.url}: not in date_added order"
    finally:
        medallion.stop()


def misp_tag(label: str) -> str:
    return "tlp:" + label[4:].lower()


def test_h_pymisp_reads_every_event_of_the_member_feed(server, readers, hidden_item):
    from pymisp import MISPEvent
    member, other = readers["member"], readers["other"]
    everything = collection_titled(collections_of(server, member), "everything", member)
    base = f"/feeds/misp/{everything['id']}/"
    answer = requests.get(server.url(base + "manifest.json"), headers=member.headers, timeout=60)
    assert answer.status_code == 200, f"GET {base}manifest.json: HTTP {answer.status_code} {answer.text[:300]}"
    manifest = answer.json()
    items = api_items(server, member)
    assert {key.lower() for key in manifest} == set(items), "the feed's events are not the items /api/v1/items shows member@"
    expected_hashes: set[tuple[str, str]] = set()
    for event_uuid, summary in manifest.items():
        item = items[event_uuid.lower()]
        # Basic (e-mail, token) here; the manifest above went with Bearer.
        answer = requests.get(server.url(f"{base}{event_uuid}.json"), auth=member.basic, timeout=30)
        assert answer.status_code == 200, f"GET {base}{event_uuid}.json: HTTP {answer.status_code}"
        event = MISPEvent()
        event.load(answer.text)
        assert str(event.uuid).lower() == event_uuid.lower()
        tags = [tag.name for tag in event.tags if tag.name.lower().startswith("tlp:")]
        assert tags == [misp_tag(item["tlp"])], f"event {event_uuid} ({item['tlp']}): TLP tags {tags}"
        assert int(event.distribution) == MISP_DISTRIBUTION[item["tlp"]], f"event {event_uuid} ({item['tlp']}): distribution {event.distribution}"
        summary_tags = [tag.get("name") for tag in summary.get("Tag", []) if tag.get("name", "").lower().startswith("tlp:")]
        assert summary_tags == [misp_tag(item["tlp"])], f"manifest entry {event_uuid}: TLP tags {summary_tags}"
        # PyMISP's own feed writer computes the hashes a feed lists for an event (md5 of each value).
        feed = event.to_feed(with_meta=True)["Event"]
        expected_hashes |= {(digest, event_uuid.lower()) for digest in feed["_hashes"]}
    answer = requests.get(server.url(base + "hashes.csv"), headers=member.headers, timeout=60)
    assert answer.status_code == 200, f"GET {base}hashes.csv: HTTP {answer.status_code}"
    lines = [line for line in answer.text.splitlines() if line.strip()]
    listed = set()
    for line in lines:
        digest, _, event_uuid = line.partition(",")
        assert re.fullmatch(r"[0-9a-f]{32}", digest) and event_uuid.lower() in items, f"hashes.csv line {line!r}"
        listed.add((digest, event_uuid.lower()))
    assert listed == expected_hashes, (f"hashes.csv is not the md5 of each event's values: only in the file {sorted(listed - expected_hashes)[:4]}, "
                                       f"missing {sorted(expected_hashes - listed)[:4]}")

    refused = requests.get(server.url(f"{base}{hidden_item}.json"), headers=member.headers, timeout=30)
    assert refused.status_code == 404, f"GET {base}{hidden_item}.json (an item member@ may not read): HTTP {refused.status_code}"
    anonymous_everything = requests.get(server.url(base + "manifest.json"), timeout=30)
    assert anonymous_everything.status_code == 401 and anonymous_everything.headers.get("WWW-Authenticate", "").startswith("Basic"), \
        f"member@'s feed anonymously: HTTP {anonymous_everything.status_code} (a MISP admin who forgot the header is asked for it)"

    [public] = collections_of(server, ANONYMOUS)
    answer = requests.get(server.url(f"/feeds/misp/{public['id']}/manifest.json"), timeout=60)
    assert answer.status_code == 200, f"the public feed anonymously: HTTP {answer.status_code}"
    public_manifest = answer.json()
    assert {key.lower() for key in public_manifest} == set(api_items(server, ANONYMOUS))
    for event_uuid in public_manifest:
        event = MISPEvent()
        event.load(requests.get(server.url(f"/feeds/misp/{public['id']}/{event_uuid}.json"), timeout=30).text)
        assert [t.name for t in event.tags if t.name.lower().startswith("tlp:")] == ["tlp:clear"] and int(event.distribution) == 3


def submitted_indicator(marking: str | None, marker: str) -> dict:
    now = taxii_time(dt.datetime.now(dt.timezone.utc))[:-4] + "Z"   # milliseconds
    obj = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": now, "modified": now,
           "name": f"C2 address {marker}", "description": f"Beacons from two customers to 203.0.113.77 ({marker}).",
           "indicator_types": ["malicious-activity"], "pattern": "[ipv4-addr:value = '203.0.113.77']", "pattern_type": "stix", "valid_from": now}
    if marking:
        obj["object_marking_refs"] = [marking]
    return obj


def test_d_an_amber_indicator_posted_to_the_team_collection_becomes_a_team_item(server, readers):
    from taxii2client.v21 import Collection
    member, other = readers["member"], readers["other"]
    team = collection_titled(collections_of(server, member), "lindenfeld", member)
    url = server.url(f"/taxii2/api/collections/{team['id']}/")
    collection = Collection(url, user=member.email, password=member.token)
    assert collection.can_write, "member@ may post to the team's collection"
    marker = f"wombat{uuid.uuid4().hex[:8]}"
    indicator = submitted_indicator(TLP_MARKING["TLP:AMBER"], marker)
    validate_strict([indicator] + tlp_marking_definitions()[2:3], "the posted indicator")
    before = set(api_items(server, member))
    status = collection.add_objects({"objects": [indicator]}, wait_for_completion=True, poll_interval=1, timeout=30)
    assert status.status == "complete" and status.success_count == 1 and status.failure_count == 0, \
        f"status {status.status}: {status.success_count} succeeded, {status.failure_count} failed: {status.failures}"
    fetched = taxii_get(server, f"/taxii2/api/status/{status.id}/", member)
    assert fetched.status_code == 200 and fetched.json()["id"] == status.id, fetched.text[:300]

    after = api_items(server, member)
    new = set(after) - before
    assert len(new) == 1, f"posting one indicator made {len(new)} items for member@"
    [item_id] = new
    assert after[item_id]["tlp"] == "TLP:AMBER"
    assert item_id not in api_items(server, other), "ana@ (another team) must not read the team's new item"
    assert requests.get(server.url(f"/api/v1/items/{item_id}/stix"), headers=other.headers, timeout=30).status_code == 404

    objects = endpoint(server, member, team["id"]).objects(limit=100)
    report = reports_by_item(objects, "the team collection after the post").get(item_id)
    assert report, "the new item is not in the team's collection"
    assert label_of(report) == "TLP:AMBER"
    text = " ".join(str(report.get(k, "")) for k in ("name", "description", "abstract", "content"))
    assert marker in text, f"the posted name/description are not in the item's {report['type']}: {text[:300]}"
    by_id = {o["id"]: o for o in objects}
    named = [by_id[ref] for ref in report["object_refs"] if ref in by_id and by_id[ref]["type"] == "indicator"]
    assert [(o["pattern"], label_of(o)) for o in named] == [(indicator["pattern"], "TLP:AMBER")], named
    read_back = endpoint(server, member, team["id"]).objects(**{"match[id]": named[0]["id"]})
    assert [o["id"] for o in read_back] == [named[0]["id"]] and label_of(read_back[0]) == "TLP:AMBER"
    assert not endpoint(server, other, team["id"]).get("objects/").ok

    # A CLEAR object, or one without a marking, has no place in a team's collection.
    for wrong, why in ((submitted_indicator(TLP_MARKING["TLP:CLEAR"], marker + "c"), "marked TLP:CLEAR"),
                       (submitted_indicator(None, marker + "n"), "without a marking")):
        status = collection.add_objects({"objects": [wrong]}, wait_for_completion=True, poll_interval=1, timeout=30)
        assert status.status == "complete" and status.success_count == 0 and status.failure_count == 1, \
            f"an indicator {why}: status {status.status}, {status.success_count} succeeded, {status.failure_count} failed"
        assert [f.get("id") for f in status.failures] == [wrong["id"]] and status.failures[0].get("message"), status.failures
    assert set(api_items(server, member)) == set(after), "a refused object made an item"

    # Withdrawn, the item's report/note is revoked (a new version of the same id).
    withdrawn = requests.post(server.url(f"/api/v1/items/{item_id}/withdrawal"), headers=member.headers,
                              json={"reason": f"Posted by the TAXII interop test {marker}"}, timeout=30)
    assert withdrawn.status_code == 200, f"POST /api/v1/items/{item_id}/withdrawal: HTTP {withdrawn.status_code} {withdrawn.text[:300]}"
    [revoked] = endpoint(server, member, team["id"]).objects(**{"match[id]": report["id"]})
    assert revoked.get("revoked") is True, f"the withdrawn item's {report['type']}: revoked = {revoked.get('revoked')}"
    assert parse_time(revoked["modified"]) >= parse_time(report["modified"])
    bundle = requests.get(server.url(f"/api/v1/items/{item_id}/stix"), headers=member.headers, timeout=30).json()
    assert [o.get("revoked") for o in bundle["objects"] if o["id"] == report["id"]] == [True]
    validate_strict(bundle["objects"], "the withdrawn item's bundle")


def test_i_renkei_import_stix_creates_one_team_item_and_refuses_bad_input(server, readers, cli, tmp_path):
    member, other = readers["member"], readers["other"]
    marker = f"numbat{uuid.uuid4().hex[:8]}"
    indicator = submitted_indicator(TLP_MARKING["TLP:AMBER"], marker)
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": tlp_marking_definitions()[2:3] + [indicator]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    before = set(api_items(server, member))
    imported = cli(server.data_dir, "import", "stix", str(path), "--as", MEMBER, "--audience", f"team:{MEMBER_TEAM}")
    assert imported.returncode == 0, f"renkei import stix: exit {imported.returncode}\n{imported.stderr[-2000:]}"
    after = api_items(server, member)
    new = set(after) - before
    assert len(new) == 1 and after[new.pop()]["tlp"] == "TLP:AMBER"
    assert not (set(after) - before) & set(api_items(server, other))
    for content, why in (("this is not JSON", "not JSON"),
                         (json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [submitted_indicator(None, marker)]}), "no marking")):
        path.write_text(content)
        refused = cli(server.data_dir, "import", "stix", str(path), "--as", MEMBER, "--audience", f"team:{MEMBER_TEAM}")
        assert refused.returncode == 2 and refused.stderr.strip(), f"a bundle with {why}: exit {refused.returncode}, stderr {refused.stderr[-500:]!r}"
    assert set(api_items(server, member)) == set(after), "a refused import made an item"
