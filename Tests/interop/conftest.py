"""Shared fixtures for the interop suite: the renkei binary, throwaway servers, a browser.

The suite drives the real program from the outside (HTTP, a headless browser, the command
line), so it needs a built binary: `RENKEI_BIN`, default `<repo>/.build/debug/renkei`.
The binary loads `Resources/Views` relative to its working directory, so every process is
started with cwd = the repository root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")

# The servers under test are local: never send their requests through a configured proxy.
for _name in ("NO_PROXY", "no_proxy"):
    os.environ[_name] = ",".join(filter(None, [os.environ.get(_name, ""), "127.0.0.1", "localhost"]))


def renkei_binary() -> Path:
    path = Path(os.environ.get("RENKEI_BIN") or REPO / ".build" / "debug" / "renkei")
    if not path.is_absolute():
        path = REPO / path
    return path


@pytest.fixture(scope="session")
def renkei_bin() -> Path:
    path = renkei_binary()
    if not (path.is_file() and os.access(path, os.X_OK)):
        # A missing binary is a broken build, not an optional dependency: never skip.
        pytest.fail(f"renkei binary not found at {path} (build it, or set RENKEI_BIN)")
    return path


def renkei_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for one renkei process: SQLite in `data_dir`, nothing inherited that
    would point it at another database."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "RENKEI_PUBLIC_URL", "RENKEI_PASSWORD"):
        env.pop(name, None)
    env["RENKEI_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def run_cli(binary: Path, data_dir: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs `renkei ARGS` to completion (no stdin) and returns the completed process."""
    return subprocess.run(
        [str(binary), *args], cwd=REPO, env=renkei_env(data_dir, **(env or {})),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
    )


def run_cvss_json(binary: Path, vectors: list[str]) -> tuple[int, list[dict]]:
    """`renkei cvss --json` on `vectors` (standard input): its exit status and one object per vector."""
    result = subprocess.run([str(binary), "cvss", "--json"], input="".join(v + "\n" for v in vectors),
                            capture_output=True, text=True, cwd=REPO, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(vectors), (
        f"renkei cvss --json printed {len(lines)} lines for {len(vectors)} vectors "
        f"(exit {result.returncode})\nstderr:\n{result.stderr[-2000:]}")
    return result.returncode, [json.loads(line) for line in lines]


# Malformed CVSS components every version refuses alike (the rest is per version).
COMPONENT_MALFORMATIONS = ["empty-component", "no-colon", "two-colons", "empty-value", "space"]


def malform_component(parts: list[str], i: int, kind: str) -> None:
    """Breaks component `i` of a vector's `parts` in one of COMPONENT_MALFORMATIONS' ways."""
    name, _, value = parts[i].partition(":")
    match kind:
        case "empty-component": parts.insert(i, "")
        case "no-colon": parts[i] = name + value
        case "two-colons": parts[i] = f"{name}:{value}:{value}"
        case "empty-value": parts[i] = f"{name}:"
        case "space": parts[i] = f"{name}: {value}"
        case _: raise ValueError(f"not a component malformation: {kind}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerExited(RuntimeError):
    """`renkei serve` stopped before it answered (e.g. its port was taken meanwhile)."""


class RenkeiServer:
    """`renkei serve --demo` on a free port with its own data directory."""

    def __init__(self, binary: Path, data_dir: Path, demo: bool = True, env: dict[str, str] | None = None, cwd: Path = REPO):
        self.binary = binary
        self.cwd = cwd
        self.data_dir = data_dir
        self.demo = demo
        self.env = env or {}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "RenkeiServer":
        args = [str(self.binary), "serve", "--hostname", "127.0.0.1", "--port", str(self.port)]
        if self.demo:
            args.insert(2, "--demo")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            args, cwd=self.cwd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=renkei_env(self.data_dir, RENKEI_PUBLIC_URL=self.base_url, **self.env),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerExited(f"renkei serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url("/healthz"), timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"renkei serve did not answer /healthz within {timeout} s:\n{self.log()}")

    def url(self, path: str) -> str:
        return self.base_url + path

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()


def start_server(binary: Path, tmp_root: Path, demo: bool = True, env: dict[str, str] | None = None,
                 attempts: int = 3) -> RenkeiServer:
    """A fresh server with an empty data directory under `tmp_root`. Another process may take
    the free port before the server binds it, so a start that fails is retried on a new port."""
    for attempt in range(1, attempts + 1):
        data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=tmp_root))
        try:
            return RenkeiServer(binary, data_dir, demo=demo, env=env).start()
        except ServerExited:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def server_factory(renkei_bin, tmp_path_factory):
    """Starts fresh servers on demand (`server_factory(demo=True, env={...})`); stops them all
    afterwards."""
    started: list[RenkeiServer] = []

    def make(demo: bool = True, env: dict[str, str] | None = None) -> RenkeiServer:
        server = start_server(renkei_bin, tmp_path_factory.mktemp("server"), demo=demo, env=env)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def demo_server(server_factory):
    """One read-only demo server per test module. Tests that write start their own."""
    return server_factory()


@pytest.fixture(scope="session")
def cli(renkei_bin):
    """`cli(data_dir, *args, env={...})` runs the renkei command line against `data_dir`."""
    def run(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return run_cli(renkei_bin, Path(data_dir), *args, env=env)
    return run


# --- Two-factor sign-in -------------------------------------------------------------------

CSRF_PATTERN = re.compile(r'name="_csrf" value="([^"]+)"')


class Authenticator:
    """What people's authenticator apps hold: the TOTP secret of each account, per server.
    Codes come from pyotp, an implementation independent of Renkei's. A code is accepted once,
    so a second sign-in within 30 seconds uses the next step's code (allowed as clock drift),
    and a third waits for the next step."""

    def __init__(self):
        self.secrets: dict[tuple[str, str], str] = {}
        self.last_step: dict[tuple[str, str], int] = {}

    def enrol(self, server, email: str, secret: str) -> None:
        self.secrets[(server.base_url, email)] = secret

    def code(self, server, email: str) -> str:
        import pyotp
        key = (server.base_url, email)
        while True:
            now = int(time.time() // 30)
            step = max(now, self.last_step.get(key, -1) + 1)
            if step <= now + 1:
                break
            time.sleep(30 - time.time() % 30 + 0.2)
        self.last_step[key] = step
        return pyotp.TOTP(self.secrets[key]).at(step * 30)


@pytest.fixture(scope="session")
def authenticator() -> Authenticator:
    return Authenticator()


def sign_in_http(session: requests.Session, server, email: str, password: str, authenticator: Authenticator) -> requests.Response:
    """Signs in as a browser would: password, then the TOTP code, or the enrolment a role
    that requires two-factor sign-in is sent to on its first sign-in."""
    form = session.get(server.url("/sign-in"), timeout=30).text
    response = session.post(server.url("/sign-in"), timeout=30,
                            data={"_csrf": CSRF_PATTERN.search(form).group(1), "email": email, "password": password, "next": ""})
    if response.url.endswith("/sign-in/two-factor"):
        response = session.post(server.url("/sign-in/two-factor"), timeout=30,
                                data={"_csrf": CSRF_PATTERN.search(response.text).group(1), "code": authenticator.code(server, email)})
    if response.url.endswith("/account/two-factor"):
        authenticator.enrol(server, email, re.search(r'id="totp-secret">([A-Z2-7]+)<', response.text).group(1))
        response = session.post(server.url("/account/two-factor"), timeout=30,
                                data={"_csrf": CSRF_PATTERN.search(response.text).group(1), "code": authenticator.code(server, email)})
        assert 'id="recovery-codes"' in response.text, "enrolment shows the recovery codes"
    assert response.status_code == 200 and "account-link" in response.text, f"sign-in as {email}: HTTP {response.status_code} at {response.url}"
    return response


# --- Browser -------------------------------------------------------------------------------

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first_existing(candidates, name, override):
    if os.environ.get(override):
        path = os.environ[override]
        return path if os.access(path, os.X_OK) else None
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    return shutil.which(name)


def browser_unavailable(reason: str):
    """Missing browser pieces: a skip on a developer machine, a failure in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser test must run in CI)")
    pytest.skip(f"{reason}; install Debian's chromium and chromium-driver to run the browser test")


@pytest.fixture(scope="module")
def chrome_driver(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        browser_unavailable("the selenium Python package is not installed")
    chromium = _first_existing(CHROMIUM_CANDIDATES, "chromium", "RENKEI_CHROMIUM")
    driver_path = _first_existing(CHROMEDRIVER_CANDIDATES, "chromedriver", "RENKEI_CHROMEDRIVER")
    if not chromium:
        browser_unavailable("chromium is not installed (looked for /usr/bin/chromium; RENKEI_CHROMIUM overrides)")
    if not driver_path:
        browser_unavailable("chromedriver is not installed (looked for /usr/bin/chromedriver; RENKEI_CHROMEDRIVER overrides)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-proxy-server",
                     "--window-size=1280,1000", "--lang=en-US",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class Browser:
    """A headless Chromium on one server: open pages, fill forms, wait for the next page, and
    fail with the server's own words when it answers with its error page."""

    def __init__(self, driver, server, screenshot_dir: Path, authenticator: Authenticator | None = None):
        from selenium.webdriver.common.by import By
        self.driver = driver
        self.server = server
        self.screenshot_dir = screenshot_dir
        self.authenticator = authenticator or Authenticator()
        self.By = By
        self.shots: list[Path] = []

    def open(self, path, error_page_ok=False):
        self.driver.get(self.server.url(path))
        if not error_page_ok:
            self.no_error_page()
        return self

    def no_error_page(self):
        heading = self.all("main h1")
        if heading and re.match(r"^[45]\d\d ", heading[0].text):
            detail = self.all(".problem-detail")
            pytest.fail(f"{self.driver.current_url} shows the error page: {heading[0].text}: "
                        f"{detail[0].text if detail else ''}")

    def find(self, css):
        return self.driver.find_element(self.By.CSS_SELECTOR, css)

    def all(self, css):
        return self.driver.find_elements(self.By.CSS_SELECTOR, css)

    def has(self, css):
        return bool(self.all(css))

    def wait_for(self, css, timeout=15):
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout).until(EC.presence_of_element_located((self.By.CSS_SELECTOR, css)))

    def wait_for_path(self, path, timeout=15):
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(self.driver, timeout).until(lambda d: d.current_url.split("?")[0].endswith(path))

    def click_and_wait(self, css, timeout=15, error_page_ok=False):
        """Clicks and waits until the old page is gone (a form submission or a link)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait
        old = self.find("html")
        self.find(css).click()

        def old_page_gone(_):
            # While the next page loads, chromedriver may answer "node does not belong to the
            # document" instead of "stale element": both mean the old page is gone.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, timeout).until(old_page_gone)
        if not error_page_ok:
            self.no_error_page()

    def fill(self, fields: dict[str, str]):
        """Types into inputs and textareas, and picks options of selects, by CSS selector."""
        from selenium.webdriver.support.ui import Select
        for css, value in fields.items():
            element = self.find(css)
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            elif element.get_attribute("type") in ("date", "datetime-local"):
                # Typing into date controls depends on the browser's locale; set the value.
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
            else:
                element.clear()
                element.send_keys(value)

    def text(self):
        return self.find("body").text

    def shot(self, name):
        path = self.screenshot_dir / f"{len(self.shots) + 1:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        self.shots.append(path)
        return path

    def sign_in(self, email: str, password: str):
        """Password, then the authenticator's code; on a role's first sign-in, the enrolment."""
        self.open("/sign-in")
        self.fill({"#email": email, "#password": password})
        self.click_and_wait("#sign-in-submit")
        assert not self.has("#sign-in-error"), self.find("#sign-in-error").text
        if self.driver.current_url.endswith("/sign-in/two-factor"):
            self.fill({"#code": self.authenticator.code(self.server, email)})
            self.click_and_wait("#two-factor-submit")
        if self.driver.current_url.endswith("/account/two-factor"):
            self.authenticator.enrol(self.server, email, self.find("#totp-secret").text.strip())
            self.fill({"#code": self.authenticator.code(self.server, email)})
            self.click_and_wait("#two-factor-enrol")
            assert self.has("#recovery-codes"), "enrolment shows the recovery codes"
        assert self.has("#account-link"), f"signed in as {email}"

    def sign_out(self):
        if self.has("#sign-out"):
            self.click_and_wait("#sign-out")


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Screenshots go outside the repository; RENKEI_SCREENSHOTS picks the place."""
    chosen = os.environ.get("RENKEI_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
