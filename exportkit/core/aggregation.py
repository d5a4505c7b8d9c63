"""Microbatching (M1-M6): streaming exports wait in a buffer and leave as messages by a policy.

`Outbox` is the engine's buffer for every streaming destination. It is fed the exported
`Decision`s on the scenario clock and returns `Message` values when a policy lets them leave:
- best effort (M3/M4): a full message leaves at once; the rest leaves as soon as the clock moves on;
- configurable (M2/M5): a message leaves at `max_events_in_batch` exports or when the oldest one has
  waited `max_batch_age_seconds`, whichever comes first.

With an aggregation key (M6) each destination has one buffer per group (segment, segment and
status, identity namespace); one export can land in several groups, so in several calls (S-I2).
Nothing here reads a clock: every time is an argument.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple

from .decision import Decision
from .model import (
    Aggregation,
    AggregationKey,
    StreamingDestination,
    iso,
)
from .rules import Reason, reason
from .rulesets import RuleSet, settings_of
from .words import listed

SendTrigger = Literal["count", "age", "best_effort", "flush", "end"]
SEND_WORDS: dict[SendTrigger, str] = {  # why a message left, in the glossary's words
    "count": "count reached",
    "age": "window age",
    "best_effort": "best effort",
    "flush": "flush",
    "end": "end of scenario",
}

BEST_EFFORT_USERS = 10  # M3: the HTTP API's maxUsersPerRequest
EVENTS_IN_BATCH = 10_000  # M2/M5: Facebook's record count, the top of the M5 range


@dataclass(frozen=True, slots=True)
class Policy:
    """An aggregation policy made concrete: every limit known, and why it is this one."""

    type: Literal["best_effort", "configurable"]
    max_count: int
    max_age_seconds: int | None
    key: AggregationKey
    reason: Reason
    window: timedelta = field(init=False)  # max_age_seconds as a duration (configurable only)

    def __post_init__(self) -> None:
        object.__setattr__(self, "window", timedelta(seconds=self.max_age_seconds or 0))

    def describe(self) -> str:
        if self.type == "best_effort":
            return f"best effort, at most {self.max_count} per request"
        return f"configurable, {self.max_count} events or {self.max_age_seconds} s, whichever comes first"


def default_profile_policy(rules: RuleSet) -> Policy:
    """M3: without an aggregation, a streaming profile (HTTP API) destination is best effort, 10."""
    return Policy(
        "best_effort",
        BEST_EFFORT_USERS,
        None,
        AggregationKey(),
        reason(
            "M3",
            "no aggregation given: a streaming profile destination sends best effort, at most {} "
            "profiles per request, as the HTTP API does",
            BEST_EFFORT_USERS,
        ),
    )


def default_segment_policy(rules: RuleSet) -> Policy:
    """M2/A14: without an aggregation, a streaming segment destination behaves like Facebook."""
    settings = settings_of(rules)
    age = settings.segment_window_seconds
    note = f"{settings.documentation}'s {settings.segment_window_words}"
    low = settings.batch_age_range[0]
    if age < low:
        note += (
            f"; a scenario could not set {age} itself, since M5's configurable range starts at "
            f"{low} s, but this is Facebook's documented window"
        )
    return Policy(
        "configurable",
        EVENTS_IN_BATCH,
        age,
        AggregationKey(),
        reason(
            "M2",
            "no aggregation given: a streaming segment destination is batched like Facebook, "
            "{} records or {} s, whichever comes first ({}, A14)",
            EVENTS_IN_BATCH,
            age,
            note,
        ),
    )


def given_policy(aggregation: Aggregation, rules: RuleSet) -> Policy:
    """M4/M5: the scenario's own policy; a limit it leaves out takes the documented default."""
    if aggregation.type == "best_effort":
        users = aggregation.max_users_per_request or BEST_EFFORT_USERS
        return Policy(
            "best_effort",
            users,
            None,
            aggregation.key,
            reason("M4", "best effort, as configured: at most {} profiles per request", users),
        )
    count = aggregation.max_events_in_batch or EVENTS_IN_BATCH
    settings = settings_of(rules)
    age = aggregation.max_batch_age_seconds or settings.segment_window_seconds
    low = settings.batch_age_range[0]
    unset = (
        f" ({age} s: no age given, so Facebook's window (A14), which a scenario could not set "
        f"itself: its configurable range starts at {low} s)"
        if aggregation.max_batch_age_seconds is None and age < low
        else ""
    )
    return Policy(
        "configurable",
        count,
        age,
        aggregation.key,
        reason(
            "M5",
            "configurable aggregation, as configured: a call at {} events or after {} s, whichever "
            "comes first{}",
            count,
            age,
            unset,
        ),
    )


def policy_for(dest: StreamingDestination, rules: RuleSet) -> Policy:
    """The policy a destination's exports are batched by (M2-M5)."""
    if dest.aggregation is not None:
        return given_policy(dest.aggregation, rules)
    if dest.type == "streaming-profile":
        return default_profile_policy(rules)
    return default_segment_policy(rules)


def group_export(
    key: AggregationKey, mapped: tuple[str, ...], payload: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """M6: the groups one export belongs to, each with the payload restricted to that group.

    Without a key there is one group, "", with the whole payload. By segment, the groups are the
    mapped segments in the payload (with their status under `segment_status`); by identity, the
    namespaces of its identity map. An export with no segment or no identity to group by keeps
    its whole payload in a group of its own.
    """
    groups: list[tuple[str, dict[str, Any]]] = [("", payload)]
    if key.segment_id:
        ups = payload.get("segmentMembership", {}).get("ups", {})
        segments = [s for s in ups if s in mapped]
        if segments:
            groups = []
            for seg in segments:
                body = copy.deepcopy(payload)
                body["segmentMembership"]["ups"] = {seg: ups[seg]}
                status = f", {ups[seg]['status']}" if key.segment_status else ""
                groups.append((f"segment {seg}{status}", body))
        else:
            groups = [("no mapped segment", payload)]
    if key.identity:
        out = []
        for label, body in groups:
            namespaces = list(body.get("identityMap", {}))
            if not namespaces:
                out.append((_join(label, "no identity"), body))
            for ns in namespaces:
                restricted = copy.deepcopy(body)
                restricted["identityMap"] = {ns: body["identityMap"][ns]}
                out.append((_join(label, f"namespace {ns}"), restricted))
        groups = out
    return groups


def _join(label: str, more: str) -> str:
    return f"{label}, {more}" if label else more


class WaitingExport:
    """One export waiting in a buffer. Its body is the decision's payload, built only when read,
    unless a group restricted it (M6). Without `keep`, for a replay that only counts messages,
    it keeps the profile and not the decision: nothing is held for a body nobody reads."""

    __slots__ = ("_body", "_decision", "at", "profile", "spread")

    def __init__(
        self,
        at: datetime,
        decision: Decision,
        spread: bool = False,
        body: dict[str, Any] | None = None,
        keep: bool = True,
    ):
        self.at = at
        self._decision = decision if keep else None
        self.profile = decision.profile
        self.spread = spread  # the export also waits in another group (S-I2)
        self._body = body

    @property
    def decision(self) -> Decision:
        if self._decision is None:
            raise ValueError("this replay kept no message bodies (record_bodies=False)")
        return self._decision

    @property
    def body(self) -> dict[str, Any]:
        return self._body if self._body is not None else (self.decision.payload or {})


class BufferState(NamedTuple):
    """How full one buffer is at a moment, for the timeline."""

    destination: str
    group: str
    size: int
    oldest: datetime | None
    at: datetime
    policy: Policy

    def as_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "group": self.group,
            "size": self.size,
            "limit": self.policy.max_count,
            "oldest": iso(self.oldest) if self.oldest else None,
            "max_age_seconds": self.policy.max_age_seconds,
        }


class Message(NamedTuple):
    """One HTTPS call to a streaming destination: the profiles it carries, when, and why then.

    The body (one payload per profile) is built when first read, from the entries it carries."""

    destination: str
    sent_at: datetime
    profiles: tuple[str, ...]
    trigger: SendTrigger
    entries: tuple[WaitingExport, ...]
    reasons: tuple[Reason, ...]
    group: str = ""
    left: BufferState | None = None

    @property
    def body(self) -> tuple[dict[str, Any], ...]:
        return tuple(e.body for e in self.entries)

    def as_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "sent_at": iso(self.sent_at),
            "profiles": list(self.profiles),
            "trigger": self.trigger,
            "body": list(self.body),
            "reasons": [r.as_dict() for r in self.reasons],
        }

    @property
    def left_on(self) -> str:
        """Why the message left, in the glossary's words (count reached, window age, ...)."""
        return SEND_WORDS[self.trigger]


@dataclass(slots=True)
class Buffer:
    """The exports of one destination (and one M6 group) waiting to leave."""

    destination: str
    group: str
    policy: Policy
    entries: list[WaitingExport] = field(default_factory=list)

    @property
    def oldest(self) -> datetime | None:
        return self.entries[0].at if self.entries else None

    def state(self, at: datetime) -> BufferState:
        return BufferState(self.destination, self.group, len(self.entries), self.oldest, at, self.policy)


def count_reached(buffer: Buffer) -> Reason | None:
    """M3/M2: a full message leaves at once."""
    p, n = buffer.policy, len(buffer.entries)
    if n < p.max_count:
        return None
    if p.type == "best_effort":
        return Reason(
            "M3",
            "count reached: {} profiles fill a request (max_users_per_request {}); it leaves at once",
            n,
            p.max_count,
        )
    return Reason(
        "M2",
        "count reached: {} exports reach max_events_in_batch; the batch leaves at once, before the "
        "window closes",
        n,
    )


def _best_effort(n: int, oldest: datetime, max_count: int) -> Reason:
    """M3: what waits leaves without filling a request."""
    rest = "without waiting to fill a request of {} (max_users_per_request)"
    if n == 1:
        return Reason(
            "M3", "best effort sends as soon as it can: the export of {} leaves " + rest, oldest, max_count
        )
    return Reason(
        "M3", "best effort sends as soon as it can: the {} exports of {} leave " + rest, n, oldest, max_count
    )


def due_at(buffer: Buffer, now: datetime) -> tuple[datetime, Reason] | None:
    """M3/M2: when a partial message leaves on the clock, if it is due by `now`, and why.

    Best effort sends as soon as it can, so what waits leaves once the clock has moved past the
    instant it was exported. Configurable sends when the oldest export has waited the window.
    """
    entries, p = buffer.entries, buffer.policy
    if not entries:
        return None
    oldest, n = entries[0].at, len(entries)
    if p.type == "best_effort":
        if oldest >= now:
            return None
        return oldest, _best_effort(n, oldest, p.max_count)
    deadline = oldest + p.window
    if deadline > now:
        return None
    return deadline, Reason(
        "M2",
        "window age: the oldest export has waited {} s (max_batch_age_seconds), so the batch of {} "
        "leaves before reaching the count of {}",
        p.max_age_seconds,
        n,
        p.max_count,
    )


class Outbox:
    """The buffers of every streaming destination, on the scenario clock. With `bodies` false
    (a replay that only counts messages) a message carries its profiles, not their payloads."""

    def __init__(self, destinations: Iterable[StreamingDestination], rules: RuleSet, bodies: bool = True):
        self.bodies = bodies
        self.destinations = {d.id: d for d in destinations}
        self.policies = {d.id: policy_for(d, rules) for d in self.destinations.values()}
        # by destination, then group as made: the order messages due at one instant leave in
        self.buffers: dict[str, dict[str, Buffer]] = {d: {} for d in self.destinations}

    def advance(self, now: datetime) -> list[Message]:
        """The messages the clock sends up to `now`, before anything exported at `now` is added."""
        due = []
        for groups in self.buffers.values():
            for buffer in groups.values():
                when = due_at(buffer, now)
                if when is not None:
                    due.append((when[0], buffer, when[1]))
        due.sort(key=lambda d: d[0])
        sent = []
        for at, buffer, why in due:
            trigger: SendTrigger = "age" if buffer.policy.type == "configurable" else "best_effort"
            sent.append(self._send(buffer, at, trigger, why))
        return sent

    def add(self, at: datetime, decisions: Iterable[Decision]) -> list[Message]:
        """Buffer the exports among `decisions`; return the messages that fill up and leave."""
        out = []
        for d in decisions:
            if not d.exported or d.destination not in self.destinations:
                continue
            policy = self.policies[d.destination]
            key = policy.key
            if not (key.segment_id or key.identity):  # one group: the payload can wait to be built
                entries = [("", WaitingExport(at, d, keep=self.bodies))]
            else:
                mapped = self.destinations[d.destination].segments
                groups = group_export(key, mapped, d.payload or {})
                entries = [(label, WaitingExport(at, d, len(groups) > 1, body)) for label, body in groups]
            groups_of = self.buffers[d.destination]
            for label, entry in entries:
                buffer = groups_of.get(label)
                if buffer is None:
                    buffer = groups_of[label] = Buffer(d.destination, label, policy)
                buffer.entries.append(entry)
                why = count_reached(buffer)
                if why is not None:
                    out.append(self._send(buffer, at, "count", why))
        return out

    def flush(self, destination: str, at: datetime, end: bool = False) -> list[Message]:
        """M1: send everything left in `destination`'s buffers now (a flush event, or the end)."""
        why = (
            reason("M1", "end of scenario: what is left in the buffer leaves now, so that nothing is lost")
            if end
            else reason(
                "M1", "flush event: what is left in the buffer leaves now, whatever the policy's limits"
            )
        )
        sent = [
            self._send(buffer, at, "end" if end else "flush", why)
            for buffer in self.buffers[destination].values()
            if buffer.entries
        ]
        return sent

    def close(self, at: datetime) -> list[Message]:
        """The end of the scenario: every buffer is flushed."""
        return [m for dest in self.buffers for m in self.flush(dest, at, end=True)]

    def fill(self, at: datetime, destinations: Iterable[str]) -> list[BufferState]:
        """The non-empty buffers of `destinations` at `at`."""
        out = []
        for dest in destinations:
            for b in self.buffers[dest].values():
                if b.entries:
                    out.append(b.state(at))
        return out

    def waiting(self) -> int:
        return sum(len(b.entries) for groups in self.buffers.values() for b in groups.values())

    def _send(self, buffer: Buffer, at: datetime, trigger: SendTrigger, why: Reason) -> Message:
        take = buffer.entries[: buffer.policy.max_count]
        del buffer.entries[: len(take)]
        reasons: tuple[Reason, ...] = (buffer.policy.reason, why)
        if buffer.group:  # M6 groups, and exports spread over several of them (S-I2)
            reasons += (
                Reason(
                    "M6",
                    "the aggregation key groups this call by {}; each payload is restricted to it",
                    buffer.group,
                ),
            )
            spread = sorted({e.profile for e in take if e.spread})
            if spread:
                reasons += (
                    Reason(
                        "S-I2", "{}: the export is spread over several calls, one per group", listed(spread)
                    ),
                )
        return Message(
            buffer.destination,
            at,
            tuple(e.profile for e in take),
            trigger,
            tuple(take),
            reasons,
            buffer.group,
            buffer.state(at),
        )


__all__ = ["SEND_WORDS", "Buffer", "BufferState", "Message", "Outbox", "Policy", "group_export", "policy_for"]
