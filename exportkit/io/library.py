"""Where scenarios come from: the library of bundled datasets, the demo's deep links into it, and files
a learner uploads.

`parse_query` reads a query string such as `scenario=delorean&step=4` into a `DemoRequest`; it never
raises: what it cannot use becomes a one-line notice the page shows, and the default is used instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from ..core.model import Scenario
from ..core.rulesets import RULE_SETS, choices_text
from .loader import ScenarioError, parse_scenario
from .scenario_text import TextProblem, decode

# `datasets/` at the top of the repository, installed as the package exportkit.datasets.
DATASETS = Path(str(files("exportkit.datasets")))
SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_SCENARIO = "delorean"


def dataset_names(folder: Path = DATASETS) -> list[str]:
    """The scenario names (file stems) in `folder`, sorted."""
    return sorted(p.stem for p in folder.iterdir() if p.suffix in SUFFIXES)


def dataset_path(name: str, folder: Path = DATASETS) -> Path:
    """The file of scenario `name`; raises KeyError when there is none."""
    for suffix in SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    raise KeyError(name)


def scenario_path(argument: str) -> Path:
    """The file a scenario argument names: a path, or the name of a bundled dataset
    (`exportkit run delorean`). A name that is neither is left as a path for the loader to
    report as missing."""
    path = Path(argument)
    if path.exists() or path.suffix:
        return path
    try:
        return dataset_path(argument)
    except KeyError:
        return path


@dataclass(frozen=True, slots=True)
class DemoRequest:
    """What a demo link asks for, and what could not be honoured (`notices`)."""

    scenario: str = DEFAULT_SCENARIO
    step: int = 0
    destination: str | None = None
    notices: tuple[str, ...] = ()
    profile: str | None = None
    rules: str | None = None
    changes: dict[str, Any] | None = None  # the destination's options the reader changed


def parse_query(query: str, names: Sequence[str], default: str = DEFAULT_SCENARIO) -> DemoRequest:
    """Read `scenario`, `step`, `destination`, `profile`, `rules` and `options` (the destination's
    changed fields, as JSON) from a query string; other
    keys (Voila's own `voila-theme` …) are left alone. The step's upper bound, the destination and
    the profile are checked by the app, which knows the scenario."""
    params = parse_qs((query or "").lstrip("?"), keep_blank_values=True)
    notices: list[str] = []
    scenario = default
    if "scenario" in params:
        wanted = params["scenario"][-1].strip()
        if wanted in names:
            scenario = wanted
        else:
            notices.append(
                f"Unknown scenario {wanted!r}: choose one of {', '.join(names)}. Showing {default}."
            )
    step = 0
    if "step" in params:
        raw = params["step"][-1].strip()
        if raw.isascii() and raw.isdigit():  # not "²", which isdigit() accepts and int() refuses
            step = int(raw)
        else:
            notices.append(f"Step {raw!r} is not a whole number of 0 or more. Showing step 0.")
    destination = params["destination"][-1].strip() if "destination" in params else None
    profile = params["profile"][-1].strip() if "profile" in params else None
    rules = params["rules"][-1].strip() if "rules" in params else None
    if rules is not None and rules not in RULE_SETS:
        notices.append(f"Rules {rules!r} are not {choices_text()}. Showing the scenario's own rules.")
        rules = None
    changes = None
    if "options" in params:
        try:
            changes = json.loads(params["options"][-1])
        except ValueError:
            changes = None
        if not isinstance(changes, dict):
            notices.append("The link's options are not readable. Showing the destination's own options.")
            changes = None
    return DemoRequest(scenario, step, destination or None, tuple(notices), profile or None, rules, changes)


def load_upload(name: str, content: bytes | str) -> Scenario | str:
    """A scenario from an uploaded file's name and content, or the one line that says why it
    cannot be explored (for a bad file, the `ScenarioError` text: file, line, place, problem)."""
    if isinstance(content, bytes):
        try:
            content = decode(content)
        except TextProblem as err:
            return str(ScenarioError(name, "", err.problem, err.line))
    try:
        scenario = parse_scenario(content, source=name, json_text=name.lower().endswith(".json"))
    except ScenarioError as err:
        return str(err)
    if not scenario.destinations:
        return f"{name}: has no destination to explore"
    return scenario


__all__ = [
    "DATASETS",
    "DEFAULT_SCENARIO",
    "DemoRequest",
    "dataset_names",
    "dataset_path",
    "load_upload",
    "parse_query",
    "scenario_path",
]
