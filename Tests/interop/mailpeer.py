"""Independent peers for the mail tests: an SMTP relay (aiosmtpd) that keeps every message it
takes, GnuPG homes for the people who read and write list mail, PGP/MIME (RFC 3156) entities cut
out of raw messages byte for byte, and a throwaway CA for a relay that speaks STARTTLS.

Nothing here knows Renkei: it is what a mail system and its users would do.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import ssl
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

GPG_TIMEOUT = 60


# --- SMTP ----------------------------------------------------------------------------------

@dataclass
class Delivery:
    """One message as the relay took it: the envelope, the session and the exact bytes."""
    sender: str
    recipients: list[str]
    raw: bytes
    authenticated: bool
    tls: bool

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    def header(self, name: str) -> str:
        value = self.message[name]
        return "" if value is None else str(value)

    @property
    def recipient(self) -> str:
        assert len(self.recipients) == 1, f"one SMTP transaction per recipient, got {self.recipients}"
        return self.recipients[0]


class Mailbox:
    """An aiosmtpd handler that keeps what it is given. With `accept_first=K` it takes K messages
    and then answers 451 (try again later) to every recipient; `refusing` is set at the first
    451, so a test can react to the relay turning bad at an exact point of a fan-out."""

    def __init__(self, accept_first: int | None = None):
        self.accept_first = accept_first
        self.deliveries: list[Delivery] = []
        self.refused: list[str] = []
        self.refusing = threading.Event()
        self._changed = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._changed:
            if self.accept_first is not None and len(self.deliveries) >= self.accept_first:
                self.refused.append(address)
                self.refusing.set()
                return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        delivery = Delivery(sender=envelope.mail_from, recipients=list(envelope.rcpt_tos), raw=bytes(envelope.original_content),
                            authenticated=bool(session.authenticated), tls=session.ssl is not None)
        with self._changed:
            self.deliveries.append(delivery)
            self._changed.notify_all()
        return "250 2.0.0 Queued"

    def clear(self) -> None:
        with self._changed:
            self.deliveries.clear()
            self.refused.clear()

    def to(self, address: str) -> list[Delivery]:
        with self._changed:
            return [d for d in self.deliveries if address.lower() in (r.lower() for r in d.recipients)]

    def all(self) -> list[Delivery]:
        with self._changed:
            return list(self.deliveries)

    def wait_for(self, predicate, timeout: float) -> list[Delivery]:
        """Waits until `predicate(deliveries)` is true; returns the deliveries (the caller asserts)."""
        with self._changed:
            self._changed.wait_for(lambda: predicate(self.deliveries), timeout=timeout)
            return list(self.deliveries)


class Relay:
    """An aiosmtpd Controller on 127.0.0.1:`port` around a Mailbox; `smtp` goes to aiosmtpd's
    SMTP class (tls_context, require_starttls, authenticator ...)."""

    def __init__(self, port: int, mailbox: Mailbox | None = None, **smtp):
        self.port = port
        self.mailbox = mailbox or Mailbox()
        self.smtp = smtp
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "Relay":
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, ready_timeout=10, **self.smtp)
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stops listening and drops every open session (aiosmtpd closes them when cancelled)."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def password_authenticator(login: str, password: str):
    """An aiosmtpd authenticator taking exactly one login and password (PLAIN or LOGIN)."""
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == login.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticate


# --- TLS -----------------------------------------------------------------------------------

def make_relay_tls(directory: Path, host: str = "127.0.0.1") -> tuple[Path, ssl.SSLContext]:
    """A CA of its own and a server certificate for `host` (and localhost) signed by it: returns
    the CA's PEM file (what a client is told to trust) and the relay's server context."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mail test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                         critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host)), x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file = directory / "relay-ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain_file = directory / "relay-cert.pem"
    chain_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    key_file = directory / "relay-key.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain_file, key_file)
    return ca_file, context


# --- GnuPG ---------------------------------------------------------------------------------

class GnuPGHome:
    """A GnuPG home directory: one person's keys, or a verifier holding only a public key."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.fingerprint: str | None = None

    def gpg(self, *args: str, input: bytes = b"", check: bool = True) -> subprocess.CompletedProcess:
        command = ["gpg", "--homedir", str(self.path), "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""]
        result = subprocess.run(command + list(args), input=input, capture_output=True, timeout=GPG_TIMEOUT)
        if check and result.returncode != 0:
            raise AssertionError(f"gpg {' '.join(args)} exited {result.returncode}:\n{result.stderr.decode(errors='replace')[-2000:]}")
        return result

    def generate(self, user_id: str, expires_at: datetime.datetime | None = None) -> "GnuPGHome":
        """An Ed25519 signing key with a Curve25519 encryption subkey, both valid until
        `expires_at` (UTC, to the second) or without expiry."""
        expiry = expires_at.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S") if expires_at else "0"
        self.gpg("--quick-gen-key", user_id, "ed25519", "sign", expiry)
        self.fingerprint = self.primary_fingerprints()[0]
        self.gpg("--quick-add-key", self.fingerprint, "cv25519", "encr", expiry)
        return self

    def primary_fingerprints(self) -> list[str]:
        return primary_fingerprints(self.gpg("--with-colons", "--list-keys").stdout.decode())

    def export(self) -> str:
        return self.gpg("--armor", "--export", self.fingerprint).stdout.decode()

    def import_key(self, armored: str) -> str:
        """Imports one public key; returns its primary fingerprint."""
        shown = primary_fingerprints(self.gpg("--with-colons", "--import-options", "show-only", "--import", input=armored.encode()).stdout.decode())
        assert len(shown) == 1, f"expected one key, found {len(shown)}"
        self.gpg("--import", input=armored.encode())
        self.fingerprint = shown[0]
        return shown[0]

    def sign(self, content: bytes) -> str:
        """An armored detached signature over exactly `content`."""
        return self.gpg("--local-user", self.fingerprint, "--digest-algo", "SHA256", "--armor", "--detach-sign", input=content).stdout.decode()

    def encrypt(self, content: bytes, key_file: Path) -> str:
        """`content` encrypted to the key in `key_file` (not imported anywhere)."""
        return self.gpg("--trust-model", "always", "--armor", "--encrypt", "--recipient-file", str(key_file), input=content).stdout.decode()

    def sign_and_encrypt(self, content: bytes, key_file: Path) -> str:
        """One OpenPGP message, signed by this home's key and encrypted to the key in
        `key_file` (RFC 3156 §6.2, the combined form some mail programs send)."""
        return self.gpg("--trust-model", "always", "--local-user", self.fingerprint, "--armor", "--sign", "--encrypt",
                        "--recipient-file", str(key_file), input=content).stdout.decode()

    def decrypt(self, armored: bytes) -> subprocess.CompletedProcess:
        return self.gpg("--decrypt", input=armored, check=False)

    def valid_signers(self, content: bytes, signature: bytes | str) -> list[str]:
        """Primary fingerprints of the good, valid signatures over `content` (GnuPG's VALIDSIG,
        whose last field is the primary key's fingerprint)."""
        with tempfile.NamedTemporaryFile(suffix=".asc", dir=self.path) as file:
            file.write(signature.encode() if isinstance(signature, str) else signature)
            file.flush()
            result = self.gpg("--status-fd", "1", "--verify", file.name, "-", input=content, check=False)
        return [line.split()[-1] for line in result.stdout.decode(errors="replace").splitlines() if line.startswith("[GNUPG:] VALIDSIG ")]

    def close(self) -> None:
        stop_agent(self.path)


def stop_agent(home: Path) -> None:
    """Stops the gpg-agent of one GnuPG home, if one was started for it (by gpg, for us or for
    the renkei processes the tests ran)."""
    if Path(home).is_dir():
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, timeout=30)


def primary_fingerprints(colons: str) -> list[str]:
    """Primary fingerprints in `--with-colons` output (the `fpr` record after each `pub`)."""
    found, after_pub = [], False
    for line in colons.splitlines():
        kind = line.split(":", 1)[0]
        if kind == "pub":
            after_pub = True
        elif kind == "fpr" and after_pub:
            found.append(line.split(":")[9])
            after_pub = False
        elif kind in ("sub", "ssb"):
            after_pub = False
    return found


# --- MIME, byte for byte -------------------------------------------------------------------

def parse(raw: bytes) -> EmailMessage:
    """For reading header fields and content only; signatures are checked on `body_parts`."""
    return email.message_from_bytes(raw, policy=email.policy.default)


def body_parts(raw: bytes) -> list[bytes]:
    """The body parts of a multipart entity exactly as they stand between its boundary lines:
    the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1), CRLF line ends kept.
    Python's email package is not used here: re-serialising could change the signed bytes."""
    head, separator, body = raw.partition(b"\r\n\r\n")
    assert separator, "the entity has no blank line after its header (or no CRLF line ends)"
    boundary = BytesHeaderParser(policy=email.policy.default).parsebytes(head + separator).get_boundary()
    assert boundary, "a multipart entity without a boundary parameter"
    pieces = (b"\r\n" + body).split(b"\r\n--" + boundary.encode())
    parts = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            return parts
        # The rest of the boundary line (transport padding) and its CRLF.
        parts.append(piece[piece.index(b"\r\n") + 2:])
    raise AssertionError("the multipart entity has no closing boundary")


def part_body(part: bytes) -> bytes:
    """A part's body, after its header and the blank line."""
    head, separator, body = part.partition(b"\r\n\r\n")
    assert separator, "the part has no blank line after its header"
    return body


def text_of(part: bytes) -> str:
    """A text/plain part's content, decoded from its transfer encoding and charset."""
    return parse(part).get_content()


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def text_part(text: str) -> bytes:
    """A 7-bit text/plain entity with CRLF line ends, ready to be signed."""
    return ("Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + crlf(text)).encode("ascii")


def signed_entity(content: bytes, signature: str) -> bytes:
    """multipart/signed (RFC 3156 §5) around `content` and its armored detached signature."""
    boundary = f"=_peer_{uuid.uuid4().hex}"
    return (f'Content-Type: multipart/signed; boundary="{boundary}"; micalg="pgp-sha256"; protocol="application/pgp-signature"\r\n'
            f"\r\n--{boundary}\r\n").encode() + content + (
            f"\r\n--{boundary}\r\n"
            f'Content-Type: application/pgp-signature; name="signature.asc"\r\n\r\n'
            f"{crlf(signature.strip())}\r\n--{boundary}--\r\n").encode()


def encrypted_entity(armored: str) -> bytes:
    """multipart/encrypted (RFC 3156 §4) around an armored OpenPGP message."""
    boundary = f"=_peer_{uuid.uuid4().hex}"
    return (f'Content-Type: multipart/encrypted; boundary="{boundary}"; protocol="application/pgp-encrypted"\r\n\r\n'
            f"--{boundary}\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
            f"--{boundary}\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n"
            f"{crlf(armored.strip())}\r\n--{boundary}--\r\n").encode()


def message(headers: list[tuple[str, str]], entity: bytes) -> bytes:
    """An RFC 5322 message: `headers` on top of the entity's own header fields."""
    return "".join(f"{name}: {value}\r\n" for name, value in headers).encode() + entity
