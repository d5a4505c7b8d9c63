"""Profile state on the scenario clock, and what one event changes in it.

`apply_event` is the only place where a profile changes; it returns a `Change` that the rules read.
States are small and copy-on-write on purpose: the engine replays millions of events, and a
decision may keep the state of its moment to build its payload later.

A state holds plain values only: strings, times, numbers, and tuples and dicts of them. CPython's
garbage collector stops tracking such tuples and dicts, so the states of a long replay (one new
state per event, most of them living until the profile's next event) leave its full collections
little to walk: one object per state, not one per membership, identity list and segment set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple

from .events import ADD_IDENTITY, CONSENT, EXIT, QUALIFY, REMOVE_IDENTITY, SET, UNSET
from .model import ACTIVE, Event, Profile, Status

ABSENT: Any = object()  # marks an attribute that is not on the profile


class ProfileState(NamedTuple):
    """A profile at one moment: identities, attributes (flat XDM paths), memberships, consent.

    C2: a membership is a status (`segments`) and the time it last changed (`qualified_at`, the
    payload's `lastQualificationTime`); the two dicts have the same keys. Never changed in place
    (see `apply_event`); treat its dicts as read-only."""

    id: str
    identities: dict[str, tuple[str, ...]]
    attributes: dict[str, Any]
    segments: dict[str, Status]  # segment id -> status (realized, existing, exited)
    qualified_at: dict[str, datetime]  # segment id -> when its status last changed
    consent: str = "in"
    active: tuple[str, ...] = ()  # the segments held as realized or existing
    identities_updated: datetime | None = None  # B-I7b: the identity graph's last change

    @classmethod
    def from_profile(cls, profile: Profile, at: datetime, keep_realized: bool = False) -> ProfileState:
        """The profile as the scenario lists it. A7: with `keep_realized` (the current
        documentation), a membership listed as `existing` is `realized`, the only status the
        current documentation has for a continuing member, so every output shows one word."""
        statuses = {
            s: "realized" if keep_realized and st == "existing" else st for s, st in profile.segments.items()
        }
        return cls(
            id=profile.id,
            identities=dict(profile.identities),
            attributes=dict(profile.attributes),
            segments=statuses,
            qualified_at=dict.fromkeys(statuses, at),
            consent=profile.consent,
            active=tuple(s for s, st in statuses.items() if st in ACTIVE),
        )

    def holds(self, segment: str) -> bool:
        """True when the profile is an active member (realized or existing) of `segment`."""
        return segment in self.active

    def as_dict(self) -> dict[str, Any]:
        """A plain, printable view of the state."""
        return {
            "identities": {ns: list(ids) for ns, ids in self.identities.items() if ids},
            "attributes": dict(self.attributes),
            "segments": dict(self.segments),
            "consent": self.consent,
        }


_NOTHING: Mapping[Any, Any] = MappingProxyType({})  # an empty part, shared and read-only


class Change:
    """What one event did to one profile. Empty parts mean 'nothing of that kind changed'.

    - `segments`: segment id -> (old status or None, new status), only real transitions;
    - `attributes`: path -> (old value or ABSENT, new value or ABSENT), every update, including an
      overwrite with the same value;
    - `identities`: (namespace, id, "added" | "removed"), only real additions and removals;
    - `consent`: (old, new) when the consent value moved;
    - `notes`: why an event changed nothing (already a member, identity not present, ...);
    - `parts`: the names of the non-empty parts among segments, identities, attributes and
      consent, in that order: what a rule that reads only one part looks at first.

    A Change is made whole by `apply_event` and never changed afterwards; its empty parts are
    shared read-only values.
    """

    __slots__ = ("attributes", "consent", "identities", "notes", "parts", "segments")

    def __init__(
        self,
        segments: Mapping[str, tuple[str | None, str]] = _NOTHING,
        attributes: Mapping[str, tuple[Any, Any]] = _NOTHING,
        identities: Sequence[tuple[str, str, str]] = (),
        consent: tuple[str, str] | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        self.segments = segments
        self.attributes = attributes
        self.identities = identities
        self.consent = consent
        self.notes = notes
        parts: tuple[str, ...] = ()
        if segments:
            parts += ("segments",)
        if identities:
            parts += ("identities",)
        if attributes:
            parts += ("attributes",)
        if consent is not None:
            parts += ("consent",)
        self.parts = parts

    def is_empty(self) -> bool:
        return not self.parts

    def describe(self) -> list[str]:
        """One line per change, for the timeline."""
        lines = [f"segment {s}: {old or 'null'} -> {new}" for s, (old, new) in self.segments.items()]
        for path, (old, new) in self.attributes.items():
            if new is ABSENT:
                lines.append(f"attribute {path}: {old!r} -> removed")
            elif old is ABSENT:
                lines.append(f"attribute {path}: added {new!r}")
            elif old == new:
                lines.append(f"attribute {path}: overwritten with the same value {new!r}")
            else:
                lines.append(f"attribute {path}: {old!r} -> {new!r}")
        lines += [f"identity {ns}:{value} {how}" for ns, value, how in self.identities]
        if self.consent:
            lines.append(f"consent: {self.consent[0]} -> {self.consent[1]}")
        return [*lines, *self.notes]


def apply_event(state: ProfileState, event: Event) -> tuple[ProfileState, Change]:
    """Apply a profile event (C2, C3) and return the profile's new state and what changed.

    States are copy-on-write: `state` is left as it was, and the new state shares every part the
    event did not touch. A state a decision holds therefore stays true to its moment, which lets
    payloads be built only when someone asks for them.
    """
    kind, value, at = event.kind, event.value, event.at
    identities, attributes, segments, qualified_at, consent = (
        state.identities,
        state.attributes,
        state.segments,
        state.qualified_at,
        state.consent,
    )
    active = state.active
    identities_updated = state.identities_updated
    if kind == QUALIFY:
        status = segments.get(value)
        if status in ACTIVE:
            change = Change(notes=[f"already a member of {value} ({status}): no membership change"])
        else:
            segments = {**segments, value: "realized"}
            qualified_at = {**qualified_at, value: at}
            change = Change(segments={value: (status, "realized")})
            active = (*active, value)
    elif kind == EXIT:
        status = segments.get(value)
        if status not in ACTIVE:
            change = Change(notes=[f"not a member of {value}: nothing to exit"])
        else:
            segments = {**segments, value: "exited"}
            qualified_at = {**qualified_at, value: at}
            change = Change(segments={value: (status, "exited")})
            active = tuple(s for s in active if s != value)
    elif kind == SET:
        attributes = dict(attributes)
        moved: dict[str, tuple[Any, Any]] = {}
        for path, new in value.items():
            moved[path] = (attributes.get(path, ABSENT), new)
            attributes[path] = new
        change = Change(attributes=moved)
    elif kind == UNSET:
        attributes = dict(attributes)
        moved = {}
        notes = []
        for path in value:
            if path in attributes:
                moved[path] = (attributes.pop(path), ABSENT)
            else:
                notes.append(f"attribute {path} is not on the profile: nothing to remove")
        change = Change(attributes=moved, notes=notes)
    elif kind == ADD_IDENTITY:
        identities = dict(identities)
        found: list[tuple[str, str, str]] = []
        notes = []
        for ns, ids in value.items():
            held = identities.get(ns, ())
            for x in ids:
                if x in held:
                    notes.append(f"identity {ns}:{x} is already in the identity map")
                else:
                    held = (*held, x)
                    found.append((ns, x, "added"))
            identities[ns] = held
        change = Change(identities=found, notes=notes)
        identities_updated = at if found else identities_updated
    elif kind == REMOVE_IDENTITY:
        identities = dict(identities)
        found = []
        notes = []
        for ns, ids in value.items():
            held = identities.get(ns, ())
            for x in ids:
                if x in held:
                    held = tuple(y for y in held if y != x)
                    found.append((ns, x, "removed"))
                else:
                    notes.append(f"identity {ns}:{x} is not in the identity map")
            if held:
                identities[ns] = held
            else:
                identities.pop(ns, None)
        change = Change(identities=found, notes=notes)
        identities_updated = at if found else identities_updated
    elif kind == CONSENT:
        if consent == value:
            change = Change(notes=[f"consent is already {value}"])
        else:
            change = Change(consent=(consent, value))
            consent = value
    else:  # pragma: no cover - the loader lets only profile actions reach here
        raise ValueError(f"{kind} is not a profile event")
    after = ProfileState(
        state.id, identities, attributes, segments, qualified_at, consent, active, identities_updated
    )
    return after, change


def evaluate(
    states: dict[str, ProfileState], keep_realized: bool, candidates: Iterable[str] | None = None
) -> dict[str, int]:
    """The daily segment evaluation job: `realized` becomes `existing` for those still qualified.

    A7: the current rule set keeps `realized`. Replaces the changed states in `states` (copy on
    write) and returns the number of memberships moved per segment. `candidates`, when given,
    are the only profiles that may hold a realized membership (in the scenario's order).
    """
    moved: dict[str, int] = {}
    if keep_realized:
        return moved
    for pid in states if candidates is None else candidates:
        state = states[pid]
        realized = [seg for seg, status in state.segments.items() if status == "realized"]
        if not realized:
            continue
        for seg in realized:
            moved[seg] = moved.get(seg, 0) + 1
        # the status moves, the membership's time does not (it is when the profile qualified)
        states[pid] = state._replace(segments={**state.segments, **dict.fromkeys(realized, "existing")})
    return moved


__all__ = ["ABSENT", "Change", "ProfileState", "apply_event", "evaluate"]
