"""Decisions: values that say what happened and why, each reason tied to a rule id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .model import Segment
from .rules import Reason


@dataclass(frozen=True, slots=True)
class FieldNote:
    """Why one part of a payload is in it or left out."""

    field: str
    included: bool
    reason: Reason

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "included": self.included, **self.reason.as_dict()}


@dataclass(frozen=True, slots=True)
class Decision:
    """One destination's verdict on one profile at one moment: exported or not, and why."""

    destination: str
    profile: str
    exported: bool
    reasons: tuple[Reason, ...]
    payload: dict[str, Any] | None = None
    fields: tuple[FieldNote, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"destination": self.destination, "profile": self.profile}
        if self.exported:
            out["payload"] = self.payload
        out["reasons"] = [r.as_dict() for r in self.reasons]
        if self.exported:
            out["fields"] = [f.as_dict() for f in self.fields]
        return out


@dataclass(frozen=True, slots=True)
class Catalog:
    """What every rule may need to know about the scenario besides the profile: its segments and
    the moment the dataflows were activated."""

    segments: dict[str, Segment]
    activated_at: datetime
    rules: str
