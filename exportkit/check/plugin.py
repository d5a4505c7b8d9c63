"""The pytest plugin: scenario files as tests, one test item per expectation.

Opt-in, like nbval: `pytest --exportkit` collects the files matching the `exportkit_patterns` ini
option (default `*.scenario.yaml`), and a scenario file named on the command line; setting
`exportkit_patterns` in the ini file turns collection on without the option. No other YAML file is
collected. Node ids read `orders.scenario.yaml::step-3::http-api` (and `::end::s3` for
`expect_end:`), so `-k http-api`, JUnit XML and every reporter work as for any test. A failure
shows the scenario's lines around the expectation, then what was expected and what happened.
`--exportkit-update=create|fix` writes the expectations from the replay first (`check.update`).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..io.library import SUFFIXES
from ..io.loader import ScenarioError
from .file_checks import FileCheck, failure_text
from .results import ExpectationResult
from .source import ScenarioFile

DEFAULT_PATTERN = "*.scenario.yaml"
CONTEXT = 2  # lines shown after the expectation's


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("exportkit", "scenario files as tests (exportkit)")
    group.addoption(
        "--exportkit",
        action="store_true",
        help=f"collect scenario files (the exportkit_patterns ini option, default {DEFAULT_PATTERN}): "
        "one test per expectation",
    )
    group.addoption(
        "--exportkit-update",
        choices=("create", "fix"),
        default=None,
        help="write expectations from the replay before testing: create fills what is missing, fix "
        "rewrites what fails (comments and layout kept; review the diff)",
    )
    parser.addini(
        "exportkit_patterns",
        type="args",
        help=f"glob patterns of scenario files to collect (default {DEFAULT_PATTERN}); setting it "
        "turns collection on without --exportkit",
    )


def _patterns(config: pytest.Config) -> list[str]:
    return list(config.getini("exportkit_patterns"))


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("exportkit") or config.getoption("exportkit_update") or _patterns(config))


def matches(pattern: str, path: Path) -> bool:
    """A pattern without a slash matches the file's name; with one, the end of its path."""
    if "/" not in pattern:
        return fnmatch.fnmatch(path.name, pattern)
    return fnmatch.fnmatch(path.as_posix(), pattern if pattern.startswith("/") else f"*/{pattern}")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioTests | None:
    config = parent.config
    if file_path.suffix.lower() not in SUFFIXES or not _enabled(config):
        return None
    patterns = _patterns(config) or [DEFAULT_PATTERN]
    if parent.session.isinitpath(file_path) or any(matches(p, file_path) for p in patterns):
        return ScenarioTests.from_parent(parent, path=file_path)
    return None


class ExpectationFailed(Exception):
    """An expectation that does not hold (the item shows it with `failure_text`)."""


class ScenarioTests(pytest.File):
    """A scenario file: replayed once, its expectations the items."""

    source: ScenarioFile | None = None
    _check: FileCheck | None = None

    def collect(self) -> Iterator[ExpectationItem]:
        mode = self.config.getoption("exportkit_update")
        try:
            if mode:
                from .update import update_file

                changes = update_file(self.path, mode)
                self.config.stash.setdefault(UPDATES, []).extend(changes)
            self.source = ScenarioFile.read(self.path)
        except ScenarioError as err:
            raise self.CollectError(f"exportkit: {err}") from None
        scenario = self.source.scenario
        for i, event in enumerate(scenario.events):
            for destination in event.expect or ():
                yield ExpectationItem.from_parent(self, name=f"step-{i + 1}::{destination}")
        for destination in scenario.expect_end or ():
            yield ExpectationItem.from_parent(self, name=f"end::{destination}")

    def check(self) -> FileCheck:
        """Every result of the file, replayed once for all its items."""
        if self._check is None:
            assert self.source is not None  # collected first
            self._check = FileCheck.of(self.source)
            # the path as the command line names files: relative to where pytest was started
            self._check.path = os.path.relpath(self.path, self.config.invocation_params.dir)
        return self._check


UPDATES = pytest.StashKey[list[str]]()


class ExpectationItem(pytest.Item):
    """One destination's expectation at one step (or at the end) of a scenario file."""

    parent: ScenarioTests

    def _index(self) -> int:
        check = self.parent.check()
        for i, o in enumerate(check.results):
            if o.name == self.name:
                return i
        raise LookupError(self.name)  # pragma: no cover - an item is made for each result

    @property
    def result(self) -> ExpectationResult:
        return self.parent.check().results[self._index()]

    def runtest(self) -> None:
        if not self.result.passed:
            raise ExpectationFailed(self.name)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if not isinstance(excinfo.value, ExpectationFailed):
            return str(super().repr_failure(excinfo, style=style))
        check = self.parent.check()
        i = self._index()
        heading, *details = failure_text(check, i).splitlines()
        return "\n".join([heading, *self._scenario_lines(check.lines[i]), *details])

    def _scenario_lines(self, line: int) -> list[str]:
        """The scenario's lines from the event (or `expect_end:`) to just past the expectation,
        numbered, the expectation's line marked."""
        source = self.parent.source
        assert source is not None
        o = self.result
        first = source.line(("events", o.step - 1) if o.step else ("expect_end",))
        first = min(first, line)
        if o.step == 0:
            first -= 1  # the expect_end: key itself
        text = source.text.splitlines()
        last = min(len(text), line + CONTEXT)
        first = max(1, first, line - 8)
        width = len(str(last))
        return [
            f"{'>' if n == line else ' '} {n:>{width}} | {text[n - 1]}".rstrip()
            for n in range(first, last + 1)
        ]

    def reportinfo(self) -> tuple[Path, int, str]:
        check = self.parent.check()
        return self.path, check.lines[self._index()] - 1, f"{self.path.name}::{self.name}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    changes = config.stash.get(UPDATES, [])
    if not config.getoption("exportkit_update", None):
        return
    terminalreporter.section("exportkit update")
    for line in changes:
        terminalreporter.write_line(line)
    if changes:
        terminalreporter.write_line(
            "Review the diff (git diff) before you commit: these values come from the replay."
        )
    else:
        terminalreporter.write_line("Nothing to change.")


__all__ = [
    "DEFAULT_PATTERN",
    "ExpectationFailed",
    "ExpectationItem",
    "ScenarioTests",
    "matches",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_terminal_summary",
]
