"""Sharing under TLP in a real browser (headless Chromium), with Python's zipfile as the check.

A member of Lindenfeld-CSIRT posts a TLP:AMBER announcement to two teams; a member of a third
team (Hoshizora-CSIRT) cannot find it by page, search or feed. Lindenfeld registers a sample by
upload; Hoshizora's member asks for it by its hash; the request reaches Lindenfeld, whose member
shares the sample; the ZIP Hoshizora downloads opens with the password `infected` and holds
exactly the bytes uploaded (SHA-256).
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile

import pytest
import requests

from conftest import Browser

MEMBER = ("member@renkei-demo.example", "demo-member-pass")          # Lindenfeld-CSIRT
OUTSIDER = ("sigchair@renkei-demo.example", "demo-sigchair-pass")    # Hoshizora-CSIRT, not in the audience
MARKER = f"quokka{uuid.uuid4().hex[:10]}"
SAMPLE = b"MZ\x90\x00" + f"pretend loader {MARKER}".encode() + bytes(range(256))
STATE: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory()


@pytest.fixture(scope="module")
def browser(chrome_driver, server, screenshot_dir, authenticator):
    chrome_driver.delete_all_cookies()
    return Browser(chrome_driver, server, screenshot_dir, authenticator)


def switch_to(browser, who):
    browser.open("/items")
    browser.sign_out()
    browser.sign_in(*who)


def session_of(browser) -> requests.Session:
    """The browser's signed-in session, for fetching a file the way the browser would."""
    session = requests.Session()
    for cookie in browser.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    return session


def test_a_member_posts_an_amber_announcement_to_two_teams(browser):
    switch_to(browser, MEMBER)
    browser.open("/items")
    browser.click_and_wait("#share-link")
    browser.fill({"#title": f"Campaign {MARKER} against utilities", "#body": f"Indicators: 198.51.100.99, CVE-2026-40001. {MARKER}",
                  "#tags": "phishing", "#tlp": "TLP:AMBER", "#teams": "lindenfeld-csirt, wrenshire-csirt"})
    browser.find("input[name='audience'][value='teams']").click()
    browser.click_and_wait("#item-submit")
    assert browser.find("#item-tlp").text.strip() == "TLP:AMBER"
    label = browser.find("#item-tlp")
    assert label.value_of_css_property("color") in ("rgb(255, 192, 0)", "rgba(255, 192, 0, 1)"), "the TLP 2.0 amber"
    assert label.value_of_css_property("background-color") in ("rgb(0, 0, 0)", "rgba(0, 0, 0, 1)"), "on black, as the standard asks"
    STATE["item"] = browser.driver.current_url
    browser.shot("amber-announcement")


def test_b_a_member_of_a_third_team_cannot_find_it(browser, server):
    switch_to(browser, OUTSIDER)
    browser.open("/items")
    assert MARKER not in browser.text()
    browser.open(f"/items?q={MARKER}")
    assert MARKER not in browser.find("main").text.replace(f"“{MARKER}”", "")
    browser.open(STATE["item"].replace(server.base_url, ""), error_page_ok=True)
    assert browser.find("main h1").text.startswith("404")
    # The member's own feed, with a token made on the account page.
    browser.open("/account")
    browser.fill({"input[name='name']": "feed reader"})
    browser.click_and_wait("form[action='/account/tokens'] button")
    token = browser.find("#new-token").text.strip()
    feed = requests.get(server.url("/feeds/items.atom"), params={"token": token}, timeout=30)
    assert feed.status_code == 200 and "<feed" in feed.text and MARKER not in feed.text
    assert MARKER not in requests.get(server.url("/feeds/public.atom"), timeout=30).text
    api = requests.get(server.url("/api/v1/items"), params={"q": MARKER}, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert api.status_code == 200 and api.json()["items"] == []


def test_c_a_sample_is_registered_by_upload(browser, tmp_path):
    switch_to(browser, MEMBER)
    path = tmp_path / "invoice.exe"
    path.write_bytes(SAMPLE)
    browser.open("/artifacts/new")
    browser.find("#file").send_keys(str(path))
    browser.fill({"#names": "invoice.exe", "#tlp": "TLP:AMBER"})
    browser.click_and_wait("#artifact-submit")
    assert browser.find("#artifact-sha256").text.strip() == hashlib.sha256(SAMPLE).hexdigest()
    assert browser.find("#artifact-type").text.strip() == "PE executable (MZ)"
    assert browser.has("#download-sample"), "the holder team downloads its own sample"
    STATE["artifact"] = browser.driver.current_url


def test_d_a_request_for_the_hash_reaches_the_holder_who_shares(browser, server):
    switch_to(browser, OUTSIDER)
    browser.open(STATE["artifact"].replace(server.base_url, ""))
    assert browser.has("#no-download") and not browser.has("#download-sample"), "the record is shared with the community, the sample is not"
    browser.open("/items/new?kind=request")
    browser.fill({"#requestKind": "sample", "#subject": hashlib.sha256(SAMPLE).hexdigest(), "#title": f"Looking for the {MARKER} loader",
                  "#body": "Seen at a customer; would like to compare.", "#tlp": "TLP:GREEN"})
    browser.click_and_wait("#item-submit")
    STATE["request"] = browser.driver.current_url

    switch_to(browser, MEMBER)
    browser.open("/notifications")
    notice = next(link for link in browser.all("#notifications a") if "asks for a sample your team holds" in link.text)
    notice.click()
    browser.wait_for("#asks")
    browser.shot("asked-for-sample")
    browser.click_and_wait(".share-sample")
    assert "shared" in browser.find("#asks").text

    switch_to(browser, OUTSIDER)
    browser.open("/notifications")
    shared = next(link for link in browser.all("#notifications a") if "shared the sample" in link.text)
    shared.click()
    browser.wait_for("#download-sample")
    url = browser.find("#download-sample").get_attribute("href")
    answer = session_of(browser).get(url, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/zip")
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    [entry] = archive.infolist()
    assert entry.flag_bits & 0x1, "the entry is encrypted"
    with pytest.raises(RuntimeError):
        archive.read(entry, pwd=b"not-the-password")
    content = archive.read(entry, pwd=b"infected")
    assert archive.comment.decode().startswith("TLP:AMBER"), "the label travels with the export"
    assert hashlib.sha256(content).hexdigest() == hashlib.sha256(SAMPLE).hexdigest()


def test_e_scripts_post_and_ask_from_the_command_line(server, cli, tmp_path):
    text = tmp_path / "advisory.md"
    text.write_text(f"## Advisory {MARKER}\n\nPatch CVE-2026-40002 now.\n")
    posted = cli(server.data_dir, "post", "--as", MEMBER[0], "--title", f"CLI advisory {MARKER}", "--tlp", "TLP:CLEAR", str(text))
    assert posted.returncode == 0, posted.stderr
    assert "TLP:CLEAR" in posted.stdout
    assert f"CLI advisory {MARKER}" in requests.get(server.url("/feeds/public.atom"), timeout=30).text, "CLEAR reaches the public feed"
    asked = cli(server.data_dir, "ask", "--as", MEMBER[0], "--title", "Who handles 203.0.113.77?", "--kind", "point-of-contact",
                "--subject", "203.0.113.77", "--tlp", "TLP:GREEN", str(text))
    assert asked.returncode == 0, asked.stderr
    assert "hoshizora-csirt" in asked.stdout, "a point-of-contact request is answered at once by the lookup"
    refused = cli(server.data_dir, "post", "--as", MEMBER[0], "--title", "secret", "--tlp", "TLP:RED", str(text))
    assert refused.returncode == 2 and "named people" in refused.stderr


def test_f_the_public_feed_is_well_formed_atom_with_clear_items_only(server):
    import xml.etree.ElementTree as ElementTree
    answer = requests.get(server.url("/feeds/public.atom"), timeout=30)
    assert answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(answer.content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.tag == atom + "feed" and feed.find(atom + "id") is not None and feed.find(atom + "updated") is not None
    entries = feed.findall(atom + "entry")
    assert entries, "the demo has TLP:CLEAR announcements"
    for entry in entries:
        assert entry.find(atom + "title").text.startswith("[TLP:CLEAR]")
        assert entry.find(atom + "id").text.startswith("urn:uuid:") and entry.find(atom + "updated") is not None
    items = requests.get(server.url("/api/v1/items"), timeout=30).json()["items"]
    assert items and {item["tlp"] for item in items} == {"TLP:CLEAR"}, "anonymous callers read TLP:CLEAR only"


def test_g_an_oversized_upload_is_refused_before_anything_is_stored(server, authenticator):
    from conftest import CSRF_PATTERN, sign_in_http
    session = requests.Session()
    sign_in_http(session, server, *MEMBER, authenticator)
    page = session.post(server.url("/account/tokens"), timeout=30,
                        data={"_csrf": CSRF_PATTERN.search(session.get(server.url("/account"), timeout=30).text).group(1), "name": "upload"}).text
    token = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    before = len(requests.get(server.url("/api/v1/artifacts?limit=500"), headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["items"])
    big = b"A" * (33 * 1024 * 1024 + 1024)
    answer = requests.post(server.url("/api/v1/artifacts"), headers={"Authorization": f"Bearer {token}"},
                           files={"file": ("big.bin", big)}, data={"tlp": "TLP:AMBER"}, timeout=60)
    assert answer.status_code == 413 and answer.headers["Content-Type"].startswith("application/problem+json")
    after = requests.get(server.url("/api/v1/artifacts?limit=500"), headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["items"]
    assert len(after) == before
