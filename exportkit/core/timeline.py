"""The replay as a timeline in time order: the one driver behind `exportkit run`.

A replay's steps list, at each event, the scheduled files and the messages that fell due on the
clock since the previous event (B-T3, M2/M3) before what the event itself made. The timeline puts
them at their own time instead: an `Opening` (the activation backfill), then for each event any
`Meanwhile` block (what the clock made between two events, in time order), the event's `Step`,
and finally the `End` (what was left in the buffers leaves, and what each batch segment waits for).

`timeline(scenario)` yields these entries while the replay runs and keeps none of them, so the
text, the JSON document and the summary are all written as the replay goes, in memory that follows
the profiles, not the events. `entries(result)` yields the same entries from a finished `Replay`.
A `Selection` (`--profile`, `--destination`, `--steps`) narrows what each entry shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from .aggregation import Message
from .decision import Decision
from .engine import End, Replay, Replayer, Step
from .exportfile import ExportFile
from .model import Scenario
from .rules import RuleSet


@dataclass(slots=True)
class Opening:
    """The activation: the streaming destinations backfill (E-T6, S-T6) and send what is full."""

    at: datetime
    decisions: list[Decision]
    messages: list[Message]


@dataclass(slots=True)
class Meanwhile:
    """What the clock made between the previous event and the event of step `before` (0-based):
    scheduled files (B-T3) and messages that left on age (M2, M3), in time order."""

    before: int
    items: list[ExportFile | Message]


Entry = Opening | Meanwhile | Step | End


def item_time(item: ExportFile | Message) -> datetime:
    return item.at if isinstance(item, ExportFile) else item.sent_at


def own_files(step: Step) -> list[ExportFile]:
    """The files the step's event made itself (not those that fell due before it)."""
    return step.files[step.files_due :] if step.files_due else step.files


def own_messages(step: Step) -> list[Message]:
    """The messages the step's event sent itself (not those that fell due before it)."""
    return step.messages[step.messages_due :] if step.messages_due else step.messages


def meanwhile(step: Step) -> Meanwhile | None:
    """The files and messages that fell due before the step's event, in time order."""
    if not (step.files_due or step.messages_due):
        return None
    items: list[ExportFile | Message] = [*step.files[: step.files_due], *step.messages[: step.messages_due]]
    items.sort(key=item_time)  # stable: at one instant, files come before messages, as made
    return Meanwhile(step.index, items)


def _around(step: Step) -> Iterator[Entry]:
    block = meanwhile(step)
    if block is not None:
        yield block
    yield step


def timeline(
    scenario: Scenario,
    rules: RuleSet | None = None,
    *,
    record_states: bool = False,
    record_buffers: bool = True,
) -> Iterator[Entry]:
    """Replay `scenario` and yield its entries in time order, keeping none of them (a reader that
    only counts passes `record_buffers=False`: the steps then leave their `buffers` empty)."""
    stream = Replayer(scenario, rules, record_states, record_buffers)
    opening = Opening(scenario.start, stream.activation, stream.activation_messages)
    # The opening takes the activation away from the replayer, so that once it is written the
    # backfill's decisions (one per profile and destination, with the payloads built to write
    # them) are freed instead of kept until the last event.
    stream.activation, stream.activation_messages = [], []
    yield opening
    del opening
    for step in stream:
        block = meanwhile(step)
        if block is not None:
            yield block
        yield step
    yield stream.finish()


def entries(result: Replay) -> Iterator[Entry]:
    """The entries of a finished replay: the same as `timeline` yields while replaying."""
    yield Opening(result.scenario.start, result.activation, result.activation_messages)
    for step in result.steps:
        yield from _around(step)
    if result.end is not None:
        yield result.end


# --- selection ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    """What `--profile`, `--destination` and `--steps` keep. Steps count from 1; 0 is the
    activation. `last` is None for an open range (`3-`)."""

    profile: str | None = None
    destination: str | None = None
    first: int = 0
    last: int | None = None

    @property
    def everything(self) -> bool:
        return self.profile is None and self.destination is None and self.first == 0 and self.last is None

    def as_dict(self) -> dict[str, object]:
        steps = (
            None
            if (self.first, self.last) == (0, None)
            else f"{self.first}-{'' if self.last is None else self.last}"
        )
        return {"profile": self.profile, "destination": self.destination, "steps": steps}

    def in_range(self, number: int) -> bool:
        return self.first <= number and (self.last is None or number <= self.last)

    def decisions(self, decisions: list[Decision], others: bool = False) -> list[Decision]:
        """The decisions kept; `others` keeps destination events' decisions (no profile) too."""
        p, d = self.profile, self.destination
        return [
            x
            for x in decisions
            if (d is None or x.destination == d)
            and (p is None or x.profile == p or (others and not x.profile))
        ]

    def files(self, files: list[ExportFile]) -> list[ExportFile]:
        p, d = self.profile, self.destination
        return [
            f
            for f in files
            if (d is None or f.destination == d)
            and (p is None or p in f.profiles or any(n.profile == p for n in f.left_out))
        ]

    def messages(self, messages: list[Message]) -> list[Message]:
        p, d = self.profile, self.destination
        return [m for m in messages if (d is None or m.destination == d) and (p is None or p in m.profiles)]

    def items(self, items: list[ExportFile | Message]) -> list[ExportFile | Message]:
        return [i for i in items if (self.files([i]) if isinstance(i, ExportFile) else self.messages([i]))]

    def concerns(self, step: Step) -> bool:
        """The step is shown: in range and, with a profile, the profile's event or a file or
        message of the event that holds the profile."""
        if not self.in_range(step.index + 1):
            return False
        if self.profile is None or step.event.profile == self.profile:
            return True
        if step.event.profile is not None:
            return False
        return bool(self.files(own_files(step)) or self.messages(own_messages(step)))


def parse_steps(text: str) -> tuple[int, int | None]:
    """`3-8`, `5`, `3-` or `-8` as (first, last); ValueError with a sentence otherwise."""
    low, sep, high = text.strip().partition("-")
    try:
        first = int(low) if low.strip() else 0
        last = (int(high) if high.strip() else None) if sep else first
    except ValueError:
        raise ValueError(
            f"--steps takes N, N-M, N- or -M (steps count from 1; 0 is the activation), not {text!r}"
        ) from None
    if first < 0 or (last is not None and last < first):
        raise ValueError(f"--steps {text}: the range is empty or negative")
    return first, last


__all__ = [
    "Entry",
    "Meanwhile",
    "Opening",
    "Selection",
    "entries",
    "item_time",
    "meanwhile",
    "own_files",
    "own_messages",
    "parse_steps",
    "timeline",
]
