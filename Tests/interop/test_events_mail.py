"""The waiting list by mail, through a real SMTP peer (aiosmtpd).

The demo's Singapore colloquium has 5 seats and 7 registrations, made in this order
(DemoNetwork+Events.swift): sigchair@, member@, rep@, board@, ana@ hold the seats; jordan@ and
then wanjiru@ wait. A seat given back through the API goes to the first on the waiting list, in
the same transaction, and the server's own outbox worker (every 2 seconds) mails them "You have
a seat" once; the second waits on, unmailed.
"""

from __future__ import annotations

import re
import time

import pytest
import requests

from conftest import CSRF_PATTERN, free_port, sign_in_http
from mailpeer import Relay, stop_agent

SLUG = "tc-singapore"
TITLE = "Technical Colloquium Singapore"
CANCELLING = ("member@renkei-demo.example", "demo-member-pass")   # holds a seat
FIRST_WAITING = ("jordan@renkei-demo.example", "demo-jordan-pass")
SECOND_WAITING = ("wanjiru@renkei-demo.example", "demo-wanjiru-pass")
SUBJECT = f"You have a seat: {TITLE}"
DEADLINE = 60          # seconds for the mail to reach the relay (the outbox runs every 2)
QUIET = 6              # seconds more in which no second copy may come


@pytest.fixture(scope="module")
def relay():
    relay = Relay(free_port()).start()
    yield relay
    relay.stop()


@pytest.fixture(scope="module")
def server(server_factory, relay):
    server = server_factory(env={"RENKEI_MAIL_DOMAIN": "lists.renkei.test", "SMTP_URL": relay.url, "SMTP_TLS": "off", "SMTP_CA_FILE": "",
                                 "RENKEI_GPG_HOME": ""})
    yield server
    server.stop()
    stop_agent(server.data_dir / "gnupg")


def api_token(server, who, authenticator) -> dict[str, str]:
    """An Authorization header for `who`, with a token made on the account page."""
    session = requests.Session()
    sign_in_http(session, server, *who, authenticator)
    account = session.get(server.url("/account"), timeout=30).text
    page = session.post(server.url("/account/tokens"), timeout=30, data={"_csrf": CSRF_PATTERN.search(account).group(1), "name": "events"}).text
    return {"Authorization": "Bearer " + re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)}


def registration(server, auth) -> dict:
    response = requests.get(server.url(f"/api/v1/events/{SLUG}"), headers=auth, timeout=30)
    assert response.status_code == 200, response.status_code
    return response.json()["registration"]


def body_text(delivery) -> str:
    """The text/plain content of a (signed) message."""
    texts = [part.get_content() for part in delivery.message.walk() if part.get_content_type() == "text/plain"]
    assert texts, f"no text/plain part in {delivery.message.get_content_type()}"
    return "\n".join(texts)


def seats(relay, address: str) -> list:
    return [d for d in relay.mailbox.to(address) if d.header("Subject") == SUBJECT]


def test_a_cancelled_seat_goes_to_the_first_waiting_by_one_mail(server, relay, authenticator):
    cancelling = api_token(server, CANCELLING, authenticator)
    first = api_token(server, FIRST_WAITING, authenticator)
    second = api_token(server, SECOND_WAITING, authenticator)
    mine = registration(server, cancelling)
    assert mine["state"] == "confirmed", mine
    assert registration(server, first)["state"] == "waitlisted"
    assert registration(server, second)["state"] == "waitlisted"
    assert not seats(relay, FIRST_WAITING[0]) and not seats(relay, SECOND_WAITING[0]), "nobody had a seat mail before"

    cancelled = requests.delete(server.url(f"/api/v1/events/{SLUG}/registrations/{mine['id']}"), headers=cancelling, timeout=30)
    assert cancelled.status_code == 200, f"HTTP {cancelled.status_code}: {cancelled.text[:500]}"
    assert cancelled.json()["state"] == "cancelled"
    started = time.monotonic()
    # The seat is given in the cancelling transaction, in the waiting list's order.
    promoted, still = registration(server, first), registration(server, second)
    assert (promoted["state"], still["state"]) == ("confirmed", "waitlisted"), (
        f"{FIRST_WAITING[0]} registered sixth and {SECOND_WAITING[0]} seventh: the sixth gets the seat (first come, first served); "
        f"got {FIRST_WAITING[0]} {promoted['state']}, {SECOND_WAITING[0]} {still['state']}")

    relay.mailbox.wait_for(lambda ds: any(d.header("Subject") == SUBJECT for d in ds), timeout=DEADLINE)
    arrived = seats(relay, FIRST_WAITING[0])
    assert len(arrived) == 1, (f"one “{SUBJECT}” to {FIRST_WAITING[0]} within {DEADLINE} s, got {len(arrived)}; the relay has "
                               f"{[(d.recipients, d.header('Subject')) for d in relay.mailbox.all()]}\nserver log:\n{server.log()}")
    print(f"\nthe seat mail arrived {time.monotonic() - started:.1f} s after the cancellation")
    mail = arrived[0]
    assert mail.recipient == FIRST_WAITING[0]
    text = body_text(mail)
    assert f"A seat at {TITLE} became free and it is yours: you are registered." in text, text
    assert server.url(f"/events/{SLUG}") in text, text

    # A few more rounds of the outbox: no second copy, and nothing for the one still waiting.
    time.sleep(QUIET)
    assert len(seats(relay, FIRST_WAITING[0])) == 1, [d.header("Subject") for d in relay.mailbox.to(FIRST_WAITING[0])]
    assert not seats(relay, SECOND_WAITING[0]), f"{SECOND_WAITING[0]} still waits: no seat mail"
    assert not seats(relay, CANCELLING[0])
    assert [d.header("Subject") for d in relay.mailbox.all()].count(SUBJECT) == 1
    assert registration(server, second)["state"] == "waitlisted"
