"""Decisions: values that say what happened and why, each reason tied to a rule id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as default
from datetime import datetime
from typing import Any, NamedTuple

from .model import Segment
from .rules import Reason
from .rulesets import RuleSet


class FieldNote(NamedTuple):
    """Why one part of a payload is in it or left out."""

    field: str
    included: bool
    reason: Reason

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "included": self.included, **self.reason.as_dict()}


Made = tuple[dict[str, Any] | None, tuple[FieldNote, ...]]  # a payload and its field notes


class Decision:
    """One destination's verdict on one profile at one moment: exported or not, and why.

    The reasons are made with the verdict, by the same rule functions, as values (their text is
    formatted only when read); the deciding rule (`rule`) is the first reason's. An exported
    decision carries its payload and the reason for each field; both may be built only when first
    asked for (`build`), from the immutable state of the decision's moment.
    """

    __slots__ = ("_made", "_verdict", "destination", "exported", "profile", "reasons", "rule")

    def __init__(
        self,
        destination: str,
        profile: str,
        exported: bool,
        reasons: tuple[Reason, ...],
        payload: dict[str, Any] | None = None,
        fields: tuple[FieldNote, ...] = (),
        build: Callable[[], tuple[dict[str, Any], tuple[FieldNote, ...]]] | None = None,
        verdict: str | None = None,
    ):
        if not reasons:
            raise ValueError("a decision needs at least one reason")
        self.destination = destination
        self.profile = profile
        self.exported = exported
        self.reasons = reasons  # every reason, the deciding one first
        self.rule: str = reasons[0].rule
        # the payload and its field notes, or the function that builds them when first read
        self._made: Made | Callable[[], Made] | None = build
        if payload is not None or fields:
            self._made = (payload, fields)  # given whole
        self._verdict = verdict

    @property
    def verdict(self) -> str:
        """The verdict in words: `EXPORTED` or `not exported`, `noted` (a batch destination
        records the profile for its next incremental file), or what a destination-level step did
        (a flush: the messages it sent)."""
        if self._verdict is not None:
            return self._verdict
        return "EXPORTED" if self.exported else "not exported"

    def _materialize(self) -> Made:
        made = self._made
        if made is None:
            return None, ()
        if not isinstance(made, tuple):
            made = self._made = made()
        return made

    @property
    def payload(self) -> dict[str, Any] | None:
        return self._materialize()[0]

    @property
    def fields(self) -> tuple[FieldNote, ...]:
        return self._materialize()[1]

    def __repr__(self) -> str:
        verdict = "exported" if self.exported else "not exported"
        rules = ",".join(r.rule for r in self.reasons)
        return f"Decision({self.destination}, {self.profile or '-'}: {verdict} [{rules}])"

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
    rules: RuleSet
    merge_policies: Mapping[str, str] = default(default_factory=dict)  # names by id (B-T2b)


__all__ = ["Catalog", "Decision", "FieldNote"]
