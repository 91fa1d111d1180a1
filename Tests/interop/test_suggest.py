"""Picking teams and people by name in a real browser: the type-ahead script fills the
<datalist> of the item form's audience fields from /api/v1/suggest/..., and the value it
offers is still what the form takes without the script (a slug, an e-mail address)."""

from __future__ import annotations

import pytest
import requests

from conftest import Browser

MEMBER = ("member@renkei-demo.example", "demo-member-pass")


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory()


def options(browser: Browser, css: str, timeout: float = 15) -> list[tuple[str, str]]:
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser.driver, timeout).until(lambda _: browser.all(css))
    return [(o.get_attribute("value"), o.get_attribute("label")) for o in browser.all(css)]


def test_the_item_form_suggests_teams_and_people_by_name(chrome_driver, server, screenshot_dir, authenticator):
    browser = Browser(chrome_driver, server, screenshot_dir, authenticator)
    browser.sign_in(*MEMBER)
    browser.open("/items/new")
    browser.find("#teams").send_keys("Hoshiz")
    teams = options(browser, "#teams-suggestions option")
    assert teams and teams[0][0] == "hoshizora-csirt" and teams[0][1].startswith("Hoshizora-CSIRT")
    # A second team after a comma keeps the first.
    browser.find("#teams").clear()
    browser.find("#teams").send_keys("hoshizora-csirt, Lindenf")
    both = options(browser, "#teams-suggestions option[value='hoshizora-csirt, lindenfeld-csirt']")
    assert both
    browser.find("#people").send_keys("Bea")
    people = options(browser, "#people-suggestions option")
    assert any(value == "board@renkei-demo.example" and label.startswith("Bea Board (") for value, label in people), people
    browser.shot("item-form-suggestions")


def test_the_endpoints_answer_without_a_browser(server):
    teams = requests.get(server.url("/api/v1/suggest/teams"), params={"q": "hoshi"}, timeout=30)
    assert teams.status_code == 200 and [t["slug"] for t in teams.json()["teams"]] == ["hoshizora-csirt"]
    anonymous = requests.get(server.url("/api/v1/suggest/people"), params={"q": "bea"}, timeout=30)
    assert anonymous.status_code == 401
    assert anonymous.headers["Content-Type"].startswith("application/problem+json")
