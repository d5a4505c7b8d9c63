"""The replay as one timeline, in time order: the activation, what the clock makes between events,
each event's step, and the end.

The engine yields `Entry` values: an `Opening` (the activation backfill, E-T6/S-T6), a `Due` for
each instant at which the clock made something between two events (scheduled files, B-T3; messages
that left on age, M2/M3), a `Step` per event holding only what that event caused, and the `End`
(what was left in the buffers leaves, M1, and what each batch segment waits for). Every entry has
its `at`, `files` and `messages`, so a reader that only collects files or messages needs no case
per entry. `Replayer` yields them one at a time and keeps none (the CLI writes as the replay goes);
`replay` keeps the whole list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .aggregation import BufferState, Message, Outbox
from .batch import with_mapping_defaults
from .batchrun import BatchLedger
from .dataflows import Dataflows, refused_elsewhere
from .decision import Catalog, Decision
from .events import ACTIVATE_NOW, DELETE, DISABLE, ENABLE, EVALUATE, EXPORT_NOW, FLUSH, QUALIFY, RUN
from .exportfile import ExportFile
from .model import (
    BatchDestination,
    Event,
    Scenario,
    StreamingProfileDestination,
    StreamingSegmentDestination,
)
from .rules import reason
from .rulesets import RuleSet, settings_of
from .state import Change, ProfileState, apply_event, evaluate
from .streaming import activate, decide
from .waiting import NextFile, next_files
from .words import count

DATAFLOW_EVENTS = frozenset({ACTIVATE_NOW, DISABLE, ENABLE, DELETE})
"""The events that act on a destination's dataflow rather than on a profile or a file (S-T7, L1)."""


@dataclass(slots=True)
class Opening:
    """The activation: the streaming destinations backfill (E-T6, S-T6) and send what is full.
    A batch destination makes no file at activation (B-I3): `files` stays empty."""

    at: datetime
    decisions: list[Decision]
    messages: list[Message]
    files: list[ExportFile] = field(default_factory=list)


@dataclass(slots=True)
class Due:
    """What the clock made at `at`, between two events: scheduled files (B-T3), then messages that
    left on age (M2, M3). `after` is the number of the step before it (0: the activation)."""

    at: datetime
    after: int
    files: list[ExportFile]
    messages: list[Message]


@dataclass(slots=True)
class Step:
    """What one event caused: the changes, each destination's decision, and the files and
    messages the event itself made (what fell due on the clock before it is a `Due`)."""

    index: int
    event: Event
    what: list[str] | Change  # what changed: lines, or the profile's Change to describe
    decisions: list[Decision]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    files: list[ExportFile] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    buffers: list[BufferState] = field(default_factory=list)

    @property
    def at(self) -> datetime:
        return self.event.at

    @property
    def changes(self) -> list[str]:
        """What changed, one line each (described when first read)."""
        if isinstance(self.what, Change):
            self.what = self.what.describe()
        return self.what

    @property
    def exports(self) -> list[Decision]:
        return [d for d in self.decisions if d.exported]

    @property
    def skipped(self) -> list[Decision]:
        return [d for d in self.decisions if not d.exported]


@dataclass(slots=True)
class End:
    """The end of the scenario: what was left in the streaming buffers leaves (M1). A batch
    segment's next file is not made (`next_files` says what each waits for): `files` stays empty.
    `decisions` holds the runs a disabled dataflow skipped after the last event, when the replay
    runs on past it (`end`: a scenario restricted to some destinations, `Scenario.only`)."""

    at: datetime
    messages: list[Message]
    next_files: list[NextFile] = field(default_factory=list)
    files: list[ExportFile] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


Entry = Opening | Due | Step | End
"""One entry of the timeline; entries come in time order."""


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step as every view reads it (the text, the HTML views, the quiz, the comparison, the
    checks): step `number` (0: the activation, 1..N the events) with what its event caused, then
    what the clock made after it and before the next event, each `Due` at its own time (`later`).
    The last step also holds the scenario's `end` (what was left in the buffers leaves, M1)."""

    number: int
    at: datetime
    event: Event | None  # None: the activation
    decisions: list[Decision]
    changes: list[str]
    files: list[ExportFile]  # made by the event (the activation makes none)
    messages: list[Message]  # sent because of the event (a flush, a count reached, a backfill)
    buffers: list[BufferState]  # what waits after the event
    before: dict[str, Any] | None  # the profile before and after a profile event
    after: dict[str, Any] | None
    later: list[Due]
    end: End | None = None

    @classmethod
    def of(cls, number: int, entry: Opening | Step, later: list[Due], end: End | None) -> StepRecord:
        if isinstance(entry, Opening):
            return cls(
                number,
                entry.at,
                None,
                entry.decisions,
                [],
                entry.files,
                entry.messages,
                [],
                None,
                None,
                later,
                end,
            )
        return cls(
            number,
            entry.at,
            entry.event,
            entry.decisions,
            entry.changes,
            entry.files,
            entry.messages,
            entry.buffers,
            entry.before,
            entry.after,
            later,
            end,
        )

    @property
    def later_files(self) -> list[ExportFile]:
        return [f for d in self.later for f in d.files]

    @property
    def later_messages(self) -> list[Message]:
        return [m for d in self.later for m in d.messages]

    @property
    def all_files(self) -> list[ExportFile]:
        """The files from this step to the next event: the event's, then the clock's, in time order."""
        return [*self.files, *self.later_files]

    @property
    def all_messages(self) -> list[Message]:
        """The messages from this step to the next event, in time order."""
        return [*self.messages, *self.later_messages]


@dataclass(slots=True)
class Replay:
    """A whole replay: its timeline, in time order, from the `Opening` to the `End`."""

    scenario: Scenario
    rules: RuleSet
    timeline: list[Entry]
    steps: list[Step] = field(init=False)  # the events' steps: `steps[0]` is step 1
    # the clock's entries after each step and before the next: `clock[0]` after the activation
    clock: list[list[Due]] = field(init=False)
    _records: list[StepRecord] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.steps = [e for e in self.timeline if isinstance(e, Step)]
        self.clock = [[] for _ in range(len(self.steps) + 1)]
        for e in self.timeline:
            if isinstance(e, Due):
                self.clock[e.after].append(e)

    @property
    def opening(self) -> Opening:
        first = self.timeline[0]
        assert isinstance(first, Opening)  # the engine's first entry, always
        return first

    def record(self, number: int) -> StepRecord:
        """Step `number` as one plain record (0: the activation, 1..N the events)."""
        if not 0 <= number <= len(self.steps):
            raise ValueError(f"step {number}: the replay has steps 0 (the activation) to {len(self.steps)}")
        return self.records[number]

    @property
    def records(self) -> list[StepRecord]:
        """Every step as a `StepRecord`, from the activation (0) to the last event's step."""
        if not self._records:
            entries: list[Opening | Step] = [self.opening, *self.steps]
            last = len(entries) - 1
            self._records = [
                StepRecord.of(n, e, self.clock[n], self.end if n == last else None)
                for n, e in enumerate(entries)
            ]
        return self._records

    @property
    def activation(self) -> list[Decision]:
        return self.opening.decisions

    @property
    def activation_messages(self) -> list[Message]:
        return self.opening.messages

    @property
    def end(self) -> End:
        last = self.timeline[-1]
        assert isinstance(last, End)  # the engine's last entry, always
        return last

    def messages(self) -> list[Message]:
        """Every streaming message, in the order they leave (M1)."""
        return [m for e in self.timeline for m in e.messages]

    def files(self) -> list[ExportFile]:
        """Every batch file, in the order they are made."""
        return [f for e in self.timeline for f in e.files]


def replay(scenario: Scenario, rules: RuleSet | None = None, record_states: bool = True) -> Replay:
    """Replay `scenario` under `rules` (default: the scenario's own rule set)."""
    stream = Replayer(scenario, rules, record_states)
    return Replay(scenario, stream.rules, list(stream))


def timeline(
    scenario: Scenario,
    rules: RuleSet | None = None,
    *,
    record_states: bool = False,
    record_buffers: bool = True,
    end: datetime | None = None,
    record_bodies: bool = True,
) -> Iterator[Entry]:
    """Replay `scenario` and yield its entries in time order, keeping none of them, so the text,
    the JSON document and the summary are written as the replay goes, in memory that follows the
    profiles, not the events (a reader that only counts passes `record_buffers=False`: the steps
    then leave their `buffers` empty; and `record_bodies=False`: a message then carries its
    profiles but no body, and an export waiting in a buffer keeps no decision). `end` is when the
    replay ends, if after the last event: a scenario restricted to some destinations
    (`Scenario.only`) ends when the whole one does."""
    yield from Replayer(scenario, rules, record_states, record_buffers, end, record_bodies)


class Replayer:
    """The timeline of a scenario, one entry at a time (the engine's state machine). Iterate
    it once: it yields the `Opening`, then for each event any `Due` entries and its `Step`, then
    the `End`, and keeps none of them."""

    def __init__(
        self,
        scenario: Scenario,
        rules: RuleSet | None = None,
        record_states: bool = True,
        record_buffers: bool = True,
        end: datetime | None = None,
        record_bodies: bool = True,
    ):
        self.scenario = scenario
        self.end = max(end, scenario.end) if end is not None else scenario.end
        self.rules: RuleSet = rules or scenario.rules
        self.settings = settings_of(self.rules)  # an unknown rule set fails here, not in a rule
        # What only a reader of each step needs: the profile before and after the event, and how
        # full the buffers are after it (counting readers, such as a summary, need neither).
        self.record_states = record_states
        self.record_buffers = record_buffers
        self.catalog = Catalog(
            {s.id: s for s in scenario.segments}, scenario.start, self.rules, scenario.merge_policies
        )
        keep_realized = self.settings.keep_realized  # A7
        self.states = {
            p.id: ProfileState.from_profile(p, scenario.start, keep_realized) for p in scenario.profiles
        }
        streaming = (StreamingProfileDestination, StreamingSegmentDestination)
        self.streaming = [d for d in scenario.destinations if isinstance(d, streaming)]
        self.batch = [  # B-I4b: the columns a mapping starts with are the rule set's to say
            with_mapping_defaults(d, self.rules)
            for d in scenario.destinations
            if isinstance(d, BatchDestination)
        ]
        self.activation = [
            activate(d, state, self.catalog) for d in self.streaming for state in self.states.values()
        ]
        self.ledger = BatchLedger(self.batch, self.states, self.catalog)
        self.dataflows = Dataflows(self.catalog)  # S-T7, L1: Activate now, disabled dataflows
        self.ledger.disabled = self.dataflows.disabled
        self.ledger.deleted = self.dataflows.deleted
        # Profiles that may hold a realized membership: the only ones an evaluation changes.
        self.realized = {pid for pid, st in self.states.items() if "realized" in st.segments.values()}
        # M1-M6: exports wait to leave as messages (a counting reader keeps no bodies for them)
        self.outbox = Outbox(self.streaming, self.rules, record_bodies)
        self.clock = scenario.start  # the time of the previous event: schedules fire after it
        self.activation_messages = self.outbox.add(self.clock, self.activation)

    def __iter__(self) -> Iterator[Entry]:
        opening = Opening(self.scenario.start, self.activation, self.activation_messages)
        # Handed over, not kept: once the opening is read, the backfill's decisions (one per
        # profile and streaming destination, with their payloads) are freed, not kept to the end.
        self.activation, self.activation_messages = [], []
        yield opening
        del opening
        for index, event in enumerate(self.scenario.events):
            yield from self.due(index, event.at)
            yield self.step(index, event)
        if self.end > self.clock:  # the clock runs on to the end (`end`): what falls due meanwhile
            yield from self.due(len(self.scenario.events), self.end)
        yield self.finish()

    def due(self, after: int, until: datetime) -> list[Due]:
        """What the clock makes after the previous event and up to `until`, one `Due` per instant
        in time order: scheduled files (B-T3), then the messages that leave on age (M2, M3)."""
        files = self.ledger.due(self.clock, until)
        messages = self.outbox.advance(until)
        self.clock = until
        if not (files or messages):
            return []
        out: dict[datetime, Due] = {}
        for f in files:
            out.setdefault(f.at, Due(f.at, after, [], [])).files.append(f)
        for m in messages:
            out.setdefault(m.sent_at, Due(m.sent_at, after, [], [])).messages.append(m)
        return sorted(out.values(), key=lambda d: d.at)

    def step(self, index: int, event: Event) -> Step:
        """What `event` causes, after what fell due before it (`due`, called first)."""
        if event.profile is not None:
            made = self._profile_step(index, event)
        elif event.kind in DATAFLOW_EVENTS:
            made = self._dataflow_step(index, event)
        else:
            made = self._destination_step(index, event)
        if self.ledger.skipped:  # L1, A20: the batch runs a disabled dataflow skipped
            made.decisions += self.ledger.skipped
            self.ledger.skipped = []
        return made

    def finish(self) -> End:
        """The end of the scenario: everything left in the buffers leaves now (M1)."""
        skipped, self.ledger.skipped = self.ledger.skipped, []
        return End(
            self.clock, self.outbox.close(self.clock), next_files(self.ledger, self.clock), decisions=skipped
        )

    def _profile_step(self, index: int, event: Event) -> Step:
        if event.profile is None:  # the loader gives every profile event its profile
            raise ValueError(f"a {event.kind} event without a profile")
        states = self.states
        previous = states[event.profile]
        state, change = apply_event(previous, event)
        states[state.id] = state
        if event.kind == QUALIFY and change.segments:
            self.realized.add(state.id)
        catalog = self.catalog
        decisions: list[Decision] = []
        sent: list[Decision] = []  # the exports: they wait in the buffers (M1-M6)
        held = self.dataflows.held  # L1: a disabled dataflow exports nothing
        for d in self.streaming:
            decision = held(d.id, state.id) or decide(d, change, state, catalog)
            decisions.append(decision)
            if decision.exported:
                sent.append(decision)
        gone = self.dataflows.gone  # L2: a deleted dataflow notes nothing
        for b in self.batch:
            decisions.append(gone(b.id, state.id) or self.ledger.note(b, change, state, previous))
        messages: list[Message] = []
        buffers: list[BufferState] = []
        if sent:
            at = event.at
            messages = self.outbox.add(at, sent)
            if self.record_buffers:
                buffers = self.outbox.fill(at, [d.destination for d in sent])
        before, after = (previous.as_dict(), state.as_dict()) if self.record_states else (None, None)
        return Step(index, event, change, decisions, before, after, [], messages, buffers)

    def _destination_step(self, index: int, event: Event) -> Step:
        changes: list[str] = []
        files: list[ExportFile] = []
        messages: list[Message] = []
        if event.kind == EVALUATE:
            order = self.ledger.order
            moved = evaluate(
                self.states,
                keep_realized=self.settings.keep_realized,
                candidates=sorted(self.realized, key=order.__getitem__),
            )
            self.realized.clear()
            changes = [
                f"segment {seg}: {count(n, 'membership')} realized -> existing"
                for seg, n in sorted(moved.items())
            ]
            if self.settings.keep_realized:
                changes.append(
                    f"segment evaluation ran; {self.settings.documentation} keeps 'realized' for a "
                    "continuing member (A7)"
                )
            elif not moved:
                changes.append("segment evaluation ran; no membership was realized")
            text = (
                "segment evaluation moves no profile into or out of a segment; realized -> "
                "existing is not a membership change that triggers"
            )
            decisions = [
                Decision(
                    d.id, "", False, (reason("E-T1" if d.type == "streaming-profile" else "S-T1", text),)
                )
                for d in self.streaming
            ]
            self.ledger.take_snapshot(event.at)
            files = self.ledger.after_evaluation(event.at)
        else:
            target = event.value
            changes = [f"{event.kind} {target}"]
            if event.kind == FLUSH:
                messages = self.outbox.flush(target, event.at)
                if not messages:
                    changes.append(f"{target} buffer is empty: nothing to send")
            decisions = [
                self._flushed(d.id, messages)
                if d.id == target
                else Decision(
                    d.id,
                    "",
                    False,
                    (
                        reason(
                            "E-T5" if d.type == "streaming-profile" else "S-T5",
                            "{} concerns {} only and updates no profile: nothing to export here",
                            event.kind,
                            target,
                        ),
                    ),
                )
                for d in self.streaming
            ]
            if event.kind == RUN:
                files = self.ledger.run(target, event.at)
            elif event.kind == EXPORT_NOW:
                files = self.ledger.export_now(target, event.at)
        target = None if event.kind == EVALUATE else event.value
        decisions += self.ledger.event_decisions(event.kind, target, files)
        # A destination event exports no profile to a streaming destination: nothing joins a buffer.
        return Step(index, event, changes, decisions, files=files, messages=messages)

    def _dataflow_step(self, index: int, event: Event) -> Step:
        """S-T7, L1: Activate now, disable or enable: the target destination's decisions (and the
        exports Activate now sends), and for every other destination a line saying it is not
        concerned."""
        target, at = event.value, event.at
        messages: list[Message] = []
        if event.kind == ACTIVATE_NOW:
            dest = self.scenario.destination(target)
            if isinstance(dest, StreamingSegmentDestination):
                segments = (event.options or {}).get("segments")
                made = self.dataflows.activate_now(dest, segments, at, self.states)
            else:  # the loader refuses it; a remapped destination (the explorer) can be another type
                made = [refused_elsewhere(dest)]
            sent = [d for d in made if d.exported]
            if sent:
                messages = self.outbox.add(at, sent)
        elif event.kind == DISABLE:
            made = [self.dataflows.disable(target, at)]
        elif event.kind == ENABLE:
            made = [self.dataflows.enable(target, at)]
        else:
            made = [self.dataflows.delete(self.scenario.destination(target), at)]
            if made[0].verdict == "deleted":
                self.ledger.drop(target)
        decisions: list[Decision] = []
        for d in (*self.streaming, *self.batch):
            if d.id == target:
                decisions += made
                continue
            rule = {"streaming-profile": "E-T5", "streaming-segment": "S-T5"}.get(d.type, "B-T2")
            text = "{} concerns {} only and updates no profile: nothing to export here"
            decisions.append(Decision(d.id, "", False, (reason(rule, text, event.kind, target),)))
        return Step(index, event, [], decisions, messages=messages)

    @staticmethod
    def _flushed(destination: str, messages: list[Message]) -> Decision:
        """M1: the decision of the destination a flush event empties."""
        if messages:
            sent = count(sum(len(m.profiles) for m in messages), "export")
            calls = count(len(messages), "message")
            leave = "leaves" if len(messages) == 1 else "leave"
            text = (
                "flush: {} carrying {} " + leave + " the buffer now, listed below; a flush sends "
                "what waits and exports no profile by itself"
            )
            why = reason("M1", text, calls, sent)
            verdict = f"sent {calls} of {sent}"
        else:
            why = reason(
                "M1", "flush: the buffer is empty, so nothing is sent; a flush exports no profile by itself"
            )
            verdict = "nothing to send"
        return Decision(destination, "", False, (why,), verdict=verdict)


__all__ = [
    "Due",
    "End",
    "Entry",
    "Opening",
    "Replay",
    "Replayer",
    "Step",
    "StepRecord",
    "replay",
    "timeline",
]
