"""The event in words, written once: "Marty McFly qualifies for Customer with DeLorean Cars".

`event_parts` turns an event into a sentence made of parts: plain text (`str`), a thing the
scenario names (`Named`: a profile, a segment or a destination, its shown name and its id) and a
piece of code (`Code`: a path, a JSON value). What a part looks like is the renderer's business:
`sentence_text` writes plain text for the terminal (the name, then the id in brackets when they
differ); the step view writes HTML from the same parts (`course.views.words.sentence_html`), names
shown and ids on hover. So the CLI, the demo, the report and the notebooks say the same sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..core.model import Event, Scenario

NamedKind = Literal["profile", "segment", "destination"]


@dataclass(frozen=True, slots=True)
class Named:
    """A profile, segment or destination as the scenario names it: `shown` to read, `id` to look up."""

    kind: NamedKind
    shown: str
    id: str


@dataclass(frozen=True, slots=True)
class Code:
    """A piece of the scenario's own notation: an attribute path, a namespace, a JSON value."""

    text: str


Part = str | Named | Code


def json_text(value: Any) -> str:
    """A value as JSON text, never a Python repr.

    >>> json_text("gold"), json_text(150), json_text(["a@x.com"]), json_text(None), json_text("Zoë")
    ('"gold"', '150', '["a@x.com"]', 'null', '"Zoë"')
    """
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class Names:
    """The scenario's display names: profiles by first and last name (their id when they have
    none), segments and destinations by their `name`. An id the scenario does not know is its own
    name."""

    profiles: dict[str, str]
    segments: dict[str, str]
    destinations: dict[str, str]

    @classmethod
    def of(cls, scenario: Scenario) -> Names:
        profiles = {}
        for p in scenario.profiles:
            parts = (p.attributes.get("person.name.firstName"), p.attributes.get("person.name.lastName"))
            profiles[p.id] = " ".join(str(x) for x in parts if x not in (None, "")) or p.id
        return cls(
            profiles,
            {s.id: s.name or s.id for s in scenario.segments},
            {d.id: d.name or d.id for d in scenario.destinations},
        )

    def profile(self, pid: str) -> Named:
        return Named("profile", self.profiles.get(pid, pid), pid)

    def segment(self, sid: str) -> Named:
        return Named("segment", self.segments.get(sid, sid), sid)

    def destination(self, did: str) -> Named:
        return Named("destination", self.destinations.get(did, did), did)


def _and(items: list[list[Part]]) -> list[Part]:
    """Items joined as a list is read: "a", "a and b", "a, b and c"."""
    out: list[Part] = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out += item
    return out


def _identities(verb: str, value: dict[str, list[str]]) -> list[Part]:
    ids: list[list[Part]] = [[Code(ns), " ", Code(str(i))] for ns, values in value.items() for i in values]
    noun = "identity" if len(ids) == 1 else "identities"
    return [f" {verb} the {noun} ", *_and(ids)]


def event_parts(event: Event, names: Names) -> tuple[Part, ...]:
    """The event as a sentence of parts, names before ids, values as JSON; an event kind this
    function does not know still reads as its kind and value (it never raises)."""
    kind, value = event.kind, event.value
    who: list[Part] = [names.profile(event.profile)] if event.profile else []
    out: list[Part]
    if kind == "qualify":
        out = [*who, " qualifies for ", names.segment(value)]
    elif kind == "exit":
        out = [*who, " exits ", names.segment(value)]
    elif kind == "set":
        clauses: list[list[Part]] = [
            [Code(path), " is set to ", Code(json_text(v))] for path, v in value.items()
        ]
        out = [*who, ": "]
        for i, clause in enumerate(clauses):  # a JSON value may hold commas: ";" parts the clauses
            if i:
                out.append("; ")
            out += clause
    elif kind == "unset":
        out = [*who, ": ", *_and([[Code(path)] for path in value])]
        out.append(" is removed" if len(value) == 1 else " are removed")
    elif kind in ("add_identity", "remove_identity"):
        out = [*who, *_identities("gains" if kind == "add_identity" else "loses", value)]
    elif kind == "consent":
        out = [*who, " opts out of data use" if value == "out" else " opts in to data use"]
    elif kind == "evaluate":
        out = ["The daily segment evaluation runs"]
    elif kind == "run":
        out = ["A scheduled run of ", names.destination(value), " starts now"]
    elif kind == "export_now":
        out = ["Export file now on ", names.destination(value)]
    elif kind == "flush":
        out = ["The buffers of ", names.destination(value), " are flushed: what waits leaves now"]
    else:
        out = [*who, f"{' ' if who else ''}{kind} ", Code(json_text(value))]
    return tuple(out)


def named_text(named: Named) -> str:
    """A name for the terminal: "Marty McFly (marty)", or the name alone when it is the id."""
    return named.shown if named.shown.lower() == named.id.lower() else f"{named.shown} ({named.id})"


def sentence_text(parts: Iterable[Part]) -> str:
    """The parts as plain text: names with their ids in brackets, code as it is."""
    return "".join(
        p if isinstance(p, str) else named_text(p) if isinstance(p, Named) else p.text for p in parts
    )


def event_text(event: Event, names: Names) -> str:
    """The event as one line of plain text (what `exportkit run` prints)."""
    return sentence_text(event_parts(event, names))


__all__ = [
    "Code",
    "Named",
    "NamedKind",
    "Names",
    "Part",
    "event_parts",
    "event_text",
    "json_text",
    "named_text",
    "sentence_text",
]
