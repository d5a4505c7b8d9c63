"""Decisions: values that say what happened and why, each reason tied to a rule id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .model import Segment
from .rules import Reason, RuleSet


@dataclass(frozen=True, slots=True)
class FieldNote:
    """Why one part of a payload is in it or left out."""

    field: str
    included: bool
    reason: Reason

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "included": self.included, **self.reason.as_dict()}


class Decision:
    """One destination's verdict on one profile at one moment: exported or not, and why.

    An exported decision carries its payload and the reason for each field; both may be built
    only when first asked for (`build`), from the immutable state of the decision's moment.
    """

    __slots__ = (
        "_build",
        "_explain",
        "_fields",
        "_payload",
        "_reasons",
        "_rule",
        "destination",
        "exported",
        "profile",
    )

    def __init__(
        self,
        destination: str,
        profile: str,
        exported: bool,
        reasons: tuple[Reason, ...] | None = None,
        payload: dict[str, Any] | None = None,
        fields: tuple[FieldNote, ...] = (),
        build: Callable[[], tuple[dict[str, Any], tuple[FieldNote, ...]]] | None = None,
        explain: Callable[[], tuple[Reason, ...]] | None = None,
        rule: str | None = None,
    ):
        if reasons is None and explain is None:
            raise ValueError("a decision needs its reasons, or a way to explain itself")
        self.destination = destination
        self.profile = profile
        self.exported = exported
        self._reasons = reasons
        self._explain = explain
        self._payload = payload
        self._fields = fields
        self._build = build
        self._rule = rule

    @property
    def rule(self) -> str:
        """The rule id of the first reason: known without working out the reasons' text."""
        return self._rule if self._rule is not None else self.reasons[0].rule

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why: each reason names its rule. Worked out when first asked for, from the immutable
        inputs of the decision's moment, so a replay of millions of events stays fast."""
        if self._reasons is None:
            if self._explain is None:  # __init__ refuses a decision with neither
                raise AssertionError("a decision without reasons or a way to explain itself")
            self._reasons = self._explain()
            self._explain = None
        return self._reasons

    def _materialize(self) -> None:
        if self._build is not None:
            self._payload, self._fields = self._build()
            self._build = None

    @property
    def payload(self) -> dict[str, Any] | None:
        self._materialize()
        return self._payload

    @property
    def fields(self) -> tuple[FieldNote, ...]:
        self._materialize()
        return self._fields

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
