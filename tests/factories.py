"""Tiny scenario factories: a valid scenario in one line, with only what a test cares about."""

from __future__ import annotations

from typing import Any

from exportkit import Scenario, replay
from exportkit.core.engine import Step
from exportkit.io.loader import build_scenario

SEGMENTS = [
    {"id": "s1", "name": "Customer with DeLorean Cars"},
    {"id": "s2", "name": "City - Dallas"},
    {"id": "s3", "name": "Basic Site Active"},
    {"id": "u1", "name": "Watched Back to the Future"},
    {"id": "u2", "name": "Science fiction fans"},
]
MAPPED_ATTRIBUTES = ["person.name.firstName", "person.name.lastName", "personalEmail.address", "loyalty.tier"]


def make_profile(**overrides: Any) -> dict[str, Any]:
    profile = {
        "id": "p",
        "identities": {"ecid": ["e1"], "email": ["p@example.com"], "phone": ["+1555"]},
        "attributes": {"person.name.firstName": "Pat", "loyalty.tier": "gold", "loyalty.points": 10},
        "segments": {"s1": "existing", "u1": "existing", "u2": "existing"},
    }
    profile.update(overrides)
    return profile


def make_enterprise(**overrides: Any) -> dict[str, Any]:
    dest = {
        "id": "ent",
        "type": "streaming-profile",
        "segments": ["s1", "s2", "s3"],
        "attributes": MAPPED_ATTRIBUTES,
    }
    dest.update(overrides)
    return dest


def make_social(**overrides: Any) -> dict[str, Any]:
    dest = {
        "id": "str",
        "type": "streaming-segment",
        "segments": ["s1", "s2", "s3"],
        "identities": ["email"],
        "attributes": MAPPED_ATTRIBUTES,
        "consent_enforcement": True,
    }
    dest.update(overrides)
    return dest


def make_scenario(events: list[dict[str, Any]] | None = None, **overrides: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "t",
        "segments": SEGMENTS,
        "profiles": [make_profile()],
        "destinations": [make_enterprise(), make_social()],
        "events": events or [],
    }
    data.update(overrides)
    return build_scenario(data)


def one_step(event: dict[str, Any], rules: str = "seed", **overrides: Any) -> Step:
    """Replay a scenario with a single event and return its step."""
    event = {"profile": "p", **event}
    return replay(make_scenario([event], **overrides), rules=rules).steps[0]  # type: ignore[arg-type]


def decision_of(step: Step, destination: str):
    (d,) = [d for d in step.decisions if d.destination == destination]
    return d
