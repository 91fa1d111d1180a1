"""The mailing lists against real peers: an SMTP relay (aiosmtpd) and GnuPG in the recipients'
own home directories.

Checked: a CLEAR post reaches each subscriber once, as PGP/MIME (RFC 3156) multipart/signed
whose signature GnuPG finds valid by the lists' key (`renkei mail key`), label in the subject
and atop the body, one Message-ID for all; an AMBER post is encrypted to each subscriber's key
(only that key opens it; inside, the list's signature and the title as a protected header;
outside, no title), and a subscriber without a usable key (none, or expired) gets a signed
notice with the link and nothing of the post; a relay that fails mid fan-out loses and
duplicates nothing after a retry; posts by mail are taken only with a valid signature by the
subscribed sender's key, also when encrypted to the lists' key, and refused with sendmail's
exit codes otherwise; `renkei mail test` against plain, down, STARTTLS-with-AUTH and untrusted
relays; the server's own worker delivers without being asked.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, Browser, free_port, renkei_env
from mailpeer import (GnuPGHome, Mailbox, Relay, body_parts, encrypted_entity, make_relay_tls, message, parse, part_body,
                      password_authenticator, signed_entity, stop_agent, text_of, text_part)

DOMAIN = "lists.renkei.test"
LIST = "members"
LIST_ADDRESS = f"{LIST}@{DOMAIN}"
AUTHOR = "member@renkei-demo.example"          # Lindenfeld-CSIRT; posts from the command line
TEAMS = ("lindenfeld-csirt", "wrenshire-csirt")
PASSWORD = "mail-test-password"
MARK = uuid.uuid4().hex[:8]
READERS = 10                                   # people with a key; the fault test needs them all
LAPSE = 10                                     # seconds from making the lapsing key to its expiry
DELIVERED = re.compile(r"Outbox: sent (\d+), deferred (\d+), failed (\d+)\.")
ARMORED_KEY = re.compile(r"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", re.S)


@dataclass
class Person:
    email: str
    name: str
    team: str
    home: GnuPGHome | None = None
    key_file: Path | None = None
    expires_at: datetime.datetime | None = None


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.returncode}\nstdout:\n{self.stdout[-2000:]}\nstderr:\n{self.stderr[-2000:]}"


def mail_env(smtp_url: str, **extra: str) -> dict[str, str]:
    """Mail settings; empty values stand for unset (the settings read "" as absent), so nothing
    from the caller's environment leaks in."""
    return {"RENKEI_MAIL_DOMAIN": DOMAIN, "SMTP_URL": smtp_url, "SMTP_TLS": "off", "SMTP_CA_FILE": "", "RENKEI_GPG_HOME": "",
            "RENKEI_PASSWORD": PASSWORD, **extra}


def renkei(binary: Path, data_dir: Path, *args: str, env: dict[str, str], stdin: bytes = b"", timeout: float = 120) -> Run:
    """`renkei ARGS` with the repository as working directory (as conftest's run_cli), with bytes on stdin."""
    result = subprocess.run([str(binary), *args], cwd=REPO, env=renkei_env(data_dir, **env), input=stdin, capture_output=True,
                            timeout=timeout)
    return Run(result.returncode, result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace"))


def ok(run: Run) -> Run:
    assert run.returncode == 0, str(run)
    return run


def delivered(run: Run) -> tuple[int, int, int]:
    """(sent, deferred, failed) from `renkei mail deliver`."""
    ok(run)
    found = DELIVERED.findall(run.stdout)
    assert found, f"no 'Outbox: sent N, deferred M, failed K.' line\n{run}"
    return tuple(int(n) for n in found[-1])


class Site:
    """One data directory (a copy of the prepared one) and the relay its mail goes to."""

    def __init__(self, binary: Path, data_dir: Path, relay: Relay, verifier: GnuPGHome):
        self.binary = binary
        self.data_dir = data_dir
        self.relay = relay
        self.verifier = verifier

    def env(self, **extra: str) -> dict[str, str]:
        return mail_env(self.relay.url, **extra)

    def run(self, *args: str, stdin: bytes = b"", **extra: str) -> Run:
        return renkei(self.binary, self.data_dir, *args, env=self.env(**extra), stdin=stdin)

    def subscribe(self, *people: Person) -> None:
        for person in people:
            ok(self.run("list", "subscribe", LIST, person.email))

    def post(self, title: str, label: str, text: str) -> str:
        """Posts to the list from the command line as AUTHOR; returns the item's URL."""
        path = self.data_dir.parent / f"post-{uuid.uuid4().hex[:6]}.md"
        path.write_text(text)
        posted = ok(self.run("post", "--as", AUTHOR, "--title", title, "--list", LIST, "--tlp", label, str(path)))
        urls = re.findall(r"https?://\S+/items/\S+", posted.stdout)
        assert urls, f"`renkei post` names no item URL\n{posted}"
        return urls[-1]

    def deliver(self, flush: bool = False, **extra: str) -> tuple[int, int, int]:
        return delivered(self.run("mail", "deliver", *(["--flush"] if flush else []), **extra))

    def receive(self, raw: bytes, *args: str) -> Run:
        return self.run("mail", "receive", *args, stdin=raw)


# --- Checks ---------------------------------------------------------------------------------

def check_signed(raw: bytes, verifier: GnuPGHome) -> bytes:
    """A multipart/signed entity whose signature GnuPG finds valid by the lists' key, over the
    first part's exact bytes; returns that part."""
    top = parse(raw)
    assert top.get_content_type() == "multipart/signed", f"Content-Type {top.get_content_type()}, expected multipart/signed"
    assert top.get_param("protocol") == "application/pgp-signature" and top.get_param("micalg") == "pgp-sha256", \
        f"multipart/signed parameters: {top['Content-Type']}"
    parts = body_parts(raw)
    assert len(parts) == 2, f"multipart/signed has {len(parts)} parts, expected 2"
    assert parse(parts[1]).get_content_type() == "application/pgp-signature", "the second part is the signature"
    signers = verifier.valid_signers(parts[0], part_body(parts[1]))
    assert signers == [verifier.fingerprint], f"valid signatures by {signers}, expected the lists' key {verifier.fingerprint}"
    return parts[0]


def check_encrypted(raw: bytes, home: GnuPGHome) -> bytes:
    """A multipart/encrypted message that `home`'s secret key opens; returns the plaintext entity."""
    top = parse(raw)
    assert top.get_content_type() == "multipart/encrypted", f"Content-Type {top.get_content_type()}, expected multipart/encrypted"
    assert top.get_param("protocol") == "application/pgp-encrypted", f"multipart/encrypted parameters: {top['Content-Type']}"
    parts = body_parts(raw)
    assert len(parts) == 2, f"multipart/encrypted has {len(parts)} parts, expected 2"
    version, payload = parts
    assert parse(version).get_content_type() == "application/pgp-encrypted" and b"Version: 1" in part_body(version)
    opened = home.decrypt(part_body(payload))
    assert opened.returncode == 0, f"{home.path.name} cannot decrypt its own message:\n{opened.stderr.decode(errors='replace')[-1500:]}"
    return opened.stdout


def only_one(relay: Relay, person: Person):
    got = relay.mailbox.to(person.email)
    assert len(got) == 1, f"{person.email} got {len(got)} messages, expected exactly one: {[d.header('Subject') for d in got]}"
    return got[0]


def signed_post(sender: Person, subject: str, text: str, to: str = LIST_ADDRESS, tamper: bool = False) -> bytes:
    """A post by mail as a mail client makes it: text/plain signed with the sender's key."""
    content = text_part(text)
    signature = sender.home.sign(content)
    if tamper:
        content = content.replace(b"tomorrow", b"tonight")
        assert b"tonight" in content
    return message(post_headers(sender.email, subject, to), signed_entity(content, signature))


def post_headers(sender: str, subject: str, to: str = LIST_ADDRESS) -> list[tuple[str, str]]:
    return [("From", f"<{sender}>"), ("To", f"<{to}>"), ("Subject", subject), ("Date", "Fri, 27 Nov 2026 09:00:00 +0000"),
            ("Message-ID", f"<{uuid.uuid4().hex}@mail-client.example>"), ("MIME-Version", "1.0")]


# --- Fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def relay():
    relay = Relay(free_port()).start()
    yield relay
    relay.stop()


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    """READERS people with keys (alternating between two demo teams), one without a key, and one
    whose key will lapse (made by `prepared`); their GnuPG homes and exported public keys."""
    keys = tmp_path_factory.mktemp("keys")
    folks: dict[str, Person] = {}
    for i in range(READERS):
        folks[f"reader{i}"] = Person(f"reader{i}.{MARK}@{TEAMS[i % 2]}.example", f"Reader {i}", TEAMS[i % 2])
    folks["keyless"] = Person(f"keyless.{MARK}@{TEAMS[0]}.example", "Keyless Reader", TEAMS[0])
    folks["lapsed"] = Person(f"lapsed.{MARK}@{TEAMS[1]}.example", "Lapsed Reader", TEAMS[1])
    for handle, person in folks.items():
        if handle == "keyless":
            continue
        person.home = GnuPGHome(keys / handle)
        person.key_file = keys / f"{handle}.asc"
        if handle != "lapsed":
            person.home.generate(f"{person.name} <{person.email}>")
            person.key_file.write_text(person.home.export())
    yield folks
    for person in folks.values():
        if person.home:
            person.home.close()


@pytest.fixture(scope="module")
def prepared(renkei_bin, tmp_path_factory, relay, people):
    """A data directory with the demo network, the people's accounts and keys, the lists' key
    made, and an empty outbox; and a GnuPG home holding only the lists' public key.

    Renkei takes only a key that can encrypt now, so the lapsing key is made valid for LAPSE
    seconds and set at once; its test waits for that moment to pass (GnuPG's clock, to the
    second, is the only way to age a key without faking Renkei's clock)."""
    data_dir = tmp_path_factory.mktemp("mail-prepared") / "data"
    data_dir.mkdir()

    def run(*args: str) -> Run:
        return ok(renkei(renkei_bin, data_dir, *args, env=mail_env(relay.url)))

    run("demo")
    lapsed = people["lapsed"]
    run("user", "create", "--email", lapsed.email, "--name", lapsed.name, "--team", lapsed.team)
    lapsed.expires_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=LAPSE)
    lapsed.home.generate(f"{lapsed.name} <{lapsed.email}>", expires_at=lapsed.expires_at)
    lapsed.key_file.write_text(lapsed.home.export())
    run("user", "key", "--email", lapsed.email, "--file", str(lapsed.key_file))
    for handle, person in people.items():
        if handle == "lapsed":
            continue
        run("user", "create", "--email", person.email, "--name", person.name, "--team", person.team)
        if person.key_file:
            run("user", "key", "--email", person.email, "--file", str(person.key_file))
    armored = ARMORED_KEY.findall(run("mail", "key").stdout)
    assert len(armored) == 1, "`renkei mail key` prints one armored public key"
    verifier = GnuPGHome(tmp_path_factory.mktemp("list-key") / "gnupg")
    verifier.import_key(armored[0])
    (verifier.path.parent / "list.asc").write_text(armored[0])
    # Whatever the setup queued (none expected) goes now, so each test starts with an empty outbox.
    delivered(renkei(renkei_bin, data_dir, "mail", "deliver", "--flush", env=mail_env(relay.url)))
    relay.mailbox.clear()
    yield data_dir, verifier
    verifier.close()
    stop_agent(data_dir / "gnupg")


@pytest.fixture
def site(renkei_bin, prepared, relay, tmp_path):
    """A copy of the prepared data directory (the lists' key included) for one test."""
    source, verifier = prepared
    data_dir = tmp_path / "data"
    shutil.copytree(source, data_dir, ignore=shutil.ignore_patterns("S.*", "*.lock", ".#*"))
    relay.mailbox.clear()
    yield Site(renkei_bin, data_dir, relay, verifier)
    stop_agent(data_dir / "gnupg")


def readers(people, n: int) -> list[Person]:
    return [people[f"reader{i}"] for i in range(n)]


# --- Posts from the list to its subscribers --------------------------------------------------

def test_a_clear_post_is_signed_by_the_lists_key_and_reaches_each_subscriber_once(site, people):
    recipients = readers(people, 3)
    site.subscribe(*recipients)
    title = f"Clear advisory {MARK}"
    site.post(title, "TLP:CLEAR", f"Patch CVE-2026-41001 now. clear-{MARK}")
    sent, deferred, failed = site.deliver()
    assert (deferred, failed) == (0, 0) and sent >= len(recipients), f"deliver: sent {sent}, deferred {deferred}, failed {failed}"
    # The signer is the key `renkei mail key` prints for this very data directory.
    assert ARMORED_KEY.search(site.run("mail", "key").stdout).group(0).strip() == \
        (site.verifier.path.parent / "list.asc").read_text().strip()
    message_ids = set()
    for person in recipients:
        mail = only_one(site.relay, person)
        assert mail.sender == LIST_ADDRESS, f"envelope sender {mail.sender}, expected the list address"
        assert mail.header("Subject") == f"[{LIST}] TLP:CLEAR {title}"
        assert mail.header("List-Id") == f"<{LIST}.{DOMAIN}>"
        content = check_signed(mail.raw, site.verifier)
        assert parse(content).get_content_type() == "text/plain"
        text = text_of(content)
        assert text.lstrip().startswith("TLP:CLEAR"), f"the label opens the body: {text[:80]!r}"
        assert f"clear-{MARK}" in text
        message_ids.add(mail.header("Message-ID"))
    assert len(message_ids) == 1 and "" not in message_ids, f"one Message-ID for every recipient of a post: {message_ids}"


def test_an_amber_post_is_encrypted_to_each_key_and_the_keyless_get_a_notice(site, people):
    keyed = readers(people, 3)
    keyless = people["keyless"]
    site.subscribe(*keyed, keyless)
    title = f"Amber campaign {MARK}"
    secret = f"amber-body-{MARK}"
    url = site.post(title, "TLP:AMBER", f"Indicators: 198.51.100.23. {secret}")
    sent, deferred, failed = site.deliver()
    assert (deferred, failed) == (0, 0), f"deliver: sent {sent}, deferred {deferred}, failed {failed}"
    for index, person in enumerate(keyed):
        mail = only_one(site.relay, person)
        assert mail.header("Subject") == f"[{LIST}] TLP:AMBER (encrypted message)"
        assert title.encode() not in mail.raw and secret.encode() not in mail.raw, "nothing of the post travels in clear"
        inner = check_encrypted(mail.raw, person.home)
        other = keyed[(index + 1) % len(keyed)]
        _, payload = body_parts(mail.raw)
        foreign = other.home.decrypt(part_body(payload))
        assert foreign.returncode != 0 and secret.encode() not in foreign.stdout, f"{other.email}'s key must not open {person.email}'s copy"
        content = check_signed(inner, site.verifier)
        assert title in str(parse(content)["Subject"] or ""), f"the protected Subject header carries the title: {parse(content)['Subject']}"
        text = text_of(content)
        assert text.lstrip().startswith("TLP:AMBER") and secret in text
    notice = only_one(site.relay, keyless)
    assert notice.header("Subject") == f"[{LIST}] TLP:AMBER message waiting on the web"
    content = check_signed(notice.raw, site.verifier)
    text = text_of(content)
    assert url in text, f"the notice links the item {url}:\n{text}"
    assert title not in text and secret not in text and title.encode() not in notice.raw, "the notice says nothing of the post"


def test_a_relay_failing_mid_fan_out_loses_and_duplicates_nothing(site, people):
    recipients = readers(people, READERS)
    site.subscribe(*recipients)
    accept_first = 4                                  # ~40% of the fan-out
    # Round 1: the relay takes `accept_first` messages and answers 451 to every recipient after
    # them. Its first 451 sets `refusing`; a thread then stops the Controller, which drops the
    # session Renkei is using, so whatever Renkei has not tried yet meets a closed port. When
    # exactly the stop lands is up to the scheduler, but every message after the first
    # `accept_first` is refused either way (451, dropped session or refused connection), so the
    # outcome does not depend on it: sent = accept_first, everything else deferred.
    failing = Relay(free_port(), Mailbox(accept_first=accept_first)).start()
    stopper = threading.Thread(target=lambda: (failing.mailbox.refusing.wait(timeout=60), failing.stop()), daemon=True)
    stopper.start()
    title = f"Fan-out under failure {MARK}"
    try:
        site.post(title, "TLP:CLEAR", f"Fan-out body {MARK}")
        first = site.deliver(SMTP_URL=failing.url)
        stopper.join(timeout=60)
        assert failing.mailbox.refusing.is_set(), f"the relay never answered 451 (it took {len(failing.mailbox.all())} messages)"
    finally:
        failing.mailbox.refusing.set()
        stopper.join(timeout=60)
        failing.stop()
    assert first[0] == accept_first and first[1] >= READERS - accept_first and first[2] == 0, f"round 1 (relay fails after {accept_first}): {first}"
    # Round 2: nothing listens on the port; --flush makes the waiting retries due at once.
    second = site.deliver(flush=True, SMTP_URL=failing.url)
    assert second == (0, first[1], 0), f"round 2 (relay down): {second}, expected (0, {first[1]}, 0)"
    # Round 3: a relay on the same port again.
    healed = Relay(failing.port).start()
    try:
        third = site.deliver(flush=True, SMTP_URL=healed.url)
        fourth = site.deliver(SMTP_URL=healed.url)
    finally:
        healed.stop()
    assert third == (first[1], 0, 0), f"round 3 (relay back): {third}, expected ({first[1]}, 0, 0)"
    assert fourth == (0, 0, 0), f"nothing is left in the outbox: {fourth}"
    mails = [d for d in failing.mailbox.all() + healed.mailbox.all() if title in d.header("Subject")]
    pairs = [(d.header("Message-ID"), d.recipient) for d in mails]
    assert len(pairs) == len(set(pairs)), f"a message arrived twice: {sorted(pairs)}"
    assert len({message_id for message_id, _ in pairs}) == 1, "one Message-ID for the post, the same on every retry"
    assert len(pairs) == first[0] + first[1], f"{len(pairs)} arrived of {first[0] + first[1]} deliveries"
    arrived = {recipient.lower() for _, recipient in pairs}
    missing = [p.email for p in recipients if p.email.lower() not in arrived]
    assert not missing, f"never arrived: {missing}"


def test_an_expired_key_gets_the_notice_and_the_author_hears_why(site, people):
    lapsed, keyed = people["lapsed"], people["reader0"]
    site.subscribe(lapsed, keyed)
    # Waiting for a moment on the clock, not for an event: the key was valid when it was set.
    wait = (lapsed.expires_at - datetime.datetime.now(datetime.timezone.utc)).total_seconds() + 1
    assert wait <= LAPSE + 1, f"the lapsing key expires {wait:.0f} s from now, more than LAPSE"
    if wait > 0:
        time.sleep(wait)
    title = f"Amber for an expired key {MARK}"
    site.post(title, "TLP:AMBER", f"Body expired-{MARK}")
    site.deliver()
    notice = only_one(site.relay, lapsed)
    assert notice.header("Subject") == f"[{LIST}] TLP:AMBER message waiting on the web", \
        f"an expired key gets the notice, not encrypted mail: {notice.header('Subject')} ({notice.message.get_content_type()})"
    check_signed(notice.raw, site.verifier)
    assert title.encode() not in notice.raw and f"expired-{MARK}".encode() not in notice.raw
    check_encrypted(only_one(site.relay, keyed).raw, keyed.home)
    reports = [d for d in site.relay.mailbox.to(AUTHOR) if "expired PGP key" in d.header("Subject")]
    assert len(reports) == 1, f"the author hears of the expired key once: {[d.header('Subject') for d in site.relay.mailbox.to(AUTHOR)]}"


# --- Posts by mail ---------------------------------------------------------------------------

def test_a_post_by_mail_signed_by_a_subscriber_reaches_the_list(site, people):
    sender, *others = readers(people, 3)
    site.subscribe(sender, *others)
    title = f"Posted by mail {MARK}"
    posted = site.receive(signed_post(sender, f"TLP:GREEN {title}", f"Scanning from 203.0.113.9 since tomorrow. mail-{MARK}"))
    assert posted.returncode == 0, str(posted)
    assert "/items/" in posted.stdout, f"stdout names the item's URL\n{posted}"
    site.deliver()
    for person in others:
        mail = only_one(site.relay, person)
        assert mail.header("Subject") == f"[{LIST}] TLP:GREEN {title}"
        text = text_of(check_signed(mail.raw, site.verifier))
        assert text.lstrip().startswith("TLP:GREEN") and f"mail-{MARK}" in text


def test_posts_by_mail_are_refused_with_sendmails_exit_codes(site, people):
    sender, *others = readers(people, 3)
    site.subscribe(sender, *others)

    def nobody_else_got_anything(case: str):
        for person in others:
            assert not site.relay.mailbox.to(person.email), f"{case}: {person.email} got {site.relay.mailbox.to(person.email)[0].header('Subject')}"

    def refusal_to_sender(case: str):
        got = site.relay.mailbox.to(sender.email)
        assert len(got) == 1 and "not accepted" in got[0].header("Subject"), \
            f"{case}: the sender gets one refusal, got {[d.header('Subject') for d in got]}"
        check_signed(got[0].raw, site.verifier)

    # Signed, then altered on the way.
    bad = site.receive(signed_post(sender, f"TLP:GREEN Tampered {MARK}", "Meet tomorrow.", tamper=True))
    assert bad.returncode == 77, f"bad signature: {bad}"
    site.deliver()
    refusal_to_sender("bad signature")
    nobody_else_got_anything("bad signature")

    # From an address no account has (signed by a member's key, which does not help).
    site.relay.mailbox.clear()
    stranger = signed_post(sender, f"TLP:GREEN Stranger {MARK}", "Hello from tomorrow.").replace(
        f"<{sender.email}>".encode(), b"<stranger@elsewhere.example>", 1)
    refused = site.receive(stranger)
    assert refused.returncode == 77 and "member" in refused.stderr.lower(), f"no account: {refused}"
    site.deliver()
    assert not site.relay.mailbox.all(), "a stranger's address may be forged: no refusal mail to it, no post"

    # To a list that does not exist.
    site.relay.mailbox.clear()
    unknown = site.receive(signed_post(sender, f"TLP:GREEN Nowhere {MARK}", "See you tomorrow.", to=f"no-such-list@{DOMAIN}"))
    assert unknown.returncode == 67, f"unknown list: {unknown}"
    unknown_recipient = site.receive(signed_post(sender, f"TLP:GREEN Nowhere {MARK}", "See you tomorrow."),
                                     "--recipient", f"no-such-list@{DOMAIN}")
    assert unknown_recipient.returncode == 67, f"unknown list named by --recipient: {unknown_recipient}"
    site.deliver()
    nobody_else_got_anything("unknown list")

    # Not signed at all.
    site.relay.mailbox.clear()
    unsigned = site.receive(message(post_headers(sender.email, f"TLP:GREEN Unsigned {MARK}"), text_part("Not signed, tomorrow.")))
    assert unsigned.returncode == 77, f"unsigned: {unsigned}"
    site.deliver()
    refusal_to_sender("unsigned")
    nobody_else_got_anything("unsigned")


def test_a_post_by_mail_signed_then_encrypted_to_the_lists_key_is_taken(site, people):
    sender, other = readers(people, 2)
    site.subscribe(sender, other)
    title = f"Encrypted to the list {MARK}"
    content = text_part(f"Sinkholed 192.0.2.77 tomorrow. sealed-{MARK}")
    signed = signed_entity(content, sender.home.sign(content))
    sealed = sender.home.encrypt(signed, site.verifier.path.parent / "list.asc")
    raw = message(post_headers(sender.email, f"TLP:GREEN {title}"), encrypted_entity(sealed))
    assert f"sealed-{MARK}".encode() not in raw
    posted = site.receive(raw, "--recipient", LIST_ADDRESS)
    assert posted.returncode == 0, str(posted)
    site.deliver()
    mail = only_one(site.relay, other)
    assert mail.header("Subject") == f"[{LIST}] TLP:GREEN {title}"
    assert f"sealed-{MARK}" in text_of(check_signed(mail.raw, site.verifier))


def test_a_post_by_mail_signed_and_encrypted_in_one_message_is_taken_only_with_the_senders_signature(site, people):
    sender, other, impostor = readers(people, 3)
    site.subscribe(sender, other, impostor)
    title = f"Combined to the list {MARK}"
    content = text_part(f"Takedown of 198.51.100.99 done. combined-{MARK}")
    sealed = sender.home.sign_and_encrypt(content, site.verifier.path.parent / "list.asc")
    posted = site.receive(message(post_headers(sender.email, f"TLP:GREEN {title}"), encrypted_entity(sealed)), "--recipient", LIST_ADDRESS)
    assert posted.returncode == 0, str(posted)
    site.deliver()
    mail = only_one(site.relay, other)
    assert mail.header("Subject") == f"[{LIST}] TLP:GREEN {title}"
    assert f"combined-{MARK}" in text_of(check_signed(mail.raw, site.verifier))

    # The same message claimed by another member: the signature inside is not theirs.
    site.relay.mailbox.clear()
    forged = site.receive(message(post_headers(impostor.email, f"TLP:GREEN {title} again"), encrypted_entity(sealed)), "--recipient", LIST_ADDRESS)
    assert forged.returncode == 77, str(forged)
    site.deliver()
    assert not site.relay.mailbox.to(other.email), "nothing reached the list"


# --- renkei mail test ------------------------------------------------------------------------

def test_mail_test_signs_encrypts_and_reports_the_relays_answer(site, people):
    person = people["reader0"]
    clear = site.run("mail", "test", "--to", person.email)
    assert clear.returncode == 0, str(clear)
    text = text_of(check_signed(only_one(site.relay, person).raw, site.verifier))
    assert text.lstrip().startswith("TLP:CLEAR")

    no_key = site.run("mail", "test", "--to", person.email, "--tlp", "AMBER")
    assert no_key.returncode == 2 and no_key.stderr.strip(), f"AMBER without --key: {no_key}"

    site.relay.mailbox.clear()
    amber = site.run("mail", "test", "--to", person.email, "--tlp", "AMBER", "--key", str(person.key_file))
    assert amber.returncode == 0, str(amber)
    mail = only_one(site.relay, person)
    assert "TLP:AMBER" in mail.header("Subject")
    inner = check_encrypted(mail.raw, person.home)
    assert text_of(check_signed(inner, site.verifier)).lstrip().startswith("TLP:AMBER")

    down = site.run("mail", "test", "--to", person.email, SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    assert down.returncode == 1, f"relay down: {down}"

    remote = site.run("mail", "test", "--to", person.email, SMTP_URL="smtp://192.0.2.1:25", SMTP_TLS="off")
    assert remote.returncode == 2 and "SMTP_TLS" in remote.stderr, f"SMTP_TLS=off for a remote relay: {remote}"


def test_mail_test_over_starttls_with_auth_and_only_to_a_trusted_relay(site, people, tmp_path):
    person = people["reader0"]
    ca_file, context = make_relay_tls(tmp_path)
    secure = Relay(free_port(), tls_context=context, require_starttls=True, auth_required=True, auth_require_tls=True,
                   authenticator=password_authenticator("relay", "s3cret")).start()
    plain = Relay(free_port()).start()
    try:
        url = f"smtp://relay:s3cret@127.0.0.1:{secure.port}"
        trusted = site.run("mail", "test", "--to", person.email, SMTP_URL=url, SMTP_TLS="", SMTP_CA_FILE=str(ca_file))
        assert trusted.returncode == 0, f"STARTTLS relay with its CA trusted: {trusted}"
        got = secure.mailbox.to(person.email)
        assert len(got) == 1 and got[0].tls and got[0].authenticated, \
            f"one message over TLS in an authenticated session: {[(d.tls, d.authenticated) for d in got]}"
        check_signed(got[0].raw, site.verifier)

        untrusted = site.run("mail", "test", "--to", person.email, SMTP_URL=url, SMTP_TLS="")
        assert untrusted.returncode == 1, f"the relay's certificate is not trusted without SMTP_CA_FILE: {untrusted}"
        assert len(secure.mailbox.all()) == 1, "nothing more reached the relay"

        cleartext = site.run("mail", "test", "--to", person.email, SMTP_URL=plain.url, SMTP_TLS="")
        assert cleartext.returncode == 1 and "STARTTLS" in cleartext.stderr + cleartext.stdout, f"a relay without STARTTLS: {cleartext}"
        assert not plain.mailbox.all(), "nothing is submitted in clear"
    finally:
        secure.stop()
        plain.stop()


# --- The server's worker ---------------------------------------------------------------------

def test_the_servers_worker_delivers_without_being_asked(server_factory, renkei_bin, relay, people, tmp_path):
    env = mail_env(relay.url)
    server = server_factory(demo=True, env=env)
    person = people["reader0"]
    try:
        ok(renkei(renkei_bin, server.data_dir, "user", "create", "--email", person.email, "--name", person.name, "--team", person.team, env=env))
        ok(renkei(renkei_bin, server.data_dir, "list", "subscribe", LIST, person.email, env=env))
        title = f"Delivered by the worker {MARK}"
        text = tmp_path / "worker.md"
        text.write_text(f"Worker body {MARK}")
        ok(renkei(renkei_bin, server.data_dir, "post", "--as", AUTHOR, "--title", title, "--list", LIST, "--tlp", "TLP:CLEAR", str(text), env=env))
        # The demo's own members are subscribed too; this person's copy is the one to wait for.
        # The demo queued its abuse notices first (one signed message per team, some 170), and
        # the worker sends the outbox oldest first.
        arrived = relay.mailbox.wait_for(lambda ds: any(title in d.header("Subject") and d.recipient == person.email for d in ds), timeout=120)
        mine = [d for d in arrived if title in d.header("Subject") and d.recipient == person.email]
        assert len(mine) == 1, f"one message within 120 s; the relay has {len(arrived)} messages\nserver log:\n{server.log()[-3000:]}"
        armored = ARMORED_KEY.search(ok(renkei(renkei_bin, server.data_dir, "mail", "key", env=env)).stdout).group(0)
        verifier = GnuPGHome(tmp_path / "server-list-key")
        try:
            verifier.import_key(armored)
            check_signed(mine[0].raw, verifier)
        finally:
            verifier.close()
    finally:
        server.stop()
        stop_agent(server.data_dir / "gnupg")


# --- The list pages in a browser -------------------------------------------------------------

def test_lists_in_a_browser(server_factory, chrome_driver, screenshot_dir, authenticator, tmp_path):
    """A member sets a PGP key on the account page, takes the community list as a digest, posts
    to it from its archive page and finds the post by a word of its body; the secretariat opens
    a temporary list, which a member may not."""
    from selenium.webdriver.support.ui import Select  # here: the browser fixture skips without selenium

    member = ("member@renkei-demo.example", "demo-member-pass")            # Lindenfeld-CSIRT
    secretariat = ("secretariat@renkei-demo.example", "demo-secretariat-pass")
    server = server_factory(demo=True, env={"RENKEI_MAIL_DOMAIN": DOMAIN, "SMTP_URL": "", "RENKEI_GPG_HOME": ""})
    home = GnuPGHome(tmp_path / "member-key").generate(f"Demo Member <{member[0]}>")
    chrome_driver.delete_all_cookies()
    browser = Browser(chrome_driver, server, screenshot_dir, authenticator)

    def subscription_of(slug: str) -> Select:
        rows = [row for row in browser.all("#lists tbody tr") if f"{slug}@{DOMAIN}" in row.text]
        assert len(rows) == 1, f"one row of /lists has the address {slug}@{DOMAIN}: {browser.find('#lists').text}"
        return Select(rows[0].find_element(browser.By.CSS_SELECTOR, "select[name=mode]"))

    try:
        browser.sign_in(*member)

        # The account's key: a warning without one, its fingerprint once saved.
        browser.open("/account")
        assert browser.has("#key-warning") and not browser.has("#key-fingerprint"), "no key yet: a warning, no fingerprint"
        browser.fill({"#pgp-key-text": home.export()})
        browser.click_and_wait("#save-key")
        assert browser.driver.current_url.split("?")[0].endswith("/account"), browser.driver.current_url
        assert not browser.has("#key-warning"), browser.find("#key-warning").text
        assert browser.find("#key-fingerprint").text.strip().replace(" ", "").upper() == home.fingerprint

        # The subscription: the demo's per-message delivery becomes a digest, and stays one.
        browser.open("/lists")
        assert not browser.has("#new-list-link"), "only the secretariat opens lists"
        assert subscription_of(LIST).first_selected_option.get_attribute("value") == "per-message"
        subscription_of(LIST).select_by_value("digest")
        browser.click_and_wait(f"form[action='/lists/{LIST}/subscription'] button[type=submit]")
        assert browser.driver.current_url.split("?")[0].endswith("/lists"), browser.driver.current_url
        browser.driver.refresh()
        assert subscription_of(LIST).first_selected_option.get_attribute("value") == "digest", "the digest is kept"

        # A post from the archive page, then found in the archive and by a word of its body.
        title = f"Browser post {MARK} {uuid.uuid4().hex[:6]}"
        word = f"pangolin{uuid.uuid4().hex[:8]}"
        browser.open(f"/lists/{LIST}")
        assert browser.find("#list-address").text.strip() == LIST_ADDRESS
        browser.fill({"#title": title, "#body": f"Seen on our sensors: {word} beacons to 198.51.100.7.", "#tlp": "TLP:GREEN"})
        browser.click_and_wait("#post-submit")
        assert "/items/" in browser.driver.current_url, browser.driver.current_url
        assert browser.find("#item-title").text.strip() == title
        assert browser.find("#item-tlp").text.strip() == "TLP:GREEN"
        browser.open(f"/lists/{LIST}")
        assert title in browser.find("#archive").text
        archive = browser.find("#archive").text
        assert "Mo Member (Lindenfeld-CSIRT)" in archive and "))" not in archive, f"the author and team as the archive names them: {archive}"
        browser.shot("list-archive")
        browser.fill({"#archive-search input[name=q]": word})
        browser.click_and_wait("#archive-search button[type=submit]")
        assert f"q={word}" in browser.driver.current_url, browser.driver.current_url
        assert title in browser.find("#archive").text, "the search finds the post by a word of its body"
        browser.fill({"#archive-search input[name=q]": f"absent{uuid.uuid4().hex[:8]}"})
        browser.click_and_wait("#archive-search button[type=submit]")
        assert not browser.has("#archive") and title not in browser.find("main").text, "a word of no post finds nothing"

        # A member may not open a list.
        browser.open("/lists/new", error_page_ok=True)
        assert browser.find("main h1").text.startswith("403"), browser.find("main h1").text
        assert not browser.has("#list-form")

        # The secretariat opens a temporary list.
        browser.sign_out()
        browser.sign_in(*secretariat)
        browser.open("/lists")
        browser.click_and_wait("#new-list-link")
        slug = f"incident-{uuid.uuid4().hex[:8]}"
        ends = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
        browser.fill({"#slug": slug, "#name": f"Incident {MARK}", "#kind": "temporary", "#endsAt": ends, "#posting": "members",
                      "#defaultTLP": "AMBER", "#retentionDays": "90"})
        assert browser.find("#endsAt").get_attribute("value") == ends, "the date input took the end date"
        browser.click_and_wait("#list-submit")
        assert not browser.has("#list-error"), browser.find("#list-error").text
        assert browser.driver.current_url.split("?")[0].endswith(f"/lists/{slug}"), browser.driver.current_url
        assert browser.find("#list-address").text.strip() == f"{slug}@{DOMAIN}"
        assert browser.find("main h1").text.strip() == f"Incident {MARK}"
        browser.shot("new-temporary-list")
        assert browser.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), \
            "the page, menu bar included, fits the window without scrolling sideways"
        browser.open("/lists")
        assert subscription_of(slug).first_selected_option.get_attribute("value") == "none", "nobody is subscribed to a new list"
    finally:
        home.close()
        server.stop()
        stop_agent(server.data_dir / "gnupg")

