"""The course as its readers meet it: every notebook opened in a real JupyterLab, in headless
Chromium, at 1366x768, with the README's command.

What it holds: a notebook opens unmodified (no dirty mark: its metadata is what JupyterLab itself
would write), saving it leaves every file byte for byte as it was (the `.ipynb` and its jupytext
source in `src/`), and a link in the prose to the rule reference or the datasets opens a file that
exists. The notebooks are copied with the folders they link to, so the checkout is never touched.

Skipped when Chromium is missing, unless EXPORTKIT_REQUIRE_BROWSER=1 (CI), where that fails.
"""

from __future__ import annotations

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

from .test_browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
# `make course`'s options after `jupyter lab`, read from the Makefile: the test starts what people start
COURSE = re.search(r"^course:.*\n\t\$\(BIN\)/jupyter lab (.*)$", (ROOT / "Makefile").read_text(), re.M)[
    1
].split()  # type: ignore[index]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
COPIED = ("notebooks", "docs", "datasets")  # the course and what its links point at
START_TIMEOUT = 90  # seconds for JupyterLab to answer
OPEN_WAIT = 60_000  # ms for a notebook to show
TAB = ".lm-TabBar-tab.jp-mod-current[data-type='document-title']"  # the open notebook's tab


class Lab(NamedTuple):
    address: str
    root: Path


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        why = "no Chromium at /usr/bin/chromium or on PATH (apt-get install chromium)"
        if os.environ.get("EXPORTKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"EXPORTKIT_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    return CHROMIUM


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
    import json

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
