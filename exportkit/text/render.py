"""Rendering is part of the core: the JSON document of a replay, whole or written as it goes.

The CLI, the widgets and the notebooks all show what these functions return, so what people read
is what the tests check. The text timeline is in `narrate`.

The document (`exportkit run --json`, documented in docs/json-output.md) lists the timeline in
time order: the activation; then, in `steps`, each event's step and, between them, what the clock
made at its own time (scheduled files and messages that left on age); then the end, with what was
left in the buffers and each batch segment's next file. `JsonWriter` writes the same text as
`to_json`, one entry at a time as the replay makes it, keeping none of them: memory follows the
largest step, never the whole timeline.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..core.engine import Due, End, Entry, Opening, Replay, Step
from ..core.model import Scenario, iso
from ..core.selection import Selection

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


def due_document(due: Due) -> dict[str, Any]:
    """What the clock made at one instant between two events, as its own entry of `steps`."""
    return {
        "at": iso(due.at),
        "files": [f.as_dict() for f in due.files],
        "messages": [m.as_dict() for m in due.messages],
    }


def step_document(step: Step, selection: Selection = EVERYTHING) -> dict[str, Any]:
    """One step: the event and what it caused."""
    decisions = selection.decisions(step.decisions, others=True)
    buffers = [b for b in step.buffers if selection.destination in (None, b.destination)]
    return {
        "step": step.index + 1,
        "at": iso(step.event.at),
        "event": step.event.as_dict(),
        "changes": step.changes,
        "exports": [d.as_dict() for d in decisions if d.exported],
        "skipped": [d.as_dict() for d in decisions if not d.exported],
        "files": [f.as_dict() for f in selection.files(step.files)],
        "messages": [m.as_dict() for m in selection.messages(step.messages)],
        "buffers": [b.as_dict() for b in buffers],
    }


def entry_document(entry: Due | Step, selection: Selection = EVERYTHING) -> dict[str, Any] | None:
    """An element of the document's `steps`, or None when the selection keeps nothing of it."""
    if isinstance(entry, Step):
        return step_document(entry, selection) if selection.concerns(entry) else None
    kept = selection.due(entry)
    return None if kept is None else due_document(kept)


def end_document(end: End, selection: Selection = EVERYTHING) -> dict[str, Any]:
    """M1: the end of the scenario, where what is left in the streaming buffers leaves, and the
    next file each batch segment waits for (B-T3, B-T6)."""
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
        self.end = End(scenario.start, [])

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
        elif isinstance(entry, End):
            self.end = entry
        elif (document := entry_document(entry, self.selection)) is not None:
            self.out.write(("," if self.steps else "") + "\n    ")
            self._value(document, 2)
            self.steps += 1

    def finish(self, **more: Any) -> None:
        """Close the steps and write the end, then any `more` keys (delivery)."""
        self.out.write("\n  ]" if self.steps else "]")
        self._member("end", end_document(self.end, self.selection), ",\n")
        for key, value in more.items():
            self._member(key, value, ",\n")
        self.out.write("\n}\n")


def replay_document(result: Replay, selection: Selection = EVERYTHING) -> dict[str, Any]:
    """The JSON document of `exportkit run --json` (the output contract: docs/json-output.md)."""
    steps = []
    for entry in result.timeline:
        if isinstance(entry, (Due, Step)) and (document := entry_document(entry, selection)) is not None:
            steps.append(document)
    return {
        "scenario": result.scenario.name,
        "rules": result.rules,
        "selection": selection.as_dict(),
        "activation": opening_document(result.opening, selection),
        "steps": steps,
        "end": end_document(result.end, selection),
    }


def to_json(result: Replay, selection: Selection = EVERYTHING) -> str:
    return json.dumps(replay_document(result, selection), indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "JsonWriter",
    "due_document",
    "end_document",
    "entry_document",
    "replay_document",
    "step_document",
    "to_json",
]
