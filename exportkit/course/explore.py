"""The logic behind the explorer widgets, kept pure so tests and notebooks call it directly.

`change_destination` gives one destination the reader's changes and nothing else (`remap`: its type
and mapping), and
`step_report` renders one step as a learner reads it: the event, the profile before and after, the
verdict with its reasons, and the payload with what was left out and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..core.engine import Replay, replay
from ..core.events import ADD_IDENTITY, REMOVE_IDENTITY, SET
from ..core.model import (
    BatchDestination,
    Destination,
    Scenario,
    StreamingDestination,
    StreamingProfileDestination,
    StreamingSegmentDestination,
    aggregation_problem,
)
from ..core.rulesets import RuleSet
from ..text.narrate import step_text


def streaming_destinations(scenario: Scenario) -> list[StreamingDestination]:
    return [d for d in scenario.destinations if not isinstance(d, BatchDestination)]


def attribute_paths(scenario: Scenario) -> list[str]:
    """Every attribute path the scenario knows, in first-seen order."""
    seen: dict[str, None] = {}
    for p in scenario.profiles:
        seen.update(dict.fromkeys(p.attributes))
    for d in scenario.destinations:
        seen.update(dict.fromkeys(d.attributes))
    for e in scenario.events:
        if e.kind == SET:
            seen.update(dict.fromkeys(e.value))
    return list(seen)


def namespaces(scenario: Scenario) -> list[str]:
    seen: dict[str, None] = {}
    for p in scenario.profiles:
        seen.update(dict.fromkeys(p.identities))
    for e in scenario.events:
        if e.kind in (ADD_IDENTITY, REMOVE_IDENTITY):
            seen.update(dict.fromkeys(e.value))
    return list(seen)


def change_destination(scenario: Scenario, destination: str, changes: Mapping[str, Any]) -> Scenario:
    """A copy of `scenario` in which `destination` is the scenario's own, with only `changes`
    (field: value, as a scenario file writes them) applied: every other field, its aggregation
    included, stays as the scenario defines it. A change of `type` keeps the fields the new type
    has and drops the others.

    Raises ValueError with a sentence when the changed destination is not a valid one (a dataflow
    without a segment, an aggregation outside the rule set's limits ...)."""
    base = scenario.destination(destination)
    data = base.model_dump(mode="json", exclude_defaults=True)
    kind = changes.get("type", base.type)
    if kind != base.type:
        fields = _TYPES[kind].model_fields
        data = {k: v for k, v in data.items() if k in fields}
    data.update(changes)
    data.update(id=base.id, type=kind)
    try:
        dest = _DESTINATION.validate_python(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"][1:])
        raise ValueError(f"{where}: {first['msg']}" if where else first["msg"]) from None
    aggregation = getattr(dest, "aggregation", None)
    problem = aggregation_problem(aggregation, scenario.rules) if aggregation is not None else None
    if problem is not None:
        raise ValueError(f"aggregation.{problem[0]}: {problem[1]}")
    others = tuple(d if d.id != destination else dest for d in scenario.destinations)
    return scenario.model_copy(update={"destinations": others})


def mapping_changes(
    scenario: Scenario,
    destination: str,
    type: str,
    segments: Sequence[str],
    attributes: Sequence[str],
    identities: Sequence[str] = (),
) -> dict[str, Any]:
    """The changes (as `change_destination` takes them) that give `destination` this type and
    mapping: only the fields that differ from the scenario's."""
    base = scenario.destination(destination)
    wanted: dict[str, Any] = {"type": type, "attributes": list(attributes)}
    if type != "batch":  # a batch destination's segments are its files: options, not a mapping
        wanted["segments"] = list(segments)
    if type == "streaming-segment":
        wanted["identities"] = list(identities)
    now = base.model_dump(mode="json")
    return {k: v for k, v in wanted.items() if now.get(k) != v}


def remap(
    scenario: Scenario,
    destination: str,
    type: str,
    segments: list[str] | tuple[str, ...],
    attributes: list[str] | tuple[str, ...],
    identities: list[str] | tuple[str, ...] = (),
) -> Scenario:
    """A copy of `scenario` in which `destination` has the given type and mapping, and otherwise
    the scenario's own options (its aggregation, consent enforcement ...).

    Raises ValueError when no segment is mapped (a dataflow needs at least one)."""
    if not segments:
        raise ValueError("map at least one segment")
    changes = mapping_changes(scenario, destination, type, segments, attributes, identities)
    return change_destination(scenario, destination, changes)


def _frozen(value: Any) -> Any:
    """A hashable copy of a JSON value (a cache key)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


class ReplayCache:
    """Replays by destination changes, so a click on Next or Previous never replays from the start."""

    def __init__(self, scenario: Scenario, size: int = 8):
        self.scenario = scenario
        self.size = size
        self._items: dict[tuple[Any, ...], Replay] = {}

    def get(self, destination: str, changes: Mapping[str, Any], rules: RuleSet) -> Replay:
        """The replay of the scenario with `changes` to `destination` (`change_destination`);
        raises ValueError as it does."""
        key = (destination, _frozen(dict(changes)), rules)
        hit = self._items.pop(key, None)
        if hit is None:
            scenario = self.scenario.model_copy(update={"rules": rules})
            if changes:
                scenario = change_destination(scenario, destination, changes)
            hit = replay(scenario, rules=rules)
        self._items[key] = hit  # most recent last
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))
        return hit


_DESTINATION: TypeAdapter[Any] = TypeAdapter(Destination)
_TYPES: dict[str, Any] = {
    "streaming-profile": StreamingProfileDestination,
    "streaming-segment": StreamingSegmentDestination,
    "batch": BatchDestination,
}


def step_report(result: Replay, index: int, destination: str | None = None) -> str:
    """Step `index` as text (0 is the activation backfill, 1..N the events): the verbose
    timeline's words, numbered, with the profile before and after (`text.narrate.step_text`)."""
    return "\n".join(step_text(result, index, destination))


__all__ = [
    "ReplayCache",
    "attribute_paths",
    "change_destination",
    "mapping_changes",
    "namespaces",
    "remap",
    "step_report",
    "streaming_destinations",
]
