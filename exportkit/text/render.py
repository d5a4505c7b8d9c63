"""Rendering is part of the core: the JSON document of a replay, whole or written as it goes.

The CLI, the widgets and the notebooks all show what these functions return, so what people read
is what the tests check. The text timeline is in `narrate`; its functions are re-exported here.

The document (`exportkit run --json`, documented in docs/json-output.md) lists entries in time
order: the activation, then each step with, first, what the clock made since the previous event
(`meanwhile`: scheduled files and messages that left on age, each at its own time), then the
event and what it made; then the end, with what was left in the buffers and each batch segment's
next file. `JsonWriter` writes the same text as `to_json`, one entry at a time as the replay makes
it, keeping none of them: memory follows the largest step, never the whole timeline.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..core.engine import End, Replay, Step
from ..core.exportfile import ExportFile
from ..core.model import Scenario, iso
from ..core.timeline import Entry, Meanwhile, Opening, Selection, entries, item_time, own_files, own_messages
from .narrate import render_decision, render_step, render_timeline

EVERYTHING = Selection()


def opening_document(o: Opening, selection: Selection = EVERYTHING) -> dict[str, Any]:
    decisions = selection.decisions(o.decisions) if selection.in_range(0) else []
    messages = selection.messages(o.messages) if selection.in_range(0) else []
    return {
        "at": iso(o.at),
        "exports": [d.as_dict() for d in decisions if d.exported],
        "skipped": [d.as_dict() for d in decisions if not d.exported],
        "messages": [m.as_dict() for m in messages],
    }


def meanwhile_document(block: Meanwhile | None, selection: Selection = EVERYTHING) -> list[dict[str, Any]]:
    """What the clock made before a step's event, one entry per instant, in time order."""
    if block is None or not selection.in_range(block.before + 1):
        return []
    out: list[dict[str, Any]] = []
    for item in selection.items(block.items):
        at = iso(item_time(item))
        if not out or out[-1]["at"] != at:
            out.append({"at": at, "files": [], "messages": []})
        if isinstance(item, ExportFile):
            out[-1]["files"].append(item.as_dict())
        else:
            out[-1]["messages"].append(item.as_dict())
    return out


def shown(step: Step, block: Meanwhile | None, selection: Selection = EVERYTHING) -> bool:
    """The step is in the document: the selection concerns it, or its `meanwhile` holds something
    the selection keeps."""
    if selection.concerns(step):
        return True
    return block is not None and selection.in_range(block.before + 1) and bool(selection.items(block.items))


def step_document(
    step: Step, selection: Selection = EVERYTHING, block: Meanwhile | None = None
) -> dict[str, Any]:
    """One step: `meanwhile` (what fell due before the event), then the event and its results."""
    concerned = selection.concerns(step)
    decisions = selection.decisions(step.decisions, others=True) if concerned else []
    buffers = [b for b in step.buffers if selection.destination in (None, b.destination)] if concerned else []
    files = selection.files(own_files(step)) if concerned else []
    messages = selection.messages(own_messages(step)) if concerned else []
    return {
        "step": step.index + 1,
        "meanwhile": meanwhile_document(block, selection),
        "at": iso(step.event.at),
        "event": step.event.as_dict(),
        "changes": step.changes if concerned else [],
        "exports": [d.as_dict() for d in decisions if d.exported],
        "skipped": [d.as_dict() for d in decisions if not d.exported],
        "files": [f.as_dict() for f in files],
        "messages": [m.as_dict() for m in messages],
        "buffers": [b.as_dict() for b in buffers],
    }


def end_document(end: End | None, at: Any = None, selection: Selection = EVERYTHING) -> dict[str, Any]:
    """M1: the end of the scenario, where what is left in the streaming buffers leaves, and the
    next file each batch segment waits for (B-T3, B-T6)."""
    if end is None:
        return {"at": iso(at), "messages": [], "next_files": []}
    p, d = selection.profile, selection.destination
    next_files = [n for n in end.next_files if d in (None, n.destination) and (p is None or p in n.profiles)]
    return {
        "at": iso(end.at),
        "messages": [m.as_dict() for m in selection.messages(end.messages)],
        "next_files": [n.as_dict() for n in next_files],
    }


class JsonWriter:
    """Writes the JSON document to `out` as the replay goes, exactly as `to_json` would print it.

    Each entry is written with `json.dumps` as soon as it is made, then dropped: the text in
    memory is one step's, never the whole document's.
    """

    def __init__(self, out: TextIO, scenario: Scenario, rules: str, selection: Selection = EVERYTHING):
        self.out = out
        self.scenario, self.rules, self.selection = scenario, rules, selection
        self.steps = 0
        self.pending: Meanwhile | None = None
        self.end_at: Any = scenario.start
        self.end: End | None = None

    def _value(self, value: Any, level: int) -> None:
        """`value` as `to_json` writes it `level` levels deep (JSON strings escape their newlines,
        so every newline of the text is an indentation)."""
        text = json.dumps(value, indent=2, ensure_ascii=False)
        self.out.write(text.replace("\n", "\n" + "  " * level) if level else text)

    def _member(self, key: str, value: Any, before: str = "") -> None:
        self.out.write(f"{before}  {json.dumps(key)}: ")
        self._value(value, 1)

    def write(self, entry: Entry) -> None:
        if isinstance(entry, Opening):
            self.out.write("{\n")
            self._member("scenario", self.scenario.name)
            self._member("rules", self.rules, ",\n")
            self._member("selection", self.selection.as_dict(), ",\n")
            self._member("activation", opening_document(entry, self.selection), ",\n")
            self.out.write(',\n  "steps": [')
        elif isinstance(entry, Meanwhile):
            self.pending = entry
        elif isinstance(entry, Step):
            block, self.pending = self.pending, None
            self.end_at = entry.event.at
            if not shown(entry, block, self.selection):
                return
            self.out.write(("," if self.steps else "") + "\n    ")
            self._value(step_document(entry, self.selection, block), 2)
            self.steps += 1
        else:
            self.end = entry

    def finish(self, **more: Any) -> None:
        """Close the steps and write the end, then any `more` keys (delivery)."""
        self.out.write("\n  ]" if self.steps else "]")
        self._member("end", end_document(self.end, self.end_at, self.selection), ",\n")
        for key, value in more.items():
            self._member(key, value, ",\n")
        self.out.write("\n}\n")


def replay_document(result: Replay, selection: Selection = EVERYTHING) -> dict[str, Any]:
    """The JSON document of `exportkit run --json` (the output contract: docs/json-output.md)."""
    steps = []
    block: Meanwhile | None = None
    for entry in entries(result):
        if isinstance(entry, Meanwhile):
            block = entry
        elif isinstance(entry, Step):
            if shown(entry, block, selection):
                steps.append(step_document(entry, selection, block))
            block = None
    last = result.steps[-1].event.at if result.steps else result.scenario.start
    opening = Opening(result.scenario.start, result.activation, result.activation_messages)
    return {
        "scenario": result.scenario.name,
        "rules": result.rules,
        "selection": selection.as_dict(),
        "activation": opening_document(opening, selection),
        "steps": steps,
        "end": end_document(result.end, last, selection),
    }


def to_json(result: Replay, selection: Selection = EVERYTHING) -> str:
    return json.dumps(replay_document(result, selection), indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "JsonWriter",
    "end_document",
    "render_decision",
    "render_step",
    "render_timeline",
    "replay_document",
    "shown",
    "step_document",
    "to_json",
]
