"""The event in words, written once: "Marty McFly qualifies for Customer with DeLorean Cars".

Each event kind's sentence is a template in its entry of `core.events.ACTIONS` ("{profile}
qualifies for {segment}"); `event_parts` fills it, making a sentence of parts: plain text (`str`),
a thing the scenario names (`Named`: a profile, a segment or a destination, its shown name and its
id) and a piece of code (`Code`: a path, a JSON value). What a part looks like is the renderer's business:
`sentence_text` writes plain text for the terminal (the name, then the id in brackets when they
differ); the step view writes HTML from the same parts (`course.views.phrases.sentence_html`), names
shown and ids on hover. So the CLI, the demo, the report and the notebooks say the same sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..core.events import ACTIONS, Event
from ..core.model import Scenario

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
    name. The attribute paths and identity namespaces the scenario holds or maps are known too, so
    a view can tell such a value from other text."""

    profiles: dict[str, str]
    segments: dict[str, str]
    destinations: dict[str, str]
    attributes: frozenset[str] = frozenset()
    namespaces: frozenset[str] = frozenset()

    @classmethod
    def of(cls, scenario: Scenario) -> Names:
        profiles = {}
        for p in scenario.profiles:
            parts = (p.attributes.get("person.name.firstName"), p.attributes.get("person.name.lastName"))
            profiles[p.id] = " ".join(str(x) for x in parts if x not in (None, "")) or p.id
        ds = scenario.destinations
        return cls(
            profiles,
            {s.id: s.name or s.id for s in scenario.segments},
            {d.id: d.name or d.id for d in ds},
            frozenset(a for p in scenario.profiles for a in p.attributes)
            | {a for d in ds for a in d.attributes},
            frozenset(ns for p in scenario.profiles for ns in p.identities)
            | {ns for d in ds for ns in getattr(d, "identities", ()) if isinstance(ns, str)},
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


def _values(value: dict[str, Any]) -> list[Part]:
    out: list[Part] = []
    for i, (path, v) in enumerate(value.items()):  # a JSON value may hold commas: ";" parts them
        if i:
            out.append("; ")
        out += [Code(path), " is set to ", Code(json_text(v))]
    return out


def _paths(value: tuple[str, ...]) -> list[Part]:
    removed = " is removed" if len(value) == 1 else " are removed"
    return [*_and([[Code(path)] for path in value]), removed]


def _identities(value: dict[str, tuple[str, ...]]) -> list[Part]:
    ids: list[list[Part]] = [[Code(ns), " ", Code(str(i))] for ns, values in value.items() for i in values]
    noun = "identity" if len(ids) == 1 else "identities"
    return [f"the {noun} ", *_and(ids)]


def _consent(value: str) -> list[Part]:
    return ["opts out of data use" if value == "out" else "opts in to data use"]


def _audiences(event: Event, names: Names) -> list[Part]:
    segments = (event.options or {}).get("segments")
    if not segments:
        return ["every mapped segment"]
    return _and([[names.segment(seg)] for seg in segments])


# What each placeholder of an action's sentence template (`core.events.Action.sentence`) reads.
_FILLS: dict[str, Callable[[Event, Names], list[Part]]] = {
    "profile": lambda e, names: [names.profile(e.profile or "")],
    "segment": lambda e, names: [names.segment(e.value)],
    "destination": lambda e, names: [names.destination(e.value)],
    "values": lambda e, names: _values(e.value),
    "paths": lambda e, names: _paths(e.value),
    "identities": lambda e, names: _identities(e.value),
    "consent": lambda e, names: _consent(e.value),
    "audiences": lambda e, names: _audiences(e, names),
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def event_parts(event: Event, names: Names) -> tuple[Part, ...]:
    """The event as a sentence of parts, names before ids, values as JSON: its action's template
    filled. An event kind the table does not know still reads as its kind and value (this never
    raises)."""
    action = ACTIONS.get(event.kind)
    if action is None:
        who: list[Part] = [names.profile(event.profile)] if event.profile else []
        return (*who, f"{' ' if who else ''}{event.kind} ", Code(json_text(event.value)))
    out: list[Part] = []
    for i, piece in enumerate(_PLACEHOLDER.split(action.sentence)):
        for part in [piece] if i % 2 == 0 else _FILLS[piece](event, names):
            if isinstance(part, str) and out and isinstance(out[-1], str):
                out[-1] += part  # one text part between two names or codes
            elif part:
                out.append(part)
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
