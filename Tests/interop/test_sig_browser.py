"""A Special Interest Group's life in a real browser (headless Chromium through Selenium).

The steps run in file order against one fresh demo server of their own, because they change
data: a member proposes a SIG (a refused empty mission first) → the board approves the charter
→ the member joins and the board records them as the elected chair → the chair shares an
item with the SIG and invites a guest from outside the membership, who accepts the TLP
agreement → the guest reads the SIG and nothing else → a member outside the SIG finds nothing
of it, on no channel. Every SIG page on the way is checked at a phone's and a laptop's size.

Screenshots of each step go to a temporary directory (or RENKEI_SCREENSHOTS), never the repo.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlparse

import pytest
import requests
from selenium.webdriver.support.ui import Select

from conftest import Browser
from test_browser import check_layout

MEMBER = ("member@renkei-demo.example", "demo-member-pass")      # Mo Member, Lindenfeld-CSIRT
MEMBER_NAME = "Mo Member"
MEMBER_TEAM = "Lindenfeld-CSIRT"
BOARD = ("board@renkei-demo.example", "demo-board-pass")          # Bea Board: signs in with a second factor
BOARD_NAME = "Bea Board"
REP = ("rep@renkei-demo.example", "demo-rep-pass")                # Lindenfeld-CSIRT too, but not in the new SIG

RUN = uuid.uuid4().hex[:8]
SLUG = f"kestrel-{RUN}"
NAME = f"Kestrel Watch {RUN}"
CHARTER = {
    "#mission": "Watch for credential phishing kits aimed at member constituencies. Share kit fingerprints and takedown paths.",
    "#scope": "Phishing kits, their hosting and their panels; not the handling of single incidents.",
    "#deliverables": "A kit fingerprint catalogue, a takedown contact sheet, a yearly report.",
    "#decisionMaking": "Rough consensus on the list; chairs elected by the participants for two years.",
}
DEFAULT_LABEL = "TLP:GREEN"
ITEM_WORD = f"Quillfeather{RUN}"
ITEM_TITLE = f"{ITEM_WORD} kit seen on three hosts"
GUEST_EMAIL = f"officer-{RUN}@police.example"
GUEST_NAME = "Olga Officer"
GUEST_PASSWORD = f"guest-pass-{RUN}-long"

# Shared across the ordered steps below.
STATE: dict[str, str] = {}
# What the checks of each visited page found; asserted by the last step, so that a page that
# scrolls sideways does not stop the scenario before it has run.
LAYOUT_FAILURES: list[str] = []
TEXT_PROBLEMS: list[str] = []


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory()


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


def switch_to(browser, who):
    browser.open("/sigs")
    browser.sign_out()
    assert not browser.has("#account-link"), "signed out"
    browser.sign_in(*who)


def sign_out(browser):
    browser.open("/sigs")
    browser.sign_out()
    assert browser.has("#sign-in-link") and not browser.has("#account-link"), "signed out"


def fits(browser, who: str):
    """The open page at a phone's and a laptop's size, and its text."""
    check_layout(browser, LAYOUT_FAILURES, who)
    text = browser.text()
    if "UTC UTC" in text:
        line = next(line for line in text.splitlines() if "UTC UTC" in line)
        TEXT_PROBLEMS.append(f"{who} {browser.driver.current_url}: says “UTC UTC”: {line.strip()[:200]}")


def click_element_and_wait(browser, element, timeout=15):
    """Like Browser.click_and_wait, for an element found by other means than one selector."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    old = browser.find("html")
    element.click()

    def old_page_gone(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(browser.driver, timeout).until(old_page_gone)
    browser.no_error_page()


def session_of(browser) -> requests.Session:
    session = requests.Session()
    for cookie in browser.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    return session


def years_ahead(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:          # 29 February: the calendar's month arithmetic lands on the 28th
        return day.replace(year=day.year + years, day=28)


def today() -> date:
    return datetime.now(timezone.utc).date()


def item_links(browser) -> list[str]:
    return [re.search(r"/items/[0-9A-Fa-f-]{36}$", a.get_attribute("href")).group(0)
            for a in browser.all("#items tbody a[href]") if re.search(r"/items/[0-9A-Fa-f-]{36}$", a.get_attribute("href"))]


def shows_404(browser) -> bool:
    heading = browser.all("main h1")
    return bool(heading) and heading[0].text.startswith("404")


# (a) ------------------------------------------------------------------------------------------

def test_a_member_proposes_a_sig_which_visitors_cannot_find(browser, server):
    switch_to(browser, MEMBER)
    browser.open("/sigs")
    fits(browser, "member")
    browser.click_and_wait("#propose-sig-link")
    browser.wait_for_path("/sigs/new")
    fits(browser, "member")
    browser.shot("sig-propose-form")
    # Every charter field but the mission; the form checks nothing itself (novalidate).
    browser.fill({"#name": NAME, "#slug": SLUG, **{css: value for css, value in CHARTER.items() if css != "#mission"},
                  "#defaultLabel": DEFAULT_LABEL})
    browser.find("input[name='joining'][value='open']").click()
    assert not browser.find("#chairsAppointedByBoard").is_selected()
    browser.click_and_wait("#sig-submit")
    browser.shot("sig-propose-empty-mission")
    assert browser.driver.current_url.split("?")[0].endswith("/sigs"), browser.driver.current_url
    summary = browser.find("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.find_element(browser.By.CSS_SELECTOR, "h2").text.strip() == "Nothing was proposed: 1 problem to correct"
    links = summary.find_elements(browser.By.CSS_SELECTOR, "a")
    assert [a.get_attribute("href").split("#", 1)[1] for a in links] == ["mission"], [a.get_attribute("href") for a in links]
    assert links[0].text.strip() == "Say what the mission is."
    mission = browser.find("#mission")
    assert browser.find("#mission-error").text.strip() == "Say what the mission is."
    assert mission.get_attribute("aria-invalid") == "true" and mission.get_attribute("aria-describedby") == "mission-error"
    assert "invalid" in browser.find("#mission").find_element(browser.By.XPATH, "..").get_attribute("class")
    for css in ("#name", "#slug", "#scope", "#deliverables", "#decisionMaking"):
        assert not browser.has(css + "-error"), f"{css} has an error of its own"
    # What was typed stays, so that only the mission needs writing.
    assert browser.find("#name").get_attribute("value") == NAME
    assert browser.find("#slug").get_attribute("value") == SLUG
    for css, value in CHARTER.items():
        if css != "#mission":
            assert browser.find(css).get_attribute("value") == value, css
    assert Select(browser.find("#defaultLabel")).first_selected_option.get_attribute("value") == DEFAULT_LABEL
    assert browser.find("input[name='joining'][value='open']").is_selected()
    assert not browser.find("#chairsAppointedByBoard").is_selected()
    fits(browser, "member")
    links[0].click()
    assert browser.driver.current_url.endswith("#mission")

    browser.fill({"#mission": CHARTER["#mission"]})
    browser.click_and_wait("#sig-submit")
    browser.wait_for_path(f"/sigs/{SLUG}")
    browser.shot("sig-proposed")
    assert not browser.has("#error-summary")
    assert browser.find("#flash").text.strip() == "Proposed: the board decides on the charter"
    assert browser.find("main h1").text.strip() == f"{NAME} Proposed"
    assert browser.find("#sig-status").text.strip() == "Proposed"
    assert browser.has("#sig-proposed")
    assert browser.find("#sig-mission").text.strip() == CHARTER["#mission"]
    main = browser.find("main").text
    for css in ("#scope", "#deliverables", "#decisionMaking"):
        assert CHARTER[css] in main, css
    assert "People of member teams join at once." in main and "The participants elect the chairs, for two years." in main
    assert browser.find("#sig-chairs").text.strip() == "none yet"
    assert browser.find("#sig-facts .tlp").text.strip() == DEFAULT_LABEL
    assert "Charter approved\nnot yet" in browser.find("#sig-facts").text
    assert not browser.has("#join-sig"), "nobody joins before the board approves the charter"
    STATE["proposed"] = "yes"
    fits(browser, "member")

    # People of member teams see it among the proposals, with the mission's first sentence.
    browser.open("/sigs")
    proposed = browser.find("#proposed-sigs").text
    assert f"{NAME}: Watch for credential phishing kits aimed at member constituencies." in proposed, proposed
    assert browser.has(f"#proposed-sigs a[href$='/sigs/{SLUG}']")

    # A visitor neither finds it listed nor opens it: the same 404 as for a SIG that does not exist.
    sign_out(browser)
    browser.open("/sigs")
    fits(browser, "visitor")
    assert NAME not in browser.text()
    assert not browser.has(f"a[href$='/sigs/{SLUG}']")
    browser.open(f"/sigs/{SLUG}", error_page_ok=True)
    browser.shot("sig-proposed-anonymous")
    assert shows_404(browser), browser.find("main").text[:300]
    assert NAME not in browser.text() and CHARTER["#mission"] not in browser.driver.page_source
    real = requests.get(server.url(f"/sigs/{SLUG}"), timeout=30)
    made_up = f"kestrel-{uuid.uuid4().hex[:8]}"
    fake = requests.get(server.url(f"/sigs/{made_up}"), timeout=30)
    assert real.status_code == fake.status_code == 404
    assert real.text.replace(SLUG, "") == fake.text.replace(made_up, ""), "a proposed SIG answers as one that does not exist"
    api = requests.get(server.url("/api/v1/sigs"), timeout=30)
    assert api.status_code == 200 and SLUG not in api.text


# (b) ------------------------------------------------------------------------------------------

def participant_row(browser, name):
    for row in browser.all("#sig-participants tbody tr"):
        cells = row.find_elements(browser.By.CSS_SELECTOR, "td")
        if cells and cells[0].text.strip() == name:
            return row
    return None


def test_b_the_board_charters_it_and_records_the_elected_chair(browser, server):
    need("proposed")
    switch_to(browser, BOARD)
    browser.open(f"/sigs/{SLUG}")
    browser.shot("sig-board-view")
    fits(browser, "board")
    assert browser.has("#board-tools")
    liaison = Select(browser.find("#liaison"))
    assert BOARD[0] in [option.get_attribute("value") for option in liaison.options]
    liaison.select_by_value(BOARD[0])
    assert browser.find("#approve-charter-submit").text.strip() == "Approve the charter"
    browser.click_and_wait("#approve-charter-submit")
    browser.wait_for_path(f"/sigs/{SLUG}")
    browser.shot("sig-chartered")
    approved, due = today(), years_ahead(today(), 2)
    assert browser.find("#flash").text.strip() == f"The charter is approved until {due.isoformat()}"
    assert browser.find("#sig-status").text.strip() == "Chartered"
    assert not browser.has("#sig-proposed")
    facts = browser.find("#sig-facts").text
    assert f"Charter approved\n{approved.isoformat()}, due again {due.isoformat()}" in facts, facts
    assert f"Board liaison\n{BOARD_NAME}" in facts, facts
    assert browser.find("#sig-chairs").text.strip() == "none yet"
    assert browser.find("#approve-charter-submit").text.strip() == "Approve for two more years"
    fits(browser, "board")
    # Chartered SIGs are listed for everyone, with the date the charter is due.
    visitor = requests.get(server.url("/sigs"), timeout=30).text
    row = re.search(rf'<tr><td><a href="/sigs/{SLUG}">{re.escape(NAME)}</a>.*?</tr>', visitor, re.S)
    assert row and "Chartered" in row.group(0) and due.isoformat() in row.group(0), "a visitor finds the chartered SIG on /sigs"

    # The member joins (the charter says: at once).
    switch_to(browser, MEMBER)
    browser.open(f"/sigs/{SLUG}")
    assert browser.find("#join-sig").text.strip() == "Join"
    browser.click_and_wait("#join-sig")
    browser.wait_for_path(f"/sigs/{SLUG}")
    assert browser.find("#flash").text.strip() == "You take part now; the SIG's list reaches you"
    assert browser.find("#my-participation p").text.strip() == "You take part."
    assert browser.find("#sig-size").text.strip() == "1"
    assert participant_row(browser, MEMBER_NAME) is not None
    assert not browser.has("#invite-guest"), "only a chair invites guests"
    browser.shot("sig-joined")
    fits(browser, "participant")

    # The board records the participants' election of the member as chair, on the participants
    # table, which it sees without taking part in the SIG.
    switch_to(browser, BOARD)
    browser.open(f"/sigs/{SLUG}")
    assert not browser.has("#leave-sig") and not browser.has("#my-participation p:not(.hint)"), "the board does not take part"
    assert not browser.has("#sig-items"), "the board does not read the SIG's space without taking part"
    row = participant_row(browser, MEMBER_NAME)
    assert row is not None, "the board sees the participants table without joining"
    assert browser.find("#sig-participants thead").text.strip().endswith("Board's steps")
    buttons = [b for b in row.find_elements(browser.By.CSS_SELECTOR, "button") if b.text.strip() == "Record as elected chair"]
    assert buttons, row.text
    click_element_and_wait(browser, buttons[0])
    assert urlparse(browser.driver.current_url).path == f"/sigs/{SLUG}", browser.driver.current_url
    browser.shot("sig-active")
    chair_until = years_ahead(today(), 2).isoformat()
    assert browser.find("#flash").text.strip() == f"Chair until {chair_until}"
    assert browser.find("#sig-status").text.strip() == "Active"
    assert browser.find("#sig-chairs").text.strip() == f"{MEMBER_NAME} ({MEMBER_TEAM}), until {chair_until}"
    row = participant_row(browser, MEMBER_NAME)
    assert row.find_elements(browser.By.CSS_SELECTOR, "td")[2].text.strip() == f"chair until {chair_until}"
    assert browser.find("#sig-size").text.strip() == "1", "the board recorded the chair without joining"
    fits(browser, "board")
    STATE["active"] = "yes"
    visitor = requests.get(server.url("/sigs"), timeout=30).text
    row = re.search(rf'<tr><td><a href="/sigs/{SLUG}">{re.escape(NAME)}</a>.*?</tr>', visitor, re.S)
    assert row and "Active" in row.group(0) and MEMBER_NAME in row.group(0), "the list names the chair"


# (c) ------------------------------------------------------------------------------------------

def test_c_the_chair_shares_an_amber_item_with_the_sig(browser, server):
    need("active")
    switch_to(browser, MEMBER)
    # A TLP:AMBER item of the demo shared with the whole community, for the guest's and the
    # outsider's checks: the member reads it.
    browser.open("/items")
    amber = []
    for row in browser.all("#items tbody tr"):
        if row.find_elements(browser.By.CSS_SELECTOR, "span.tlp-amber"):
            amber += [a.get_attribute("href") for a in row.find_elements(browser.By.CSS_SELECTOR, "a[href*='/items/']")]
    for href in amber:
        browser.open(href.replace(server.base_url, ""))
        if browser.find("#item .meta").text.endswith("shared with the whole community"):
            STATE["community_amber"] = re.search(r"/items/[0-9A-Fa-f-]{36}$", href).group(0)
            STATE["community_amber_title"] = browser.find("#item-title").text.strip()
            break
    need("community_amber")

    browser.open(f"/sigs/{SLUG}")
    assert browser.find("#my-participation p").text.strip() == "You take part, and chair it."
    assert browser.find("#share-in-sig").get_attribute("href").endswith(f"/items/new?sig={SLUG}")
    browser.click_and_wait("#share-in-sig")
    assert browser.driver.current_url.endswith(f"/items/new?sig={SLUG}"), browser.driver.current_url
    browser.shot("sig-share-form")
    # The SIG and its default label come pre-selected.
    assert browser.find("input[name='audience'][value='sig']").is_selected()
    chosen = Select(browser.find("#sig")).first_selected_option
    assert chosen.get_attribute("value") == SLUG and chosen.text.strip() == f"{NAME} (default {DEFAULT_LABEL})", chosen.text
    assert Select(browser.find("#tlp")).first_selected_option.get_attribute("value") == DEFAULT_LABEL
    browser.fill({"#title": ITEM_TITLE, "#body": f"{ITEM_WORD} panels answer on 198.51.100.23 and 198.51.100.24.", "#tlp": "TLP:AMBER"})
    browser.click_and_wait("#item-submit")
    browser.shot("sig-item-shared")
    assert browser.find("#flash").text.strip() == "Shared with the SIG's participants"
    assert browser.find("#item-title").text.strip() == ITEM_TITLE
    assert browser.find("#item-tlp").text.strip() == "TLP:AMBER"
    assert browser.find("#item .meta").text.endswith(f"shared with the {NAME} SIG"), browser.find("#item .meta").text
    STATE["item"] = re.search(r"/items/[0-9A-Fa-f-]{36}$", browser.driver.current_url.split("?")[0]).group(0)
    # The SIG's page lists it; the chair's own search finds it (the outsider's must not).
    browser.open(f"/sigs/{SLUG}")
    assert browser.has(f"#sig-items a[href$='{STATE['item']}']")
    fits(browser, "chair")
    browser.open(f"/items?q={ITEM_WORD}")
    assert STATE["item"] in item_links(browser)


# (d) ------------------------------------------------------------------------------------------

def test_d_the_chair_invites_a_guest_who_accepts_the_tlp_agreement(browser, server):
    need("active")
    switch_to(browser, MEMBER)
    browser.open(f"/sigs/{SLUG}")
    browser.find("#invite-guest summary").click()
    browser.fill({"#guest-email": GUEST_EMAIL})
    browser.shot("sig-invite-guest")
    browser.click_and_wait("#invite-guest-submit")
    browser.shot("sig-guest-invited")
    assert browser.find("main h1").text.strip() == "Guest invited"
    assert browser.find("#guest-email").text.strip() == GUEST_EMAIL
    link = browser.find("#guest-link").text.strip()
    assert re.fullmatch(re.escape(server.base_url) + r"/sig-invitations/[A-Za-z0-9_-]{16,}", link), link
    fits(browser, "chair")
    STATE["invitation"] = link

    # A fresh browser session: nobody signed in.
    sign_out(browser)
    browser.driver.delete_all_cookies()
    browser.open(link.replace(server.base_url, ""))
    browser.shot("sig-invitation")
    assert browser.find("main h1").text.strip() == f"Take part in {NAME} as a guest"
    assert browser.find("#invited-email").text.strip() == GUEST_EMAIL
    expires = browser.find("#invitation-expires").text.strip()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", expires), expires
    assert expires[:10] in {(today() + timedelta(days=14)).isoformat(), (today() + timedelta(days=15)).isoformat()}, expires
    agreement = browser.find("#tlp-agreement").text
    assert f"I will handle everything I read in the {NAME} Special Interest Group under the Traffic Light Protocol (TLP 2.0)" in agreement, agreement
    assert "TLP:AMBER+STRICT stays within my own organisation" in agreement, agreement
    assert not browser.find("#agreement").is_selected()
    fits(browser, "invited guest")
    # Without ticking the agreement (the browser would insist: take its `required` away).
    browser.fill({"#displayName": GUEST_NAME, "#password": GUEST_PASSWORD})
    browser.driver.execute_script("document.getElementById('agreement').removeAttribute('required');")
    browser.click_and_wait("#accept-sig-invitation-submit")
    browser.shot("sig-invitation-no-agreement")
    assert browser.find("#invitation-error").text.strip() == f"Accept the TLP agreement to take part in {NAME}."
    assert browser.find("#invitation-error").get_attribute("role") == "alert"
    assert browser.has("#sign-in-link") and not browser.has("#account-link"), "no account, no session"
    assert browser.find("#displayName").get_attribute("value") == GUEST_NAME, "the name typed stays"
    assert browser.has("#tlp-agreement")
    fits(browser, "invited guest")
    # Now with the box ticked.
    browser.fill({"#password": GUEST_PASSWORD})
    browser.find("#agreement").click()
    assert browser.find("#agreement").is_selected()
    browser.click_and_wait("#accept-sig-invitation-submit")
    browser.wait_for_path(f"/sigs/{SLUG}")
    browser.shot("sig-guest-welcome")
    assert browser.find("#flash").text.strip() == f"Welcome to {NAME}: you take part as a guest"
    assert browser.find("#account-link").text.strip() == GUEST_NAME
    assert browser.find("#my-participation p").text.strip() == "You take part as a guest."
    assert browser.find("#sig-size").text.strip() == "2"
    row = participant_row(browser, GUEST_NAME)
    assert row is not None and row.find_elements(browser.By.CSS_SELECTOR, "td")[1].text.strip() == "guest"
    fits(browser, "guest")
    STATE["guest"] = "yes"
    # The link works once.
    again = requests.get(link, timeout=30)
    assert again.status_code == 404, again.status_code


# (e) ------------------------------------------------------------------------------------------

def test_e_the_guest_reads_the_sig_and_nothing_else(browser, server):
    need("guest", "item", "community_amber")
    if not browser.has("#account-link"):
        browser.sign_in(GUEST_EMAIL, GUEST_PASSWORD)
    browser.open(STATE["item"])
    browser.shot("sig-item-as-guest")
    assert browser.find("#item-title").text.strip() == ITEM_TITLE
    assert browser.find("#item-tlp").text.strip() == "TLP:AMBER"
    assert session_of(browser).get(server.url(STATE["item"]), timeout=30, allow_redirects=False).status_code == 200
    browser.open(f"/sigs/{SLUG}")
    assert browser.has(f"#sig-items a[href$='{STATE['item']}']")
    assert ITEM_TITLE in browser.find("#sig-items").text
    fits(browser, "guest")
    # A community TLP:AMBER item is not for guests.
    browser.open(STATE["community_amber"], error_page_ok=True)
    browser.shot("community-item-as-guest")
    assert shows_404(browser), browser.find("main").text[:300]
    assert STATE["community_amber_title"] not in browser.text()
    assert session_of(browser).get(server.url(STATE["community_amber"]), timeout=30, allow_redirects=False).status_code == 404
    # The list of what is shared: what a visitor sees (TLP:CLEAR) and the SIG's item, nothing more.
    browser.open("/items")
    browser.shot("items-as-guest")
    listed = set(item_links(browser))
    public = set(re.findall(r'<a href="(/items/[0-9A-Fa-f-]{36})"', requests.get(server.url("/items"), timeout=30).text))
    assert STATE["item"] in listed
    assert STATE["community_amber"] not in listed
    assert listed - public == {STATE["item"]}, f"a guest sees more than the SIG's item and the public ones: {sorted(listed - public)}"
    labels = {row.find_element(browser.By.CSS_SELECTOR, ".tlp").text.strip()
              for row in browser.all("#items tbody tr") if STATE["item"] not in row.get_attribute("innerHTML")}
    assert labels <= {"TLP:CLEAR"}, labels
    # Other SIGs show their public charter only.
    browser.open("/sigs/abuse-handling")
    assert not browser.has("#sig-items") and not browser.has("#items")
    # A guest is of no member team, so proposes no SIG: no link to the form, and the form refuses.
    browser.open("/sigs")
    assert not browser.has("#propose-sig-link"), "only people of member teams are offered the proposal form"
    browser.open("/sigs/new", error_page_ok=True)
    assert browser.find("main h1").text.startswith("403"), browser.find("main").text[:300]
    assert not browser.has("#sig-form")


# (f) ------------------------------------------------------------------------------------------

def test_f_a_member_outside_the_sig_finds_its_item_nowhere(browser, server):
    need("item", "community_amber")
    switch_to(browser, REP)
    item = STATE["item"]
    browser.open(item, error_page_ok=True)
    browser.shot("sig-item-as-outsider")
    assert shows_404(browser), browser.find("main").text[:300]
    assert ITEM_TITLE not in browser.text()
    assert session_of(browser).get(server.url(item), timeout=30, allow_redirects=False).status_code == 404
    # Search: nothing (the query itself is echoed; no row).
    browser.open(f"/items?q={ITEM_WORD}")
    assert item not in item_links(browser) and not browser.has("#items")
    assert ITEM_TITLE not in browser.find("main").text
    # The list without a query neither.
    browser.open("/items")
    assert item not in item_links(browser) and ITEM_TITLE not in browser.text()
    # The SIG's page: the charter, no "Shared with the SIG" list.
    browser.open(f"/sigs/{SLUG}")
    browser.shot("sig-as-outsider")
    assert browser.find("#sig-mission").text.strip() == CHARTER["#mission"]
    assert not browser.has("#items") and not browser.has("#sig-items")
    assert "Shared with the SIG" not in browser.text()
    assert ITEM_TITLE not in browser.driver.page_source and item not in browser.driver.page_source
    assert browser.find("#join-sig").text.strip() == "Join", "a member of a member team may join"
    fits(browser, "outsider")
    # The member feed and the API, with a token made on the account page.
    browser.open("/account")
    browser.fill({"#token-name": "sig check"})
    browser.click_and_wait("#create-token")
    token = browser.find("#new-token").text.strip()
    assert token
    feed = requests.get(server.url("/feeds/items.atom"), params={"token": token}, timeout=30)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("application/atom+xml")
    community_id = STATE["community_amber"].rsplit("/", 1)[1].lower()
    assert f"urn:uuid:{community_id}" in feed.text, "the feed carries what the member reads"
    assert ITEM_WORD not in feed.text and item.rsplit("/", 1)[1].lower() not in feed.text.lower()
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(server.url("/api/v1" + STATE["community_amber"]), headers=bearer, timeout=30).status_code == 200
    api = requests.get(server.url("/api/v1" + item), headers=bearer, timeout=30)
    assert api.status_code == 404, api.status_code
    assert ITEM_WORD not in api.text
    listed = requests.get(server.url("/api/v1/items"), params={"q": ITEM_WORD}, headers=bearer, timeout=30)
    assert listed.status_code == 200 and listed.json()["items"] == []


# (g) ------------------------------------------------------------------------------------------

def test_g_every_sig_page_fits_a_phone_and_a_laptop_and_reads_right(browser):
    """The checks of every page visited above (390×844 and 1366×768: no sideways scrolling, a
    header of at most a fifth of the screen; no doubled words in the text)."""
    assert LAYOUT_FAILURES or TEXT_PROBLEMS or STATE.get("proposed"), "no SIG page was checked"
    assert not LAYOUT_FAILURES and not TEXT_PROBLEMS, "\n".join(LAYOUT_FAILURES + TEXT_PROBLEMS)
