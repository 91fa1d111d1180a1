"""The directory's vCards (RFC 6350) read by an independent parser, `vobject`.

Each team's card, as an anonymous visitor and as a member downloads it, must parse, name the
team as the teams API does, carry only the addresses that reader sees, and point (when the
reader sees keys) at a key file that is really `application/pgp-keys`.
"""

from __future__ import annotations

import re

import pytest
import requests

vobject = pytest.importorskip("vobject")

from conftest import sign_in_http  # noqa: E402


def parse(text: str):
    card = vobject.readOne(text)
    assert card.name == "VCARD"
    assert card.version.value == "4.0"
    return card


def values(card, name: str) -> list[str]:
    return [line.value for line in card.contents.get(name, [])]


def test_every_public_vcard_parses_and_matches_the_teams_api(demo_server):
    answer = requests.get(demo_server.url("/api/v1/teams"), params={"limit": 40}, timeout=30).json()
    teams = answer["items"] if isinstance(answer, dict) else answer
    assert len(teams) > 10
    for team in teams[:40]:
        response = requests.get(demo_server.url(f"/teams/{team['slug']}/vcard.vcf"), timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/vcard")
        assert all(len(line.encode()) <= 75 for line in response.content.decode().split("\r\n")), "lines are folded at 75 octets"
        card = parse(response.text)
        assert card.fn.value == team["shortName"]
        emails = values(card, "email")
        assert emails == ([team["email"]] if team.get("email") else []), "a visitor's card holds the public address only"
        for number in team.get("phoneNumbers") or []:
            digits = "".join(c for c in number if c.isdigit())
            assert any(digits[:6] in re.sub(r"\D", "", value) for value in values(card, "tel"))
        assert "key" not in card.contents or team.get("pgpKeys"), "no key link for keys the visitor cannot see"


def test_a_members_vcard_adds_the_members_only_fields(demo_server, authenticator):
    session = requests.Session()
    sign_in_http(session, demo_server, "member@renkei-demo.example", "demo-member-pass", authenticator)
    slugs = re.findall(r'href="/teams/([a-z0-9-]+)"', session.get(demo_server.url("/teams"), timeout=30).text)
    assert len(slugs) > 10
    more = 0
    for slug in slugs[:30]:
        card = parse(session.get(demo_server.url(f"/teams/{slug}/vcard.vcf"), timeout=30).text)
        anonymous = parse(requests.get(demo_server.url(f"/teams/{slug}/vcard.vcf"), timeout=30).text)
        assert card.fn.value == anonymous.fn.value
        assert set(values(anonymous, "email")) <= set(values(card, "email")), "a member sees at least what a visitor sees"
        if len(values(card, "email")) > len(values(anonymous, "email")) or len(values(card, "adr")) > len(values(anonymous, "adr")):
            more += 1
        for key in card.contents.get("key", []):
            keys = session.get(key.value, timeout=30)
            assert keys.status_code == 200 and keys.headers["Content-Type"].startswith("application/pgp-keys")
            assert keys.text.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    assert more > 0, "members-only addresses (internal e-mail, postal address) appear in members' cards only"
