"""The demo in a real browser: `exportkit demo` serves the explorer with Voila, headless Chromium
opens deep links, clicks Next and reads the report.

Skipped when Chromium is missing, unless EXPORTKIT_REQUIRE_BROWSER=1 (CI), where that fails.
The system Chromium is used; no browser is ever downloaded.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml as _yaml

from exportkit.app.demo import free_port

# The number of DeLorean events, so that adding events to the scenario does not break this file.
DELOREAN_EVENTS = len(
    _yaml.safe_load((Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml").read_text())[
        "events"
    ]
)


ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p and Path(p).exists()), None)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60  # seconds for Voila to listen
WAIT = 60_000  # ms for a selector: the first kernel of a Voila page takes a few seconds to start
REPORT = "pre.exportkit-report"


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        why = "no Chromium at /usr/bin/chromium or on PATH (apt-get install chromium)"
        if os.environ.get("EXPORTKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"EXPORTKIT_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    return CHROMIUM


@pytest.fixture(scope="module")
def demo(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`exportkit demo` on a free loopback port; yields its address; stops its process group."""
    log_path = tmp_path_factory.mktemp("demo") / "voila.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "exportkit", "demo", "--port", str(free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    try:
        line = _first_line(server, START_TIMEOUT)
        if not line.startswith("exportkit demo: open http://127.0.0.1:"):
            log.flush()
            pytest.fail(f"exportkit demo did not start: {line!r}\n{log_path.read_text()[-2000:]}")
        yield line.split()[3]
    finally:
        _stop_group(server)
        server.stdout.close()  # type: ignore[union-attr]
        log.close()


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        pytest.fail(f"exportkit demo printed no address within {timeout} s")
    return process.stdout.readline().strip()  # type: ignore[union-attr]


def _stop_group(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the demo stops Voila, Voila its kernels
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, demo):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(WAIT)
    yield page
    page.close()


def open_report(page, base: str, query: str) -> str:
    page.goto(f"{base}?{query}")
    page.wait_for_selector(REPORT)
    return page.inner_text(REPORT)


def next_step(page, expected: int) -> str:
    from playwright.sync_api import expect

    page.click("button.exportkit-next")
    expect(page.locator(REPORT)).to_contain_text(f"Step {expected} of ")
    return page.inner_text(REPORT)


def test_next_walks_the_delorean_story(page, demo, tmp_path):
    started = time.monotonic()
    text = open_report(page, demo, "scenario=delorean&step=0")
    assert text.startswith(f"Step 0 of {DELOREAN_EVENTS}: activation")

    text = next_step(page, 1)
    assert "marty qualify delorean-owners" in text
    assert "http-api marty: EXPORTED" in text
    assert "[E-T1]" in text

    next_step(page, 2)
    text = next_step(page, 3)
    assert "overwritten with the same value" in text
    assert "[E-S1]" in text

    body = page.inner_text("body")
    assert "In [" not in body, "a code prompt is visible"
    assert "Traceback" not in body
    assert "from_query_string" not in body, "the notebook's source is visible"
    code = ".jp-CodeCell .jp-InputArea:visible, .jp-InputPrompt:visible, .cm-editor:visible"
    assert page.locator(code).count() == 0
    page.screenshot(path=str(tmp_path / "delorean-step3.png"), full_page=True)
    assert time.monotonic() - started < 60


def test_a_link_opens_the_step_it_names(page, demo, tmp_path):
    text = open_report(page, demo, "scenario=delorean&step=13")
    assert text.startswith(f"Step 13 of {DELOREAN_EVENTS}")
    assert "jennifer consent out" in text
    assert "http-api jennifer: not exported" in text
    assert "[E-S3]" in text
    page.screenshot(path=str(tmp_path / "delorean-step13.png"))


def test_an_unknown_scenario_is_said_in_the_page(page, demo):
    text = open_report(page, demo, "scenario=no-such-thing&step=2")
    assert text.startswith(f"Step 2 of {DELOREAN_EVENTS}")  # the default scenario, at the step asked for
    notice = page.inner_text(".exportkit-notice")
    assert "Unknown scenario 'no-such-thing'" in notice
    assert "Traceback" not in page.inner_text("body")
