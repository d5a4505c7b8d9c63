"""Microbatching for notebooks: the buffer of one streaming destination over the scenario clock,
the messages as they leave, and a plot of both (matplotlib). A thin client of the core."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.aggregation import SEND_WORDS, Message, Outbox, policy_for
from ..core.engine import Replay
from ..core.events import FLUSH
from ..core.model import iso
from ..core.rulesets import DEFAULT_RULE_SET, RuleSet
from ..core.words import count
from ..io.delivery import TIMEOUT, deliver, render_deliveries
from ..io.receiver import FailMode, Receiver
from ..io.retries import AggregationType, retry_policy

PATIENT = 60.0  # seconds: the lesson's time limit when the lesson is not about time limits


@dataclass(frozen=True, slots=True)
class Point:
    """The buffer at one moment: how many exports wait, and how long the oldest has waited."""

    at: datetime
    size: int
    oldest_seconds: float


def _streaming(result: Replay, destination: str) -> Any:
    for d in result.scenario.destinations:
        if d.id == destination and d.type != "batch":
            return d
    raise ValueError(f"{destination!r} is not a streaming destination of {result.scenario.name}")


def buffer_series(result: Replay, destination: str) -> list[Point]:
    """The buffer of `destination` after every change: each export in, each message out.

    It replays the replay's exports through a fresh `Outbox`, on the same clock as the engine,
    so the series shows the moments between events that the steps do not (a message leaving
    at its age threshold). Around each departure there are two points: just before and after.
    """
    dest = _streaming(result, destination)
    outbox = Outbox([dest], result.rules)
    points: list[Point] = []

    def sample(at: datetime) -> None:  # per group, not per entry: buffers hold thousands
        groups = [b.entries for b in outbox.buffers[destination].values() if b.entries]
        oldest = min((entries[0].at for entries in groups), default=at)
        points.append(Point(at, sum(map(len, groups)), (at - oldest).total_seconds()))

    def departed(messages: list[Message]) -> None:
        # The outbox has already let them go: rebuild the moment just before each left.
        size = sum(len(b.entries) for b in outbox.buffers[destination].values())
        size += sum(len(m.profiles) for m in messages)
        for m in messages:
            last = points[-1]
            points.append(Point(m.sent_at, size, last.oldest_seconds + (m.sent_at - last.at).total_seconds()))
            size -= len(m.profiles)
            sample(m.sent_at)

    def add(at: datetime, decisions: list[Any]) -> None:
        for d in decisions:
            if d.destination == destination and d.exported:
                departed(outbox.add(at, [d]))
                sample(at)

    start = result.scenario.start
    sample(start)
    add(start, result.activation)
    for step in result.steps:
        departed(outbox.advance(step.event.at))
        if step.event.kind == FLUSH and step.event.value == destination:
            departed(outbox.flush(destination, step.event.at))
        add(step.event.at, step.decisions)
    end = result.end.at if result.end else start
    departed(outbox.close(end))
    sample(end)
    return points


def messages_of(result: Replay, destination: str) -> list[Message]:
    return [m for m in result.messages() if m.destination == destination]


def describe_messages(result: Replay, destination: str) -> list[str]:
    """A deterministic summary of the messages of `destination`: one line each, then totals."""
    policy = policy_for(_streaming(result, destination), result.rules)
    messages = messages_of(result, destination)
    start = result.scenario.start
    lines = [f"{destination}: {policy.describe()} [{policy.reason.rule}]"]
    for i, m in enumerate(messages, 1):
        minutes = (m.sent_at - start).total_seconds() / 60
        lines.append(
            f"  #{i:<3} {iso(m.sent_at)} (+{minutes:6.1f} min) {len(m.profiles):>6} "
            f"profiles, left on {m.left_on}"
        )
    triggers = {w: sum(m.trigger == t for m in messages) for t, w in SEND_WORDS.items()}
    total = sum(len(m.profiles) for m in messages)
    lines.append(
        f"  {len(messages)} messages, {total} profiles; "
        + ", ".join(f"{n} by {t}" for t, n in triggers.items() if n)
    )
    return lines


def live_delivery(
    messages: list[Message],
    fail_first: int = 2,
    fail_mode: FailMode = "status",
    *,
    status: int = 500,
    rules: RuleSet = DEFAULT_RULE_SET,
    aggregation: AggregationType = "best_effort",
) -> list[str]:
    """Deliver `messages` to a real receiver on a free loopback port that fails its first calls
    (answering `status`), and report it: each attempt, without timings, then how many calls
    arrived. The retries are those of `rules` for that `aggregation` (M7, or M9 under the 2026
    documentation), with no wait between attempts; the dead-letter file is a temporary one, named
    by its file name only.

    Only the `delay` mode is about the client's time limit; otherwise the limit is generous, so that
    a busy machine answering late never turns the lesson's acknowledged call into a timeout."""
    timeout = TIMEOUT if fail_mode == "delay" else PATIENT
    policy = retry_policy(aggregation, rules, backoff=0)
    with tempfile.TemporaryDirectory() as folder:
        dead = Path(folder) / "dead-letter.jsonl"
        with Receiver(
            Path(folder) / "received.jsonl", fail_first=fail_first, fail_mode=fail_mode, status=status
        ) as receiver:
            deliveries = deliver(
                messages, receiver.url, dead_letter=dead, backoff=0, timeout=timeout, policy=policy
            )
        lines = render_deliveries(deliveries, durations=False)
    shown = [line.replace(receiver.url, "a local receiver").replace(str(dead), dead.name) for line in lines]
    return [*shown, f"{count(len(receiver.requests), 'call')} received"]


def plot_buffers(results: dict[str, Replay], destination: str) -> Any:
    """One column per replay: the buffer size against the count threshold (top) and the age of
    the oldest export against the age threshold (bottom), with each message as it leaves."""
    import matplotlib.pyplot as plt  # only the plot needs matplotlib

    fig, axes = plt.subplots(
        2, len(results), figsize=(6 * len(results), 6), squeeze=False, sharex="col", constrained_layout=True
    )
    for col, (label, result) in enumerate(results.items()):
        policy = policy_for(_streaming(result, destination), result.rules)
        start = result.scenario.start
        series = buffer_series(result, destination)
        minutes = [(p.at - start).total_seconds() / 60 for p in series]
        top, bottom = axes[0][col], axes[1][col]
        top.plot(minutes, [p.size for p in series], drawstyle="steps-post", label="buffer")
        top.axhline(policy.max_count, color="tab:red", linestyle="--", label="count threshold")
        sent = messages_of(result, destination)
        top.scatter(
            [(m.sent_at - start).total_seconds() / 60 for m in sent],
            [len(m.profiles) for m in sent],
            color="tab:green",
            marker="v",
            zorder=3,
            label="message leaves (size)",
        )
        top.set_title(f"{label}\n{policy.describe()}", fontsize=9)
        top.set_ylabel("exports waiting")
        # Headroom above the data: the legend sits there and covers nothing.
        highest = max([policy.max_count, *(p.size for p in series), *(len(m.profiles) for m in sent)])
        top.set_ylim(0, highest * 1.45)
        top.legend(fontsize=7, loc="upper left", ncols=3)
        bottom.plot(
            minutes, [p.oldest_seconds for p in series], color="tab:orange", label="age of the oldest export"
        )
        if policy.max_age_seconds is not None:
            bottom.axhline(policy.max_age_seconds, color="tab:red", linestyle="--", label="age threshold")
        bottom.set_xlabel("minutes on the scenario clock")
        bottom.set_ylabel("seconds")
        oldest = max([policy.max_age_seconds or 0, *(p.oldest_seconds for p in series)])
        bottom.set_ylim(0, max(oldest, 1) * 1.45)
        bottom.legend(fontsize=7, loc="upper left", ncols=2)
    return fig


__all__ = ["Point", "buffer_series", "describe_messages", "live_delivery", "messages_of", "plot_buffers"]
