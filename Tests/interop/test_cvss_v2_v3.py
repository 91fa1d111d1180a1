"""CVSS v2.0, v3.0 and v3.1 scores from `renkei cvss --json`, compared with Red Hat's `cvss` (3.6).

`renkei cvss --json` reads one vector per line on standard input and prints one JSON object per
line, in input order: `version`, `vectorString`, `baseScore`, `baseSeverity`, `temporalScore` and
`environmentalScore` (left out when not applicable; severities may accompany them), or
`{"vectorString": <input>, "error": "..."}` for a vector it refuses; exit status 2 when any was
refused.

Random vectors (fixed seed) of every version, with temporal and environmental metrics in all
their values including Not Defined (`X`, v2 `ND`), must get Red Hat's scores and severities;
malformed ones must be refused by both. Where the specifications and Red Hat's `cvss` disagree,
Renkei follows the specification:
- v2: the guide lists the metrics "in a predetermined order"; Red Hat accepts any order, Renkei
  refuses an out-of-order v2 vector (v3.x vectors may come in any order, as both v3
  specifications say in section 6).

Also a standalone checker: `python test_cvss_v2_v3.py --bin PATH [--count N] [--seed S]` runs the
same comparison with N random vectors per version and prints the numbers.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest

from conftest import COMPONENT_MALFORMATIONS, malform_component, run_cvss_json as run_renkei

try:
    import cvss as redhat
except ImportError:  # the oracle is missing: see the fixture below
    redhat = None

SEED = 20240611
# Random valid vectors per version (v2, v3.0, v3.1): 5,000 by default, more in CI (.ci/run).
COUNT = int(os.environ.get("RENKEI_CVSS_VECTORS", "5000"))

# --- Metric tables (from the v2 guide, Tables 12-14, and v3.x specification, Table 15) --------

V2_METRICS = [
    ("AV", ["L", "A", "N"]), ("AC", ["H", "M", "L"]), ("Au", ["M", "S", "N"]),
    ("C", ["N", "P", "C"]), ("I", ["N", "P", "C"]), ("A", ["N", "P", "C"]),
    ("E", ["U", "POC", "F", "H", "ND"]), ("RL", ["OF", "TF", "W", "U", "ND"]),
    ("RC", ["UC", "UR", "C", "ND"]),
    ("CDP", ["N", "L", "LM", "MH", "H", "ND"]), ("TD", ["N", "L", "M", "H", "ND"]),
    ("CR", ["L", "M", "H", "ND"]), ("IR", ["L", "M", "H", "ND"]), ("AR", ["L", "M", "H", "ND"]),
]
V2_BASE = 6

V3_METRICS = [
    ("AV", ["N", "A", "L", "P"]), ("AC", ["L", "H"]), ("PR", ["N", "L", "H"]), ("UI", ["N", "R"]),
    ("S", ["U", "C"]), ("C", ["H", "L", "N"]), ("I", ["H", "L", "N"]), ("A", ["H", "L", "N"]),
    ("E", ["X", "H", "F", "P", "U"]), ("RL", ["X", "U", "W", "T", "O"]), ("RC", ["X", "C", "R", "U"]),
    ("CR", ["X", "H", "M", "L"]), ("IR", ["X", "H", "M", "L"]), ("AR", ["X", "H", "M", "L"]),
    ("MAV", ["X", "N", "A", "L", "P"]), ("MAC", ["X", "L", "H"]), ("MPR", ["X", "N", "L", "H"]),
    ("MUI", ["X", "N", "R"]), ("MS", ["X", "U", "C"]), ("MC", ["X", "H", "L", "N"]),
    ("MI", ["X", "H", "L", "N"]), ("MA", ["X", "H", "L", "N"]),
]
V3_BASE = 8

# --- Vectors from the specifications' own examples ---------------------------------------------
# (vector, base, temporal, environmental); None where the vector has no such score (v2 only).

KNOWN = [
    # CVSS v3.1 Examples (FIRST) and the v3.1 specification
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1, 6.1),  # CVE-2013-1937 phpMyAdmin XSS
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, 6.4, 6.4),  # CVE-2013-0375 MySQL
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, 3.1, 3.1),  # CVE-2014-3566 POODLE
    ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2, 4.2, 4.2),  # CVE-2009-0783 Tomcat
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, 8.8, 8.8),  # CVE-2012-0384 Cisco IOS
    ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, 7.8, 7.8),  # CVE-2015-1098 iWork
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, 7.5, 7.5),  # CVE-2014-0160 Heartbleed
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8),  # CVE-2014-6271 Shellshock
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, 6.8, 6.8),  # CVE-2008-1447 DNS
    ("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, 6.8, 6.8),  # CVE-2014-2005 Sophos
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8, 5.8, 5.8),  # CVE-2010-0467 Joomla
    # S:C with the 3.1 environmental formula (0.9731, ^13): 10.0 although the base is 9.9
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9, 10.0),  # CVE-2012-1516 VMware
    ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9, 9.9),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1, 6.1),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, 0.0, 0.0),
    # A Complete Guide to CVSS v2, section 3.3 (examples)
    ("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H", 7.8, 6.4, 9.2),  # CVE-2002-0392
    ("AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:L", 10.0, 8.3, 9.0),  # CVE-2003-0818
    ("AV:L/AC:H/Au:N/C:C/I:C/A:C/E:POC/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:M", 6.2, 4.9, 7.5),  # CVE-2003-0062
    ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, None, None),
    # The adjusted base equation goes below zero here (−0.2); scores are floored at 0.0
    ("AV:L/AC:H/Au:M/C:P/I:N/A:N/CR:L", 0.8, None, 0.0),
]

# --- Generators --------------------------------------------------------------------------------


def random_v2(rng: random.Random) -> str:
    parts = []
    for index, (name, values) in enumerate(V2_METRICS):
        if index >= V2_BASE:
            roll = rng.random()
            if roll < 0.35:
                continue  # omitted: Not Defined
            value = "ND" if roll < 0.5 else rng.choice(values)
        else:
            value = rng.choice(values)
        parts.append(f"{name}:{value}")
    return "/".join(parts)  # the guide's order


def random_v3(rng: random.Random, minor: int) -> str:
    parts = []
    for index, (name, values) in enumerate(V3_METRICS):
        if index >= V3_BASE:
            roll = rng.random()
            if roll < 0.35:
                continue
            value = "X" if roll < 0.5 else rng.choice(values)
        else:
            value = rng.choice(values)
        parts.append(f"{name}:{value}")
    if rng.random() < 0.5:
        rng.shuffle(parts)  # any order is valid in v3.x
    return f"CVSS:3.{minor}/" + "/".join(parts)


def split(vector: str) -> tuple[str, list[str]]:
    if vector.startswith("CVSS:"):
        prefix, _, body = vector.partition("/")
        return prefix + "/", body.split("/")
    return "", vector.split("/")


def malformed(rng: random.Random, vector: str) -> tuple[str, str]:
    """A broken variant of a valid vector, and what is wrong with it."""
    prefix, parts = split(vector)
    base_count = V2_BASE if not prefix else V3_BASE
    kind = rng.choice(["unknown-metric", "unknown-value", "duplicate", "missing-base", "trailing-slash",
                       "lower-case-value", "lower-case-metric", *COMPONENT_MALFORMATIONS])
    i = rng.randrange(len(parts))
    name, _, value = parts[i].partition(":")
    if kind == "unknown-metric":
        parts.insert(i, rng.choice(["ZZ:N", "AT:N", "MAV2:N", "SC:H", "E2:F", "Au:N" if prefix else "PR:N"]))
    elif kind == "unknown-value":
        parts[i] = f"{name}:{rng.choice(['Q', 'Z', 'NN', '1', 'HIGH'])}"
    elif kind == "duplicate":
        parts.insert(rng.randrange(i, len(parts) + 1), parts[i])
    elif kind == "missing-base":
        base_names = [n for n, _ in (V2_METRICS if not prefix else V3_METRICS)[:base_count]]
        drop = rng.choice(base_names)
        parts = [p for p in parts if p.partition(":")[0] != drop]
    elif kind == "trailing-slash":
        return prefix + "/".join(parts) + "/", kind
    elif kind == "lower-case-value":
        parts[i] = f"{name}:{value.lower()}"
    elif kind == "lower-case-metric":
        parts[i] = f"{name.lower()}:{value}"
        if name.lower() == name:  # no letter to lower: fall back to an unknown value
            parts[i] = f"{name}:q"
    else:
        malform_component(parts, i, kind)
    return prefix + "/".join(parts), kind


# (Empty lines and surrounding blanks are left out: how the command treats them is its own affair.)
MALFORMED_FIXED = [
    "/", "CVSS:3.1/", "CVSS:3.0/", "CVSS:3.1", "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "(AV:N/AC:L/Au:N/C:P/I:P/A:P)", "/AV:N/AC:L/Au:N/C:P/I:P/A:P",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:ND",
    "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:ND/AC:L/Au:N/C:P/I:P/A:P",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MS:U/MS:C", "AV:N/AC:L/au:N/C:P/I:P/A:P",
]

# v2 vectors valid but for their order: Red Hat's cvss accepts them, the guide does not.
V2_OUT_OF_ORDER = [
    "AC:L/AV:N/Au:N/C:P/I:P/A:P",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P/RL:OF/E:F",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P/CDP:H/E:F",
    "E:F/AV:N/AC:L/Au:N/C:P/I:P/A:P",
]

# --- Running both sides ------------------------------------------------------------------------


def oracle(vector: str) -> dict:
    """Red Hat's answer: {"scores": (b, t, e), "severities": (...), "clean": ...} or {"error": ...}."""
    try:
        c = redhat.CVSS3(vector) if vector.startswith("CVSS:") else redhat.CVSS2(vector)
    except redhat.CVSSError as error:
        return {"error": str(error)}
    return {"scores": c.scores(), "severities": c.severities(), "clean": c.clean_vector()}


def compare(vector: str, ours: dict, theirs: dict) -> str | None:
    """None when Renkei and Red Hat agree on this vector, else what differs."""
    if "error" in theirs or "error" in ours:
        if "error" in theirs and "error" in ours:
            return None
        return f"{vector!r}: renkei {ours.get('error') or 'accepts'}; Red Hat {theirs.get('error') or 'accepts'}"
    problems = []
    is_v2 = not vector.startswith("CVSS:")
    if ours.get("version") != ("2.0" if is_v2 else vector[5:8]):
        problems.append(f"version {ours.get('version')}")
    if ours.get("vectorString") != theirs["clean"]:
        problems.append(f"vectorString {ours.get('vectorString')!r} ≠ {theirs['clean']!r}")
    for index, key in enumerate(("base", "temporal", "environmental")):
        score, severity = theirs["scores"][index], theirs["severities"][index]
        if score is None:  # v2 without temporal / environmental metrics
            severity = None
        if ours.get(f"{key}Score") != score:
            problems.append(f"{key}Score {ours.get(f'{key}Score')} ≠ {score}")
        if key == "base" or f"{key}Severity" in ours:
            if ours.get(f"{key}Severity") != severity:
                problems.append(f"{key}Severity {ours.get(f'{key}Severity')} ≠ {severity}")
    return f"{vector!r}: " + "; ".join(problems) if problems else None


def corpus(seed: int, count: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    valid = {
        "2.0": [random_v2(rng) for _ in range(count)],
        "3.0": [random_v3(rng, 0) for _ in range(count)],
        "3.1": [random_v3(rng, 1) for _ in range(count)],
    }
    bad = []
    for vectors in valid.values():
        for vector in vectors[: max(count // 5, 200)]:
            bad.append(malformed(rng, vector)[0])
    return {**valid, "malformed": bad + MALFORMED_FIXED}


def check_all(binary: Path, seed: int, count: int) -> dict[str, tuple[int, list[str]]]:
    """Compares every vector of the corpus; returns {group: (compared, mismatches)}."""
    outcome = {}
    for group, vectors in corpus(seed, count).items():
        _, ours = run_renkei(binary, vectors)
        mismatches = []
        for vector, mine in zip(vectors, ours):
            theirs = oracle(vector)
            if group == "malformed":
                if "error" not in mine or "error" not in theirs:
                    mismatches.append(compare(vector, mine, theirs) or f"{vector!r}: accepted")
            else:
                if "error" in theirs:
                    mismatches.append(f"{vector!r}: generated vector refused by Red Hat: {theirs['error']}")
                elif (problem := compare(vector, mine, theirs)) is not None:
                    mismatches.append(problem)
        outcome[group] = (len(vectors), mismatches)
    return outcome


# --- pytest ------------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def _oracle():
    if redhat is None:
        message = "Red Hat's cvss package is not installed (pip install cvss==3.6 in .venv-interop)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(message)
        pytest.skip(message)

@pytest.mark.parametrize("group", ["2.0", "3.0", "3.1", "malformed"])
def test_random_vectors_match_red_hat(renkei_bin, group):
    vectors = corpus(SEED, COUNT)[group]
    returncode, ours = run_renkei(renkei_bin, vectors)
    mismatches = []
    for vector, mine in zip(vectors, ours):
        theirs = oracle(vector)
        if group == "malformed":
            assert "error" in theirs, f"Red Hat accepts malformed {vector!r}"
            if "error" not in mine:
                mismatches.append(f"{vector!r}: accepted ({mine})")
            elif mine.get("vectorString") != vector:
                mismatches.append(f"{vector!r}: error object names {mine.get('vectorString')!r}")
        else:
            assert "error" not in theirs, f"generated {vector!r} refused by Red Hat: {theirs['error']}"
            if (problem := compare(vector, mine, theirs)) is not None:
                mismatches.append(problem)
    assert not mismatches, f"{len(mismatches)} of {len(vectors)} differ:\n" + "\n".join(mismatches[:30])
    assert returncode == (2 if group == "malformed" else 0)

def test_specification_examples(renkei_bin):
    vectors = [v for v, *_ in KNOWN]
    returncode, ours = run_renkei(renkei_bin, vectors)
    assert returncode == 0
    for (vector, base, temporal, environmental), mine in zip(KNOWN, ours):
        expected = {"baseScore": base, "temporalScore": temporal, "environmentalScore": environmental}
        got = {key: mine.get(key) for key in expected}
        assert got == expected, vector
        theirs = oracle(vector)
        assert theirs["scores"] == (base, temporal, environmental), f"Red Hat differs on {vector}"

def test_v2_order_follows_the_guide(renkei_bin):
    """Red Hat accepts v2 metrics in any order; the guide's order is predetermined."""
    returncode, ours = run_renkei(renkei_bin, V2_OUT_OF_ORDER)
    assert returncode == 2
    for vector, mine in zip(V2_OUT_OF_ORDER, ours):
        assert "error" in mine, vector
        assert "error" not in oracle(vector), f"Red Hat now refuses {vector}: drop it from the list"

def test_one_bad_vector_among_good_ones(renkei_bin):
    vectors = ["AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q",
               "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]
    returncode, ours = run_renkei(renkei_bin, vectors)
    assert returncode == 2
    assert [("error" in o) for o in ours] == [False, True, False]
    assert ours[1]["vectorString"] == vectors[1]
    assert ours[0].get("temporalScore") is None and ours[0].get("environmentalScore") is None
    assert ours[2]["environmentalScore"] == 9.8


# --- Standalone --------------------------------------------------------------------------------

def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, type=Path, help="renkei, or a program answering like `renkei cvss --json`")
    parser.add_argument("--count", type=int, default=50_000, help="random valid vectors per version")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    args.bin = args.bin.resolve()
    if redhat is None:
        print("pip install cvss==3.6 first", file=sys.stderr)
        return 2
    failed = False
    for vector, base, temporal, environmental in KNOWN:
        _, (mine,) = run_renkei(args.bin, [vector])
        got = (mine.get("baseScore"), mine.get("temporalScore"), mine.get("environmentalScore"))
        theirs = oracle(vector)["scores"]
        if got != (base, temporal, environmental) or theirs != got:
            failed = True
            print(f"known {vector}: renkei {got}, Red Hat {theirs}, expected {(base, temporal, environmental)}")
    _, ours = run_renkei(args.bin, V2_OUT_OF_ORDER)
    for vector, mine in zip(V2_OUT_OF_ORDER, ours):
        print(f"v2 out of order {vector}: renkei {mine.get('error', 'accepts')!s}; "
              f"Red Hat {oracle(vector).get('error', 'accepts')}")
    for group, (compared, mismatches) in check_all(args.bin, args.seed, args.count).items():
        print(f"{group}: {compared} vectors compared, {len(mismatches)} mismatches")
        for line in mismatches[:20]:
            print("   ", line)
        failed |= bool(mismatches)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
