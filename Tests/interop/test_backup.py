"""Keys and backups with the real binary: `renkei backup` while the server runs and a command
writes, `renkei restore` into an empty data directory, the signing key in a file
(RENKEI_SIGNING_KEY_FILE, made by `renkei keys generate`) and `renkei keys rotate` checked by
joserfc, and `renkei mail key rotate` checked by GnuPG.

What a restore must give back is compared with the original SQLite file opened by Python's
sqlite3: every team, shared item, attachment, artifact and sample by id.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import stat
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet, OKPKey

from conftest import RenkeiServer
from mailpeer import primary_fingerprints, stop_agent

SLUG = "lindenfeld-csirt"
# The rows compared in each table; a sample by its hash and the length of its stored content.
TABLES = {"teams": "id", "shared_items": "id", "shared_item_attachments": "id", "artifacts": "id",
          "artifact_samples": "sha256 || ':' || length(content)"}


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    return result


def refused(result: subprocess.CompletedProcess) -> str:
    """Exit status 2 and a "renkei:" message on stderr; returns the message."""
    assert result.returncode == 2, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    assert "renkei:" in result.stderr, result.stderr[-2000:]
    return result.stderr[result.stderr.index("renkei:"):]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def ids(database: Path) -> dict[str, set[str]]:
    """The ids in each table of TABLES, read without a lock on the live file (read-only URI)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return {table: {str(row[0]) for row in connection.execute(f"SELECT {column} FROM {table}")} for table, column in TABLES.items()}


def users(database: Path) -> set[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return {row[0] for row in connection.execute("SELECT email FROM users")}


def list_key_fingerprints(cli, data_dir: Path, env: dict[str, str] | None = None) -> list[str]:
    """Primary fingerprints of the keys `renkei mail key` prints, read by GnuPG."""
    armored = ok(cli(data_dir, "mail", "key", env=env)).stdout
    shown = subprocess.run(["gpg", "--batch", "--with-colons", "--import-options", "show-only", "--import"],
                           input=armored.encode(), capture_output=True, timeout=60)
    assert shown.returncode == 0, shown.stderr.decode(errors="replace")
    return primary_fingerprints(shown.stdout.decode())


def statement(server: RenkeiServer) -> tuple[str, dict]:
    answer = requests.get(server.url(f"/api/v1/teams/{SLUG}/membership"), timeout=30)
    assert answer.status_code == 200, answer.text
    keys = requests.get(server.url("/.well-known/jwks.json"), timeout=30)
    assert keys.status_code == 200
    return answer.json()["statement"], keys.json()


def kid_of(token: str) -> str:
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def verified(token: str, jwks: dict) -> dict:
    return jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["Ed25519"]).claims


@pytest.fixture
def demo_dir(cli, tmp_path) -> Path:
    """A data directory with the demo loaded and the lists' key made."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    ok(cli(data_dir, "demo"))
    yield data_dir
    stop_agent(data_dir / "gnupg")


# --- backup and restore ----------------------------------------------------------------------

def test_a_backup_made_while_the_server_runs_and_a_command_writes_restores_every_team_item_and_sample(cli, renkei_bin, demo_dir, tmp_path):
    key_file = tmp_path / "signing.jwk"
    ok(cli(demo_dir, "keys", "generate", "--out", str(key_file)))
    env = {"RENKEI_SIGNING_KEY_FILE": str(key_file)}
    fingerprints = list_key_fingerprints(cli, demo_dir, env)
    assert len(fingerprints) == 1
    original = demo_dir / "renkei.sqlite"
    before = ids(original)
    assert all(before[table] for table in ("teams", "shared_items", "artifacts", "artifact_samples")), \
        {table: len(found) for table, found in before.items()}

    server = RenkeiServer(renkei_bin, demo_dir, demo=False, env=env).start()
    try:
        token, _ = statement(server)
        # A command writing to the same database all along the backup: new accounts, one by one.
        created: list[str] = []
        stop = threading.Event()

        def write() -> None:
            while not stop.is_set():
                email = f"writer{len(created)}@{SLUG}.example"
                ok(cli(demo_dir, "user", "create", "--email", email, "--name", f"Writer {len(created)}", "--team", SLUG,
                       env={**env, "RENKEI_PASSWORD": "writer-password-1234"}))
                created.append(email)

        writer = threading.Thread(target=write)
        writer.start()
        try:
            while not created:
                stop.wait(0.2)
            written_before = list(created)
            archive = tmp_path / "backup.tar.gz"
            backup = ok(cli(demo_dir, "backup", "--out", str(archive), env=env))
        finally:
            stop.set()
            writer.join(timeout=120)
        assert requests.get(server.url("/healthz"), timeout=30).status_code == 200, "the server kept running"
    finally:
        server.stop()
    assert "Copying the database" in backup.stderr and "mode 0600" in backup.stderr, "progress on stderr"
    assert mode(archive) == 0o600, f"the archive holds secret keys: mode {oct(mode(archive))}"
    assert not list(tmp_path.glob(".backup.tar.gz.partial-*")) and not list(tmp_path.glob(".renkei-backup-*")), "no leftovers"
    assert refused(cli(demo_dir, "backup", "--out", str(archive), env=env)).count("exists"), "an existing file is never overwritten"

    restored = tmp_path / "restored"
    restored_key = tmp_path / "restored-signing.jwk"
    restored_env = {"RENKEI_SIGNING_KEY_FILE": str(restored_key)}
    result = ok(cli(restored, "restore", str(archive), env=restored_env))
    assert "Restored" in result.stdout

    copy = restored / "renkei.sqlite"
    assert ids(copy) == ids(original) == before, "every team, item, attachment, artifact and sample, by id"
    accounts = users(copy)
    assert set(written_before) <= accounts, "what was written before the backup started is in it"
    assert accounts <= users(original), "and nothing that was never written"
    home = restored / "gnupg"
    assert mode(home) == 0o700 and all(mode(path) == (0o700 if path.is_dir() else 0o600) for path in home.rglob("*")), \
        "the GnuPG home is its owner's alone"
    assert not list(home.glob("S.*")), "no gpg-agent sockets travel in a backup"
    assert mode(restored_key) == 0o600 and restored_key.read_bytes() == key_file.read_bytes()
    assert list_key_fingerprints(cli, restored, restored_env) == fingerprints, "the lists' key is the same key"

    # A server on the restored directory serves the same directory and signs with the same key.
    again = RenkeiServer(renkei_bin, restored, demo=False, env=restored_env).start()
    try:
        token_after, jwks = statement(again)
        assert verified(token, jwks)["membership"]["team"] == SLUG, "a statement signed before the backup verifies"
        assert kid_of(token_after) == kid_of(token)
        teams = requests.get(again.url("/api/v1/teams"), timeout=30)
        assert teams.status_code == 200
    finally:
        again.stop()
        stop_agent(home)

    # Only into an empty data directory.
    message = refused(cli(restored, "restore", str(archive), env={"RENKEI_SIGNING_KEY_FILE": str(tmp_path / "other.jwk")}))
    assert "already has a database" in message


def test_backup_and_restore_refuse_postgresql_and_what_is_not_a_backup(cli, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    pg = {"DATABASE_URL": "postgres://renkei@127.0.0.1:1/renkei"}
    assert "pg_dump" in refused(cli(data_dir, "backup", "--out", str(tmp_path / "b.tar.gz"), env=pg))
    assert "pg_restore" in refused(cli(data_dir, "restore", str(tmp_path / "b.tar.gz"), env=pg))
    junk = tmp_path / "junk.tar.gz"
    subprocess.run(["tar", "-czf", str(junk), "-C", str(tmp_path), "data"], check=True)
    assert "not a Renkei backup" in refused(cli(tmp_path / "empty", "restore", str(junk)))
    assert not (tmp_path / "empty" / "renkei.sqlite").exists()


# --- the signing key ---------------------------------------------------------------------------

def test_keys_generate_writes_a_private_jwk_only_its_owner_reads(cli, tmp_path):
    key_file = tmp_path / "signing.jwk"
    result = ok(cli(tmp_path, "keys", "generate", "--out", str(key_file)))
    assert mode(key_file) == 0o600
    jwk = json.loads(key_file.read_text())
    key = OKPKey.import_key(jwk)
    assert key.is_private and jwk["crv"] == "Ed25519" and jwk["kid"] == key.thumbprint() and jwk["kid"] in result.stdout
    assert "exists" in refused(cli(tmp_path, "keys", "generate", "--out", str(key_file)))


@pytest.mark.parametrize("permissions", [0o644, 0o640, 0o604])
def test_a_signing_key_file_others_can_read_is_refused_at_start(cli, tmp_path, permissions):
    key_file = tmp_path / "signing.jwk"
    ok(cli(tmp_path, "keys", "generate", "--out", str(key_file)))
    key_file.chmod(permissions)
    data_dir = tmp_path / "data"
    for command in (["serve", "--port", "1"], ["keys", "rotate"]):
        message = refused(cli(data_dir, *command, env={"RENKEI_SIGNING_KEY_FILE": str(key_file)}))
        assert "RENKEI_SIGNING_KEY_FILE" in message and "chmod 600" in message, message
    assert not (data_dir / "renkei.sqlite").exists(), "refused before anything was made"


def test_a_signing_key_file_that_is_not_a_key_is_refused_at_start(cli, tmp_path):
    key_file = tmp_path / "signing.jwk"
    key_file.write_text('{"kty":"RSA"}')
    key_file.chmod(0o600)
    message = refused(cli(tmp_path / "data", "serve", "--port", "1", env={"RENKEI_SIGNING_KEY_FILE": str(key_file)}))
    assert "RENKEI_SIGNING_KEY_FILE" in message and "not an Ed25519 private key" in message
    message = refused(cli(tmp_path / "data", "serve", "--port", "1", env={"RENKEI_SIGNING_KEY_FILE": str(tmp_path / "missing.jwk")}))
    assert "RENKEI_SIGNING_KEY_FILE" in message and "keys generate" in message


def test_keys_rotate_while_the_server_runs_publishes_both_keys_and_new_statements_use_the_new_one(cli, renkei_bin, tmp_path):
    key_file = tmp_path / "signing.jwk"
    ok(cli(tmp_path, "keys", "generate", "--out", str(key_file)))
    first_kid = json.loads(key_file.read_text())["kid"]
    env = {"RENKEI_SIGNING_KEY_FILE": str(key_file)}
    data_dir = tmp_path / "data"
    server = RenkeiServer(renkei_bin, data_dir, demo=True, env=env).start()
    try:
        before, jwks = statement(server)
        assert kid_of(before) == first_kid and [key["kid"] for key in jwks["keys"]] == [first_kid]
        rotated = ok(cli(data_dir, "keys", "rotate", env=env))
        new_kid = json.loads(key_file.read_text())["kid"]
        assert new_kid != first_kid and new_kid in rotated.stdout and mode(key_file) == 0o600
        after, jwks = statement(server)
        assert [key["kid"] for key in jwks["keys"]] == [new_kid, first_kid], "the new key, and the old one until its statements expire"
        assert all("d" not in key for key in jwks["keys"]), "only public keys are published"
        assert kid_of(after) == new_kid, "new statements are signed with the new key"
        assert verified(before, jwks)["sub"] == verified(after, jwks)["sub"] == f"{server.base_url}/teams/{SLUG}"
    finally:
        server.stop()
    with sqlite3.connect(data_dir / "renkei.sqlite") as connection:
        audit = connection.execute("SELECT subject, detail FROM audit_events WHERE action = 'signing-key.rotate'").fetchall()
    assert len(audit) == 1 and audit[0][0] == new_kid and first_kid in audit[0][1]


def test_mail_key_rotate_publishes_both_keys_and_the_new_one_signs(cli, demo_dir):
    first = list_key_fingerprints(cli, demo_dir)
    rotated = ok(cli(demo_dir, "mail", "key", "rotate"))
    both = list_key_fingerprints(cli, demo_dir)
    assert len(both) == 2 and first[0] in both, "the old key stays published"
    new = next(fingerprint for fingerprint in both if fingerprint != first[0])
    assert new in rotated.stdout and first[0] in rotated.stdout
    with sqlite3.connect(demo_dir / "renkei.sqlite") as connection:
        audit = connection.execute("SELECT subject FROM audit_events WHERE action = 'list-key.rotate'").fetchall()
    assert audit == [(new,)]
