"""Shared fixtures for the interop suite: the renkei binary, throwaway servers, a browser.

The suite drives the real program from the outside (HTTP, a headless browser, the command
line), so it needs a built binary: `RENKEI_BIN`, default `<repo>/.build/debug/renkei`.
The binary loads `Resources/Views` relative to its working directory, so every process is
started with cwd = the repository root.
"""

from __future__ import annotations

import json
import os
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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerExited(RuntimeError):
    """`renkei serve` stopped before it answered (e.g. its port was taken meanwhile)."""


class RenkeiServer:
    """`renkei serve --demo` on a free port with its own data directory."""

    def __init__(self, binary: Path, data_dir: Path, demo: bool = True):
        self.binary = binary
        self.data_dir = data_dir
        self.demo = demo
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
            args, cwd=REPO, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=renkei_env(self.data_dir, RENKEI_PUBLIC_URL=self.base_url),
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


def start_server(binary: Path, tmp_root: Path, demo: bool = True, attempts: int = 3) -> RenkeiServer:
    """A fresh server with an empty data directory under `tmp_root`. Another process may take
    the free port before the server binds it, so a start that fails is retried on a new port."""
    for attempt in range(1, attempts + 1):
        data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=tmp_root))
        try:
            return RenkeiServer(binary, data_dir, demo=demo).start()
        except ServerExited:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def server_factory(renkei_bin, tmp_path_factory):
    """Starts fresh servers on demand (`server_factory(demo=True)`); stops them all afterwards."""
    started: list[RenkeiServer] = []

    def make(demo: bool = True) -> RenkeiServer:
        server = start_server(renkei_bin, tmp_path_factory.mktemp("server"), demo=demo)
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


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Screenshots go outside the repository; RENKEI_SCREENSHOTS picks the place."""
    chosen = os.environ.get("RENKEI_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
