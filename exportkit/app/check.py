"""`exportkit check PATH...`: replay each scenario and hold it to its expectations.

Exit status 0 when every expectation holds, 1 when one fails, 2 when a file cannot be read or an
expectation is bad input (one located line each, on stderr). Failures are a few lines each, plain
in a pipe and coloured on a terminal; `--json` writes one document for machines.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from rich.text import Text

from ..check.file_checks import FileCheck, check_json, failure_lines, summary_line
from ..check.source import ScenarioFile, scenario_paths
from ..check.update import REVIEW, UpdateMode, update_file
from ..io.loader import ScenarioError
from ..text.layout import THEME
from .usage import bad_input


def add_parser(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser(
        "check",
        help="replay scenario files and check the expectations they carry (exit 1 when one fails)",
        description="Replay each scenario and compare it with its expect: entries. Exit status: 0 "
        "all hold, 1 one failed, 2 bad input.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="scenario files, or folders of them")
    check.add_argument("--json", action="store_true", help="one JSON document instead of text")
    check.add_argument(
        "--update",
        choices=("create", "fix"),
        help="first write expectations from the replay, in place (YAML, comments kept): create fills "
        "what is missing, fix rewrites what fails; review the diff",
    )


def check_paths(paths: list[str]) -> list[FileCheck]:
    """Every file under `paths`, checked; a file that cannot be read carries its one line."""
    checks = []
    for path in scenario_paths(paths):
        try:
            checks.append(FileCheck.of(ScenarioFile.read(path)))
        except ScenarioError as err:
            checks.append(FileCheck(str(path), error=str(err)))
    return checks


def status(checks: list[FileCheck]) -> int:
    if any(c.error for c in checks):
        return 2
    return 1 if any(c.failed for c in checks) else 0


def main(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if args.update:
        status_ = _update(args.paths, args.update, err if args.json else out, err)  # JSON stays one document
        if status_:
            return status_
    checks = check_paths(args.paths)
    if not checks:
        return bad_input(f"no scenario file under {', '.join(args.paths)}", err)
    for c in checks:
        if c.error:
            bad_input(c.error, err)
    if args.json:
        out.write(json.dumps(check_json(checks), indent=2, ensure_ascii=False) + "\n")
        return status(checks)
    lines: list[Text] = []
    for c in checks:
        for i in c.failed:
            lines += [*failure_lines(c, i), Text()]
    lines.append(summary_line(checks))
    write_lines(lines, out)
    return status(checks)


def _update(paths: list[str], mode: UpdateMode, out: TextIO, err: TextIO) -> int:
    """Write the expectations of every file first; 2 when a file cannot be read or written."""
    changes: list[str] = []
    for path in scenario_paths(paths):
        try:
            changes += update_file(path, mode)
        except ScenarioError as problem:
            return bad_input(problem, err)
        except OSError as problem:
            return bad_input(f"{path}: cannot be written ({problem.strerror or problem})", err)
    out.write("".join(f"{line}\n" for line in changes))
    out.write(f"{REVIEW}\n\n" if changes else "Nothing to update.\n\n")
    return 0


def write_lines(lines: list[Text], out: TextIO) -> None:
    """Plain text in a pipe (or with NO_COLOR); rich's colours on a terminal."""
    from rich.console import Console

    console = Console(file=out, highlight=False, soft_wrap=True, theme=THEME)
    if not console.is_terminal or console.no_color:
        out.write("".join(line.plain + "\n" for line in lines))
        return
    for line in lines:
        console.print(line)


__all__ = ["add_parser", "check_paths", "main", "status", "write_lines"]
