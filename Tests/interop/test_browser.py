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
    assert not browser.has("#form-errors"), browser.find("#form-errors").text
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
    assert browser.has("#form-errors")
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
