"""The API against its own description, fuzzed by schemathesis (a tool Renkei did not write).

schemathesis reads /api/v1/openapi.json from a throwaway demo server and sends every operation
the description's examples, boundary values and random input (valid and invalid), once
anonymously and once with a member's API token. A run fails on any 5xx (bad input must be a
4xx problem document) and on any answer the description does not allow: an undocumented
status, content type or header, or a body that does not match its schema. Writes land in the
throwaway database only; only loopback is used.

The run is bounded: at most FUZZ_EXAMPLES cases per operation and phase, FUZZ_MAX_FAILURES
failures, and a deadline per run. The seed is fixed so CI runs the same cases every time;
RENKEI_FUZZ_SEED and RENKEI_FUZZ_EXAMPLES pick others (a longer hunt on a developer machine).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import CSRF_PATTERN, run_cli, sign_in_http

MEMBER = ("member@renkei-demo.example", "demo-member-pass")  # Lindenfeld-CSIRT
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
FUZZ_EXAMPLES = os.environ.get("RENKEI_FUZZ_EXAMPLES", "25")
FUZZ_SEED = os.environ.get("RENKEI_FUZZ_SEED", "20261205")
FUZZ_MAX_FAILURES = "10"
# One run takes about 25-40 s against a debug build on two cores; far longer is a hang.
FUZZ_DEADLINE_SECONDS = 150
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
])
# The paths answered as an API (SiteURL.isAPI), which the description must cover.
API_PREFIXES = ("/api/", "/taxii2", "/global-irt/", "/.well-known/", "/feeds/")
# The per-client rate limits (Security/RateLimit.swift) would turn a fuzz run into 429s.
UNLIMITED = {
    "RENKEI_API_RATE_LIMIT": "1000000",
    "RENKEI_API_RATE_LIMIT_ANONYMOUS": "1000000",
    "RENKEI_LOOKUP_TOKEN_RATE_LIMIT": "1000000000",
    "RENKEI_LOOKUP_RATE_LIMIT_ANONYMOUS": "1000000000",
}


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory(env=UNLIMITED)


@pytest.fixture(scope="module")
def member_token(server, authenticator) -> str:
    """A member's personal API token, made on the account page as a person would."""
    session = requests.Session()
    sign_in_http(session, server, *MEMBER, authenticator)
    account = session.get(server.url("/account"), timeout=30).text
    page = session.post(server.url("/account/tokens"), timeout=30,
                        data={"_csrf": CSRF_PATTERN.search(account).group(1), "name": "fuzz"}).text
    return re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)


def fuzz(server, workdir: Path, who: str, *extra: str, phases: str = "examples,coverage,fuzzing") -> subprocess.CompletedProcess:
    """One bounded schemathesis run against `server` as `who`, in `workdir` (where it may write)."""
    if not SCHEMATHESIS.exists():
        pytest.fail(f"schemathesis is not installed next to {sys.executable} (scripts/test installs it)")
    arguments = [
        str(SCHEMATHESIS), "run", server.url("/api/v1/openapi.json"),
        "--checks", CHECKS,
        "--phases", phases,
        "--max-examples", FUZZ_EXAMPLES,
        "--max-failures", FUZZ_MAX_FAILURES,
        "--seed", FUZZ_SEED,
        # One worker: with more, schemathesis 4 at times fails generating examples itself.
        "--workers", "1",
        "--request-timeout", "30",
        "--generation-database", "none",
        "--no-color",
        *extra,
    ]
    started = time.monotonic()
    try:
        result = subprocess.run(arguments, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=FUZZ_DEADLINE_SECONDS)
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode(errors="replace") if isinstance(expired.stdout, bytes) else expired.stdout or ""
        pytest.fail(f"schemathesis did not finish within {FUZZ_DEADLINE_SECONDS} s:\n{output[-6000:]}\n"
                    f"server log:\n{server.log()}")
    print(f"schemathesis as {who}: {time.monotonic() - started:.0f} s")
    return result


def assert_clean(result: subprocess.CompletedProcess, server, who: str) -> None:
    # The server's own account of each 5xx: its request line and the error ProblemMiddleware logged.
    log = server.log_path.read_text(errors="replace").splitlines()
    server_errors = [line for line in log if re.search(r"\bstatus=5\d\d\b", line) or "[ ERROR ]" in line]
    assert result.returncode == 0, (
        f"schemathesis ({who}) found answers the API must not give (exit {result.returncode}):\n"
        f"{(result.stdout + result.stderr)[-15000:]}\nserver errors:\n" + "\n".join(server_errors[-40:]))


def test_anonymous_callers_get_no_5xx_and_only_described_answers(server, tmp_path):
    assert_clean(fuzz(server, tmp_path, "anonymous"), server, "anonymous")


def test_a_member_gets_no_5xx_and_only_described_answers(server, member_token, tmp_path):
    # Stateful too: a member can create what later requests use (an item, then its replies and status).
    result = fuzz(server, tmp_path, "member", "--header", f"Authorization: Bearer {member_token}",
                  phases="examples,coverage,fuzzing,stateful")
    assert_clean(result, server, "member")


def test_the_description_documents_every_api_route(server, renkei_bin, tmp_path):
    """Every route registered under the API paths is described with its method, and nothing else is."""
    document = requests.get(server.url("/api/v1/openapi.json"), timeout=30).json()
    described = {(method.upper(), re.sub(r"\{[^}]+\}", ":", path))
                 for path, operations in document["paths"].items()
                 for method in operations if method != "parameters"}
    listing = run_cli(renkei_bin, tmp_path / "data", "routes")
    assert listing.returncode == 0, listing.stderr
    registered = set()
    for line in listing.stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1].startswith(API_PREFIXES):
            registered.add((cells[0], re.sub(r":[^/]+", ":", cells[1])))
    assert len(registered) > 30, f"renkei routes listed too few API routes:\n{listing.stdout}"
    assert sorted(registered - described) == [], "registered API routes missing from Resources/openapi.json"
    assert sorted(described - registered) == [], "described operations that no route answers"
