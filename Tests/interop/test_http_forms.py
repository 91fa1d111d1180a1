"""HTML forms as browsers really send them, at the HTTP level.

Browsers often write a form's body in more than one TCP segment after the request head (Chrome
does for the team edit form). The server must read the whole body before it checks the CSRF
token; a token check that looks only at what has arrived so far refuses real users at random.
"""

from __future__ import annotations

import re
import socket
import time
from urllib.parse import urlencode

import pytest
import requests
from conftest import sign_in_http

# A member: no second factor, so the many sign-ins here need no TOTP codes (which work once).
MEMBER = {"email": "member@renkei-demo.example", "password": "demo-member-pass"}


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory()


def signed_in(server, authenticator) -> tuple[requests.Session, str]:
    """A session signed in as a member, and its form token."""
    session = requests.Session()
    sign_in_http(session, server, MEMBER["email"], MEMBER["password"], authenticator)
    page = session.get(server.url("/teams/lindenfeld-csirt"), timeout=30).text
    return session, re.search(r'name="_csrf" value="([^"]+)"', page).group(1)


def raw_post(server, path: str, cookies: dict[str, str], body: bytes, parts: int, pause: float = 0.2) -> int:
    """POSTs `body` over a plain socket, written in `parts` pieces after the head; the status."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    size = -(-len(body) // parts)
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(head + pieces[0])
        for piece in pieces[1:]:
            time.sleep(pause)
            connection.sendall(piece)
        status_line = connection.makefile("rb").readline().decode()
    return int(status_line.split()[1])


@pytest.mark.parametrize("parts", [1, 2, 4])
def test_form_body_in_several_segments_passes_the_csrf_check(server, authenticator, parts):
    session, token = signed_in(server, authenticator)
    body = urlencode({"_csrf": token, "padding": "x" * 2000}).encode()
    status = raw_post(server, "/sign-out", session.cookies.get_dict(), body, parts)
    assert status == 303, f"sign-out with the right token, body in {parts} segment(s): HTTP {status}"
    assert "sign-in-link" in session.get(server.url("/teams"), timeout=30).text


def test_wrong_token_is_still_refused(server, authenticator):
    session, token = signed_in(server, authenticator)
    body = urlencode({"_csrf": token[::-1]}).encode()
    assert raw_post(server, "/sign-out", session.cookies.get_dict(), body, 1) == 403
    assert "account-link" in session.get(server.url("/teams"), timeout=30).text
