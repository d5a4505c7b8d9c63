"""The replay: activation, then every event in order, each decided for every destination."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .aggregation import BufferState, Message, Outbox
from .batchrun import BatchLedger
from .dataflows import Dataflows, refused_elsewhere
from .decision import Catalog, Decision
from .exportfile import ExportFile
from .model import (
    BatchDestination,
    Event,
    Scenario,
    StreamingProfileDestination,
    StreamingSegmentDestination,
)
from .rules import RuleSet, reason
from .rulesets import settings_of
from .state import Change, ProfileState, apply_event, evaluate
from .streaming import activate, decide
from .waiting import NextFile, next_files
from .words import count

DATAFLOW_EVENTS = frozenset({"activate_now", "disable", "enable"})
"""The events that act on a destination's dataflow rather than on a profile or a file (S-T7, L1)."""


@dataclass(slots=True)
class Step:
    """What happened at one event: the changes and each destination's decision."""

    index: int
    event: Event
    what: list[str] | Change  # what changed: lines, or the profile's Change to describe
    decisions: list[Decision]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    files: list[ExportFile] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    buffers: list[BufferState] = field(default_factory=list)
    # how many of `files` and `messages`, at the front, fell due on the clock before the event
    # (B-T3, M2/M3): the timeline shows them at their own time, before the event
    files_due: int = 0
    messages_due: int = 0

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
class Replay:
    """A whole replay: the activation backfill and one step per event."""

    scenario: Scenario
    rules: RuleSet
    activation: list[Decision]
    steps: list[Step]
    activation_messages: list[Message] = field(default_factory=list)
    end: End | None = None

    def messages(self) -> list[Message]:
        """Every streaming message, in the order they leave: activation, steps, end (M1)."""
        steps = [m for s in self.steps for m in s.messages]
        return self.activation_messages + steps + (self.end.messages if self.end else [])


@dataclass(slots=True)
class End:
    """The end of the scenario: what was left in the streaming buffers leaves (M1)."""

    at: datetime
    messages: list[Message]
    next_files: list[NextFile] = field(default_factory=list)  # what each batch segment waits for


def replay(scenario: Scenario, rules: RuleSet | None = None, record_states: bool = True) -> Replay:
    """Replay `scenario` under `rules` (default: the scenario's own rule set)."""
    stream = Replayer(scenario, rules, record_states)
    steps = list(stream)
    return Replay(
        scenario, stream.rules, stream.activation, steps, stream.activation_messages, stream.finish()
    )


class Replayer:
    """Iterate over the steps of a scenario, one event at a time (the engine's state machine)."""

    def __init__(
        self,
        scenario: Scenario,
        rules: RuleSet | None = None,
        record_states: bool = True,
        record_buffers: bool = True,
    ):
        self.scenario = scenario
        self.rules: RuleSet = rules or scenario.rules
        self.settings = settings_of(self.rules)  # an unknown rule set fails here, not in a rule
        # What only a reader of each step needs: the profile before and after the event, and how
        # full the buffers are after it (counting readers, such as a summary, need neither).
        self.record_states = record_states
        self.record_buffers = record_buffers
        self.catalog = Catalog({s.id: s for s in scenario.segments}, scenario.start, self.rules)
        keep_realized = self.settings.keep_realized  # A7
        self.states = {
            p.id: ProfileState.from_profile(p, scenario.start, keep_realized) for p in scenario.profiles
        }
        streaming = (StreamingProfileDestination, StreamingSegmentDestination)
        self.streaming = [d for d in scenario.destinations if isinstance(d, streaming)]
        self.batch = [d for d in scenario.destinations if isinstance(d, BatchDestination)]
        self.activation = [
            activate(d, state, self.catalog) for d in self.streaming for state in self.states.values()
        ]
        self.ledger = BatchLedger(self.batch, self.states, self.catalog)
        self.dataflows = Dataflows(self.catalog)  # S-T7, L1: Activate now, disabled dataflows
        self.ledger.disabled = self.dataflows.disabled
        # Profiles that may hold a realized membership: the only ones an evaluation changes.
        self.realized = {
            pid
            for pid, st in self.states.items()
            if any(m.status == "realized" for m in st.segments.values())
        }
        self.outbox = Outbox(self.streaming, self.rules)  # M1-M6: exports wait to leave as messages
        self.clock = scenario.start  # the time of the previous event: schedules fire after it
        self.activation_messages = self.outbox.add(self.clock, self.activation)

    def __iter__(self) -> Iterator[Step]:
        for index, event in enumerate(self.scenario.events):
            yield self.step(index, event)

    def step(self, index: int, event: Event) -> Step:
        # B-T3: scheduled files due since the previous event come first, made before the event;
        # so do the messages the clock sends before this event (M2, M3).
        at = event.at
        due_files = self.ledger.due(self.clock, at)
        due = self.outbox.advance(at)
        self.clock = at
        if event.profile is not None:
            made = self._profile_step(index, event, due_files, due)
        elif event.kind in DATAFLOW_EVENTS:
            made = self._dataflow_step(index, event, due_files, due)
        else:
            made = self._destination_step(index, event, due_files, due)
        if self.ledger.skipped:  # L1, A20: the batch runs a disabled dataflow skipped
            made.decisions += self.ledger.skipped
            self.ledger.skipped = []
        return made

    def finish(self) -> End:
        """The end of the scenario: everything left in the buffers leaves now (M1)."""
        return End(self.clock, self.outbox.close(self.clock), next_files(self.ledger, self.clock))

    def _profile_step(
        self, index: int, event: Event, due_files: list[ExportFile], due: list[Message]
    ) -> Step:
        if event.profile is None:  # the loader gives every profile event its profile
            raise ValueError(f"a {event.kind} event without a profile")
        states = self.states
        previous = states[event.profile]
        state, change = apply_event(previous, event)
        states[state.id] = state
        if event.kind == "qualify" and change.segments:
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
        for b in self.batch:
            decisions.append(self.ledger.note(b, change, state, previous))
        messages, buffers = due, []
        if sent:
            at = event.at
            messages = due + self.outbox.add(at, sent)
            if self.record_buffers:
                buffers = self.outbox.fill(at, [d.destination for d in sent])
        before, after = (previous.as_dict(), state.as_dict()) if self.record_states else (None, None)
        return Step(
            index,
            event,
            change,
            decisions,
            before,
            after,
            due_files,
            messages,
            buffers,
            len(due_files),
            len(due),
        )

    def _destination_step(
        self, index: int, event: Event, due_files: list[ExportFile], due: list[Message]
    ) -> Step:
        changes: list[str] = []
        files: list[ExportFile] = []
        messages: list[Message] = []
        if event.kind == "evaluate":
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
            if event.kind == "flush":
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
                            f"{event.kind} concerns {target} only and updates no profile: nothing to "
                            "export here",
                        ),
                    ),
                )
                for d in self.streaming
            ]
            if event.kind == "run":
                files = self.ledger.run(target, event.at)
            elif event.kind == "export_now":
                files = self.ledger.export_now(target, event.at)
        target = None if event.kind == "evaluate" else event.value
        decisions += self.ledger.event_decisions(event.kind, target, files)
        # A destination event exports no profile to a streaming destination: nothing joins a buffer.
        return Step(
            index,
            event,
            changes,
            decisions,
            files=due_files + files,
            messages=due + messages,
            files_due=len(due_files),
            messages_due=len(due),
        )

    def _dataflow_step(
        self, index: int, event: Event, due_files: list[ExportFile], due: list[Message]
    ) -> Step:
        """S-T7, L1: Activate now, disable or enable: the target destination's decisions (and the
        exports Activate now sends), and for every other destination a line saying it is not
        concerned."""
        target, at = event.value, event.at
        messages: list[Message] = []
        if event.kind == "activate_now":
            dest = self.scenario.destination(target)
            if isinstance(dest, StreamingSegmentDestination):
                segments = (event.options or {}).get("segments")
                made = self.dataflows.activate_now(dest, segments, at, self.states)
            else:  # the loader refuses it; a remapped destination (the explorer) can be another type
                made = [refused_elsewhere(dest)]
            sent = [d for d in made if d.exported]
            if sent:
                messages = self.outbox.add(at, sent)
        elif event.kind == "disable":
            made = [self.dataflows.disable(target, at)]
        else:
            made = [self.dataflows.enable(target, at)]
        decisions: list[Decision] = []
        for d in (*self.streaming, *self.batch):
            if d.id == target:
                decisions += made
                continue
            rule = {"streaming-profile": "E-T5", "streaming-segment": "S-T5"}.get(d.type, "B-T2")
            text = f"{event.kind} concerns {target} only and updates no profile: nothing to export here"
            decisions.append(Decision(d.id, "", False, (reason(rule, text),)))
        return Step(
            index,
            event,
            [],
            decisions,
            files=due_files,
            messages=due + messages,
            files_due=len(due_files),
            messages_due=len(due),
        )

    @staticmethod
    def _flushed(destination: str, messages: list[Message]) -> Decision:
        """M1: the decision of the destination a flush event empties."""
        if messages:
            sent = count(sum(len(m.profiles) for m in messages), "export")
            calls = count(len(messages), "message")
            leave = "leaves" if len(messages) == 1 else "leave"
            text = (
                f"flush: {calls} carrying {sent} {leave} the buffer now, listed below; a flush sends "
                "what waits and exports no profile by itself"
            )
            verdict = f"sent {calls} of {sent}"
        else:
            text = "flush: the buffer is empty, so nothing is sent; a flush exports no profile by itself"
            verdict = "nothing to send"
        return Decision(destination, "", False, (reason("M1", text),), verdict=verdict)


__all__ = ["End", "Replay", "Replayer", "Step", "replay"]
