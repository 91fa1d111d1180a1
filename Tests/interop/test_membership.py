"""One application from visitor to member, in a real browser (headless Chromium).

A visitor applies for Liaison membership with Lindenfeld-CSIRT as sponsor and confirms the
address from the link mailed to it (read from the server's outbox); Lindenfeld's
representative accepts, files the site-visit report and the letter of support; a member of
Lindenfeld objects during the review; the board votes; the secretariat records the decision;
the new representative signs in to a team that is now in the directory. Every account whose
role requires it signs in with TOTP codes from pyotp. The review period is shortened to
seconds through RENKEI_REVIEW_PERIOD so the test does not wait for 14 days.

The steps run in file order against one server of their own.
"""

from __future__ import annotations

import datetime
import json
import quopri
import re
import sqlite3
import time
import uuid

import pytest
import requests

from conftest import Browser, sign_in_http

REVIEW_SECONDS = 25
SPONSOR = "lindenfeld-csirt"
CANDIDATE = {
    "email": f"lead-{uuid.uuid4().hex[:8]}@quillon.example", "name": "Quinn Lead", "password": "quillon-applicant-pass",
    "short": "Quillon-CERT", "slug": "quillon-cert",
}
SECRET_NOTE = f"RED-NOTE-{uuid.uuid4().hex[:12]}"
SECRET_FINDINGS = f"RED-FINDINGS-{uuid.uuid4().hex[:12]}"
OBJECTION = f"Objection {uuid.uuid4().hex[:8]}: their abuse desk did not answer in 2025."
PEOPLE = {
    "rep": ("rep@renkei-demo.example", "demo-rep-pass"),
    "member": ("member@renkei-demo.example", "demo-member-pass"),
    "board": ("board@renkei-demo.example", "demo-board-pass"),
    "secretariat": ("secretariat@renkei-demo.example", "demo-secretariat-pass"),
}
STATE: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory(env={"RENKEI_REVIEW_PERIOD": f"{REVIEW_SECONDS}s"})


@pytest.fixture(scope="module")
def browser(chrome_driver, server, screenshot_dir, authenticator):
    chrome_driver.delete_all_cookies()
    return Browser(chrome_driver, server, screenshot_dir, authenticator)


def as_person(browser, who: str):
    browser.open("/membership")
    browser.sign_out()
    browser.sign_in(*PEOPLE[who])


def open_application(browser):
    browser.open(STATE["application"])
    return browser.find("#phase").text.strip()


def confirmation_path(server, address: str) -> str:
    """The link of the last mail queued for `address`, as its recipient reads it."""
    with sqlite3.connect(f"file:{server.data_dir / 'renkei.sqlite'}?mode=ro", uri=True) as connection:
        (content,) = connection.execute(
            "SELECT m.content FROM mail_messages m JOIN mail_deliveries d ON d.message_id = m.id"
            " WHERE d.recipient = ? ORDER BY m.created_at DESC LIMIT 1", (address,)).fetchone()
    text = quopri.decodestring(content.encode()).decode()
    return re.search(r"/membership/confirm/[A-Za-z0-9_-]+", text).group(0)


def test_a_visitor_applies_and_gets_an_account(browser, server):
    sponsor = requests.get(server.url(f"/api/v1/teams/{SPONSOR}"), timeout=30).json()
    assert sponsor["memberType"] == "Full Member", "the demo sponsor must be a Full Member"
    browser.open("/membership")
    browser.shot("membership-anonymous")
    browser.click_and_wait("#apply-link")
    browser.fill({
        "#accountEmail": CANDIDATE["email"], "#accountName": CANDIDATE["name"],
        "#shortName": CANDIDATE["short"], "#officialName": "Quillon Computer Emergency Response Team", "#countryCode": "NL",
        "#email": "cert@quillon.example", "#constituency_domains": "quillon.example",
        "#membershipType": "Liaison", "#hostOrganisation": "Quillon Holdings N.V.",
        "#services": "Incident handling for Quillon's customers.", "#sponsors": SPONSOR, "#confidentialNote": SECRET_NOTE,
    })
    browser.find("select[name='level[O-1]']")  # the SIM3 table is part of the form
    browser.fill({"select[name='level[O-1]']": "3", "textarea[name='comment[O-1]']": "Mandate signed by the board of Quillon."})
    browser.shot("application-form")
    browser.click_and_wait("#apply-submit")
    assert browser.has("#apply-sent"), browser.text()[:500]
    browser.open(confirmation_path(server, CANDIDATE["email"]))
    assert browser.find("#confirm-team").text.strip() == CANDIDATE["short"]
    browser.fill({"#password": CANDIDATE["password"]})
    browser.click_and_wait("#confirm-application-submit")
    assert browser.has("#application"), browser.text()[:500]
    STATE["application"] = browser.driver.current_url.split(server.base_url)[1]
    assert open_application(browser) == "Waiting for sponsors"
    assert browser.has("#account-link"), "the applicant is signed in to follow the application"
    assert SECRET_NOTE in browser.find("#confidential-note").text
    browser.shot("application-submitted")


def test_b_candidate_reads_the_directory_as_a_visitor(browser, server):
    browser.open(f"/teams/{SPONSOR}")
    assert browser.has("#members-only-notice"), "an applicant is not yet a member"
    assert not browser.has("#field-internal-emails")
    assert requests.get(server.url(f"/api/v1/teams/{CANDIDATE['slug']}"), timeout=30).status_code == 404, \
        "a candidate is not in the directory"


def test_c_sponsor_accepts_visits_and_writes_the_letter(browser):
    as_person(browser, "rep")
    browser.open("/membership")
    assert browser.has("#open-applications tr.your-turn"), "the sponsor sees it is their turn"
    assert open_application(browser) == "Waiting for sponsors"
    browser.click_and_wait("#accept-sponsorship")
    assert browser.find("#phase").text.strip() == "Site visit and letters of support"
    browser.fill({"#date": datetime.date.today().isoformat(), "#findings-input": "Processes documented; duty phone answered.",
                  "#confidentialFindings": SECRET_FINDINGS, "#recommendation-input": "admit"})
    browser.click_and_wait("#file-site-visit-submit")
    assert browser.find("#recommendation").text.strip() == "admit", browser.text()[:800]
    browser.fill({"#letter": "Lindenfeld-CSIRT has worked with Quillon for five years."})
    browser.click_and_wait("#attach-letter-submit")
    assert browser.find("#phase").text.strip() == "Member review (comments and objections)"
    assert "UTC" in browser.find("#deadline").text, "deadlines carry their time zone"
    STATE["review_started"] = str(time.monotonic())
    browser.shot("member-review")


def test_d_member_objects_without_seeing_tlp_red(browser):
    as_person(browser, "member")
    open_application(browser)
    page = browser.driver.page_source
    assert SECRET_NOTE not in page and SECRET_FINDINGS not in page, "TLP:RED parts are not published to the members"
    assert not browser.has("#confidential-note") and not browser.has("#confidential-findings")
    browser.fill({"#kind": "objection", "#text": OBJECTION})
    browser.click_and_wait("#comment-submit")
    assert OBJECTION in browser.find("#comments").text
    assert "Mo Member" in browser.find("#comments").text, "members see who objected"


def test_e_board_votes_after_the_review(browser):
    as_person(browser, "board")
    remaining = REVIEW_SECONDS - (time.monotonic() - float(STATE["review_started"]))
    assert open_application(browser) == "Member review (comments and objections)"
    assert not browser.has("#vote-form"), "no vote during the review"
    time.sleep(max(0.0, remaining) + 1)
    assert open_application(browser) == "Board vote"
    assert SECRET_FINDINGS in browser.driver.page_source, "the board reads the TLP:RED findings"
    browser.click_and_wait("#vote-yes")
    assert "yes" in browser.find("#ballots").text


def test_f_secretariat_records_the_decision(browser):
    as_person(browser, "secretariat")
    open_application(browser)
    assert SECRET_NOTE not in browser.driver.page_source, "the secretariat does not read TLP:RED by virtue of its role"
    browser.click_and_wait("#record-decision-submit")
    assert browser.find("#phase").text.strip() == "Approved"
    assert "1 yes" in browser.find("#decision").text
    browser.open("/admin/audit?action=decision")
    assert "decision.approve" in browser.find("#audit-entries").text
    browser.shot("decision-recorded")


def test_g_new_member_signs_in_as_representative(browser, server):
    browser.open("/membership")
    browser.sign_out()
    browser.sign_in(CANDIDATE["email"], CANDIDATE["password"])  # now a representative: two-factor enrolment first
    open_application(browser)
    comments = browser.find("#comments").text
    assert OBJECTION in comments and "Mo Member" not in comments, "the candidate does not learn who objected"
    browser.open(f"/teams/{CANDIDATE['slug']}")
    assert browser.find("#team-name").text.strip() == CANDIDATE["short"]
    assert browser.find("#membership-status").text.strip() == "Active"
    assert browser.has("#edit-team"), "the applicant represents the new member"
    team = requests.get(server.url(f"/api/v1/teams/{CANDIDATE['slug']}"), timeout=30).json()
    assert team["memberType"] == "Liaison" and team["memberSince"] == datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    browser.shot("new-member")


def test_h_secretariat_lists_and_shows_applications_on_the_command_line(server, cli):
    listing = cli(server.data_dir, "membership", "list")
    assert listing.returncode == 0, listing.stderr
    rows = [line.split("\t") for line in listing.stdout.strip().splitlines()]
    assert rows[0][:4] == ["ID", "TEAM", "TYPE", "STAGE"]
    row = next(r for r in rows[1:] if r[1] == CANDIDATE["slug"])
    assert row[3] == "approved"
    shown = cli(server.data_dir, "membership", "show", row[0])
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["phase"] == "approved" and document["application"]["team"]["slug"] == CANDIDATE["slug"]
    assert SECRET_NOTE not in shown.stdout and SECRET_FINDINGS not in shown.stdout, "the CLI reads as the secretariat"
    bad = cli(server.data_dir, "membership", "show", "not-an-id")
    assert bad.returncode == 2 and "usage" in bad.stderr


def test_h2_secretariat_resets_a_lost_second_factor(server, cli, browser, authenticator):
    reset = cli(server.data_dir, "user", "reset-two-factor", "--email", PEOPLE["board"][0])
    assert reset.returncode == 0, reset.stderr
    authenticator.secrets.pop((server.base_url, PEOPLE["board"][0]))
    as_person(browser, "board")  # signs in with the password and is sent to set up a new authenticator
    assert (server.base_url, PEOPLE["board"][0]) in authenticator.secrets
    unknown = cli(server.data_dir, "user", "reset-two-factor", "--email", "nobody@renkei-demo.example")
    assert unknown.returncode == 2 and "no user" in unknown.stderr


def test_i_nothing_of_an_application_reaches_anonymous_readers(server, authenticator):
    anonymous = requests.Session()
    assert "/sign-in" in anonymous.get(server.url(STATE["application"]), timeout=30).url, "an application is not public"
    for path in ("/membership", "/api/v1/membership/applications", "/.well-known/jwks.json", f"/api/v1/teams/{CANDIDATE['slug']}/membership"):
        body = anonymous.get(server.url(path), timeout=30).text
        for secret in (SECRET_NOTE, SECRET_FINDINGS, OBJECTION, "Quillon Holdings"):
            assert secret not in body, f"{secret} leaked through {path}"
    # A signed-in member of another team reads it (it was published for review) but never the TLP:RED parts.
    member = requests.Session()
    sign_in_http(member, server, *PEOPLE["member"], authenticator)
    page = member.get(server.url(STATE["application"]), timeout=30).text
    assert OBJECTION in page and SECRET_NOTE not in page and SECRET_FINDINGS not in page
