"""A failed expectation in a few readable lines, and the JSON of a whole check.

    datasets/delorean.yaml:47: step 3, adnet (Advertising network): FAILED
      event     Marty McFly (marty): loyalty.tier is set to "platinum" (2025-03-03T09:03:00Z)
      expected  verdict exported
      actual    verdict not exported
      decided   [A3] a same-value overwrite is not a change for this destination ...

The lines are rich `Text`s styled by name (`text.layout.THEME`): plain in a pipe, coloured on a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from ..core.model import iso
from ..core.rules import cited
from ..core.words import count
from ..text.sentences import Names, event_text
from .results import ExpectationResult
from .source import ScenarioFile

LABEL = 10  # the width of the labels: event, expected, actual, decided


@dataclass(slots=True)
class FileCheck:
    """One file's results, or the one line that says why it could not be checked."""

    path: str
    results: list[ExpectationResult] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line of each result's expectation
    events: list[str] = field(default_factory=list)  # each result's event in words
    error: str | None = None

    @classmethod
    def of(cls, source: ScenarioFile) -> FileCheck:
        results = source.results()
        names = Names.of(source.scenario)
        events = []
        for o in results:
            if o.step == 0:
                events.append(
                    f"the end of the scenario ({iso(source.replay.end.at)})" if source.replay.end else ""
                )
            else:
                event = source.scenario.events[o.step - 1]
                events.append(f"{event_text(event, names)} ({iso(event.at)})")
        return cls(str(source.path), results, [source.result_line(o) for o in results], events)

    @property
    def failed(self) -> list[int]:
        return [i for i, o in enumerate(self.results) if not o.passed]


def where(result: ExpectationResult, names: dict[str, str] | None = None) -> str:
    """`step 3, adnet`, or `the end, s3`."""
    at = "the end" if result.step == 0 else f"step {result.step}"
    return f"{at}, {result.destination}"


def failure_lines(check: FileCheck, i: int) -> list[Text]:
    """The failure of result `i` of `check`: where, the event, expected, actual, decided."""
    o = check.results[i]
    lines = [
        Text.assemble(
            (f"{check.path}:{check.lines[i]}: ", "heading"),
            (where(o), "destination"),
            (": FAILED", "not-exported"),
        ),
        _row("event", (check.events[i], "event")),
    ]
    for m in o.mismatches:
        lines.append(_row("expected", (f"{m.what}: ", "detail"), (m.expected, "exported")))
        lines.append(_row("actual", (f"{m.what}: ", "detail"), (m.actual, "not-exported")))
    for n, r in enumerate(o.reasons[:3]):
        mark, text = cited(r).split(" ", 1)  # "[E-T3]", then the text
        lines.append(_row("decided" if n == 0 else "", (f"{mark} ", "rule"), text))
    return lines


def failure_text(check: FileCheck, i: int) -> str:
    """`failure_lines` as plain text."""
    return "\n".join(line.plain for line in failure_lines(check, i))


def _row(label: str, *parts: str | tuple[str, str]) -> Text:
    return Text.assemble(("  " + label.ljust(LABEL), "detail"), *parts)


def summary_line(checks: Sequence[FileCheck]) -> Text:
    """`2 files, 41 expectations: 40 hold, 1 failed` (and files that could not be checked)."""
    total = sum(len(c.results) for c in checks)
    failed = sum(len(c.failed) for c in checks)
    bad = sum(1 for c in checks if c.error)
    text = f"{count(len(checks), 'file')}, {count(total, 'expectation')}: {total - failed} hold"
    line = Text(text, "exported" if not failed and not bad else "heading")
    if failed:
        line.append(f", {failed} failed", "not-exported")
    if bad:
        line.append(f", {bad} could not be read (exit status 2)", "not-exported")
    return line


def failures_text(checks: Sequence[FileCheck]) -> str:
    """Every failure, then the summary line, as plain text (what `exportkit check` prints in a pipe)."""
    lines: list[Text] = []
    for c in checks:
        for i in c.failed:
            lines += [*failure_lines(c, i), Text()]
    lines.append(summary_line(checks))
    return "".join(line.plain + "\n" for line in lines)


def check_text(text: str, name: str = "scenario.yaml") -> str:
    """Check a scenario given as text: `failures_text` of its one file (bad input raises the
    loader's `ScenarioError`)."""
    return failures_text([FileCheck.of(ScenarioFile.from_text(text, name))])


def check_json(checks: Sequence[FileCheck]) -> dict[str, Any]:
    """The whole check as one JSON document (`exportkit check --json`)."""
    files = []
    for c in checks:
        entry: dict[str, Any] = {"path": c.path}
        if c.error is not None:
            entry["error"] = c.error
        entry["expectations"] = [
            {
                "line": c.lines[i],
                "step": o.step or None,
                "destination": o.destination,
                "name": o.name,
                "event": c.events[i],
                "passed": o.passed,
                "mismatches": [m.as_dict() for m in o.mismatches],
                "reasons": [r.as_dict() for r in o.reasons],
            }
            for i, o in enumerate(c.results)
        ]
        files.append(entry)
    total = sum(len(c.results) for c in checks)
    failed = sum(len(c.failed) for c in checks)
    return {
        "files": files,
        "expectations": total,
        "failed": failed,
        "unreadable": sum(1 for c in checks if c.error),
    }


__all__ = [
    "FileCheck",
    "check_json",
    "failure_lines",
    "failure_text",
    "summary_line",
    "where",
]
