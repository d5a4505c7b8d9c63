"""A scenario file read for checking: the scenario, its text and the line of each expectation.

The loader validates (and refuses bad input with one located line); the lines of the
expectations come from the same reader the loader's messages use (`scenario_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.engine import Replay, replay
from ..core.model import Scenario
from ..io.library import SUFFIXES
from ..io.loader import ScenarioError, parse_scenario
from ..io.scenario_text import Lines, TextProblem, decode, json_line, parse_yaml, read_bytes, yaml_line
from .results import ExpectationResult, check_replay


@dataclass(slots=True)
class ScenarioFile:
    """A valid scenario file, with what is needed to point at its lines."""

    path: Path
    text: str
    scenario: Scenario
    _data: Any = None
    _lines: Lines | None = None
    _replay: Replay | None = None

    @classmethod
    def read(cls, path: str | Path) -> ScenarioFile:
        """Read and validate `path`; a `ScenarioError` (one located line) when it is not valid."""
        path = Path(path)
        try:
            text = decode(read_bytes(path))
        except TextProblem as err:
            raise ScenarioError(str(path), "", err.problem, err.line) from None
        scenario = parse_scenario(text, str(path), json_text=path.suffix.lower() == ".json")
        return cls(path, text, scenario)

    @classmethod
    def from_text(cls, text: str, name: str = "scenario.yaml") -> ScenarioFile:
        """A scenario given as text (a notebook, an upload), named `name` in what is printed."""
        path = Path(name)
        return cls(path, text, parse_scenario(text, name, json_text=path.suffix.lower() == ".json"))

    @property
    def is_json(self) -> bool:
        return self.path.suffix.lower() == ".json"

    def line(self, loc: tuple[Any, ...]) -> int:
        """The line of the value at `loc` (`("events", 3, "expect", "adnet")`)."""
        if self.is_json:
            return json_line(self.text, loc) or 1
        if self._lines is None:
            self._data, self._lines = parse_yaml(self.text)
        return yaml_line(self._data, self._lines, loc) or 1

    def result_line(self, result: ExpectationResult) -> int:
        if result.step == 0:
            return self.line(("expect_end", result.destination))
        return self.line(("events", result.step - 1, "expect", result.destination))

    @property
    def replay(self) -> Replay:
        """The scenario replayed once, when first needed."""
        if self._replay is None:
            self._replay = replay(self.scenario)
        return self._replay

    def results(self) -> list[ExpectationResult]:
        return check_replay(self.replay)

    @property
    def expectations(self) -> int:
        """How many expectations the file holds."""
        steps = sum(len(e.expect) for e in self.scenario.events if e.expect)
        return steps + len(self.scenario.expect_end or {})


def scenario_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, and the YAML and JSON files under the folders named, each once, sorted
    within a folder."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        found = (
            sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            if path.is_dir()
            else [path]
        )
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                yield p


__all__ = ["ScenarioFile", "scenario_paths"]
