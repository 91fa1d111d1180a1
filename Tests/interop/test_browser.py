"""A representative's day in a real browser (headless Chromium through Selenium).

The steps run in file order against one fresh demo server of their own, because they change
data: anonymous visit → sign in → edit → directory search → invalid edit → forbidden edit →
sign out and check that nothing members-only leaked.

Screenshots of each step go to a temporary directory (or RENKEI_SCREENSHOTS), never the repo.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from conftest import Browser

SLUG = "lindenfeld-csirt"
OTHER_SLUG = "wrenshire-csirt"
REP_EMAIL = "rep@renkei-demo.example"
REP_PASSWORD = "demo-rep-pass"
REP_NAME = "Rene Representative"

# Shared across the ordered steps below.
STATE: dict[str, str] = {
    "emergency": f"Duty officer via +49 30 5555 0199, ref {uuid.uuid4().hex[:10]}",
    "phone": "+49 30 5555 0177",
}


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory()


@pytest.fixture(scope="module")
def browser(chrome_driver, server, screenshot_dir):
    b = Browser(chrome_driver, server, screenshot_dir)
    yield b
    print(f"\nbrowser screenshots: {screenshot_dir}")


def sign_in(browser):
    if browser.open(f"/teams/{SLUG}").has("#account-link"):
        return
    browser.sign_in(REP_EMAIL, REP_PASSWORD)
    assert browser.wait_for("#account-link").text.strip() == REP_NAME


# (a) ------------------------------------------------------------------------------------------

def test_a_anonymous_visitor_sees_public_fields_only(browser):
    browser.open(f"/teams/{SLUG}")
    browser.shot("anonymous-team-page")
    assert browser.find("#team-name").text.strip() == "Lindenfeld-CSIRT"
    assert browser.has("#sign-in-link") and not browser.has("#account-link")
    assert browser.find("#members-only-notice").is_displayed()
    assert browser.has("#field-email")
    assert not browser.has("#field-emergency"), "emergency contact is members-only for this team"
    assert not browser.has("#field-internal-emails"), "internal e-mails are never public"
    assert not browser.has("#edit-team")


# (b) ------------------------------------------------------------------------------------------

def test_b_representative_signs_in_and_sees_members_only_fields(browser, server):
    # Before any change: the Global IRT resultset's Last-Modified, for the caching check in (g).
    STATE["irt_last_modified"] = requests.get(server.url("/global-irt/v1/teams?q=lindenfeld"),
                                              timeout=30).headers["Last-Modified"]
    browser.open("/sign-in")
    browser.shot("sign-in-form")
    # A wrong password first: an error, still anonymous.
    browser.find("#email").send_keys(REP_EMAIL)
    browser.find("#password").send_keys("not-the-password")
    browser.click_and_wait("#sign-in-submit")
    assert browser.find("#sign-in-error").text.strip()
    assert not browser.has("#account-link")
    browser.shot("sign-in-error")

    sign_in(browser)
    browser.open(f"/teams/{SLUG}")
    browser.shot("members-team-page")
    assert browser.find("#account-link").text.strip() == REP_NAME
    assert browser.has("#sign-out")
    assert not browser.has("#members-only-notice")
    assert browser.find("#field-emergency").text.strip(), "members see the emergency contact"
    assert browser.find("#field-internal-emails").text.strip(), "members see internal e-mails"
    STATE["old_emergency"] = browser.find("#field-emergency").text.strip()
    assert browser.has("#edit-team")


# (c) ------------------------------------------------------------------------------------------

def test_c_representative_edits_the_team(browser):
    sign_in(browser)
    browser.open(f"/teams/{SLUG}")
    browser.click_and_wait("#edit-team")
    browser.wait_for_path(f"/teams/{SLUG}/edit")
    browser.shot("edit-form")
    emergency = browser.find("#emergencyContact")
    emergency.clear()
    emergency.send_keys(STATE["emergency"])
    phones = browser.find("#phoneNumbers")
    before = phones.get_attribute("value").strip()
    STATE["phones_before"] = before
    phones.clear()
    phones.send_keys(before + "\n" + STATE["phone"])
    browser.click_and_wait("#save-team")
    browser.wait_for_path(f"/teams/{SLUG}")
    browser.shot("after-save")
    assert not browser.has("#error-summary"), browser.find("#error-summary").text
    # Said once, after the redirect, in a live region.
    flash = browser.find("#flash")
    assert flash.text.strip() == "Saved" and flash.get_attribute("role") == "status"
    browser.open(f"/teams/{SLUG}")
    assert not browser.has("#flash"), "the message is shown once"
    assert browser.find("#field-emergency").text.strip() == STATE["emergency"]
    phone_text = browser.find("#field-phone").text
    assert STATE["phone"] in phone_text
    for number in before.splitlines():
        assert number.strip() in phone_text
    modified = browser.find("#last-modified").text
    assert REP_NAME in modified, modified
    assert time.strftime("%Y-%m-%d", time.gmtime()) in modified, modified


# (d) ------------------------------------------------------------------------------------------

def test_d_directory_search_finds_the_team(browser):
    browser.open("/teams")
    everything = browser.find("#team-count").text
    search = browser.find("form.filters input[name=q]")
    search.send_keys("Lindenf")
    search.submit()
    browser.wait_for("#team-count")
    browser.shot("directory-search")
    count = browser.find("#team-count").text
    assert re.fullmatch(r"\d+ teams?", count) and count != everything, (count, everything)
    links = [a.get_attribute("href") for a in browser.all("table a")]
    assert any(link.rstrip("/").endswith(f"/teams/{SLUG}") for link in links), links
    assert int(count.split()[0]) == len(browser.all("table tbody tr"))
    # The change shows in the directory: the team page reached from the result has it.
    browser.click_and_wait(f"table a[href$='/teams/{SLUG}']")
    assert browser.find("#field-emergency").text.strip() == STATE["emergency"]


# (e) ------------------------------------------------------------------------------------------

def test_e_invalid_prefix_is_refused_and_nothing_saved(browser, server):
    sign_in(browser)
    browser.open(f"/teams/{SLUG}/edit")
    prefixes = browser.find("#constituency_prefixes")
    original = prefixes.get_attribute("value")
    prefixes.clear()
    prefixes.send_keys(original.strip() + "\n192.0.2.1/24")
    # Another change in the same submission must not be saved either.
    emergency = browser.find("#emergencyContact")
    emergency.clear()
    emergency.send_keys("this must not be saved")
    browser.click_and_wait("#save-team")
    browser.shot("invalid-prefix")
    error = browser.find("#error-constituency_prefixes").text
    assert "192.0.2.0/24" in error, error
    # The summary at the top of the page links to the field.
    summary_link = browser.find("#error-summary a[href='#constituency_prefixes']")
    assert "192.0.2.0/24" in summary_link.text, summary_link.text
    assert browser.find("#error-summary").get_attribute("role") == "alert"
    summary_link.click()
    assert browser.driver.current_url.endswith("#constituency_prefixes")
    # The form keeps what was typed, so it can be corrected.
    assert "192.0.2.1/24" in browser.find("#constituency_prefixes").get_attribute("value")
    browser.open(f"/teams/{SLUG}")
    assert browser.find("#field-emergency").text.strip() == STATE["emergency"]
    assert "192.0.2" not in browser.find("#field-prefixes").text


# (f) ------------------------------------------------------------------------------------------

def test_f_representative_cannot_edit_another_team(browser, server):
    sign_in(browser)
    browser.open(f"/teams/{OTHER_SLUG}")
    assert not browser.has("#edit-team")
    browser.open(f"/teams/{OTHER_SLUG}/edit", error_page_ok=True)
    browser.shot("forbidden-edit")
    assert "403" in browser.text(), browser.text()[:300]
    assert not browser.has("#save-team")
    # The status code too, with the browser's session.
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    response = requests.get(server.url(f"/teams/{OTHER_SLUG}/edit"), cookies=cookies, timeout=30, allow_redirects=False)
    assert response.status_code == 403
    own = requests.get(server.url(f"/teams/{SLUG}/edit"), cookies=cookies, timeout=30, allow_redirects=False)
    assert own.status_code == 200, "the same session may edit its own team"


# (g) ------------------------------------------------------------------------------------------

def test_g_after_sign_out_nothing_members_only_leaks(browser, server):
    sign_in(browser)
    browser.open(f"/teams/{SLUG}")
    browser.click_and_wait("#sign-out")
    browser.open(f"/teams/{SLUG}")
    browser.shot("signed-out-team-page")
    assert browser.has("#sign-in-link") and not browser.has("#account-link")
    secret = STATE["emergency"]
    assert secret not in browser.driver.page_source
    # Non-browser readers, anonymous as well.
    for path in (f"/api/v1/teams/{SLUG}", "/global-irt/v1/teams?q=lindenfeld", f"/teams/{SLUG}/rfc2350.txt",
                 "/api/v1/teams", f"/global-irt/v1/teams.csv?q=lindenfeld"):
        response = requests.get(server.url(path), timeout=30)
        assert response.status_code == 200, (path, response.status_code)
        assert secret not in response.text, path
    # api.md: Last-Modified is "the last time the resultset that corresponds to this URL was
    # modified": the public phone number changed, so the old date no longer gets a 304.
    url = server.url("/global-irt/v1/teams?q=lindenfeld")
    changed = requests.get(url, headers={"If-Modified-Since": STATE["irt_last_modified"]}, timeout=30)
    assert changed.status_code == 200, "the resultset changed after the edit"
    assert changed.headers["Last-Modified"] != STATE["irt_last_modified"]
    assert requests.get(url, headers={"If-Modified-Since": changed.headers["Last-Modified"]},
                        timeout=30).status_code == 304
    # The public phone numbers did change, and are public for this team.
    team = requests.get(server.url(f"/api/v1/teams/{SLUG}"), timeout=30).json()
    assert STATE["phone"] in team["phoneNumbers"]
    assert team["emergencyContact"] == "" and team["internalEmails"] == []
    rfc = requests.get(server.url(f"/teams/{SLUG}/rfc2350.txt"), timeout=30)
    assert rfc.headers["Content-Type"].startswith("text/plain")
    for heading in ("1. Document Information", "2. Contact Information", "2.3 Time Zone",
                    "2.8 Public Keys and Encryption Information", "3. Charter", "3.2 Constituency",
                    "4. Policies", "5. Services"):
        assert heading in rfc.text, heading


# (h) ------------------------------------------------------------------------------------------
# Every page of the route table, as a visitor, a member and the secretariat, on a phone and on a
# laptop: nothing scrolls sideways and the header takes at most a fifth of the screen.

SITE_URL = Path(__file__).resolve().parents[2] / "Sources" / "RenkeiServer" / "App" / "SiteURL.swift"
SCREENS = ((390, 844), (1366, 768))
API_PREFIXES = ("/api/", "/global-irt/", "/.well-known/", "/feeds/", "/taxii2")
SECRETARIAT_EMAIL = "secretariat@renkei-demo.example"
SECRETARIAT_PASSWORD = "demo-secretariat-pass"

# Routes of SiteURL.swift that are no page to look at, by case name, with the reason.
NOT_PAGES = {
    "signOut": "POST", "accountTokens": "POST", "accountTokenRevoke": "POST", "accountSessions": "POST",
    "accountPGPKey": "POST", "membershipApplicationSteps": "POST", "teamMembershipChange": "POST",
    "teamInvitations": "POST", "itemReplies": "POST", "itemStatus": "POST", "itemReferral": "POST",
    "artifactShares": "POST", "listSubscription": "POST", "listPosts": "POST", "adminClaim": "POST",
    "itemCorrection": "POST", "itemWithdrawal": "POST", "twoFactorRecoveryCodes": "POST (a download)",
    "twoFactorNewRecoveryCodes": "POST",
    "sigDecisions": "POST", "sigParticipants": "POST", "sigGuests": "POST", "sigDocuments": "POST", "sigMeetings": "POST",
    "sigMeetingMinutes": "POST",
    "eventRegistrations": "POST", "eventSessions": "POST", "eventCheckIn": "POST", "eventSlides": "download (POST: an upload)",
    "eventCalendar": "iCalendar", "eventsCalendar": "iCalendar", "accountCalendar": "iCalendar",
    "healthz": "plain text", "metrics": "plain text", "stylesheet": "CSS", "favicon": "image",
    "faviconSVG": "image", "twoFactorQRCode": "image", "teamRFC2350": "plain text", "teamVCard": "vCard",
    "teamKeys": "OpenPGP keys", "itemAttachment": "download", "artifactSample": "download", "listKey": "OpenPGP key",
    "itemSTIX": "STIX bundle", "artifactSTIX": "STIX bundle",
    "abuseNoticeEvents": "CSV download", "abuseNoticeAcknowledgement": "POST",
    "abuseMonitoringCSV": "CSV download", "abuseMonitoringJSON": "JSON", "coverageCSV": "CSV download",
    "reachabilityCampaigns": "POST", "reachabilityCampaignCSV": "CSV download", "reachabilityCampaignRepeat": "POST",
    "teamResponseTimes": "POST",
}


def route_table() -> dict[str, str]:
    """SiteURL's cases and their path patterns (`/teams/:slug`), read from the source."""
    text = SITE_URL.read_text()
    keys = dict(re.findall(r'static let (\w+)Key = "(\w+)"', text))
    body = text.split("private var components")[1].split("public var path")[0]
    routes = {}
    for name, parts in re.findall(r"^\s*case \.(\w+)(?:\([^)]*\))?: \[(.*)\]$", body, re.M):
        segments = [part.strip('"') if part.startswith('"') else ":" + keys[part]
                    for part in re.findall(r'"[^"]*"|(?<=Self\.)\w+(?=Key)', parts)]
        routes[name] = "/" + "/".join(segments)
    assert len(routes) > 50, "the route table could not be read"
    return routes


def check_layout(browser, failures: list[str], who: str):
    """The open page at each screen size (the viewport set exactly, as a phone's would be)."""
    for width, height in SCREENS:
        browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        scroll_width, inner_width, header, inner_height = browser.driver.execute_script(
            "const h = document.querySelector('header.site');"
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " h ? h.getBoundingClientRect().height : -1, window.innerHeight];")
        where = f"{who} {browser.driver.current_url} at {width}x{height}"
        if header < 0:
            failures.append(f"{where}: no header")
        if scroll_width > inner_width:
            wide = browser.driver.execute_script(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
                ".slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).join(', ');")
            browser.shot(f"too-wide-{width}")
            failures.append(f"{where}: scrolls sideways ({scroll_width} > {inner_width}; {wide})")
        if header > inner_height / 5:
            browser.shot(f"tall-header-{width}")
            failures.append(f"{where}: header {header:.0f} px > a fifth of {inner_height}")
    browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def visit_all(browser, pages: dict[str, list[str]], failures: list[str], who: str, seen: set[str]):
    for name, paths in pages.items():
        for path in paths:
            browser.open(path, error_page_ok=True)
            check_layout(browser, failures, who)
            seen.add(name)


def first_link(browser, path: str, pattern: str) -> str:
    browser.open(path)
    for link in browser.all("main a[href]"):
        href = link.get_attribute("href").split("#")[0]
        found = re.search(pattern, href)
        if found:
            return found.group(0)
    pytest.fail(f"no link matching {pattern} on {path}")


def sign_in_from_here(browser, email: str, password: str, failures: list[str], who: str):
    """Signs in on the sign-in form already open (keeping its `next`), checking each step's page."""
    check_layout(browser, failures, who)
    browser.fill({"#email": email, "#password": password})
    browser.click_and_wait("#sign-in-submit")
    if browser.driver.current_url.split("?")[0].endswith("/sign-in/two-factor"):
        check_layout(browser, failures, who)
        browser.fill({"#code": browser.authenticator.code(browser.server, email)})
        browser.click_and_wait("#two-factor-submit")
    if browser.driver.current_url.split("?")[0].endswith("/account/two-factor"):
        check_layout(browser, failures, who)
        browser.authenticator.enrol(browser.server, email, browser.find("#totp-secret").text.strip())
        browser.fill({"#code": browser.authenticator.code(browser.server, email)})
        browser.click_and_wait("#two-factor-enrol")
    assert browser.has("#account-link"), f"signed in as {email}"


def test_h_the_frame_skip_link_favicon_and_demo_notice(browser, server):
    browser.sign_out()
    browser.open("/teams")
    # The skip link is the first thing the keyboard reaches, and leads to the content.
    from selenium.webdriver.common.keys import Keys
    browser.find("body").send_keys(Keys.TAB)
    focused = browser.driver.switch_to.active_element
    assert focused.text.strip() == "Skip to content" and focused.get_attribute("href").endswith("#content")
    assert focused.is_displayed(), "the skip link shows when focused"
    assert browser.find("main").get_attribute("id") == "content"
    # The demo notice sits in a landmark.
    landmark = browser.driver.execute_script(
        "const n = document.querySelector('.demo-notice');"
        "const l = n && n.closest('aside, header, main, footer, nav, [role=banner], [role=complementary], [role=region], [role=contentinfo]');"
        "return l ? l.tagName.toLowerCase() : null;")
    assert landmark == "aside", landmark
    assert browser.find(".demo-notice").get_attribute("aria-label")
    icon = browser.find("link[rel=icon]").get_attribute("href")
    response = requests.get(icon, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("image/svg+xml")
    ico = requests.get(server.url("/favicon.ico"), timeout=30)
    assert ico.status_code == 200 and ico.headers["Content-Type"].startswith("image/svg+xml") and ico.text.startswith("<svg")


def test_i_every_page_fits_a_phone_and_a_laptop(browser, server):
    routes = route_table()
    pages = {name: pattern for name, pattern in routes.items()
             if name not in NOT_PAGES and not pattern.startswith(API_PREFIXES)}
    failures: list[str] = []
    seen: set[str] = set()
    bogus = uuid.uuid4().hex

    # A visitor.
    browser.sign_out()
    visit_all(browser, {
        "home": ["/"], "teams": ["/teams", "/teams?q=lindenfeld"], "team": [f"/teams/{SLUG}"], "lookup": ["/lookup", "/lookup?q=192.0.2.45"],
        "cvss": ["/cvss"], "cvssCalculator": ["/cvss/4.0", "/cvss/3.1"], "membership": ["/membership"], "membershipApply": ["/membership/apply"],
        "items": ["/items"], "artifacts": ["/artifacts"], "lists": ["/lists"], "sigs": ["/sigs"], "sig": ["/sigs/abuse-handling"],
        # Pages reached from a mail with a token: an unknown token gets the error page, in the same frame.
        "invitation": [f"/invitations/{bogus}"], "membershipConfirm": [f"/membership/confirm/{bogus}"],
        "sigInvitation": [f"/sig-invitations/{bogus}"], "eventRegistrationLink": [f"/event-registrations/{bogus}"],
        "events": ["/events"], "event": ["/events/annual-conference", "/events/tc-nairobi", "/events/annual-conference-last-year"],
        "eventCFP": ["/events/annual-conference/cfp"],
        # Pages that need a signed-in reader send a visitor to sign in.
        "account": ["/account"], "notifications": ["/notifications"], "audit": ["/admin/audit"], "adminClaims": ["/admin/claims"],
        "itemNew": ["/items/new"], "artifactNew": ["/artifacts/new"], "listNew": ["/lists/new"], "teamNew": ["/teams/new"],
        "teamEdit": [f"/teams/{SLUG}/edit"], "twoFactor": ["/account/two-factor"], "signInTwoFactor": ["/sign-in/two-factor"],
        "sigNew": ["/sigs/new"], "eventNew": ["/events/new"], "accountEvents": ["/account/events"],
        "eventReview": ["/events/annual-conference/review"], "eventAttendees": ["/events/annual-conference/attendees"],
        "eventGuests": ["/events/tc-nairobi/guests"], "abuse": ["/abuse"], "abuseMonitoring": ["/abuse/monitoring"],
        "coverage": ["/coverage", "/coverage?sort=name"], "sim3": ["/sim3"], "teamSIM3Edit": [f"/teams/{SLUG}/sim3/edit"],
        "reachability": ["/reachability"], "reachabilityAnswer": [f"/reachability/answer/rt-{bogus}{bogus[:8]}"],
        "teamReachability": [f"/teams/{SLUG}/reachability"],
    }, failures, "visitor", seen)
    browser.open("/sign-in")
    seen.add("signIn")

    # A member (the representative), signing in from the form; then every page they can reach.
    sign_in_from_here(browser, REP_EMAIL, REP_PASSWORD, failures, "member")
    seen.add("signInTwoFactor")
    item = first_link(browser, "/items", r"/items/[0-9A-Fa-f-]{36}$")
    red_item = None
    for row in browser.all("main tr, main li"):
        if row.find_elements(browser.By.CSS_SELECTOR, ".tlp-red"):
            links = [a.get_attribute("href") for a in row.find_elements(browser.By.CSS_SELECTOR, "a[href*='/items/']")]
            if links:
                red_item = re.search(r"/items/[0-9A-Fa-f-]{36}", links[0]).group(0)
                break
    STATE["red_item"] = red_item or ""
    artifact = first_link(browser, "/artifacts", r"/artifacts/[0-9A-Fa-f-]{36}$")
    mailing_list = first_link(browser, "/lists", r"/lists/(?!new$|key\.asc$)[a-z0-9-]+$")
    # The representative takes part in Abuse Handling (its drafts included) and chairs CVSS.
    sig_document = first_link(browser, "/sigs/abuse-handling", r"/sigs/abuse-handling/documents/[0-9A-Fa-f-]{36}$")
    abuse_notice = first_link(browser, "/abuse", r"/abuse/notices/ABUSE-[0-9]{8}-[0-9A-Z]{6}$")
    sim3_profile = first_link(browser, "/sim3", r"/teams/[a-z0-9-]+/sim3$")
    campaign = first_link(browser, "/reachability", r"/reachability/campaigns/[0-9A-Fa-f-]{36}$")
    visit_all(browser, {
        "home": ["/"], "teams": ["/teams"], "team": [f"/teams/{SLUG}"], "teamEdit": [f"/teams/{SLUG}/edit"],
        "account": ["/account"], "twoFactor": ["/account/two-factor"], "lookup": ["/lookup?q=192.0.2.45"],
        "cvssCalculator": ["/cvss/4.0"], "membership": ["/membership"], "membershipApply": ["/membership/apply"],
        "items": ["/items", "/items?q=phishing"], "itemNew": ["/items/new", "/items/new?kind=request"], "item": [item] + ([red_item] if red_item else []),
        "artifacts": ["/artifacts"], "artifactNew": ["/artifacts/new"], "artifact": [artifact],
        "lists": ["/lists"], "listNew": ["/lists/new"], "list": [mailing_list], "notifications": ["/notifications"],
        "sigs": ["/sigs"], "sigNew": ["/sigs/new"], "sig": ["/sigs/abuse-handling", "/sigs/cvss", "/sigs/lecc"],
        "sigDocument": [sig_document],
        # The representative may host a colloquium, invites guests to one, and chairs the CVSS SIG, which meets.
        "events": ["/events"], "eventNew": ["/events/new"], "accountEvents": ["/account/events"],
        "event": ["/events/annual-conference", "/events/annual-conference-last-year", "/events/tc-singapore", "/events/cvss-sig-meeting"],
        "eventCFP": ["/events/annual-conference/cfp"], "eventGuests": ["/events/tc-nairobi/guests"],
        "eventAttendees": ["/events/cvss-sig-meeting/attendees"],
        "abuse": ["/abuse"], "abuseNotice": [abuse_notice], "abuseMonitoring": ["/abuse/monitoring", "/abuse/monitoring?days=365"],
        "coverage": ["/coverage"], "sim3": ["/sim3"], "teamSIM3": [sim3_profile], "teamSIM3Edit": [f"/teams/{SLUG}/sim3/edit"],
        "reachability": ["/reachability"], "reachabilityCampaign": [campaign], "teamReachability": [f"/teams/{SLUG}/reachability"],
    }, failures, "member", seen)
    # The invitation form, from an invitation the representative makes.
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    team_page = requests.get(server.url(f"/teams/{SLUG}"), cookies=cookies, timeout=30).text
    invite_action = re.search(r'action="([^"]+)" class="stacked narrow" id="invite-form"', team_page)
    if invite_action:
        made = requests.post(server.url(invite_action.group(1)), cookies=cookies, timeout=30, data={
            "_csrf": re.search(r'name="_csrf" value="([^"]+)"', team_page).group(1),
            "email": f"new-{bogus[:8]}@lindenfeld.example", "displayName": "New Colleague", "role": "member"})
        link = re.search(r"/invitations/[A-Za-z0-9_-]{16,}", made.text)
        # The guest's invitation form, from a guest the representative invites to CVSS, which they chair.
        sig_page = requests.get(server.url("/sigs/cvss"), cookies=cookies, timeout=30).text
        guest_action = re.search(r'<form method="post" action="(/sigs/cvss/guests)"', sig_page)
        guest_link = None
        if guest_action:
            invited = requests.post(server.url(guest_action.group(1)), cookies=cookies, timeout=30, data={
                "_csrf": re.search(r'name="_csrf" value="([^"]+)"', sig_page).group(1), "email": f"guest-{bogus[:8]}@police.example"})
            guest_link = re.search(r"/sig-invitations/[A-Za-z0-9_-]{16,}", invited.text)
        if link or guest_link:
            browser.sign_out()
            visit_all(browser, {"invitation": [link.group(0)] if link else [], "sigInvitation": [guest_link.group(0)] if guest_link else []},
                      failures, "invited person", seen)
            browser.open("/sign-in")
            sign_in_from_here(browser, REP_EMAIL, REP_PASSWORD, failures, "member")
    browser.sign_out()

    # The secretariat.
    browser.open("/sign-in")
    sign_in_from_here(browser, SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD, failures, "secretariat")
    application = first_link(browser, "/membership", r"/membership/applications/[0-9A-Fa-f-]{36}$")
    visit_all(browser, {
        "home": ["/"], "teamNew": ["/teams/new"], "teamEdit": [f"/teams/{OTHER_SLUG}/edit"], "audit": ["/admin/audit"],
        "adminClaims": ["/admin/claims"], "membershipApplication": [application], "membership": ["/membership"],
        "items": ["/items"], "notifications": ["/notifications"], "account": ["/account"], "listNew": ["/lists/new"],
        "sigs": ["/sigs"], "sig": ["/sigs/lecc"],
        "events": ["/events"], "eventNew": ["/events/new"], "event": ["/events/annual-conference", "/events/tc-nairobi"],
        "eventReview": ["/events/annual-conference/review"], "eventGuests": ["/events/tc-nairobi/guests"],
        "eventAttendees": ["/events/annual-conference/attendees", "/events/tc-singapore/attendees"], "accountEvents": ["/account/events"],
        "eventEdit": ["/events/annual-conference/edit"], "abuse": ["/abuse"], "abuseMonitoring": ["/abuse/monitoring"],
        # The secretariat's coverage page has the tables of networks nobody answers for too.
        "coverage": ["/coverage"],
        # The secretariat's reachability pages name the teams and start tests.
        "reachability": ["/reachability"], "reachabilityCampaign": [campaign],
    }, failures, "secretariat", seen)
    # A form with its error summary, and an error page.
    browser.open("/items/new")
    browser.fill({"#title": "x" * 3, "#body": "checking the error summary's layout"})
    browser.driver.execute_script("document.getElementById('title').removeAttribute('required'); document.getElementById('title').value = '';")
    browser.click_and_wait("#item-submit", error_page_ok=True)
    assert browser.has("#error-summary a[href='#title']")
    check_layout(browser, failures, "secretariat")
    browser.open(f"/teams/{bogus}", error_page_ok=True)
    check_layout(browser, failures, "secretariat")
    browser.sign_out()

    missing = sorted(name for name in pages if name not in seen)
    assert not missing, (f"pages of SiteURL.swift the layout check does not visit: {missing}; "
                         "add them to test_i (or to NOT_PAGES if they are no page)")
    assert not failures, "\n".join(failures)


def test_i2_a_pasted_list_reads_line_by_line_on_a_phone_and_a_laptop(browser):
    """The tables of a pasted list's answers grew with their longest line: at 390 px they
    scrolled inside themselves, and at 1366 px one long URL pushed every reason of its team off
    the page. Every row must fit the screen at both widths."""
    pasted = ["hxxps://a-rather-long-host-name-for-a-phishing-kit[.]lindenfeld.example/login/verify/account/session",
              "hxxp://192.0.2.45:8080/gate.php?id=" + "a" * 130 + "&ref=mail",
              "2001:db8:1234:5678:9abc:def0:1234:5678", "192.0.2.45",
              "https://nobody-answers-for-this-name.invalid.example/with/a/long/path/that/goes/on/and/on"]
    browser.open("/lookup?" + urlencode({"q": "\n".join(pasted)}))
    for width, height in SCREENS:
        browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        try:
            tables = browser.driver.execute_script(
                "return [...document.querySelectorAll('#lookup-groups table, #lookup-unmatched table')]"
                ".map(t => [t.closest('section').id, t.scrollWidth, t.clientWidth, t.getBoundingClientRect().right,"
                " document.documentElement.clientWidth]);")
            browser.driver.execute_script("document.getElementById('lookup-groups').scrollIntoView();")
            browser.shot(f"lookup-pasted-{width}")
        finally:
            browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        assert {section for section, *_ in tables} == {"lookup-groups", "lookup-unmatched"}, tables
        for section, scroll_width, client_width, right, page_width in tables:
            assert scroll_width <= client_width and right <= page_width, (width, section, scroll_width, client_width, right, page_width)


def test_i3_the_coverage_map_fits_a_phone_and_a_laptop(browser):
    """The world map is a server-drawn SVG: it scales to the width of the page, shows every
    country's shape, and tells its standing in a tooltip."""
    browser.sign_out()
    browser.open("/coverage")
    for width, height in SCREENS:
        browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        try:
            box = browser.driver.execute_script(
                "const r = document.querySelector('svg.world-map').getBoundingClientRect();"
                "return [r.width, r.height, r.right, document.documentElement.clientWidth];")
            browser.shot(f"coverage-{width}")
        finally:
            browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        map_width, map_height, right, page_width = box
        assert map_width > width / 2 and map_height > map_width / 3 and right <= page_width, (width, box)
    shapes = browser.all("svg.world-map path[data-standing]")
    assert len(shapes) >= 170
    assert browser.find("#country-DE title").get_attribute("textContent").startswith("Germany: National team")


def test_j_a_signed_out_reader_of_a_mailed_link_signs_in_and_returns(browser, server):
    item = STATE.get("red_item")
    assert item, "the demo has a TLP:RED item the representative reads"
    browser.sign_out()
    browser.open(item)
    assert browser.driver.current_url.split("?")[0].endswith("/sign-in"), browser.driver.current_url
    assert not browser.has("#account-link")
    # A made-up item gets exactly the same answer, so the redirect tells nothing.
    made_up = f"/items/{uuid.uuid4()}"
    real = requests.get(server.url(item), timeout=30, allow_redirects=False)
    fake = requests.get(server.url(made_up), timeout=30, allow_redirects=False)
    assert real.status_code == fake.status_code == 303
    assert real.headers["Location"] == f"/sign-in?next={item}" and fake.headers["Location"] == f"/sign-in?next={made_up}"
    assert real.text.replace(item, "") == fake.text.replace(made_up, "")
    failures: list[str] = []
    sign_in_from_here(browser, REP_EMAIL, REP_PASSWORD, failures, "member")
    browser.wait_for_path(item)
    assert browser.has(".tlp-red"), "back on the item"
    assert not failures, "\n".join(failures)


def test_k_the_home_page_for_a_member_and_a_visitor(browser):
    browser.open("/")
    assert browser.has("#shared-lately") and browser.has("#open-requests") and browser.has("#notices") and browser.has("#deadlines")
    browser.shot("home-member")
    browser.sign_out()
    browser.open("/")
    assert browser.has("#home-lookup") and not browser.has("#shared-lately")
    browser.shot("home-visitor")
    search = browser.find("#home-q")
    search.send_keys("192.0.2.45")
    search.submit()
    browser.wait_for_path("/lookup")
