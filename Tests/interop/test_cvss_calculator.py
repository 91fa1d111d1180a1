"""The CVSS calculator page in real headless Chromium: clicking a metric rewrites the vector
string and the score, typing a vector sets the metric buttons, and the score matches Red Hat's
`cvss` package."""

from __future__ import annotations

from cvss import CVSS3, CVSS4
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def scores_text(driver) -> str:
    return driver.find_element(By.ID, "cvss-result").text


def test_metric_buttons_and_vector_stay_in_step(chrome_driver, demo_server, screenshot_dir):
    driver = chrome_driver
    driver.get(demo_server.url("/cvss/3.1?vector=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
    assert "9.8" in scores_text(driver)
    vector = driver.find_element(By.ID, "cvss-vector")

    # Click Scope: Changed and Privileges Required: Low.
    driver.find_element(By.CSS_SELECTOR, 'input[name="S"][value="C"]').click()
    driver.find_element(By.CSS_SELECTOR, 'input[name="PR"][value="L"]').click()
    expected_vector = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"
    WebDriverWait(driver, 10).until(lambda d: vector.get_attribute("value") == expected_vector)
    expected = CVSS3(expected_vector).scores()[0]
    WebDriverWait(driver, 10).until(lambda d: f"Base {expected:.1f}" in scores_text(d))
    driver.save_screenshot(str(screenshot_dir / "cvss-3.1.png"))

    # Type a v4.0 vector on the 4.0 page: the buttons follow.
    driver.get(demo_server.url("/cvss/4.0"))
    vector = driver.find_element(By.ID, "cvss-vector")
    typed = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H/E:U"
    vector.clear()
    vector.send_keys(typed)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, 'input[name="UI"][value="P"]').is_selected()
        and d.find_element(By.CSS_SELECTOR, 'input[name="E"][value="U"]').is_selected())
    score = CVSS4(typed).base_score
    WebDriverWait(driver, 10).until(lambda d: f"CVSS 4.0 {score:.1f}" in scores_text(d))
    assert "CVSS-BT" in scores_text(driver)
    driver.save_screenshot(str(screenshot_dir / "cvss-4.0.png"))
