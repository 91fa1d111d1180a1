"""The two-factor set-up's QR code, read by a decoder Renkei did not write.

Renkei draws the `otpauth://` address as an SVG QR code with its own encoder
(Sources/RenkeiCore/Formats/QRCode.swift). Here the SVG's modules are painted into a
grayscale bitmap (also saved as a PNG beside the test's temporary files) and decoded with
zxing-cpp; the text must be exactly the address the page shows, for account names of several
lengths, so symbols of several versions and both error correction levels are read. Then the
recovery codes are downloaded as a file, and a code from the file signs in.
"""

from __future__ import annotations

import html
import re
import struct
import zlib
from pathlib import Path

import pyotp
import pytest
import requests
import zxingcpp

from conftest import CSRF_PATTERN

PASSWORD = "qr-tester-password-1"
SCALE = 6  # pixels per module

# Accounts of growing length: the address is 110 bytes plus the e-mail address, from 121 to
# 270 bytes, with the symbol each needs (ISO/IEC 18004 capacities in byte mode: 6-M 106,
# 7-M 122, 8-M 152, 9-M 180, 10-M 213, then level L: 9-L 230, 10-L 271).
ACCOUNTS = [
    ("q@a.example", 7, "M"),
    ("qr-tester@" + "b" * 20 + ".example", 8, "M"),
    ("qr-tester@" + "c" * 60 + ".example", 10, "M"),
    ("qr-tester-" + "d" * 40 + "@" + "e" * 60 + ".example", 9, "L"),
    ("qr-tester-" + "f" * 40 + "@" + "g" * 60 + "." + "h" * 40 + ".example", 10, "L"),
]


def raster(svg: str) -> tuple[int, bytes]:
    """The SVG's dark runs (`M x y h n v1 h-n z` in module units) painted black on white."""
    extent = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    side = extent * SCALE
    pixels = bytearray(b"\xff" * side * side)
    path = re.search(r' d="([^"]*)"', svg).group(1)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path)
    assert "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in runs) == path, "the path holds nothing but module runs"
    for x, y, n in runs:
        x, y, n = int(x), int(y), int(n)
        for row in range(y * SCALE, (y + 1) * SCALE):
            pixels[row * side + x * SCALE:row * side + (x + n) * SCALE] = b"\x00" * (n * SCALE)
    return side, bytes(pixels)


def write_png(path: Path, side: int, pixels: bytes) -> None:
    """An 8-bit grayscale PNG, for a person to look at when the test fails."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + pixels[row * side:(row + 1) * side] for row in range(side))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def sign_in(server, email: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    form = session.get(server.url("/sign-in"), timeout=30).text
    response = session.post(server.url("/sign-in"), timeout=30,
                            data={"_csrf": CSRF_PATTERN.search(form).group(1), "email": email, "password": password, "next": ""})
    return session, response


@pytest.fixture(scope="module")
def server(server_factory, cli):
    server = server_factory()
    for email in [account[0] for account in ACCOUNTS] + ["recovery-download@a.example"]:
        made = cli(server.data_dir, "user", "create", "--email", email, "--name", "QR Tester", env={"RENKEI_PASSWORD": PASSWORD})
        assert made.returncode == 0, made.stderr
    return server


@pytest.mark.parametrize("email,version,level", ACCOUNTS)
def test_the_qr_code_decodes_to_the_exact_otpauth_address(server, email, version, level, tmp_path):
    session, response = sign_in(server, email)
    assert response.status_code == 200, response.text
    page = session.get(server.url("/account/two-factor"), timeout=30).text
    uri = html.unescape(re.search(r'id="totp-uri" class="wrap">([^<]+)<', page).group(1))
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert uri == f"otpauth://totp/Renkei:{email}?secret={secret}&issuer=Renkei&algorithm=SHA1&digits=6&period=30"
    image = re.search(r'<img id="totp-qr" class="qr-code" src="([^"]+)"', page).group(1)

    answer = session.get(server.url(image), timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/svg+xml"
    assert answer.headers["Cache-Control"] == "no-store"
    side, pixels = raster(answer.text)
    write_png(tmp_path / "qr.png", side, pixels)

    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (side, side)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [barcode.text for barcode in found] == [uri], f"decoded from {tmp_path / 'qr.png'}"
    modules = int(re.search(r'viewBox="0 0 (\d+)', answer.text).group(1)) - 8  # less the quiet zone
    assert (modules, found[0].ec_level) == (17 + 4 * version, level), f"{len(uri.encode())} bytes"

    # The authenticator that scanned it makes codes the server accepts.
    scanned = pyotp.parse_uri(found[0].text)
    enrolled = session.post(server.url("/account/two-factor"), timeout=30,
                            data={"_csrf": CSRF_PATTERN.search(page).group(1), "code": scanned.now()})
    assert 'id="recovery-codes"' in enrolled.text
    assert session.get(server.url(image), timeout=30).status_code == 404, "the secret is not shown again once enrolled"


def test_recovery_codes_download_and_sign_in(server):
    email = "recovery-download@a.example"
    made = server
    session, _ = sign_in(made, email)
    page = session.get(made.url("/account/two-factor"), timeout=30).text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    enrolled = session.post(made.url("/account/two-factor"), timeout=30,
                            data={"_csrf": CSRF_PATTERN.search(page).group(1), "code": pyotp.TOTP(secret).now()}).text
    shown = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", enrolled)
    assert len(shown) == 10
    form = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="_csrf" value="([^"]+)">\s*'
                     r'<input type="hidden" name="codes" value="([^"]+)">', enrolled)
    download = session.post(made.url(form.group(1)), timeout=30, data={"_csrf": form.group(2), "codes": form.group(3)})
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="renkei-recovery-codes.txt"')
    assert download.headers["Cache-Control"] == "no-store"
    in_file = [line for line in download.text.splitlines() if re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", line)]
    assert in_file == shown

    # A code from the file signs in instead of the authenticator.
    again, response = sign_in(made, email)
    assert response.url.endswith("/sign-in/two-factor")
    done = again.post(made.url("/sign-in/two-factor"), timeout=30,
                      data={"_csrf": CSRF_PATTERN.search(response.text).group(1), "code": in_file[3]})
    assert done.status_code == 200 and "account-link" in done.text
