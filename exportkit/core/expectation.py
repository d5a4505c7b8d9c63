"""Expectations written next to events: what a team expects each destination to do.

An event may carry `expect:`, keyed by destination id; a scenario may carry `expect_end:`, what is
still waiting when it ends. These models check what one expectation can check alone (its shape,
the verdict's words, the rule id against the catalogue); `expectation_problem` checks it against
the scenario (the destination exists, the verdict and the fields fit its type, the profiles and
segments it names exist). `exportkit.check` replays the scenario and compares.

    - profile: marty
      qualify: delorean-owners
      expect:
        http-api: exported                       # a verdict alone
        adnet: {verdict: exported, rule: S-T1, payload: {has: [identityMap.email]}}
        s3: noted
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from .rules import RULES

if TYPE_CHECKING:
    from .events import Targets

Verdict = Literal["exported", "not exported", "noted", "refused"]
VERDICTS: tuple[str, ...] = get_args(Verdict)

PAYLOAD_PATH = r"^[A-Za-z0-9_@+:-]+(\.[A-Za-z0-9_@+:-]+)*$"
"""A path in a payload as the payload shows it: `segmentMembership.ups.delorean-owners.status`
(segment ids may hold hyphens, so this is looser than an attribute's XDM path)."""

_PAYLOAD_PATH = re.compile(PAYLOAD_PATH)


def _payload_path(value: str) -> str:
    if not _PAYLOAD_PATH.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a payload path such as segmentMembership.ups.delorean-owners.status"
        )
    return value


# the pattern is the schema's (for editors); the check is ours, for its message
PayloadPath = Annotated[
    str, AfterValidator(_payload_path), Field(json_schema_extra={"pattern": PAYLOAD_PATH})
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


RuleId = Annotated[str, Field(json_schema_extra={"enum": sorted(RULES)})]


def _rule_id(value: str | None) -> str | None:
    if value is not None and value not in RULES:
        raise ValueError(f"unknown rule id {value!r}; `exportkit rules` lists them")
    return value


class PayloadExpectation(_Frozen):
    """What a streaming export's payload holds: paths present, paths absent, values."""

    has: tuple[PayloadPath, ...] = ()
    """paths present, such as identityMap.email"""
    lacks: tuple[PayloadPath, ...] = ()
    """paths absent, such as person.name.lastName"""
    equals: dict[PayloadPath, Any] = {}
    """values by path, such as {segmentMembership.ups.delorean-owners.status: realized}"""

    @field_validator("has", "lacks", mode="before")
    @classmethod
    def _one_path(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class FileExpectation(_Frozen):
    """A batch file written at this step, or on the clock before it; unnamed fields match any."""

    segment: str | None = None
    mode: Literal["full", "incremental"] | None = None
    profiles: tuple[str, ...] | None = None
    rows: Annotated[StrictInt, Field(ge=0)] | None = None


class MessageExpectation(_Frozen):
    """A streaming message: the profiles it carries (in any order)."""

    profiles: tuple[str, ...]


class WaitingExpectation(_Frozen):
    """The next file of a batch segment when the scenario ends: the profiles noted for it."""

    segment: str
    profiles: tuple[str, ...] = ()


Messages = Annotated[StrictInt, Field(ge=0)] | tuple[MessageExpectation, ...]


def _messages(value: Any) -> Any:
    """`messages: 2` or a list of `{profiles: [...]}`; anything else said in one sentence (a
    union's own errors name its branches)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{value} is not a number of messages: give 0 or more")
        return value
    if value is None or isinstance(value, list | tuple):
        return value
    raise ValueError("must be a number of messages, or a list such as [{profiles: [marty]}]")


def _verdict(value: Any) -> Any:
    if value is None or value in VERDICTS:
        return value
    raise ValueError(f"unknown verdict {value!r}; choose {_choices(VERDICTS)}")


def _choices(words: tuple[str, ...]) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1]


class Expectation(_Frozen):
    """What one destination does at one event. A verdict alone may be written as the value:
    `http-api: exported`."""

    verdict: Annotated[Verdict | None, BeforeValidator(_verdict)] = None
    """exported | not exported (streaming), noted | not exported (batch), refused"""
    rule: RuleId | None = None
    """the rule that decided, such as S-T1"""
    payload: PayloadExpectation | None = None
    """what a streaming export's payload holds"""
    files: tuple[FileExpectation, ...] | None = None
    """the files a batch destination wrote at this step, or on the clock before it"""
    messages: Annotated[Messages | None, BeforeValidator(_messages)] = None
    """the messages a streaming destination sent at this step, or on the clock before it"""

    @model_validator(mode="before")
    @classmethod
    def _verdict_alone(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"verdict": value}
        if not isinstance(value, dict):
            raise ValueError(
                f"must be a verdict ({_choices(VERDICTS)}) or a mapping of verdict, rule, payload, "
                "files and messages"
            )
        return value

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str | None) -> str | None:
        return _rule_id(value)

    @model_validator(mode="after")
    def _something(self) -> Expectation:
        if self.model_fields_set == set():
            raise ValueError("expects nothing: give a verdict, rule, payload, files or messages")
        return self


class EndExpectation(_Frozen):
    """What one destination still holds when the scenario ends: the messages its buffers send
    then (streaming, M1), the next file of each segment (batch)."""

    messages: Annotated[Messages | None, BeforeValidator(_messages)] = None
    """the messages a streaming destination's buffers send when the scenario ends (M1)"""
    waiting: tuple[WaitingExpectation, ...] | None = None


ExpectValue = Verdict | Expectation
"""One destination's entry in `expect:` as a file may give it (the JSON Schema's form)."""
Expect = Mapping[str, Expectation]


Problem = tuple[tuple[Any, ...], str]


def expectation_problem(
    destination: str, e: Expectation, target: Targets, *, profile_event: bool = True
) -> Problem | None:
    """The first thing `e` names that the scenario does not have, or that `destination`'s type
    cannot do at a profile event (or at a run, Export file now or evaluation), as (place under
    the destination's key, problem); None when it fits."""
    kind = target.destinations.get(destination)
    if kind is None:
        return (), f"unknown destination {destination!r}; the scenario has {_listed(target.destinations)}"
    batch = kind == "batch"
    if e.verdict == "exported" and batch and profile_event:
        return ("verdict",), (
            "a batch destination does not export at a profile event: it notes the profile for its "
            "next incremental file (noted) or not (not exported); expect its files with files:"
        )
    if e.verdict == "noted" and not batch:
        return ("verdict",), f"noted is a batch destination's verdict; {destination} is {kind}"
    if e.payload is not None and batch:
        return ("payload",), "a batch destination has no payload; expect its files with files:"
    if e.files is not None and not batch:
        return ("files",), f"{destination} is {kind}: it sends messages, not files"
    if e.messages is not None and batch:
        return ("messages",), f"{destination} is a batch destination: it writes files, not messages"
    for i, f in enumerate(e.files or ()):
        if f.segment is not None and f.segment not in target.mapped[destination]:
            return ("files", i, "segment"), (
                f"{f.segment!r} is not a segment of {destination}; it has "
                f"{_listed(target.mapped[destination])}"
            )
        problem = _profiles_problem(f.profiles, target, ("files", i))
        if problem:
            return problem
    return _messages_problem(e.messages, target)


def end_problem(destination: str, e: EndExpectation, target: Targets) -> Problem | None:
    """`expectation_problem` for an `expect_end:` entry."""
    kind = target.destinations.get(destination)
    if kind is None:
        return (), f"unknown destination {destination!r}; the scenario has {_listed(target.destinations)}"
    if e.waiting is not None and kind != "batch":
        return (
            "waiting",
        ), f"{destination} is {kind}: what waits in its buffers leaves at the end (messages:)"
    if e.messages is not None and kind == "batch":
        return ("messages",), f"{destination} is a batch destination: expect its next files with waiting:"
    for i, w in enumerate(e.waiting or ()):
        if w.segment not in target.mapped[destination]:
            return ("waiting", i, "segment"), f"{w.segment!r} is not a segment of {destination}"
        problem = _profiles_problem(w.profiles, target, ("waiting", i))
        if problem:
            return problem
    return _messages_problem(e.messages, target)


def _profiles_problem(
    profiles: tuple[str, ...] | None, target: Targets, loc: tuple[Any, ...]
) -> Problem | None:
    for j, pid in enumerate(profiles or ()):
        if pid not in target.profiles:
            return (*loc, "profiles", j), f"unknown profile {pid!r}"
    return None


def _messages_problem(messages: Any, target: Targets) -> Problem | None:
    """The first unknown profile in the expected messages (a count of messages names none)."""
    if isinstance(messages, int | None):
        return None
    for i, m in enumerate(messages):
        problem = _profiles_problem(m.profiles, target, ("messages", i))
        if problem:
            return problem
    return None


def _listed(ids: Any) -> str:
    names = sorted(ids)
    return ", ".join(names) if names else "none"


__all__ = [
    "PAYLOAD_PATH",
    "VERDICTS",
    "EndExpectation",
    "Expect",
    "ExpectValue",
    "Expectation",
    "FileExpectation",
    "MessageExpectation",
    "PayloadExpectation",
    "Verdict",
    "WaitingExpectation",
    "end_problem",
    "expectation_problem",
]
