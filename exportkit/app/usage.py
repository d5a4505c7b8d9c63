"""The command line's shared parts: the options of every command that replays a scenario, and bad
input said as one line on stderr with exit status 2 (`cli._dispatch` says it for every command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ..core.rulesets import DEFAULT_RULE_SET, RULE_SETS, rule_set_help


class UsageError(Exception):
    """Bad input on the command line: one short message, exit status 2."""


def bad_input(problem: object, stream: TextIO | None = None) -> int:
    """Say `problem` as one line, `exportkit: problem`, on stderr (or `stream`): exit status 2."""
    print(f"exportkit: {problem}", file=stream or sys.stderr)
    return 2


def add_scenario_options(parser: argparse.ArgumentParser, destination: str | None = None) -> None:
    """The scenario to replay (a file, or a bundled one by name) and `--rules`, for `run`, `report`
    and `audit`; with `destination`, that command's `--destination ID` and its help."""
    parser.add_argument(
        "scenario", help="a scenario file (YAML or JSON), or the name of a bundled one, such as delorean"
    )
    if destination is not None:
        parser.add_argument("--destination", metavar="ID", help=destination)
    parser.add_argument(
        "--rules",
        choices=list(RULE_SETS),
        help=f"rule set: {rule_set_help()} (default: the scenario's own, else {DEFAULT_RULE_SET})",
    )


def write_text(path: str | Path, text: str) -> None:
    """Write `text` to the file `path`, or raise a `UsageError` that says why it cannot be."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot write ({err.strerror or err})") from None


__all__ = ["UsageError", "add_scenario_options", "bad_input", "write_text"]
