"""The demo in a real browser: `exportkit demo` serves the explorer with Voila (preheated kernels),
headless Chromium opens deep links, clicks the timeline, Next and rule chips, and reads the page.

Skipped when Chromium is missing, unless EXPORTKIT_REQUIRE_BROWSER=1 (CI), where that fails.
The system Chromium is used; no browser is ever downloaded. Screenshots of each view are kept in
$EXPORTKIT_SCREENSHOTS when set (for example build/screenshots, which git ignores), else in pytest's
temporary folder (the path is printed at the end of the run, with -rA).
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import pytest

from exportkit.app.demo import POOL_SIZE, free_port
from exportkit.io.library import dataset_names, dataset_path
from exportkit.io.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
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
START_TIMEOUT = 90  # seconds for Voila to listen
WAIT = 120_000  # ms for the first page: on a busy machine the pool's kernels take a while to warm
STEP_WAIT = 30_000  # ms for a step to appear after a click
CULL_AFTER = 10  # seconds: a dead tab's kernel goes soon enough for a test to watch it
LIVE = ".exportkit-view"  # the step view's element
READOUT = "document.querySelector('.exportkit-step .widget-readout').textContent.trim()"  # the slider's
REPR = re.compile(r"\{'|\['|Reason\(|Decision\(|object at 0x|Traceback|Cannot replay")
EVENTS = {name: len(load_scenario(dataset_path(name)).events) for name in dataset_names()}


class Demo(NamedTuple):
    address: str
    process: subprocess.Popen[str]
    log: Path


@pytest.fixture(scope="module")
def demo_server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`exportkit demo` on a free loopback port, culling a dead tab's kernel after CULL_AFTER
    seconds; stops its process group."""
    log_path = tmp_path_factory.mktemp("demo") / "voila.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "exportkit", "demo", "--port", str(free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
        env={**os.environ, "EXPORTKIT_DEMO_CULL_AFTER": str(CULL_AFTER)},
    )
    try:
        line = _first_line(server, START_TIMEOUT)
        if not line.startswith("exportkit demo: open http://127.0.0.1:"):
            log.flush()
            pytest.fail(f"exportkit demo did not start: {line!r}\n{log_path.read_text()[-2000:]}")
        yield Demo(line.split()[3], server, log_path)
    finally:
        shown = log_path.read_text()  # what the terminal showed while the demo ran, before the stop
        _stop_group(server)
        server.stdout.close()  # type: ignore[union-attr]
        log.close()
    # A culled kernel is one line, and only for a tab that died without closing (the test below
    # makes one on purpose); anything else is a warning a consultant would see. What a kernel says
    # while the test stops the whole process group ("Parent appears to have exited", or the start
    # notice of a pool kernel caught mid-start) is the test's own doing, not the demo's.
    flood = [
        x for x in shown.splitlines() if ("WARNING" in x or " 403 " in x) and "Culling 'idle' kernel" not in x
    ]
    assert not flood, f"the demo's terminal shows warnings: {flood[:5]}"


@pytest.fixture(scope="module")
def demo(demo_server: Demo) -> str:
    """The demo's address."""
    return demo_server.address


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
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(STEP_WAIT)
    yield page
    leave(page)
    context.close()


def leave(page) -> None:
    """Leave the page as a person closing the tab does: the page's `beforeunload` handler asks
    Voila to shut its kernel down."""
    if not page.is_closed():
        page.goto("about:blank")


def step_selector(step: int, scenario: str = "delorean") -> str:
    return f'.ek-step[data-step="{step}"][data-scenario="{scenario}"]'


def text_of(page, selector: str) -> str:
    """The text a reader sees in `selector`, the step view's too: it draws in a shadow root, which
    the element's innerText leaves out."""
    return page.inner_text(selector) + "\n" + page.inner_text(".ek-view")


def open_view(page, base: str, query: str, step: int, scenario: str = "delorean") -> str:
    """Open a link and wait for the view (the widgets) at `step`."""
    page.goto(f"{base}?{query}", timeout=WAIT)
    page.wait_for_selector(LIVE + " " + step_selector(step, scenario), timeout=WAIT)
    return page.inner_text(".ek-step")


def test_a_deep_link_opens_exactly_that_view_and_the_page_hides_its_code(page, demo, shots):
    query = "scenario=delorean&destination=adnet&step=13&profile=jennifer"
    text = open_view(page, demo, query, 13)
    assert f"Step 13 of {EVENTS['delorean']}" in text
    assert "Jennifer Parker opts out of data use" in text
    assert page.locator(".ek-card.focus").first.get_attribute("data-destination") == "adnet"
    assert "The story of Jennifer Parker" in page.inner_text(".ek-view")
    assert page.url.endswith("?" + query)
    body = text_of(page, "body")
    assert "Traceback" not in body and "get_query_string" not in body, "code or an error is visible"
    assert (
        page.locator(
            ".jp-CodeCell .jp-InputArea:visible, .jp-InputPrompt:visible, .cm-editor:visible"
        ).count()
        == 0
    )
    page.screenshot(path=str(shots / "deep-link-step13.png"))


def test_the_timeline_jumps_on_click_and_the_address_follows(page, demo, shots):
    open_view(page, demo, "scenario=delorean&step=0", 0)
    page.click('.ek-timeline a[data-step="20"]')
    page.wait_for_selector(step_selector(20))
    assert "Export file now on Amazon S3" in page.inner_text(".ek-step")
    assert page.url.endswith("scenario=delorean&destination=http-api&step=20")
    page.wait_for_function(f"{READOUT} === '20'")  # the kernel was told: the slider followed
    page.click("button.exportkit-next")
    page.wait_for_selector(step_selector(21))
    assert page.url.endswith("step=21")
    page.screenshot(path=str(shots / "timeline-step21.png"))


def test_a_rule_chip_reveals_the_rule_statement(page, demo, shots):
    open_view(page, demo, "scenario=delorean&step=3", 3)
    chip = page.locator('.ek-card .ek-chip[data-rule="E-S1"]').first
    tip = chip.locator(".ek-tip")
    assert not tip.is_visible()
    chip.hover()
    assert tip.is_visible()
    assert "An overwrite with the same value is a change" in tip.inner_text()
    page.screenshot(path=str(shots / "rule-chip-E-S1.png"))
    ambiguity = page.locator('.ek-card .ek-chip.ambiguity[data-rule="A3"]').first
    ambiguity.click()  # a click works as well as a hover (touch screens)
    assert "reading of an ambiguity" in ambiguity.locator(".ek-tip").inner_text()


def test_the_profile_view_lists_the_profiles_events(page, demo, shots):
    open_view(page, demo, "scenario=delorean&step=1", 1)
    page.click('.ek-event .ek-profile[data-profile="marty"]')  # a name in the step opens its story
    page.wait_for_selector(".ek-story")
    story = page.inner_text(".ek-story")
    assert "qualifies for Customer with DeLorean Cars" in story
    assert "set to" in story and "gains the identity" in story
    assert page.url.endswith("profile=marty")
    page.locator(".ek-story tr[data-step]").nth(2).click()  # a row of the story jumps to its step
    page.wait_for_selector(".ek-step:not([data-step='1'])")
    page.screenshot(path=str(shots / "profile-marty.png"), full_page=True)


def test_a_copied_link_reopens_the_view(browser, demo, shots):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        open_view(page, demo, "scenario=microbatching&destination=adnet&step=2", 2, "microbatching")
        page.click("button.exportkit-next")
        page.wait_for_selector(step_selector(3, "microbatching"))
        page.click("button.ek-copy-link")
        page.wait_for_selector(".ek-copied:has-text('copied')")
        link = page.evaluate("navigator.clipboard.readText()")
        assert link.endswith("?scenario=microbatching&destination=adnet&step=3")
        shown = page.inner_text(".ek-step")
        other = context.new_page()
        other.goto(link, timeout=WAIT)
        other.wait_for_selector(step_selector(3, "microbatching"), timeout=WAIT)
        assert other.inner_text(".ek-step") == shown
        other.screenshot(path=str(shots / "copied-link.png"))
    finally:
        context.close()


def test_every_step_of_every_dataset_renders_cleanly(page, demo, shots):
    """Walk each bundled dataset with Next in one page: no Python repr, no traceback, no "Cannot
    replay"; the microbatching flush step shows the message it sends."""
    open_view(page, demo, "scenario=delorean", 0)
    for name in dataset_names():
        page.select_option(".exportkit-scenario select", name)
        page.wait_for_selector(step_selector(0, name))
        for step in range(EVENTS[name] + 1):
            if step:
                page.click("button.exportkit-next")
                page.wait_for_selector(step_selector(step, name))
            text = text_of(page, ".exportkit-app")
            found = REPR.search(text)
            assert not found, f"{name} step {step}: {found.group(0)!r}"
        page.screenshot(path=str(shots / f"{name}-last-step.png"))
        if name == "microbatching":
            assert "Messages leaving now" in text and "Why then: flush." in text


def kernels(server: subprocess.Popen[str]) -> int:
    """How many kernels the demo's Voila (the child of `exportkit demo`) runs now."""
    voila = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    if not voila:
        return 0
    found = subprocess.run(["pgrep", "-P", voila[0], "-f", "ipykernel"], capture_output=True, text=True)
    return len(found.stdout.split())


def wait_until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


@pytest.mark.parametrize("how", ["leave", "close", "killed"])
def test_closing_a_tab_frees_its_kernel(browser, demo_server, how):
    """Leaving the page (what a person closing a tab does) or closing it with `beforeunload`
    sends Voila's shutdown call, and the kernel stops at once, without culling. A browser that
    dies sends nothing (here: its whole profile closed without `beforeunload`): the kernel, left
    with no connection, is culled once idle. Either way the count returns to the pool."""
    count = lambda: kernels(demo_server.process)  # noqa: E731
    culled = lambda: demo_server.log.read_text().count("Culling 'idle' kernel")  # noqa: E731

    def settled() -> bool:
        """The warm pool alone, and no dead tab's kernel of an earlier test left to cull (the pool
        refills FILL_DELAY after a page takes a kernel, so the count alone can hide one)."""
        seen = culled()
        time.sleep(CULL_AFTER + 3)
        return count() == POOL_SIZE and culled() == seen

    assert wait_until(settled, 150), f"not the warm pool alone: {count()}"
    before = culled()
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        open_view(page, demo_server.address, "scenario=delorean&step=2", 2)
        # The open tab holds its kernel while the pool refills behind it.
        assert wait_until(lambda: count() == POOL_SIZE + 1, 150), f"kernels: {count()}"
        if how == "killed":
            context.close()
            assert wait_until(lambda: count() == POOL_SIZE, CULL_AFTER + 60), f"kernels: {count()}"
            assert culled() == before + 1, "a dead tab's kernel goes by culling"
        else:
            # The tab has sat idle while the pool refilled (FILL_DELAY and a kernel's start: more
            # than CULL_AFTER), so the culler could take its kernel the moment its socket closed,
            # racing the page's shutdown call while the kernel stops (slower under load: the
            # flake). A click, which the kernel answers, is what a reader closing a tab has just
            # done: the culler then waits CULL_AFTER, and only the page's call stops it sooner.
            page.click("button.exportkit-next")
            page.wait_for_selector(step_selector(3), timeout=STEP_WAIT)
            if how == "leave":
                leave(page)
            else:
                page.close(run_before_unload=True)  # the profile lives on, as a browser's other tabs
            assert wait_until(lambda: count() == POOL_SIZE, 20), f"kernels: {count()}"
            assert culled() == before, "shut down by the page's call, not culled"
    finally:
        context.close()


def open_options(page) -> None:
    """Unfold the mapping and options of the destination."""
    page.click(".exportkit-mapping .jupyter-widget-Collapse-header")
    page.wait_for_selector(".exportkit-options", state="visible")


def test_the_destination_is_the_scenarios_and_every_option_is_offered_and_linked(page, demo, browser, shots):
    """microbatching's advertising destination keeps its aggregation key (four messages, not "no
    aggregation given"); its type's options are all there, and a link holds the one changed."""
    open_view(page, demo, "scenario=microbatching&destination=adnet&step=2", 2, "microbatching")
    assert "no aggregation given" not in text_of(page, ".exportkit-app")
    open_options(page)
    for option in ("consent-enforcement", "same-value-overwrite-triggers", "include-unchanged-segments"):
        assert page.locator(f".exportkit-option-{option}").count() == 1, option
    assert page.locator(".exportkit-option-aggregation select").input_value() == "configurable"
    page.screenshot(path=str(shots / "options-adnet.png"))
    page.check(".exportkit-option-consent-enforcement input")
    page.wait_for_function("location.search.includes('options=')", timeout=1000 + STEP_WAIT)
    link = page.url
    assert "consent_enforcement" in unquote(link)
    shown = page.inner_text(".ek-step")
    other = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    try:
        other.goto(link, timeout=WAIT)
        other.wait_for_selector(LIVE + " " + step_selector(2, "microbatching"), timeout=WAIT)
        assert other.inner_text(".ek-step") == shown
        open_options(other)
        assert other.is_checked(".exportkit-option-consent-enforcement input")
        other.screenshot(path=str(shots / "options-from-link.png"))
    finally:
        leave(other)
        other.context.close()


def test_a_batch_step_shows_batch_cards(page, demo, shots):
    """Export file now: the batch card is headed by the files written; no "0 fields sent", no
    payload to a nameless profile; messages from earlier exports are not its own."""
    open_view(page, demo, "scenario=delorean&destination=s3&step=20", 20)
    text = page.inner_text(".ek-step")
    assert "0 fields sent" not in text and "Payloads" not in text
    assert "2 FILES WRITTEN" in page.inner_text('.ek-card[data-destination="s3"]')
    # the 09:19 and 09:30 messages of earlier exports left on their own clock after step 19, at
    # their time: step 20 (10:30) sends none, and lists none as its own
    assert "Messages leaving now" not in text and "Later, on the clock" not in text
    page.screenshot(path=str(shots / "export-file-now-step20.png"), full_page=True)


def test_a_scenario_file_opens_in_the_page_and_a_broken_one_says_where(page, demo, shots):
    open_view(page, demo, "scenario=delorean&step=0", 0)
    broken = b"name: x\nsegments: []\nprofiles: []\ndestinations: []\nevents: 3\n"

    def upload(name: str, content: bytes) -> None:
        with page.expect_file_chooser() as chooser:
            page.click(".exportkit-upload")
        chooser.value.set_files(files=[{"name": name, "mimeType": "text/yaml", "buffer": content}])

    upload("broken.yaml", broken)
    page.wait_for_selector(".exportkit-notice:has-text('broken.yaml:5: events')")
    page.screenshot(path=str(shots / "upload-broken.png"))
    mine = dataset_path("backfill").read_bytes()
    upload("mine.yaml", mine)
    page.wait_for_selector(step_selector(0, load_scenario(dataset_path("backfill")).name))
    assert page.locator(".exportkit-scenario select").input_value() == "mine"
    page.screenshot(path=str(shots / "upload-mine.png"))
