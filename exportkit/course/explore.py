"""The logic behind the explorer widgets, kept pure so tests and notebooks call it directly.

`remap` changes one destination's mapping (its type, segments, attributes, namespaces) and
`step_report` renders one step as a learner reads it: the event, the profile before and after, the
verdict with its reasons, and the payload with what was left out and why.
"""

from __future__ import annotations

from typing import Any

from ..core.engine import Replay, Step, replay
from ..core.model import (
    BatchDestination,
    Scenario,
    StreamingDestination,
    StreamingProfileDestination,
    StreamingSegmentDestination,
    iso,
)
from ..core.rules import RuleSet
from ..text.render import render_decision
from ..text.sentences import Names, event_text


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
        if e.kind == "set":
            seen.update(dict.fromkeys(e.value))
    return list(seen)


def namespaces(scenario: Scenario) -> list[str]:
    seen: dict[str, None] = {}
    for p in scenario.profiles:
        seen.update(dict.fromkeys(p.identities))
    for e in scenario.events:
        if e.kind in ("add_identity", "remove_identity"):
            seen.update(dict.fromkeys(e.value))
    return list(seen)


def remap(
    scenario: Scenario,
    destination: str,
    type: str,
    segments: list[str] | tuple[str, ...],
    attributes: list[str] | tuple[str, ...],
    identities: list[str] | tuple[str, ...] = (),
) -> Scenario:
    """A copy of `scenario` in which `destination` has the given type and mapping.

    Raises ValueError when no segment is mapped (a dataflow needs at least one)."""
    if not segments:
        raise ValueError("map at least one segment")
    base = scenario.destination(destination)
    common = {"id": base.id, "name": base.name, "segments": tuple(segments), "attributes": tuple(attributes)}
    options = {"include_segment_names", "include_segment_timestamps"}  # kept when the type is kept
    dest: StreamingDestination
    if type == "streaming-profile":
        keep = base.model_dump(include=options) if isinstance(base, StreamingProfileDestination) else {}
        dest = StreamingProfileDestination.model_validate({**common, **keep, "type": type})
    else:
        options = {"consent_enforcement", "same_value_overwrite_triggers", "include_unchanged_segments"}
        keep = base.model_dump(include=options) if isinstance(base, StreamingSegmentDestination) else {}
        common["identities"] = tuple(identities)
        dest = StreamingSegmentDestination.model_validate({**common, **keep, "type": "streaming-segment"})
    others = tuple(d if d.id != destination else dest for d in scenario.destinations)
    return scenario.model_copy(update={"destinations": others})


class ReplayCache:
    """Replays by mapping, so a click on Next or Previous never replays from the start."""

    def __init__(self, scenario: Scenario, size: int = 8):
        self.scenario = scenario
        self.size = size
        self._items: dict[tuple[Any, ...], Replay] = {}

    def get(
        self,
        destination: str,
        type: str,
        segments: tuple[str, ...],
        attributes: tuple[str, ...],
        identities: tuple[str, ...],
        rules: RuleSet,
    ) -> Replay:
        """The replay of the scenario with `destination` remapped; raises ValueError as `remap`."""
        base = self.scenario.destination(destination)
        if (base.type == "batch") != (type == "batch"):
            raise ValueError(
                "a batch destination's files and a streaming destination's messages "
                "do not convert into each other here; notebook 03 compares the types"
            )
        if base.type == "batch":  # a batch mapping is explored as the scenario defines it
            segments, attributes, identities = (), (), ()
        key = (destination, type, tuple(segments), tuple(attributes), tuple(identities), rules)
        hit = self._items.pop(key, None)
        if hit is None:
            scenario = (
                self.scenario
                if base.type == "batch"
                else remap(self.scenario, destination, type, segments, attributes, identities)
            )
            hit = replay(scenario, rules=rules)
        self._items[key] = hit  # most recent last
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))
        return hit


def _state_lines(title: str, state: dict[str, Any] | None) -> list[str]:
    if state is None:
        return []
    lines = [f"{title}:"]
    lines.append("  segments: " + (", ".join(f"{s}={st}" for s, st in state["segments"].items()) or "none"))
    lines.append(
        "  attributes: " + (", ".join(f"{a}={v!r}" for a, v in state["attributes"].items()) or "none")
    )
    lines.append(
        "  identities: "
        + (", ".join(f"{ns}={','.join(ids)}" for ns, ids in state["identities"].items()) or "none")
    )
    lines.append(f"  consent: {state['consent']}")
    return lines


def step_report(result: Replay, index: int, destination: str | None = None) -> str:
    """Step `index` as text (0 is the activation backfill, 1..N the events)."""
    batch = {d.id for d in result.scenario.destinations if d.type == "batch"}
    if index == 0:
        lines = [f"Step 0 of {len(result.steps)}: activation at {iso(result.scenario.start)}"]
        for d in result.activation:
            if destination in (None, d.destination):
                lines += render_decision(d)
        if destination in batch:
            lines.append(
                f"  {destination}: a batch destination sends nothing at activation; "
                "its first scheduled file holds the whole population [B-I3]"
            )
        return "\n".join(lines)
    step: Step = result.steps[index - 1]
    event = event_text(step.event, Names.of(result.scenario))
    lines = [f"Step {index} of {len(result.steps)} at {iso(step.event.at)}: {event}"]
    for f in step.files:  # files due on the clock come before the event (B-T3)
        if destination in (None, f.destination):
            lines += f.render()
    lines += [f"  changed: {c}" for c in step.changes] or ["  changed: nothing"]
    lines += _state_lines("before", step.before) + _state_lines("after", step.after)
    for d in step.decisions:
        if destination in (None, d.destination):
            lines += render_decision(d)
    return "\n".join(lines)


__all__ = ["ReplayCache", "attribute_paths", "namespaces", "remap", "step_report", "streaming_destinations"]
