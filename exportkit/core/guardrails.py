"""Warnings about a whole scenario, not errors: the documented limits (G1) and the advice to give
a scheduled batch export a deduplication key (B-I7c). Both come from the 2026 documentation, so
a rule set reports them only where its settings say so (`limit_warnings`, `dedup_key_advice`).

A warning names its place in the scenario (`destinations[2].attributes`), the limit or advice,
and its rule; the replay runs as usual.
"""

from __future__ import annotations

from typing import NamedTuple

from .events import EXPORT_NOW
from .model import BatchDestination, Scenario
from .rulesets import RuleSet, deciding, settings_of

# G1: the guardrails page's limits.
SEGMENTS_PER_DESTINATION = 250  # soft
ATTRIBUTES_PER_DESTINATION = 50
DESTINATIONS_PER_SANDBOX = 100  # hard
BATCH_SEGMENTS_PER_HOUR = 100  # audiences activated to batch destinations per hour
SEGMENTS_PER_EXPORT_NOW = 80  # audiences per on-demand job


class ScenarioWarning(NamedTuple):
    """One warning: where in the scenario, what, and the rule it comes from."""

    place: str
    text: str
    rule: str

    def __str__(self) -> str:
        return f"{self.place}: {self.text} ({self.rule})" if self.place else f"{self.text} ({self.rule})"


def limit_warnings(scenario: Scenario) -> list[ScenarioWarning]:
    """G1: every documented limit the scenario passes (A26: a scenario's dataflows are all
    activated at its start, so its batch segments count as activated within one hour)."""
    out: list[ScenarioWarning] = []
    if len(scenario.destinations) > DESTINATIONS_PER_SANDBOX:
        out.append(
            ScenarioWarning(
                "destinations",
                f"{len(scenario.destinations)} destinations, more than the {DESTINATIONS_PER_SANDBOX} "
                "a sandbox may have (hard limit)",
                "G1",
            )
        )
    batch_segments = 0
    on_demand = {e.value for e in scenario.events if e.kind == EXPORT_NOW}
    for i, d in enumerate(scenario.destinations):
        segments = len(d.segment_ids)
        if segments > SEGMENTS_PER_DESTINATION:
            out.append(
                ScenarioWarning(
                    f"destinations[{i}].segments",
                    f"{segments} segments mapped to {d.id}, more than the {SEGMENTS_PER_DESTINATION} "
                    "a destination should have (soft limit)",
                    "G1",
                )
            )
        if len(d.attributes) > ATTRIBUTES_PER_DESTINATION:
            out.append(
                ScenarioWarning(
                    f"destinations[{i}].attributes",
                    f"{len(d.attributes)} mapped attributes on {d.id}, more than the "
                    f"{ATTRIBUTES_PER_DESTINATION} a destination may map",
                    "G1",
                )
            )
        if isinstance(d, BatchDestination):
            batch_segments += segments
            if d.id in on_demand and segments > SEGMENTS_PER_EXPORT_NOW:
                out.append(
                    ScenarioWarning(
                        f"destinations[{i}].segments",
                        f"Export file now of {d.id} runs {segments} segments in one job, more than "
                        f"the {SEGMENTS_PER_EXPORT_NOW} an on-demand job may hold",
                        "G1",
                    )
                )
    if batch_segments > BATCH_SEGMENTS_PER_HOUR:
        out.append(
            ScenarioWarning(
                "destinations",
                f"{batch_segments} segments activated to batch destinations at the start, more than "
                f"the {BATCH_SEGMENTS_PER_HOUR} per hour the documentation allows (A26)",
                "G1",
            )
        )
    return out


def dedup_key_advice(scenario: Scenario) -> list[ScenarioWarning]:
    """B-I7c: a scheduled batch destination without a deduplication key (an exported identity
    namespace is one, B-I8) may show a profile twice or with conflicting membership."""
    advising = settings_of(deciding("dedup_key_advice")[0])  # the documentation that advises it
    out: list[ScenarioWarning] = []
    for i, d in enumerate(scenario.destinations):
        if not isinstance(d, BatchDestination) or d.dedup_key or d.identity:
            continue
        if any(s.schedule is not None for s in d.segments):
            out.append(
                ScenarioWarning(
                    f"destinations[{i}]",
                    f"{d.id} has scheduled exports and no dedup_key: a profile may appear twice or "
                    "with conflicting membership, since scheduled exports combine the snapshot and "
                    f"the incremental changes; {advising.documentation} advises a key",
                    "B-I7c",
                )
            )
    return out


def warnings(scenario: Scenario, rules: RuleSet | None = None) -> list[ScenarioWarning]:
    """Every warning the rule set `rules` (default: the scenario's own) gives about `scenario`."""
    settings = settings_of(rules or scenario.rules)
    out: list[ScenarioWarning] = []
    if settings.limit_warnings:
        out += limit_warnings(scenario)
    if settings.dedup_key_advice:
        out += dedup_key_advice(scenario)
    return out


__all__ = [
    "ATTRIBUTES_PER_DESTINATION",
    "BATCH_SEGMENTS_PER_HOUR",
    "DESTINATIONS_PER_SANDBOX",
    "SEGMENTS_PER_DESTINATION",
    "SEGMENTS_PER_EXPORT_NOW",
    "ScenarioWarning",
    "dedup_key_advice",
    "limit_warnings",
    "warnings",
]
