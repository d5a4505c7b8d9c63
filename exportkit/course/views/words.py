"""Names and values as a person reads them: "Marty qualifies for Customer with DeLorean Cars", with
the ids one hover away, and every value as JSON (never a Python repr)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

from ...core.model import Event, Scenario

TYPE_LABELS: dict[str, str] = {
    "streaming-profile": "Enterprise streaming (whole profiles)",
    "streaming-segment": "Streaming segment (advertising, social)",
    "batch": "Batch files",
}


def value_text(value: Any) -> str:
    """A value as JSON text: "gold", 150, ["a@x.com"], null."""
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class Names:
    """The scenario's display names: profiles by first and last name, segments and destinations by
    their `name`; ids stay one hover away (`title`)."""

    profiles: dict[str, str]
    segments: dict[str, str]
    destinations: dict[str, str]
    types: dict[str, str]

    @classmethod
    def of(cls, scenario: Scenario) -> Names:
        profiles = {}
        for p in scenario.profiles:
            first = p.attributes.get("person.name.firstName")
            last = p.attributes.get("person.name.lastName")
            shown = " ".join(str(x) for x in (first, last) if x)
            profiles[p.id] = shown or p.id
        return cls(
            profiles,
            {s.id: s.name or s.id for s in scenario.segments},
            {d.id: d.name or d.id for d in scenario.destinations},
            {d.id: d.type for d in scenario.destinations},
        )

    def profile(self, pid: str) -> str:
        return _named(self.profiles.get(pid, pid), f"profile id: {pid}", "ek-profile", pid)

    def segment(self, sid: str) -> str:
        return _named(self.segments.get(sid, sid), f"segment id: {sid}", "ek-segment")

    def destination(self, did: str) -> str:
        return _named(self.destinations.get(did, did), f"destination id: {did}", "ek-destination")

    def plain_profile(self, pid: str) -> str:
        return self.profiles.get(pid, pid)


def _named(shown: str, title: str, cls: str, profile: str | None = None) -> str:
    data = f' data-profile="{escape(profile)}"' if profile else ""
    return f'<span class="{cls}" title="{escape(title)}"{data}>{escape(shown)}</span>'


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def event_words(event: Event, names: Names) -> str:
    """The event as a sentence (HTML), names shown and ids on hover."""
    kind, value = event.kind, event.value
    who = names.profile(event.profile) if event.profile else ""
    if kind == "qualify":
        return f"{who} qualifies for {names.segment(value)}"
    if kind == "exit":
        return f"{who} exits {names.segment(value)}"
    if kind == "set":
        parts = [f"{code(path)} is set to {code(value_text(v))}" for path, v in value.items()]
        return f"{who}: " + "; ".join(parts)
    if kind == "unset":
        return f"{who}: " + ", ".join(code(p) for p in value) + " removed"
    if kind in ("add_identity", "remove_identity"):
        verb = "gains" if kind == "add_identity" else "loses"
        ids = [f"{code(ns)} {code(i)}" for ns, values in value.items() for i in values]
        return f"{who} {verb} the identit{'y' if len(ids) == 1 else 'ies'} " + ", ".join(ids)
    if kind == "consent":
        return f"{who} opts out of data use" if value == "out" else f"{who} opts back in to data use"
    if kind == "evaluate":
        return "The daily segment evaluation runs"
    if kind == "run":
        return f"A scheduled run of {names.destination(value)} starts now"
    if kind == "export_now":
        return f"Export file now on {names.destination(value)}"
    if kind == "flush":
        return f"{names.destination(value)}'s buffer is flushed: what waits leaves now"
    return escape(f"{kind} {value}")


__all__ = ["TYPE_LABELS", "Names", "code", "event_words", "value_text"]
