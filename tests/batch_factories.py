"""Tiny factories for the batch tests: profiles, batch destinations, states, whole scenarios."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from exportkit.core.batch import Candidate
from exportkit.core.engine import Replay, replay
from exportkit.core.exportfile import ExportFile
from exportkit.core.model import BatchDestination, Profile
from exportkit.core.rules import reason
from exportkit.core.state import ProfileState
from exportkit.io.loader import build_scenario

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SEGMENTS = [{"id": "s1", "name": "Customer with DeLorean Cars"}, {"id": "s2", "name": "City - Dallas"}]
ATTRIBUTES = ["person.name.firstName", "personalEmail.address", "loyalty.tier"]


def make_profile(pid: str = "p", **overrides: Any) -> dict[str, Any]:
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
        "attributes": list(ATTRIBUTES),
    }
    out.update(overrides)
    return out


def make_destination(**overrides: Any) -> BatchDestination:
    return BatchDestination.model_validate(make_batch(**overrides))


def make_state(pid: str = "p", at: datetime = T0, **overrides: Any) -> ProfileState:
    return ProfileState.from_profile(Profile.model_validate(make_profile(pid, **overrides)), at)


def make_candidate(state: ProfileState, status: str = "realized") -> Candidate:
    return Candidate(state, status, reason("B-I1", "test"))


def make_scenario_data(
    profiles: list[dict[str, Any]],
    events: list[dict[str, Any]],
    destinations: list[dict[str, Any]] | None = None,
    rules: str = "seed",
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
    rules: str = "seed",
) -> Replay:
    data = make_scenario_data(profiles, events, destinations, rules)
    return replay(build_scenario(data))


def files_of(result: Replay) -> list[ExportFile]:
    return [f for step in result.steps for f in step.files]


def at(hours: float) -> str:
    """A time `hours` after the scenario start, as a scenario file writes it."""
    return (T0 + timedelta(hours=hours)).isoformat()
