"""Compare by effect: one event stream against every destination type, and two mappings (or two
rule sets) on the same scenario.

`every_type` derives, from one destination's mapping, a destination of each type; `matrix` lays a
replay out as steps by destinations, each cell a verdict with its reasons; `compare` lists what two
replays of the same events export differently, and why.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass
from typing import Any

from ..core.decision import Decision
from ..core.engine import Replay
from ..core.exportfile import ExportFile
from ..core.model import (
    BatchDestination,
    BatchSegment,
    Scenario,
    Schedule,
    StreamingProfileDestination,
    StreamingSegmentDestination,
)
from ..core.rules import cited
from ..core.words import count
from ..text.sentences import Names, event_text


def every_type(scenario: Scenario, destination: str | None = None) -> Scenario:
    """A copy of `scenario` with one destination of each type, all mapping the segments and
    attributes of `destination` (default: the first one): the same question asked four ways.

    The batch ones run daily at 17:00; events that ran or flushed the replaced destinations are
    left out, since their destinations are gone."""
    base = scenario.destination(destination) if destination else scenario.destinations[0]
    segments = base.segment_ids
    attributes = base.attributes
    mapped = base.identities if isinstance(base, StreamingSegmentDestination) else ()
    namespaces = mapped or _first_namespace(scenario)
    daily = Schedule(every="day", at="17:00")
    derived: list[Any] = [
        StreamingProfileDestination(
            id="enterprise",
            name="Enterprise",
            type="streaming-profile",
            segments=segments,
            attributes=attributes,
        ),
        StreamingSegmentDestination(
            id="advertising",
            name="Advertising",
            type="streaming-segment",
            segments=segments,
            identities=namespaces,
            attributes=attributes,
            consent_enforcement=True,
        ),
        *(
            BatchDestination(
                id=f"batch-{mode}",
                name=f"Batch {mode}",
                type="batch",
                segments=tuple(BatchSegment(id=s, mode=mode, schedule=daily) for s in segments),
                attributes=attributes,
                include_status=mode == "incremental",
            )
            for mode in ("full", "incremental")
        ),
    ]
    ids = {d.id for d in derived}
    # not the events of the replaced destinations (runs, flushes, ...)
    events = tuple(e for e in scenario.events if e.concerns(ids))
    return scenario.model_copy(update={"destinations": tuple(derived), "events": events})


def _first_namespace(scenario: Scenario) -> tuple[str, ...]:
    for p in scenario.profiles:
        for ns in p.identities:
            return (ns,)
    return ()


@dataclass(frozen=True, slots=True)
class Cell:
    """One destination at one step: a short verdict and the reasons behind it."""

    verdict: str
    reasons: str
    exported: bool
    kind: str = "streaming"  # streaming | batch


def files_verdict(rows: list[int]) -> str:
    """The files of one cell by their rows, each file counted: "file: 2 rows", or "3 files: 2, 0 and 1
    rows" (a sum would read as one file of 3 rows)."""
    if len(rows) == 1:
        return f"file: {count(rows[0], 'row')}"
    each = [f"{n:,}" for n in rows]
    listed = ", ".join(each[:-1]) + " and " + each[-1]
    return f"{len(rows)} files: {listed} rows"


def _cell(decisions: list[Decision], files: list[Any], kind: str) -> Cell:
    exported = [d for d in decisions if d.exported]
    lines = [cited(r) for d in decisions for r in d.reasons]
    rule = decisions[0].reasons[0].rule if decisions and decisions[0].reasons else ""
    if files:
        rows = sum(len(f.rows) for f in files)
        lines = [
            f"file {f.name}: {count(len(f.rows), 'row')}; " + "; ".join(map(cited, f.reasons)) for f in files
        ] + lines
        return Cell(files_verdict([len(f.rows) for f in files]), "\n".join(lines), rows > 0, kind)
    if kind == "batch":
        return Cell(f"no file now · {rule}" if rule else "", "\n".join(lines), False, kind)
    if exported:
        return Cell(f"exported · {rule}", "\n".join(lines), True, kind)
    if decisions:
        return Cell(f"not exported · {rule}", "\n".join(lines), False, kind)
    return Cell("", "", False, kind)


def matrix(result: Replay) -> tuple[list[str], list[dict[str, Any]]]:
    """Steps by destinations. Returns the destination ids and one row per step (0 = activation):
    `{"step", "event", "cells": {destination: Cell}, "divergent": bool}`, the event in words
    (`text.sentences.event_text`: names, then ids in brackets). A step is divergent
    when streaming destinations disagree on exporting, or batch destinations on their files."""
    kinds = {d.id: "batch" if d.type == "batch" else "streaming" for d in result.scenario.destinations}
    ids = list(kinds)
    rows = []
    names = Names.of(result.scenario)
    for r in result.records:
        if r.event is None:  # the activation: the backfill, and what the clock made before the first event
            cells = {
                i: _cell([d for d in r.decisions if d.destination == i and d.exported], [], kinds[i])
                if kinds[i] == "streaming"
                else _cell([], [f for f in r.all_files if f.destination == i], "batch")
                for i in ids
            }
            event = "activation (backfill)"
        else:
            cells = {
                i: _cell(
                    [d for d in r.decisions if d.destination == i],
                    [f for f in r.all_files if f.destination == i],
                    kinds[i],
                )
                for i in ids
            }
            event = event_text(r.event, names)
        rows.append({"step": r.number, "event": event, "cells": cells, "divergent": _divergent(cells)})
    return ids, rows


def _divergent(cells: dict[str, Cell]) -> bool:
    streaming = {c.exported for c in cells.values() if c.kind == "streaming" and c.verdict}
    batch = {c.verdict.split(" · ")[0] for c in cells.values() if c.kind == "batch" and c.verdict}
    return len(streaming) > 1 or len(batch) > 1


WIDTH = 120  # the text tables' line length: the event sentence wraps to it


def _wrapped(text: str, first: str, hang: int) -> list[str]:
    """`text` after `first`, wrapped at WIDTH, continued `hang` spaces in (under the text's start);
    words (ids, paths) are never cut."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=" " * hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def step_cells_text(result: Replay, step: int) -> str:
    """Every destination's verdict at one step, with all its reasons: the tooltips as text."""
    _, rows = matrix(result)
    row = rows[step]
    first = f"Step {row['step']}: "
    lines = _wrapped(row["event"] + ("  (divergent)" if row["divergent"] else ""), first, len(first))
    for dest, cell in row["cells"].items():
        lines.append(f"  {dest}: {cell.verdict or '-'}")
        lines += [f"    {line}" for line in cell.reasons.splitlines()]
    return "\n".join(lines)


def matrix_text(result: Replay) -> str:
    """The matrix as fixed-width text: per step, its number and the event in words (wrapped at
    WIDTH), then each destination's verdict in the column under its id; `*` marks a divergent step."""
    ids, rows = matrix(result)
    verdicts = (len(c.verdict) for r in rows for c in r["cells"].values())
    width = max(22, *(len(i) + 1 for i in ids), *(n + 1 for n in verdicts))
    lines = ["step  " + " ".join(f"{i:<{width}}" for i in ids).rstrip()]
    for row in rows:
        mark = "*" if row["divergent"] else " "
        lines += _wrapped(row["event"], f"{row['step']:>4}{mark} ", 6)
        cells = " ".join(f"{row['cells'][i].verdict or '-':<{width}}" for i in ids)
        lines.append(f"      {cells}".rstrip())
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Difference:
    """One way in which two replays of the same events differ, with both sides' reasons."""

    step: int
    destination: str
    profile: str
    what: str
    a: str
    b: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _leaves(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix: tree}
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value and not prefix.endswith("segmentMembership.ups"):
            out.update(_leaves(value, path))  # a membership entry compares as one value
        else:
            out[path] = value
    return out


def _why(d: Decision | None) -> str:
    if d is None:
        return "no decision"
    return "; ".join(map(cited, d.reasons))


def _field_reason(d: Decision, path: str) -> str:
    for note in d.fields:
        if path == note.field or path.startswith(note.field + "."):
            return cited(note.reason)
    return ""


def _pairs(a: list[Any], b: list[Any], key: Any) -> list[tuple[Any, Any, Any]]:
    """Pair the items of two replays' steps by `key`, in order; an item without a partner pairs
    with None. Repeated keys pair by occurrence (the second file of a segment with the second)."""

    def keyed(items: list[Any]) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        out = {}
        for item in items:
            k = key(item)
            seen[k] = seen.get(k, 0) + 1
            out[(k, seen[k])] = item
        return out

    ka, kb = keyed(a), keyed(b)
    return [(k[0], ka.get(k), kb.get(k)) for k in dict.fromkeys([*ka, *kb])]


def _compare_decisions(step: int, a: list[Decision], b: list[Decision]) -> list[Difference]:
    out: list[Difference] = []
    for (dest, profile), da, db in _pairs(a, b, lambda d: (d.destination, d.profile)):
        ea = bool(da and da.exported)
        eb = bool(db and db.exported)
        if ea != eb:
            out.append(
                Difference(
                    step,
                    dest,
                    profile,
                    "verdict",
                    ("exported: " if ea else "not exported: ") + _why(da),
                    ("exported: " if eb else "not exported: ") + _why(db),
                )
            )
        elif ea and eb and da is not None and db is not None and da.payload != db.payload:
            la, lb = _leaves(da.payload), _leaves(db.payload)
            for path in sorted(set(la) | set(lb)):
                if la.get(path, _MISSING) != lb.get(path, _MISSING):
                    out.append(
                        Difference(
                            step, dest, profile, f"field {path}", _side(la, path, da), _side(lb, path, db)
                        )
                    )
    return out


_MISSING = object()


def _json(value: Any) -> str:
    """A value as the documentation writes it: JSON ("gold", 150, null), never a Python repr."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _side(leaves: dict[str, Any], path: str, d: Decision) -> str:
    if path in leaves:
        return f"{_json(leaves[path])} {_field_reason(d, path)}".rstrip()
    return f"absent {_field_reason(d, path)}".rstrip()


def _rows(f: Any) -> dict[str, list[dict[str, Any]]]:
    """A file's rows per profile (a profile has one row per identity value with B-I8)."""
    out: dict[str, list[dict[str, Any]]] = {}
    if f is not None:
        for profile, row in zip(f.profiles, f.rows, strict=True):
            out.setdefault(profile, []).append(row)
    return out


def _compare_files(step: int, a: list[Any], b: list[Any]) -> list[Difference]:
    out: list[Difference] = []
    for (dest, segment, _trigger), x, y in _pairs(a, b, lambda f: (f.destination, f.segment, f.trigger)):
        rows_a, rows_b = _rows(x), _rows(y)
        for profile in sorted(set(rows_a) ^ set(rows_b)):
            out.append(
                Difference(
                    step, dest, profile, f"file row ({segment})", _row_why(x, profile), _row_why(y, profile)
                )
            )
        for profile in sorted(set(rows_a) & set(rows_b)):
            ra, rb = rows_a[profile], rows_b[profile]
            if len(ra) != len(rb):
                out.append(
                    Difference(
                        step,
                        dest,
                        profile,
                        f"file {segment} rows",
                        count(len(ra), "row"),
                        count(len(rb), "row"),
                    )
                )
                continue
            for one, two in zip(ra, rb, strict=True):
                for column in dict.fromkeys([*one, *two]):
                    if one.get(column, _MISSING) != two.get(column, _MISSING):
                        out.append(
                            Difference(
                                step,
                                dest,
                                profile,
                                f"file {segment} column {column}",
                                _json(one[column]) if column in one else "(no column)",
                                _json(two[column]) if column in two else "(no column)",
                            )
                        )
    return out


def _row_why(f: ExportFile | None, profile: str) -> str:
    if f is None:
        return "no file"
    for where, notes in (("in the file", f.why), ("not in the file", f.left_out)):
        for note in notes:
            if note.profile == profile:
                return f"{where}: {cited(note.reason)}"
    return "not in the file"


def compare(a: Replay, b: Replay) -> list[Difference]:
    """Every difference in what `a` and `b` export, step by step (0 = activation)."""
    if len(a.steps) != len(b.steps):
        raise ValueError("compare replays of the same events")
    out: list[Difference] = []
    for ra, rb in zip(a.records, b.records, strict=True):
        out += _compare_decisions(ra.number, ra.decisions, rb.decisions)
        out += _compare_files(ra.number, ra.all_files, rb.all_files)
    return out


def compare_text(differences: list[Difference], label_a: str = "A", label_b: str = "B") -> str:
    if not differences:
        return f"{label_a} and {label_b} export exactly the same."
    verdicts = sum(d.what == "verdict" for d in differences)
    files = sum(d.what.startswith("file") for d in differences)
    fields = len(differences) - verdicts - files
    lines = [
        f"{count(len(differences), 'difference')} between {label_a} and {label_b}: "
        f"{count(verdicts, 'verdict')}, {count(fields, 'payload field')}, "
        f"{count(files, 'file row or column', 'file rows or columns')}"
    ]
    for d in differences:
        lines.append(f"step {d.step} {d.destination} {d.profile or '-'}: {d.what}")
        lines.append(f"  {label_a}: {d.a}")
        lines.append(f"  {label_b}: {d.b}")
    return "\n".join(lines)


__all__ = [
    "Cell",
    "Difference",
    "compare",
    "compare_text",
    "every_type",
    "matrix",
    "matrix_text",
    "step_cells_text",
]
