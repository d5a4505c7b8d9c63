"""An audit as people read it: a table of outcomes per destination with totals, then each
finding that needs an answer, grouped by outcome; and the same findings as a JSON document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.audit import OUTCOMES, Audit, Finding
from ..core.model import iso
from ..core.rules import cited
from ..core.rulesets import settings_of

MEANING = {
    "MISSING": "predicted, not captured",
    "UNEXPECTED": "captured, not predicted",
    "DIFFERENT": "predicted and captured, fields differ",
    "PENDING": "predicted, not yet due at the capture's end",
    "MATCHED": "predicted and captured, every field equal",
}


def _minutes(seconds: float) -> str:
    return f"{seconds / 3600:g} h" if seconds >= 3600 and seconds % 3600 == 0 else f"{seconds / 60:g} min"


def capture_name(audit: Audit) -> str:
    """The capture as a client reads it: its file's (or folder's) name, never a temporary path."""
    return Path(audit.source).name or audit.source


def heading(audit: Audit) -> list[str]:
    """What was audited against what (the rule set by its label, as learners and clients read
    it), and the capture's end with the tolerances."""
    s = audit.scenario
    capture, kind, messages, retries = capture_name(audit), audit.kind, audit.messages, audit.retries
    unit = "files" if kind == "batch files" else "requests"
    again = f", {retries} repeated message ids counted once (M7 retries)" if retries else ""
    end = (
        f"the capture ends {iso(audit.until)}"
        if audit.until
        else "the capture has no times: nothing is pending"
    )
    t = audit.tolerances
    return [
        f"Audit of {capture} ({kind}: {messages} {unit}{again}) against {s.name}, under the "
        f"{settings_of(s.rules).dated}",
        f"{end}; a record is pending within {_minutes(t.latency.total_seconds())} of it (M7), "
        f"{_minutes(t.backfill.total_seconds())} for a backfill (E-T6)",
    ]


def table(audit: Audit) -> list[str]:
    """Per destination, the count of each outcome, and the totals."""
    counts = audit.counts()
    names = list(counts)
    width = max([len("destination"), len("total"), *map(len, names)])
    head = "  ".join(f"{o:>10}" for o in OUTCOMES)
    lines = [f"{'destination':<{width}}  {head}"]
    for name in names:
        lines.append(f"{name:<{width}}  " + "  ".join(f"{counts[name][o]:>10}" for o in OUTCOMES))
    totals = audit.totals()
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{totals[o]:>10}" for o in OUTCOMES))
    return lines


def finding_lines(f: Finding) -> list[str]:
    """One finding: who and which audience, when and where, then the rule and the reason."""
    r = f.record
    when = []
    if f.expected is not None and f.expected.at is not None:
        when.append(f"predicted {iso(f.expected.at)}")
    if f.actual is not None:
        when.append(f"captured {f.actual.where}" + (f" at {iso(f.actual.at)}" if f.actual.at else ""))
    lines = [f"  {f.destination}  {r.label()}  {'; '.join(when)}", f"    {cited(f.why)}"]
    for path, expected, actual in f.differences:
        lines.append(f"      {path}: expected {json.dumps(expected)}, captured {json.dumps(actual)}")
    return lines


def audit_lines(audit: Audit, verbose: bool = False) -> list[str]:
    """The whole text report: heading, table, then the findings grouped by outcome."""
    lines = heading(audit) + [""] + table(audit)
    for outcome in OUTCOMES:
        if outcome == "MATCHED" and not verbose:
            continue
        mine = [f for f in audit.findings if f.outcome == outcome]
        if not mine:
            continue
        lines += ["", f"{outcome} ({len(mine)}): {MEANING[outcome]}"]
        for f in mine:
            lines += finding_lines(f)
    verdict = (
        "only MATCHED and PENDING records: the platform did what the documentation says"
        if audit.passed
        else "some records need an answer (MISSING, UNEXPECTED or DIFFERENT)"
    )
    return [*lines, "", verdict]


def audit_text(audit: Audit, verbose: bool = False) -> str:
    """The text report as one string (`-v`, `verbose`: the MATCHED records listed too)."""
    return "\n".join(audit_lines(audit, verbose))


def audit_json(audit: Audit) -> str:
    """The audit as JSON: a heading object, then `findings`, one finding per line (stable keys)."""
    return "".join(audit_json_lines(audit))


def audit_json_lines(audit: Audit) -> Iterator[str]:
    """`audit_json` one line at a time, to be written as it is made: the whole text of a large
    audit (a hundred thousand findings) need not be held at once."""
    head: dict[str, Any] = {
        "capture": audit.source,
        "kind": audit.kind,
        "messages": audit.messages,
        "retries": audit.retries,
        "scenario": audit.scenario.name,
        "rules": audit.scenario.rules,
        "until": iso(audit.until) if audit.until else None,
        "latency_seconds": audit.tolerances.latency.total_seconds(),
        "backfill_latency_seconds": audit.tolerances.backfill.total_seconds(),
        "passed": audit.passed,
        "totals": audit.totals(),
        "destinations": audit.counts(),
    }
    text = json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1]
    if not audit.findings:
        yield f'{text}, "findings": []}}\n'
        return
    yield f'{text}, "findings": [\n'
    last = len(audit.findings) - 1
    for i, f in enumerate(audit.findings):
        row = json.dumps(f.as_dict(), ensure_ascii=False, sort_keys=True, default=str)
        yield row + (",\n" if i < last else "\n]}\n")


__all__ = [
    "MEANING",
    "audit_json",
    "audit_json_lines",
    "audit_lines",
    "audit_text",
    "capture_name",
    "finding_lines",
    "heading",
    "table",
]
