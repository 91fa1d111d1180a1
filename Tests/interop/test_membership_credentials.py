"""Membership statements checked by implementations Renkei did not write.

The statement is a compact JWS signed with Ed25519 (the RFC 9864 name; RFC 8037 called it
EdDSA) with JWT claims, and the platform's keys
are a JWK Set at /.well-known/jwks.json. joserfc verifies the statement and computes the RFC
7638 thumbprint that serves as key id; the `cryptography` package checks the raw Ed25519
signature over the signing input. In the other direction, `renkei verify-membership` checks
statements that joserfc signed with a key of its own, offline.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, OKPKey

SLUG = "lindenfeld-csirt"
TYPE = "renkei-membership+jwt"


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def published(demo_server):
    answer = requests.get(demo_server.url(f"/api/v1/teams/{SLUG}/membership"), timeout=30)
    assert answer.status_code == 200
    keys = requests.get(demo_server.url("/.well-known/jwks.json"), timeout=30)
    assert keys.headers["Content-Type"].startswith("application/jwk-set+json")
    return answer.json(), keys.json()


def test_joserfc_verifies_the_statement_with_the_published_keys(published, demo_server):
    document, jwks = published
    token = jwt.decode(document["statement"], KeySet.import_key_set(jwks), algorithms=["Ed25519"])
    assert token.header["alg"] == "Ed25519" and token.header["typ"] == TYPE
    claims = token.claims
    team = requests.get(demo_server.url(f"/api/v1/teams/{SLUG}"), timeout=30).json()
    assert claims["iss"] == demo_server.base_url and claims["sub"] == f"{demo_server.base_url}/teams/{SLUG}"
    assert claims["membership"] == {"team": SLUG, "name": team["officialName"], "country": team["countryCode"],
                                    "type": team["memberType"], "since": team["memberSince"], "status": "active"}
    assert claims["nbf"] <= time.time() < claims["exp"] and claims["exp"] - claims["iat"] == 30 * 86400
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": demo_server.base_url}).validate(claims)


def test_key_ids_are_rfc7638_thumbprints(published):
    _, jwks = published
    assert jwks["keys"], "the key set is never empty"
    for key in jwks["keys"]:
        assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and "d" not in key, "only public keys are published"
        assert OKPKey.import_key(key).thumbprint() == key["kid"]


def test_cryptography_checks_the_raw_signature_and_sees_tampering(published):
    document, jwks = published
    header, payload, signature = document["statement"].split(".")
    kid = json.loads(b64url_decode(header))["kid"]
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(next(k["x"] for k in jwks["keys"] if k["kid"] == kid)))
    public.verify(b64url_decode(signature), f"{header}.{payload}".encode())
    claims = json.loads(b64url_decode(payload))
    claims["membership"]["type"] = "Full Member" if claims["membership"]["type"] != "Full Member" else "Associate"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(InvalidSignature):
        public.verify(b64url_decode(signature), f"{header}.{forged}".encode())
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged}.{signature}", KeySet.import_key_set(jwks), algorithms=["Ed25519"])


def test_the_statement_is_also_served_as_application_jwt(published, demo_server):
    answer = requests.get(demo_server.url(f"/api/v1/teams/{SLUG}/membership"), headers={"Accept": "application/jwt"}, timeout=30)
    assert answer.headers["Content-Type"].startswith("application/jwt")
    jwt.decode(answer.text, KeySet.import_key_set(published[1]), algorithms=["Ed25519"])


def test_non_members_get_no_statement(demo_server):
    answer = requests.get(demo_server.url("/api/v1/teams/no-such-team/membership"), timeout=30)
    assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("application/problem+json")


def test_verify_membership_checks_statements_offline(published, cli, tmp_path):
    document, jwks = published
    (tmp_path / "statement.json").write_text(json.dumps(document))
    (tmp_path / "statement.jws").write_text(document["statement"] + "\n")
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    for statement in ("statement.json", "statement.jws"):
        result = cli(tmp_path, "verify-membership", str(tmp_path / statement), "--jwks", str(tmp_path / "jwks.json"))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("VALID: ") and "Full Member" in result.stdout and "Status: active" in result.stdout

    as_json = cli(tmp_path, "verify-membership", str(tmp_path / "statement.jws"), "--jwks", str(tmp_path / "jwks.json"), "--json")
    assert json.loads(as_json.stdout)["membership"]["team"] == SLUG

    header, payload, signature = document["statement"].split(".")
    (tmp_path / "tampered.jws").write_text(f"{header}.{payload[:-4]}AAAA.{signature}")
    tampered = cli(tmp_path, "verify-membership", str(tmp_path / "tampered.jws"), "--jwks", str(tmp_path / "jwks.json"))
    assert tampered.returncode == 1 and "NOT VALID" in tampered.stderr

    later = cli(tmp_path, "verify-membership", str(tmp_path / "statement.jws"), "--jwks", str(tmp_path / "jwks.json"),
                "--at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 31 * 86400)))
    assert later.returncode == 1 and "expired" in later.stderr

    usage = cli(tmp_path, "verify-membership", str(tmp_path / "statement.jws"))
    assert usage.returncode == 2 and "--jwks" in usage.stderr
    missing = cli(tmp_path, "verify-membership", str(tmp_path / "nothing.jws"), "--jwks", str(tmp_path / "jwks.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


@pytest.mark.filterwarnings("ignore:EdDSA is deprecated")
@pytest.mark.parametrize("algorithm", ["Ed25519", "EdDSA"])
def test_verify_membership_accepts_a_statement_joserfc_signed(cli, tmp_path, algorithm):
    key = OKPKey.generate_key("Ed25519", parameters={"use": "sig"})
    key.ensure_kid()
    now = int(time.time())
    claims = {"iss": "https://peer.example", "sub": "https://peer.example/teams/peer-cert", "iat": now, "nbf": now, "exp": now + 3600,
              "membership": {"team": "peer-cert", "name": "Peer CERT", "country": "FR", "type": "Associate", "since": "2020-02-02",
                             "status": "suspended"}}
    token = jwt.encode({"alg": algorithm, "kid": key.kid, "typ": TYPE}, claims, key, algorithms=[algorithm])
    (tmp_path / "peer.jws").write_text(token)
    (tmp_path / "peer-jwks.json").write_text(json.dumps({"keys": [key.as_dict(private=False)]}))
    result = cli(tmp_path, "verify-membership", str(tmp_path / "peer.jws"), "--jwks", str(tmp_path / "peer-jwks.json"))
    assert result.returncode == 0, result.stderr
    assert "Peer CERT" in result.stdout and "Status: suspended (not an active member)" in result.stdout

    other = OKPKey.generate_key("Ed25519")
    (tmp_path / "other-jwks.json").write_text(json.dumps({"keys": [dict(other.as_dict(private=False), kid=key.kid)]}))
    wrong_key = cli(tmp_path, "verify-membership", str(tmp_path / "peer.jws"), "--jwks", str(tmp_path / "other-jwks.json"))
    assert wrong_key.returncode == 1 and "signature" in wrong_key.stderr
