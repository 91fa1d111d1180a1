"""Events in a real browser (headless Chromium through Selenium), with mail through a real SMTP
peer (aiosmtpd).

The steps run in file order against one fresh demo server of their own, because they change
data: a visitor without an account registers for the Annual Conference by the link in their
mail → a member submits a TLP:AMBER talk to its call for presentations → a member of the
programme committee reviews it blind → the secretariat accepts it and schedules it as a
members-only session → a visitor sees the open session and none of the members-only ones →
the slides of last year's members-only TLP:AMBER talk go to who was there, and to nobody else.
Every page on the way is checked at a phone's and a laptop's size.

Screenshots of each step go to a temporary directory (or RENKEI_SCREENSHOTS), never the repo.
"""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo

import pytest
import requests
from selenium.webdriver.support.ui import Select

from conftest import Browser, free_port, sign_in_http
from mailpeer import Relay, stop_agent
from test_browser import check_layout
from test_sig_browser import click_element_and_wait

SLUG = "annual-conference"
TITLE = "Annual Conference"
ZONE = "America/Toronto"
LAST_YEAR = "annual-conference-last-year"
AMBER_TALK = "Inside a ransomware negotiation"           # last year; members only, TLP:AMBER; member@ spoke, rep@ and board@ were there
OPEN_SESSION = "Measuring a CSIRT's reach"                # this year, open, TLP:CLEAR
MEMBERS_SESSION = "A botnet takedown from the inside"     # this year, members only, TLP:AMBER

MEMBER = ("member@renkei-demo.example", "demo-member-pass")            # Mo Member, Lindenfeld-CSIRT
BOARD = ("board@renkei-demo.example", "demo-board-pass")               # Bea Board, Wrenshire CSIRT; on the programme committee; second factor
SECRETARIAT = ("secretariat@renkei-demo.example", "demo-secretariat-pass")   # second factor
REP = ("rep@renkei-demo.example", "demo-rep-pass")                     # was at last year's conference, checked in
SIGCHAIR = ("sigchair@renkei-demo.example", "demo-sigchair-pass")      # a member who was not there

RUN = uuid.uuid4().hex[:8]
VISITOR_NAME = "Pia Visitor"
VISITOR_EMAIL = f"pia-{RUN}@university.example"
VISITOR_ORGANISATION = "Example University Hospital"
TALK_TITLE = f"Lateral movement in hospital networks {RUN}"
TALK_ABSTRACT = "How an intrusion moved from a guest Wi-Fi to the imaging archive, and what the responders saw at each hop."
SPEAKER = f"Kai Kestrel{RUN}"
TALK_SPEAKERS = f"{SPEAKER} (Lindenfeld CSIRT)\nMo Member (Lindenfeld CSIRT)"
REVIEW_COMMENT = f"Concrete and well scoped {RUN}"
ROOM = "Room 105"
MAIL_WAIT = 60

# Shared across the ordered steps below.
STATE: dict[str, str] = {}
# What the checks of each visited page found; asserted by the last step, so that a page that
# scrolls sideways or reads wrong does not stop the scenario before it has run.
LAYOUT_FAILURES: list[str] = []
PAGE_PROBLEMS: list[str] = []


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


@pytest.fixture(scope="module")
def browser(chrome_driver, server, screenshot_dir, authenticator):
    chrome_driver.delete_all_cookies()
    b = Browser(chrome_driver, server, screenshot_dir, authenticator)
    yield b
    print(f"\nbrowser screenshots: {screenshot_dir}")


def need(*keys: str):
    missing = [key for key in keys if not STATE.get(key)]
    if missing:
        pytest.fail(f"an earlier step did not get this far ({', '.join(missing)} unknown)")


def fits(browser, who: str):
    check_layout(browser, LAYOUT_FAILURES, who)


def sign_out(browser):
    browser.open("/events")
    browser.sign_out()
    assert browser.has("#sign-in-link") and not browser.has("#account-link"), "signed out"


def switch_to(browser, who):
    sign_out(browser)
    browser.sign_in(*who)


def session_of(browser) -> requests.Session:
    session = requests.Session()
    for cookie in browser.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    return session


def label_written_out(browser, element, label: str, where: str):
    """TLP 2.0 labels are written whole ("TLP:AMBER"), as everywhere else in Renkei."""
    text = element.text.strip()
    if text != label:
        PAGE_PROBLEMS.append(f"{where} {browser.driver.current_url}: the label reads {text!r}, not {label!r}")


def flash(browser) -> str:
    return browser.find("#flash").text.strip()


def text_of(delivery) -> str:
    return "\n".join(part.get_content() for part in delivery.message.walk() if part.get_content_type() == "text/plain")


def mail_to(relay, address: str, subject: str) -> list:
    relay.mailbox.wait_for(lambda ds: any(address in d.recipients and d.header("Subject") == subject for d in ds), timeout=MAIL_WAIT)
    return [d for d in relay.mailbox.to(address) if d.header("Subject") == subject]


def programme_rows(browser) -> dict[str, object]:
    """The programme's rows by session title."""
    return {row.find_element(browser.By.CSS_SELECTOR, ".session-title").text.strip(): row for row in browser.all("tr[id^='session-']")}


def submission_section(browser, title: str):
    # The heading is the label, then the title, then the state.
    sections = [s for s in browser.all("section.submission") if f" {title} " in f" {s.find_element(browser.By.CSS_SELECTOR, 'h2').text} "]
    assert len(sections) == 1, f"one submission titled {title!r} on the review page: {[s.find_element(browser.By.CSS_SELECTOR, 'h2').text for s in browser.all('section.submission')]}"
    return sections[0]


# (a) ------------------------------------------------------------------------------------------

def test_a_a_visitor_registers_by_the_link_in_their_mail(browser, server, relay):
    sign_out(browser)
    browser.driver.delete_all_cookies()
    browser.open("/events")
    browser.shot("events-visitor")
    fits(browser, "visitor")
    upcoming = browser.find("#upcoming-events").text
    assert TITLE in upcoming and "Technical Colloquium Singapore" in upcoming
    assert "CVSS SIG meeting" not in browser.text(), "a SIG's meeting is not announced to visitors"
    assert "Annual Conference (last year)" in browser.find("#past-events").text
    browser.click_and_wait(f"#upcoming-events a[href='/events/{SLUG}']")
    browser.wait_for_path(f"/events/{SLUG}")
    fits(browser, "visitor")
    assert browser.find("main h1").text.startswith(TITLE)
    assert browser.find("#event-fees").text.startswith("Member EUR 650; non-member EUR 950; speaker free")
    browser.fill({"#visitor-register-form #name": VISITOR_NAME, "#visitor-register-form #email": VISITOR_EMAIL,
                  "#visitor-register-form #organisation": VISITOR_ORGANISATION})
    browser.click_and_wait("#visitor-register-form #register")
    browser.wait_for_path(f"/events/{SLUG}")
    browser.shot("event-visitor-asked")
    assert flash(browser) == "Check your mail: the link we sent confirms the registration"
    assert not browser.has("#registration-state"), "nothing is registered before the link is opened"
    fits(browser, "visitor")

    mails = mail_to(relay, VISITOR_EMAIL, f"Confirm your registration: {TITLE}")
    assert len(mails) == 1, f"one confirmation mail to {VISITOR_EMAIL}; the relay has {[(d.recipients, d.header('Subject')) for d in relay.mailbox.all()]}"
    links = re.findall(re.escape(server.base_url) + r"/event-registrations/[A-Za-z0-9_-]{16,}", text_of(mails[0]))
    assert len(set(links)) == 1, text_of(mails[0])
    link = links[0].removeprefix(server.base_url)
    browser.open(link)
    browser.shot("event-link-confirm")
    fits(browser, "visitor")
    assert browser.find("main h1").text.strip() == TITLE
    assert f"Register {VISITOR_NAME} ({VISITOR_EMAIL}) for this event." in browser.find("#confirm-form").text
    assert not browser.has("#agreement"), "a visitor to an event open to anyone accepts no guest agreement"
    browser.click_and_wait("#confirm-registration")
    browser.wait_for_path(link)
    browser.shot("event-link-registered")
    assert flash(browser) == "You are registered"
    state = browser.find("#registration-state").text
    assert f"{VISITOR_NAME} ({VISITOR_EMAIL}): registered (Non-member)." in state, state
    assert "Fee EUR 950" in state, state
    assert re.fullmatch(r"RK-[0-9A-F]{4}-[0-9A-F]{8}", browser.find("#invoice-reference").text.strip())
    assert browser.has("#cancel-registration"), "the link manages the registration"
    fits(browser, "registered visitor")
    registered = mail_to(relay, VISITOR_EMAIL, f"Registered: {TITLE}")
    assert len(registered) == 1 and f"You are registered for {TITLE} (Non-member)." in text_of(registered[0])
    # The link shows the registration from now on, to a fresh browser as well.
    again = requests.get(server.url(link), timeout=30)
    assert again.status_code == 200 and "registered (Non-member)" in again.text
    STATE["visitor"] = "yes"


# (b) ------------------------------------------------------------------------------------------

def test_b_a_member_submits_a_talk_to_the_call(browser):
    switch_to(browser, MEMBER)
    browser.open(f"/events/{SLUG}")
    fits(browser, "member")
    assert browser.find("#cfp-link").get_attribute("href").endswith(f"/events/{SLUG}/cfp")
    assert not browser.has("#review-link"), "the member is not on the committee"
    browser.click_and_wait("#cfp-link")
    browser.wait_for_path(f"/events/{SLUG}/cfp")
    browser.shot("cfp-member")
    fits(browser, "member")
    assert "reviewers do not see who speaks" in browser.find("main").text
    assert not browser.has("#submission-form #email"), "a signed-in speaker is answered at their account's address"
    browser.fill({"#title": TALK_TITLE, "#abstract": TALK_ABSTRACT, "#speakers": TALK_SPEAKERS})
    Select(browser.find("#tlp")).select_by_visible_text("TLP:AMBER")      # options without a value attribute
    assert not browser.find("#recordingAllowed").is_selected()
    browser.click_and_wait("#submit-talk")
    browser.wait_for_path(f"/events/{SLUG}/cfp")
    browser.shot("cfp-submitted")
    assert flash(browser) == "Submitted: the committee's answer comes by mail"
    mine = [li for li in browser.all("#my-submissions + ul li") if TALK_TITLE in li.text]
    assert len(mine) == 1 and mine[0].text.strip().endswith(f"{TALK_TITLE}: Waiting for the committee"), browser.find("#my-submissions + ul").text
    label_written_out(browser, mine[0].find_element(browser.By.CSS_SELECTOR, ".tlp"), "TLP:AMBER", "member's submissions")
    fits(browser, "member")
    STATE["submitted"] = "yes"


# (c) ------------------------------------------------------------------------------------------

def test_c_the_committee_reviews_it_blind(browser):
    need("submitted")
    switch_to(browser, BOARD)
    browser.open(f"/events/{SLUG}")
    browser.click_and_wait("#review-link")
    browser.wait_for_path(f"/events/{SLUG}/review")
    browser.shot("review-committee")
    fits(browser, "committee")
    assert browser.find("#committee").text.strip() == "Programme committee: Bea Board, Chris Chair"
    assert not browser.has("#committee-tools"), "only the hosts choose the committee"
    section = submission_section(browser, TALK_TITLE)
    STATE["submission"] = section.get_attribute("id").removeprefix("submission-")
    assert re.fullmatch(r"[0-9a-f-]{36}", STATE["submission"])
    assert TALK_ABSTRACT in section.text and "No recording." in section.text
    label_written_out(browser, section.find_element(browser.By.CSS_SELECTOR, "h2 .tlp"), "TLP:AMBER", "committee's review")
    # Blind: no speaker and no contact address of any submission, anywhere on the page.
    assert not browser.has("section.submission .speakers"), "speakers shown to the committee under blind review"
    source = browser.driver.page_source
    for hidden in (SPEAKER, "Mo Member", "Jordan Lee", "Ana Souza", "Wanjiru Kamau", "Lindenfeld",
                   MEMBER[0], "jordan@renkei-demo.example", "ana@renkei-demo.example", "wanjiru@renkei-demo.example"):
        assert hidden not in source, f"the blind review page shows {hidden!r}"
    assert not section.find_elements(browser.By.CSS_SELECTOR, "button.accept"), "only the hosts accept"
    Select(section.find_element(browser.By.CSS_SELECTOR, "select[name=score]")).select_by_visible_text("4")
    section.find_element(browser.By.CSS_SELECTOR, "textarea[name=comment]").send_keys(REVIEW_COMMENT)
    click_element_and_wait(browser, section.find_element(browser.By.CSS_SELECTOR, "form.review-form button[type=submit]"))
    browser.shot("review-saved")
    assert browser.driver.current_url.endswith(f"/events/{SLUG}/review#submission-{STATE['submission']}"), browser.driver.current_url
    assert flash(browser) == "Review saved"
    section = submission_section(browser, TALK_TITLE)
    assert "Change my review (you gave 4)" in section.text
    # The form shows the review as saved, so that changing the comment does not change the score.
    score = Select(section.find_element(browser.By.CSS_SELECTOR, "select[name=score]")).first_selected_option.text.strip()
    if score != "4":
        PAGE_PROBLEMS.append(f"committee's review {browser.driver.current_url}: after a review scored 4 the score select shows {score}")
    assert section.find_element(browser.By.CSS_SELECTOR, "textarea[name=comment]").get_attribute("value") == REVIEW_COMMENT
    count = re.search(r"\d+ reviews?\.", section.text)
    if not count or count.group(0) != "1 review.":
        PAGE_PROBLEMS.append(f"committee's review {browser.driver.current_url}: the count of one review reads "
                             f"{count.group(0) if count else None!r}, not '1 review.'")
    fits(browser, "committee")
    STATE["reviewed"] = "yes"


# (d) ------------------------------------------------------------------------------------------

def test_d_the_secretariat_accepts_it_and_schedules_a_members_only_amber_session(browser, server, relay):
    need("submission", "reviewed")
    switch_to(browser, SECRETARIAT)
    browser.open(f"/events/{SLUG}/review")
    browser.shot("review-hosts")
    fits(browser, "secretariat")
    section = submission_section(browser, TALK_TITLE)
    assert section.get_attribute("id") == f"submission-{STATE['submission']}"
    # The hosts see who speaks, and the committee's reviews by name.
    speakers = section.find_element(browser.By.CSS_SELECTOR, ".speakers").text
    assert SPEAKER in speakers and MEMBER[0] in speakers, speakers
    assert f"Bea Board: 4 ({REVIEW_COMMENT})" in section.find_element(browser.By.CSS_SELECTOR, ".scores").text
    click_element_and_wait(browser, section.find_element(browser.By.CSS_SELECTOR, "button.accept"))
    browser.wait_for_path(f"/events/{SLUG}/review")
    assert flash(browser) == "Accepted: the speakers are told"
    section = submission_section(browser, TALK_TITLE)
    assert section.find_element(browser.By.CSS_SELECTOR, "h2").text.endswith(" Accepted")
    assert not section.find_elements(browser.By.CSS_SELECTOR, "button.accept, form.review-form"), "nothing left to decide or review"
    fits(browser, "secretariat")
    # The speaker has an account without a key: the decision comes as a pointer to the web; the
    # talk's title (it may carry its label) stays out of the mail.
    told = mail_to(relay, MEMBER[0], "Renkei: talk accepted (TLP:AMBER)")
    assert len(told) == 1, [d.header("Subject") for d in relay.mailbox.to(MEMBER[0])]
    assert TALK_TITLE.encode() not in told[0].raw, "the title is not in a mail sent in clear"

    # Into the programme: the third day, 11:00 to 11:45 in Toronto.
    starts = requests.get(server.url(f"/api/v1/events/{SLUG}"), timeout=30).json()["event"]["startsAt"]
    first_day = datetime.datetime.fromisoformat(starts.replace("Z", "+00:00")).astimezone(zoneinfo.ZoneInfo(ZONE)).date()
    day = (first_day + datetime.timedelta(days=2)).isoformat()
    browser.open(f"/events/{SLUG}")
    browser.shot("event-hosts")
    fits(browser, "secretariat")
    assert browser.has("#host-tools") and browser.has("#attendees-link") and browser.has("#review-link")
    assert not browser.has("#publish-programme"), "the demo's programme is published already"
    Select(browser.find("#submission")).select_by_value(STATE["submission"])
    browser.fill({"#session-room": ROOM, "#session-starts": f"{day}T11:00", "#session-ends": f"{day}T11:45", "#session-audience": "members"})
    Select(browser.find("#session-tlp")).select_by_visible_text("TLP:AMBER")
    browser.click_and_wait("#add-session")
    browser.shot("event-session-added")
    assert browser.driver.current_url.endswith(f"/events/{SLUG}#programme"), browser.driver.current_url
    assert flash(browser) == "Session added"
    rows = programme_rows(browser)
    assert TALK_TITLE in rows, f"the programme shows the new session: {sorted(rows)}"
    row = rows[TALK_TITLE]
    STATE["session"] = row.get_attribute("id").removeprefix("session-")
    cells = row.find_elements(browser.By.CSS_SELECTOR, "td")
    assert cells[0].text.strip() == "11:00–11:45"
    assert "Members only · no photos, no recording" in cells[1].text, cells[1].text
    assert SPEAKER in cells[1].text, "the programme names the speakers"
    assert cells[2].text.strip() == ROOM
    assert cells[1].find_element(browser.By.CSS_SELECTOR, ".tlp").text.strip() == "TLP:AMBER" and cells[1].find_elements(browser.By.CSS_SELECTOR, ".tlp-amber")
    assert {OPEN_SESSION, MEMBERS_SESSION, TALK_TITLE} <= set(rows)
    fits(browser, "secretariat")
    # The attendee list has the visitor, as a non-member.
    browser.click_and_wait("#attendees-link")
    browser.wait_for_path(f"/events/{SLUG}/attendees")
    browser.shot("attendees")
    fits(browser, "secretariat")
    visitor = [r for r in browser.all("#attendees tbody tr") if r.find_elements(browser.By.CSS_SELECTOR, "td")[0].text.strip() == VISITOR_NAME]
    assert len(visitor) == 1 and re.fullmatch(r"attendee-[0-9a-f-]{36}", visitor[0].get_attribute("id"))
    assert [td.text.strip() for td in visitor[0].find_elements(browser.By.CSS_SELECTOR, "td")[1:4]] == [VISITOR_ORGANISATION, "Non-member", "Registered"]


# (e) ------------------------------------------------------------------------------------------

def test_e_a_visitor_sees_the_open_session_and_no_members_only_one(browser, server):
    need("session")
    sign_out(browser)
    browser.open(f"/events/{SLUG}")
    browser.shot("event-visitor-programme")
    fits(browser, "visitor")
    rows = programme_rows(browser)
    assert sorted(rows) == [OPEN_SESSION], f"a visitor sees the open session only: {sorted(rows)}"
    source = browser.driver.page_source
    for hidden in (MEMBERS_SESSION, TALK_TITLE, SPEAKER, STATE["session"]):
        assert hidden not in source, f"a visitor's programme shows {hidden!r}"
    assert not browser.has("#host-tools") and not browser.has("#review-link") and not browser.has("#attendees-link")
    # Nor through the other channels.
    api = requests.get(server.url(f"/api/v1/events/{SLUG}"), timeout=30)
    assert [s["title"] for s in api.json()["sessions"]] == [OPEN_SESSION]
    assert TALK_TITLE not in api.text and STATE["session"] not in api.text
    calendar = requests.get(server.url(f"/events/{SLUG}.ics"), timeout=30).text
    assert TALK_TITLE not in calendar and STATE["session"] not in calendar and "botnet" not in calendar


def test_e2_the_hosts_pages_ask_a_visitor_to_sign_in(server):
    """A visitor who follows a link to a page for signed-in people (the guest list's is mailed to
    the teams taking part) is asked to sign in and brought back, as on the review page."""
    wrong = []
    for path in (f"/events/{SLUG}/review", f"/events/{SLUG}/attendees", "/events/tc-nairobi/guests", "/account/events"):
        response = requests.get(server.url(path), timeout=30, allow_redirects=False)
        if (response.status_code, response.headers.get("Location")) != (303, f"/sign-in?next={path}"):
            wrong.append(f"{path}: HTTP {response.status_code} {response.headers.get('Location') or ''}")
    assert not wrong, "a visitor is not sent to sign in:\n" + "\n".join(wrong)


# (f) ------------------------------------------------------------------------------------------

def test_f_last_years_amber_slides_go_to_who_was_there_only(browser, server, authenticator):
    switch_to(browser, MEMBER)
    # This year's new session, with the upload form for its speaker.
    browser.open(f"/events/{SLUG}")
    rows = programme_rows(browser)
    assert {OPEN_SESSION, MEMBERS_SESSION, TALK_TITLE} <= set(rows), sorted(rows)
    assert rows[TALK_TITLE].find_elements(browser.By.CSS_SELECTOR, "input[type=file][name=file]"), "the speaker may upload slides"
    fits(browser, "member")

    browser.open(f"/events/{LAST_YEAR}")
    browser.shot("last-year-member")
    fits(browser, "member")
    assert "You are registered (Member)" in browser.find("#registration-state").text
    row = programme_rows(browser)[AMBER_TALK]
    assert "TLP:AMBER" in row.text and "Members only" in row.text
    href = row.find_element(browser.By.CSS_SELECTOR, "a.slides-link").get_attribute("href")
    path = href.removeprefix(server.base_url)
    assert re.fullmatch(rf"/events/{LAST_YEAR}/sessions/[0-9a-f-]{{36}}/slides", path), path
    download = session_of(browser).get(href, timeout=30)
    assert download.status_code == 200, download.status_code
    assert download.headers["Content-Disposition"].startswith("attachment") and "Inside a ransomware negotiation (TLP:AMBER).md" in download.headers["Content-Disposition"], "the file is named after the talk and its label"
    assert download.headers["Content-Type"].startswith("application/octet-stream"), "served as a download, never rendered"
    assert "no-store" in download.headers["Cache-Control"]
    assert f"# {AMBER_TALK}" in download.text and "TLP:AMBER" in download.text

    # Someone else who was there (checked in), not the speaker.
    rep = requests.Session()
    sign_in_http(rep, server, *REP, authenticator)
    assert rep.get(href, timeout=30).status_code == 200, "rep@ was at last year's conference"
    # A member who was not there sees the session, but neither the link nor the slides.
    absent = requests.Session()
    sign_in_http(absent, server, *SIGCHAIR, authenticator)
    page = absent.get(server.url(f"/events/{LAST_YEAR}"), timeout=30).text
    assert AMBER_TALK in page and path not in page, "no slides link for who was not there"
    refused = absent.get(href, timeout=30)
    assert refused.status_code == 404, f"sigchair@ was not at last year's conference: HTTP {refused.status_code}"
    assert f"# {AMBER_TALK}" not in refused.text
    # A visitor neither.
    anonymous = requests.get(href, timeout=30)
    assert anonymous.status_code == 404 and f"# {AMBER_TALK}" not in anonymous.text
    STATE["slides"] = "yes"


# (g) ------------------------------------------------------------------------------------------

def test_g_every_event_page_fits_a_phone_and_a_laptop(browser):
    """The checks of every page visited above (390×844 and 1366×768: no sideways scrolling, a
    header of at most a fifth of the screen; TLP labels written whole; the review form as saved)."""
    assert STATE.get("visitor"), "no event page was checked"
    assert not LAYOUT_FAILURES and not PAGE_PROBLEMS, "\n".join(LAYOUT_FAILURES + PAGE_PROBLEMS)
