"""The timeline strip: steps by destinations, each cell coloured by what the destination did.

A step's column spans the time from its event to the next one: it shows what the event caused,
then what the clock made before the next event (a scheduled file, a message that left on age), at
its own time, never on the next event's step.

Cells are links (`#step-N`) carrying `data-step`: the static report follows the link, the widget
catches the click and moves the view. Step 0 is the activation of the dataflows.
"""

from __future__ import annotations

from html import escape

from ...core.engine import Replay, StepRecord
from ...text.sentences import Names
from .parts import BADGES

GLYPHS = {"exported": "●", "sent": "✉", "file": "▤", "noted": "◔", "none": ""}


def outcomes(record: StepRecord, destination: str) -> list[str]:
    """Everything `destination` did at a step and on the clock before the next event, the
    strongest first: a file written, exported, a message sent, a change noted for the next file.
    A step can do several: a profile's change is noted for the next file and, later that day, the
    scheduled file is written."""
    decisions = [d for d in record.decisions if d.destination == destination]
    found = {
        "file": any(f.destination == destination for f in record.all_files),
        "exported": any(d.exported for d in decisions),
        "sent": any(m.destination == destination for m in record.all_messages),
        "noted": any(d.verdict == "noted" for d in decisions),  # the batch ledger's own verdict
    }
    return [what for what, happened in found.items() if happened]


def outcome(record: StepRecord, destination: str) -> str:
    """What `destination` did at a step, the one a timeline cell shows: the strongest of
    `outcomes` (exported, sent, file, noted), or none."""
    return next(iter(outcomes(record, destination)), "none")


def step_count(result: Replay) -> int:
    """The last step's number (steps run 0..N)."""
    return len(result.steps)


def timeline_html(result: Replay, current: int | None = None) -> str:
    names = Names.of(result.scenario)
    n = step_count(result)
    head = "".join(
        f'<td class="ek-num{" ek-current" if i == current else ""}">{i}</td>' for i in range(n + 1)
    )
    rows = [f"<tr><th></th>{head}</tr>"]
    for d in result.scenario.destinations:
        cells = []
        for i, record in enumerate(result.records):
            every = outcomes(record, d.id) or ["none"]
            what = every[0]
            label = ", ".join(BADGES[w][0] for w in every)  # the cell's colour is the first
            title = f"Step {i}: {names.destinations[d.id]}: {label}"
            mark = " ek-current" if i == current else ""
            cells.append(
                f'<td><a class="ek-cell {what}{mark}" href="#step-{i}" data-step="{i}" '
                f'title="{escape(title)}">{GLYPHS[what]}</a></td>'
            )
        label = f'<th title="{escape(d.id)}">{escape(names.destinations[d.id])}</th>'
        rows.append(f"<tr>{label}{''.join(cells)}</tr>")
    return f'<div class="ek-timeline"><table>{"".join(rows)}</table></div>'


def legend_html() -> str:
    items = "".join(
        f'<span title="{escape(meaning)}"><span class="ek-cell {k}">{GLYPHS[k]}</span>{escape(label)}</span>'
        for k, (label, meaning) in BADGES.items()
    )
    return f'<div class="ek-legend">{items}</div>'


__all__ = ["legend_html", "outcome", "outcomes", "step_count", "timeline_html"]
