"""`exportkit audit --html`: the audit as one static page, in the report's style: the heading,
the table of outcomes per destination, and each finding grouped by outcome, its rule a chip
that shows the rule's statement."""

from __future__ import annotations

import json
from html import escape

from ...core.audit import OUTCOMES, Audit, Finding
from ...core.model import iso
from ...text.findings import MEANING, capture_name, heading
from .parts import chip, style


def _finding_row(f: Finding) -> str:
    r = f.record
    predicted = iso(f.expected.at) if f.expected is not None and f.expected.at is not None else ""
    captured = ""
    if f.actual is not None:
        captured = f.actual.where + (f" at {iso(f.actual.at)}" if f.actual.at else "")
    diffs = "".join(
        f"<li><code>{escape(p)}</code>: expected <code>{escape(json.dumps(e))}</code>, "
        f"captured <code>{escape(json.dumps(a))}</code></li>"
        for p, e, a in f.differences
    )
    return (
        f"<tr><td>{escape(f.destination)}</td><td>{escape(r.label())}</td><td>{escape(predicted)}</td>"
        f"<td>{escape(captured)}</td><td>{chip(f.rule)} {escape(f.text)}"
        f"{f'<ul>{diffs}</ul>' if diffs else ''}</td></tr>"
    )


def audit_html(audit: Audit) -> str:
    """The self-contained page (no server, no script beyond the rule chips' own)."""
    capture = capture_name(audit)
    head_lines = heading(audit)
    counts = audit.counts()
    totals = audit.totals()
    header = "".join(f"<th>{o}</th>" for o in OUTCOMES)
    rows = "".join(
        f"<tr><td>{escape(d)}</td>" + "".join(f"<td>{counts[d][o]}</td>" for o in OUTCOMES) + "</tr>"
        for d in counts
    )
    rows += "<tr><th>total</th>" + "".join(f"<th>{totals[o]}</th>" for o in OUTCOMES) + "</tr>"
    sections = ""
    for outcome in OUTCOMES:
        mine = [f for f in audit.findings if f.outcome == outcome]
        if not mine:
            continue
        body = "".join(_finding_row(f) for f in mine)
        opened = " open" if outcome != "MATCHED" else ""
        sections += (
            f"<details{opened}><summary><b>{outcome}</b> ({len(mine)}): {MEANING[outcome]}</summary>"
            "<table class='ek-story'><tr><th>destination</th><th>record</th><th>predicted</th>"
            f"<th>captured</th><th>why</th></tr>{body}</table></details>"
        )
    verdict = (
        "Only MATCHED and PENDING records: the platform did what the documentation says."
        if audit.passed
        else "Some records need an answer (MISSING, UNEXPECTED or DIFFERENT)."
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>exportkit audit: {escape(audit.scenario.name)}</title>{style()}"
        "<style>body{margin:16px}.ek{margin:auto}td,th{padding:2px 8px;text-align:left}</style></head>"
        f"<body><div class='ek'><h2>Audit of {escape(capture)}</h2>"
        + "".join(f"<p>{escape(line)}</p>" for line in head_lines)
        + f"<table><tr><th>destination</th>{header}</tr>{rows}</table>"
        f"<p><b>{verdict}</b></p>{sections}</div></body></html>\n"
    )


__all__ = ["audit_html"]
