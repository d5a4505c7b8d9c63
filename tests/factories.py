"""Tiny factories for every test: a valid scenario, profile, destination or state in one line, with
only what a test cares about. Dictionaries are what a scenario file writes; `make_*` overrides
replace whole keys."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from typing import Any

from exportkit import Scenario, replay
from exportkit.core.batch import Candidate
from exportkit.core.decision import Decision
from exportkit.core.engine import Replay, Step
from exportkit.core.exportfile import ExportFile
from exportkit.core.model import BatchDestination, Profile
from exportkit.core.rules import reason
from exportkit.core.rulesets import RuleSet
from exportkit.core.state import ProfileState
from exportkit.io.loader import build_scenario

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SEGMENTS = [
    {"id": "s1", "name": "Customer with DeLorean Cars"},
    {"id": "s2", "name": "City - Dallas"},
    {"id": "s3", "name": "Basic Site Active"},
    {"id": "u1", "name": "Watched Back to the Future"},
    {"id": "u2", "name": "Science fiction fans"},
]
# One scenario written out as a file would be, for the tests that read expectations from YAML
# text (tests/test_expectation.py: the loader; tests/test_plugin.py: the pytest plugin): one
# profile, one segment, a destination of each type; `events:` comes next, written by each test.
OWNERS_HEAD = textwrap.dedent("""\
    name: orders
    start: '2025-03-03T09:00:00Z'
    segments: [{id: owners, name: Owners}]
    profiles:
      - {id: marty, identities: {email: [m@x.com]}, attributes: {person.name.firstName: Marty}}
    destinations:
      - {id: http-api, type: streaming-profile, segments: [owners]}
      - {id: adnet, type: streaming-segment, segments: [owners], identities: [email]}
      - id: s3
        type: batch
        segments: [{id: owners, mode: incremental}]
    events:
    """)
MAPPED_ATTRIBUTES = ["person.name.firstName", "person.name.lastName", "personalEmail.address", "loyalty.tier"]
BATCH_ATTRIBUTES = ["person.name.firstName", "personalEmail.address", "loyalty.tier"]


# --- streaming: one profile `p`, two streaming destinations `ent` and `str` -------------------


def make_profile(**overrides: Any) -> dict[str, Any]:
    """Profile `p`, a member of s1 (mapped) and of u1, u2 (not mapped)."""
    return {
        "id": "p",
        "identities": {"ecid": ["e1"], "email": ["p@example.com"], "phone": ["+1555"]},
        "attributes": {"person.name.firstName": "Pat", "loyalty.tier": "gold", "loyalty.points": 10},
        "segments": {"s1": "existing", "u1": "existing", "u2": "existing"},
    } | overrides


def make_enterprise(**overrides: Any) -> dict[str, Any]:
    """Destination `ent` (streaming profile), mapping s1-s3 and MAPPED_ATTRIBUTES."""
    streaming = {"segments": ["s1", "s2", "s3"], "attributes": MAPPED_ATTRIBUTES}
    return {"id": "ent", "type": "streaming-profile", **streaming} | overrides


def make_social(**overrides: Any) -> dict[str, Any]:
    """Destination `str` (streaming segment), as `ent` plus the email namespace and consent."""
    social = {"id": "str", "type": "streaming-segment", "identities": ["email"], "consent_enforcement": True}
    return make_enterprise() | social | overrides


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


def one_step(event: dict[str, Any], rules: RuleSet = "seed", **overrides: Any) -> Step:
    """Replay a scenario with a single event and return its step."""
    event = {"profile": "p", **event}
    return replay(make_scenario([event], **overrides), rules=rules).steps[0]


def decision_of(step: Step, destination: str) -> Decision:
    (d,) = [d for d in step.decisions if d.destination == destination]
    return d


# --- batch: profiles members of nothing by default, one batch destination `s3` -----------------


def make_batch_profile(pid: str = "p", **overrides: Any) -> dict[str, Any]:
    """A profile as a scenario file writes it; members of nothing unless `segments` says so."""
    out: dict[str, Any] = {
        "id": pid,
        "identities": {"email": [f"{pid}@example.com"]},
        "attributes": {
            "person.name.firstName": pid.title(),
            "personalEmail.address": f"{pid}@example.com",
            "loyalty.tier": "gold",
        },
        "segments": {},
    }
    out.update(overrides)
    return out


def make_batch(**overrides: Any) -> dict[str, Any]:
    """A batch destination as a scenario file writes it: s1 incremental, no schedule."""
    out: dict[str, Any] = {
        "id": "s3",
        "name": "Amazon S3",
        "type": "batch",
        "segments": [{"id": "s1", "mode": "incremental"}],
        "attributes": list(BATCH_ATTRIBUTES),
    }
    out.update(overrides)
    return out


def make_destination(**overrides: Any) -> BatchDestination:
    return BatchDestination.model_validate(make_batch(**overrides))


def make_state(
    pid: str = "p", at: datetime = T0, keep_realized: bool = False, **overrides: Any
) -> ProfileState:
    """A profile's state as a replay starts it (`keep_realized`: A7, as the current rule set does)."""
    profile = Profile.model_validate(make_batch_profile(pid, **overrides))
    return ProfileState.from_profile(profile, at, keep_realized)


def make_candidate(state: ProfileState, status: str = "realized") -> Candidate:
    return Candidate(state, status, reason("B-I1", "test"))


def make_scenario_data(
    profiles: list[dict[str, Any]],
    events: list[dict[str, Any]],
    destinations: list[dict[str, Any]] | None = None,
    rules: RuleSet = "seed",
) -> dict[str, Any]:
    return {
        "name": "test",
        "rules": rules,
        "start": T0,
        "segments": SEGMENTS,
        "profiles": profiles,
        "destinations": destinations or [make_batch()],
        "events": events,
    }


def run_scenario(
    profiles: list[dict[str, Any]],
    events: list[dict[str, Any]],
    destinations: list[dict[str, Any]] | None = None,
    rules: RuleSet = "seed",
) -> Replay:
    data = make_scenario_data(profiles, events, destinations, rules)
    return replay(build_scenario(data))


def files_of(result: Replay) -> list[ExportFile]:
    return result.files()


def at(hours: float) -> str:
    """A time `hours` after the scenario start, as a scenario file writes it."""
    return (T0 + timedelta(hours=hours)).isoformat()
