"""The course as its readers meet it: every notebook opened in a real JupyterLab, in headless
Chromium, at 1366x768, as `make course` starts it.

What it holds: before it runs (untrusted, no kernel state), a notebook shows each widget's still
(`exportkit.ui.static`), never a widget's repr or "model not found"; it opens unmodified (no dirty
mark: its metadata is what JupyterLab itself would write); saving it leaves every file byte for
byte as it was (the `.ipynb` and its jupytext source in `src/`); a link in the prose to the rule
reference or the datasets opens a file that exists; and run, its widget is live. The notebooks are
copied with the folders they link to, so the checkout is never touched.

Skipped when Chromium is missing, unless EXPORTKIT_REQUIRE_BROWSER=1 (CI), where that fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from exportkit.app.demo import free_port

from .test_browser import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
# `make course`'s options after `jupyter lab`, read from the Makefile: the test starts what people start
COURSE = re.search(r"^course:.*\n\t\$\(BIN\)/jupyter lab (.*)$", (ROOT / "Makefile").read_text(), re.M)[
    1
].split()  # type: ignore[index]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
COPIED = ("notebooks", "docs", "datasets", "tests/fixtures")  # the course, what it links to and reads
START_TIMEOUT = 90  # seconds for JupyterLab to answer
OPEN_WAIT = 60_000  # ms for a notebook to show
UNREADABLE = ("children=(", "StepView(", "model not found", "Error displaying widget", "object at 0x")
STILL = "A still of this widget"
TAB = ".lm-TabBar-tab.jp-mod-current[data-type='document-title']"  # the open notebook's tab


class Lab(NamedTuple):
    address: str
    root: Path


@pytest.fixture(scope="module")
def lab(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab started as `make course` starts it (from the top of a copy of the repository, so
    the notebooks' links reach docs/ and datasets/), on a free loopback port, without a token."""
    root = tmp_path_factory.mktemp("course")
    for folder in COPIED:
        shutil.copytree(
            ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
        )
    port = free_port()
    log = root.parent / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
        f"--port={port}", "--ServerApp.token=", "--ServerApp.password=", "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *COURSE,
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(f"{address}/api", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + log.read_text()[-3000:])
                time.sleep(0.5)
        yield Lab(address, root)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / "notebooks").rglob("*"))
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_notebook_opens_unmodified_and_saving_it_changes_no_file(lab: Lab, chromium: str, notebook: str):
    from playwright.sync_api import sync_playwright

    before = _files(lab.root)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(
                f"{lab.address}/lab/tree/notebooks/{notebook}?reset", timeout=OPEN_WAIT
            )  # this notebook alone
            try:
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=OPEN_WAIT)
            finally:
                page.screenshot(path=str(lab.root.parent / f"{notebook}.png"))
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator, .jp-KernelStatus", timeout=OPEN_WAIT)
            time.sleep(2)  # the kernel's info arrives and may update the metadata: that is what is checked
            shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea").all_text_contents()
            text = "\n".join(shown)
            for wrong in UNREADABLE:
                assert wrong not in text, f"{notebook} shows {wrong!r} before it runs"
            widgets = json.loads((lab.root / "notebooks" / notebook).read_text())
            if any("NBVAL_IGNORE_OUTPUT" in "".join(c["source"]) for c in widgets["cells"]):
                assert STILL in text, f"{notebook}: a widget cell shows no still before it runs"
            tab = page.locator(TAB)
            assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), (
                f"{notebook} is modified on opening"
            )
            page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
            page.keyboard.press("Control+s")
            page.wait_for_function(
                f"() => !document.querySelector({TAB!r}).classList.contains('jp-mod-dirty')"
            )
            time.sleep(1)  # the paired source is written after the notebook
        finally:
            browser.close()
    after = _files(lab.root)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"saving {notebook} in JupyterLab changed {changed}"


def test_the_notebooks_links_open_files_that_exist(lab: Lab):
    """A relative link in a notebook's prose resolves inside the server's root (the README starts
    JupyterLab from the top of the repository), to a file that is there."""
    links = set()
    for notebook in NOTEBOOKS:
        cells = json.loads((lab.root / "notebooks" / notebook).read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] == "markdown":
                links |= set(re.findall(r"\]\((\.\./[^)#\s]+)", "".join(cell["source"])))
    assert links, "the notebooks link to the rule reference and the datasets"
    for link in sorted(links):
        path = os.path.normpath(f"notebooks/{link}")
        with urllib.request.urlopen(
            f"{lab.address}/api/contents/{path}?content=0", timeout=10
        ) as answer:  # as a click opens it
            assert answer.status == 200, link


def test_a_notebook_run_in_jupyterlab_drives_its_widget(lab: Lab, chromium: str, tmp_path: Path):
    """Run All in JupyterLab, then the explorer's Next moves the step: the widget is live."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{lab.address}/lab/tree/notebooks/01_streaming_exports.ipynb?reset", timeout=OPEN_WAIT)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=OPEN_WAIT)
            run_all(page)
            explorer = page.locator(".exportkit-explorer").first
            explorer.wait_for(timeout=OPEN_WAIT)
            step = "() => document.querySelector('.exportkit-explorer .exportkit-step .widget-readout')"
            page.wait_for_function(f"{step}?.textContent.trim() === '0'", timeout=OPEN_WAIT)
            explorer.locator(".exportkit-next").click()
            page.wait_for_function(f"{step}.textContent.trim() === '1'", timeout=OPEN_WAIT)
            explorer.locator(".exportkit-view").get_by_text("Step 1 of").first.wait_for(timeout=OPEN_WAIT)
            page.screenshot(path=str(tmp_path / "01_run.png"))  # kept in pytest's temporary folder
        finally:
            browser.close()


# Shut down the kernels that earlier tests left running (with the page's XSRF cookie), so a
# notebook runs as on a fresh open: a lesson run after another's kernel was still running found its
# Run All queued and never run. It is done before the notebook opens: done after, it raced the
# notebook's own new session, whose path is not always listed yet, and shut it down too.
KERNELS_OFF = r"""async () => {
  const xsrf = document.cookie.match(/_xsrf=([^;]+)/);
  const headers = xsrf ? {'X-XSRFToken': decodeURIComponent(xsrf[1])} : {};
  const sessions = await (await fetch('/api/sessions')).json();
  for (const s of sessions) {
    await fetch(`/api/sessions/${s.id}`, {method: 'DELETE', headers});
  }
  return sessions.length;
}"""


def open_alone(page, lab: Lab, notebook: str) -> None:
    """Open `notebook` in JupyterLab with no other kernel running."""
    page.goto(f"{lab.address}/lab?reset", timeout=OPEN_WAIT)
    page.wait_for_selector("#jp-main-statusbar", timeout=OPEN_WAIT)
    page.evaluate(KERNELS_OFF)
    page.goto(f"{lab.address}/lab/tree/notebooks/{notebook}?reset", timeout=OPEN_WAIT)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=OPEN_WAIT)


# The notebook's kernel is started and connected: the status bar reads "| Idle" (before, it reads
# "| Starting", "| Unknown" or "No Kernel")
KERNEL_READY = "() => document.querySelector('#jp-main-statusbar').innerText.includes('| Idle')"
# Run All took: a code cell is queued or running ("[*]"), or the kernel is busy with it
RUN_STARTED = r"""() => {
  const panel = '.jp-NotebookPanel:not(.lm-mod-hidden)';
  return document.querySelector('#jp-main-statusbar').innerText.includes('| Busy')
    || [...document.querySelectorAll(`${panel} .jp-CodeCell .jp-InputPrompt`)]
      .some((p) => p.textContent.includes('[*]'));
}"""
RUN_START_WAIT = 15_000  # ms from the click to the first queued cell: JupyterLab marks them at once


def run_all(page) -> None:
    """Run All Cells from the menu, as a reader does, once the kernel is ready. Under load a notebook
    opened just after the kernels were shut down still has its new kernel starting; the committed
    execution counts then made IDLE look over while nothing ran, or the click landed before the
    menu was drawn and was lost. A click is repeated only when no cell was queued and the kernel
    never went busy, so nothing runs twice."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # starting a kernel takes its imports' time, longer under load: the open's wait, three times
    page.wait_for_function(KERNEL_READY, timeout=OPEN_WAIT * 3)
    for _ in range(3):
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
        page.locator(".lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        try:
            page.wait_for_function(RUN_STARTED, timeout=RUN_START_WAIT, polling="raf")
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")  # a menu left open
    raise AssertionError("Run All Cells queued no cell in three clicks")


def file_browser(page, want_open: bool) -> None:
    """Open or close JupyterLab's left area (the file browser) as Ctrl+B does."""
    side = page.locator("#jp-left-stack")
    if side.is_visible() != want_open:
        page.keyboard.press("Control+b")
        side.wait_for(state="visible" if want_open else "hidden")


# Run All is over: the kernel is idle and every code cell drawn (Run All ends at the bottom, where
# JupyterLab draws) has its execution count, none "[*]" (queued or running) or "[ ]" (not yet)
IDLE = r"""() => {
  const panel = '.jp-NotebookPanel:not(.lm-mod-hidden)';
  const prompts = [...document.querySelectorAll(`${panel} .jp-CodeCell .jp-InputPrompt`)];
  return document.querySelector('#jp-main-statusbar').innerText.includes('| Idle')
    && prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p.textContent));
}"""


def scroll_to(page, selector: str):
    """Scroll the notebook from the top until `selector` is drawn (JupyterLab draws only the cells
    near the view), then bring it into view."""
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").first
    panel.evaluate("(el) => { el.scrollTop = 0; }")
    for _ in range(80):
        time.sleep(0.3)
        if page.locator(selector).count():
            break
        panel.evaluate("(el) => { el.scrollTop += el.clientHeight / 2; }")
    found = page.locator(selector).first
    found.scroll_into_view_if_needed()
    return found


# What a box that overflows its output area, or a cell that shows a missing value, looks like.
OVERFLOWS = """(selector) => {
  const box = document.querySelector(selector);
  const area = box.closest('.jp-OutputArea-output').getBoundingClientRect();
  const out = [];
  for (const el of [box, ...box.querySelectorAll('*')]) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > area.right + 1)
      out.push(`${el.className || el.tagName} ends at ${r.right}, the output at ${area.right}`);
  }
  return out.slice(0, 5);
}"""
BROKEN_WORDS = """(selector) => [...document.querySelectorAll(selector + ' pre')]
  .map((el) => getComputedStyle(el).wordBreak).filter((w) => w === 'break-all')"""


@pytest.mark.parametrize("browser_open", [True, False], ids=["file-browser-open", "file-browser-closed"])
def test_02_try_it_fits_1366x768(lab: Lab, chromium: str, shots: Path, browser_open: bool):
    """02's "Try it" at 1366x768, with the file browser open and closed: the week's table and the
    folder beside it stay inside the output area, no cell reads nan or None, and no box cuts a
    word (JupyterLab's output area gives a <pre> `word-break: break-all`). A screenshot of each."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            open_alone(page, lab, "02_batch_files.ipynb")
            file_browser(page, browser_open)
            no_news = page.get_by_role("button", name="No", exact=True)  # JupyterLab's news toast
            if no_news.count():
                no_news.first.click()
            run_all(page)
            # the whole notebook runs: under load, as the lessons' run, longer than an open
            page.wait_for_function(IDLE, timeout=OPEN_WAIT * 3)
            week = scroll_to(page, ".exportkit-batch-week")
            # Run All leaves the refused setting of the notebook's last cell: a week of files again
            week.locator("select").first.select_option("daily at 17:00")
            week.locator(".widget-toggle-buttons button", has_text="incremental").click()
            page.locator(".exportkit-batch-table table").first.wait_for(timeout=OPEN_WAIT)
            page.locator(".exportkit-batch-folder pre, .exportkit-batch-folder .widget-html").first.wait_for(
                timeout=OPEN_WAIT
            )
            time.sleep(1)  # the layout settles
            week = scroll_to(page, ".exportkit-batch-week")
            name = "02-try-it-" + ("file-browser-open" if browser_open else "file-browser-closed")
            page.screenshot(path=str(shots / f"{name}.png"))
            text = week.inner_text()
            assert not re.search(r"\bnan\b|\bNone\b", text), "a missing value shows as nan or None"
            assert page.evaluate(OVERFLOWS, ".exportkit-batch-week") == []
            assert page.evaluate(BROKEN_WORDS, ".exportkit-batch-week") == []
        finally:
            browser.close()


@pytest.mark.parametrize("notebook", ["08_audit.ipynb", "09_documentation_2026.ipynb"])
def test_a_lesson_run_in_jupyterlab_reads_at_1366x768(lab: Lab, chromium: str, shots: Path, notebook: str):
    """Run All, then page through the notebook as a reader does, a screenshot a screen (read them:
    what a client would see over the consultant's shoulder); no output shows an error, and no
    output box is wider than its output area."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            open_alone(page, lab, notebook)
            no_news = page.get_by_role("button", name="No", exact=True)
            if no_news.count():
                no_news.first.click()
            run_all(page)
            page.wait_for_function(IDLE, timeout=OPEN_WAIT * 3)
            panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").first
            box = panel.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            panel.evaluate("(el) => { el.scrollTop = 0; }")
            seen, wide = [], []
            for screen in range(40):
                time.sleep(0.5)
                page.screenshot(path=str(shots / f"{notebook[:2]}-screen-{screen:02d}.png"))
                seen += page.locator(".jp-OutputArea-output").all_inner_texts()
                wide += page.evaluate(WIDER_THAN_OUTPUT)
                at = panel.evaluate("(el) => el.scrollTop")
                panel.evaluate("(el) => { el.scrollTop += el.clientHeight - 60; }")
                if panel.evaluate("(el) => el.scrollTop") == at:
                    break
            text = "\n".join(seen)
            for wrong in ("Traceback", "Error", *UNREADABLE):
                assert wrong not in text, f"{notebook} shows {wrong!r} when run"
            assert sorted(set(wide)) == []
        finally:
            browser.close()


WIDER_THAN_OUTPUT = """() => [...document.querySelectorAll('.jp-OutputArea-output')].flatMap((area) => {
  const right = area.getBoundingClientRect().right;
  return [...area.querySelectorAll('table, pre, .widget-box')]
    .filter((el) => el.getBoundingClientRect().right > right + 1 && el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName}.${el.className}: ${el.innerText.slice(0, 60)}`);
})"""
