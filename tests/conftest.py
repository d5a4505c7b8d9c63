"""Shared pytest options and fixtures: `--update-golden` rewrites the golden files instead of
comparing; `chromium` is the system browser the browser tests drive (never a download); `shots` the
folder their screenshots go to ($EXPORTKIT_SCREENSHOTS, else pytest's temporary folder)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p and Path(p).exists()), None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output (review the diff)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="module")
def chromium() -> str:
    """The system Chromium; skipped when missing, unless EXPORTKIT_REQUIRE_BROWSER=1 (CI): then a failure."""
    if CHROMIUM is None:
        why = "no Chromium at /usr/bin/chromium or on PATH (apt-get install chromium)"
        if os.environ.get("EXPORTKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"EXPORTKIT_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    return CHROMIUM


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("EXPORTKIT_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
