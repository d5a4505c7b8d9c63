"""The timeline as text: what `exportkit run` prints, compact by default, everything with verbose.

Compact: per step, the event in words (names before ids) and one line per destination with the
verdict and its deciding reason; files and messages one line each, at their own time. Verbose
adds what changed, each payload with its field notes, every reason, file rows and buffer states:
the whole explanation. Lines are rich `Text`s wrapped to a width (`layout`); `Narrator.lines(entry)` gives
the lines of one timeline entry, so text is written while the replay runs. Each value (a decision,
a file, a message) is written by `lines`; this module lays them out as steps and blocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text

from ..core.aggregation import Message
from ..core.decision import Decision
from ..core.engine import Due, End, Entry, Opening, Replay, Step, StepRecord
from ..core.events import EVALUATE
from ..core.exportfile import ExportFile
from ..core.model import Scenario, iso
from ..core.rules import RULES, Reason, reason
from ..core.selection import Selection
from ..core.words import count, listed
from .layout import clip, wrap
from .lines import (
    BATCH_AT_ACTIVATION,
    buffer_text,
    file_text,
    hang_of,
    message_text,
    render_decision,
    rule_text,
    state_lines,
    styled,
)
from .ruledoc import RuleText
from .sentences import Names, event_text

CLIP = -1  # as a hang: cut the line to the width instead of wrapping it (compact lines)
EXPORTED, NOT_EXPORTED = "EXPORTED", "not exported"


def step_heading(record: StepRecord, names: Names) -> str:
    """A step's one-line heading in plain text: "Step 3 at 2025-03-03T09:03:00Z: Marty McFly (marty)
    qualifies for ..." (the timeline's, as `render_step` and the quiz say it); step 0 is the
    activation."""
    if record.event is None:
        return f"Step 0 at {iso(record.at)}: the dataflows are activated"
    return f"Step {record.number} at {iso(record.at)}: {event_text(record.event, names)}"


def concerned(step: Step, decisions: list[Decision]) -> list[Decision]:
    """The decisions a step is about: for an event on one destination (a run, Export file now, a
    flush, Activate now, a dataflow disabled or enabled), that destination's only; the others'
    "concerns ... only" lines (E-T5, S-T5, B-T2) say nothing a reader is looking for."""
    if step.event.profile is None and step.event.kind != EVALUATE:
        return [d for d in decisions if d.destination == step.event.value]
    return decisions


def render_step(result: Replay, number: int, payload: bool = True, *, width: int = 120) -> list[str]:
    """Step `number` of a replay (1 is the first event) as the verbose timeline writes it, about
    what the step is about (`concerned`): the event in words, then what it caused (what the clock
    made between events is not the step's: the timeline shows it at its own time)."""
    if not 1 <= number <= len(result.steps):
        raise ValueError(
            f"step {number}: the replay has steps 1 to {len(result.steps)} "
            "(step 0, the activation, has no event)"
        )
    narrator = Narrator(
        result.scenario, result.rules, width=width, verbose=True, payload=payload, focused=True
    )
    return [line.plain for line in narrator.lines(result.steps[number - 1])[1:]]


def step_text(
    result: Replay, number: int, destination: str | None = None, *, width: int | None = None
) -> list[str]:
    """Step `number` (0: the activation) as the explorer shows it, in the verbose timeline's words:
    numbered "of N", with the profile before and after, `destination`'s part only (all with None),
    then what the clock made before the next event, at its own time; lines whole unless a `width`
    is given."""
    record = result.record(number)
    narrator = Narrator(
        result.scenario,
        result.rules,
        width=width,
        verbose=True,
        selection=Selection(destination=destination),
        numbered=True,
    )
    entries: list[Entry] = [result.opening if number == 0 else result.steps[number - 1], *record.later]
    return [line.plain for entry in entries for line in narrator.lines(entry)][1:]


class Narrator:
    """Turns timeline entries into wrapped, styled lines, compact or verbose."""

    def __init__(
        self,
        scenario: Scenario,
        rules: str,
        *,
        width: int | None = 120,
        verbose: bool = False,
        payload: bool = True,
        selection: Selection | None = None,
        focused: bool = False,
        numbered: bool = False,
    ):
        """`focused`: a step on one destination shows that destination's decisions only, as the
        compact timeline always does (`concerned`); `numbered`: headings say "Step 3 of 31" and
        the profile before and after (the explorer's text)."""
        self.scenario, self.rules = scenario, rules
        self.width, self.verbose, self.payload = width, verbose, payload
        self.focused, self.numbered = focused or not verbose, numbered
        self.selection = selection or Selection()
        self.names = Names.of(scenario)
        self.column = max((len(d.id) for d in scenario.destinations), default=0)
        self.steps = len(scenario.events)
        self._last_at: Any = None
        self._after_block = True  # a step after a block (activation, meanwhile) is set apart

    # --- entries ------------------------------------------------------------------------

    def header(self) -> list[Text]:
        s = self.scenario
        counts = (
            f"{count(len(s.profiles), 'profile')}, {count(len(s.events), 'event')}, "
            f"{count(len(s.destinations), 'destination')}, rules: {self.rules}"
        )
        lines: list[Text | tuple[Text, int]] = [
            Text.assemble((f"Scenario {s.name}", "heading"), f" ({counts})")
        ]
        if s.description:
            lines.append((Text(s.description.strip()), 0))
        if not self.selection.everything:
            shown = ", ".join(f"--{k} {v}" for k, v in self.selection.as_dict().items() if v is not None)
            lines.append(Text(f"Showing only {shown}", "waiting"))
        return self._wrap(lines)

    def lines(self, entry: Entry) -> list[Text]:
        """The lines of one entry, wrapped; [] when the selection leaves nothing of it."""
        if isinstance(entry, Opening):
            return self._wrap(self._opening(entry))
        if isinstance(entry, Due):
            return self._wrap(self._due(entry))
        if isinstance(entry, Step):
            return self._wrap(self._step(entry))
        return self._wrap(self._end(entry))

    def _wrap(self, lines: Iterable[Text | tuple[Text, int]]) -> list[Text]:
        out: list[Text] = []
        for item in lines:
            line, hang = item if isinstance(item, tuple) else (item, None)
            if self.width is None:  # whole lines (the explorer's text: a reader greps it)
                out.append(line)
            else:
                out += [clip(line, self.width)] if hang == CLIP else wrap(line, self.width, hang)
        return out

    def _text(self, texts: Iterable[str], style: str = "") -> list[tuple[Text, int]]:
        """Verbose lines made by the values' own `render`, marked and wrapped at their indent."""
        return [(styled(t, style), hang_of(t)) for t in texts]

    def _opening(self, o: Opening) -> list[Text | tuple[Text, int]]:
        sel = self.selection
        if not sel.in_range(0):
            return []
        decisions = sel.decisions(o.decisions)
        title = f"Step 0 of {self.steps}: activation" if self.numbered else "Activation"
        head = Text.assemble(
            (title, "heading"),
            (f" at {iso(o.at)}", "time"),
            ": the streaming destinations backfill what was held before the mapping",
        )
        out: list[Text | tuple[Text, int]] = [Text(), head]
        exported = [d for d in decisions if d.exported]
        if self.verbose:
            for d in exported:
                out += self._text(render_decision(d, self.payload))
        else:
            groups: dict[tuple[str, str], list[str]] = {}
            for d in exported:
                groups.setdefault((d.destination, d.rule), []).append(d.profile)
            for (dest, rule), profiles in groups.items():
                what = Text(f"backfill of {len(profiles):,}: {listed(profiles)}")
                out.append(self._verdict(dest, EXPORTED, "exported", what, Reason(rule, RULES[rule])))
        if sel.destination is not None and self.scenario.destination(sel.destination).type == "batch":
            out.append(Text("  ") + rule_text(reason("B-I3", BATCH_AT_ACTIVATION)))
        elif not exported:
            out.append(Text("  nothing to backfill"))
        skipped: dict[tuple[str, Reason], list[str]] = {}  # a reason equals another of its rule and text
        for d in decisions:
            if not d.exported:
                skipped.setdefault((d.destination, d.reasons[0]), []).append(d.profile)
        for (dest, why), profiles in skipped.items():
            who = Text(f"no backfill for {len(profiles):,}: {listed(profiles)}")
            line, _ = self._verdict(dest, NOT_EXPORTED, "not-exported", who, why)
            out.append((line, self._hang() if self.verbose else CLIP))
        for m in sel.messages(o.messages):
            out += self._message(m)
        self._last_at = o.at
        return out

    def _due(self, due: Due) -> list[Text | tuple[Text, int]]:
        kept = self.selection.due(due)
        if kept is None:
            return []
        out: list[Text | tuple[Text, int]] = []
        if kept.at != self._last_at:  # at the previous event's time, it reads as part of it
            out += [Text(), Text.assemble(("Meanwhile", "heading"), (f" at {iso(kept.at)}", "time"), ":")]
            self._after_block = True
        for f in kept.files:
            out += self._file(f)
        for m in kept.messages:
            out += self._message(m)
        self._last_at = kept.at
        return out

    def _step(self, step: Step) -> list[Text | tuple[Text, int]]:
        sel = self.selection
        if not sel.concerns(step):
            return []
        of = f" of {self.steps}" if self.numbered else ""
        head = Text.assemble(
            (f"Step {step.index + 1}{of}", "heading"),
            (f" at {iso(step.event.at)}", "time"),
            ": ",
            (event_text(step.event, self.names), "event"),
        )
        out: list[Text | tuple[Text, int]] = [Text()] if self._after_block or self.verbose else []
        out.append((head, 2))
        self._after_block = False
        if self.verbose:
            out += self._text([f"  changed: {c}" for c in step.changes] or ["  changed: nothing"], "detail")
        if self.numbered:
            out += self._text(state_lines("before", step.before) + state_lines("after", step.after), "detail")
        for f in sel.files(step.files):
            out += self._file(f)
        decisions = sel.decisions(step.decisions, others=True)
        if self.focused:
            decisions = concerned(step, decisions)
        for d in decisions:
            out += self._text(render_decision(d, self.payload)) if self.verbose else [self._decision(d)]
        for m in sel.messages(step.messages):
            out += self._message(m)
        if self.verbose:
            buffers = [b for b in step.buffers if sel.destination in (None, b.destination)]
            out += self._text([f"  {buffer_text(b)}" for b in buffers], "detail")
        self._last_at = step.event.at
        return out

    def _end(self, end: End) -> list[Text | tuple[Text, int]]:
        sel = self.selection
        if sel.last is not None and sel.last < self.steps:
            return []
        out: list[Text | tuple[Text, int]] = [
            Text(),
            Text.assemble(
                ("End of scenario", "heading"), (f" at {iso(end.at)}", "time"), ": what is still waiting"
            ),
        ]
        messages = sel.messages(end.messages)
        for m in messages:
            out += self._message(m)
        if sel.profile is None:
            left = {m.destination for m in messages}
            for d in self.scenario.destinations:
                if d.type != "batch" and d.id not in left and sel.destination in (None, d.id):
                    out.append(self._lead(d.id) + "nothing was left in the buffers")
        for n in end.next_files:
            if sel.destination not in (None, n.destination):
                continue
            if sel.profile is not None and sel.profile not in n.profiles:
                continue
            line = self._lead(n.destination).append(f"next {n.mode} file of {n.segment}", "file")
            line.append_text(Text("  ") + rule_text(n.reason))
            if n.profiles:
                line.append(f": {listed(list(n.profiles))}", "waiting")
            out.append((line, self._hang()))
        if len(out) == 2:
            out.append(Text("  nothing is waiting"))
        return out

    # --- pieces -------------------------------------------------------------------------

    def _hang(self) -> int:
        return 2 + self.column + 2

    def _lead(self, destination: str) -> Text:
        """The start of a destination's line: its id in a column."""
        return Text.assemble("  ", (destination.ljust(self.column), "destination"), "  ")

    def _verdict(self, dest: str, verdict: str, style: str, middle: Text, r: Reason) -> tuple[Text, int]:
        line = self._lead(dest).append(verdict, style)
        line.append(" " * (len(NOT_EXPORTED) - len(verdict) + 2)).append_text(middle)
        return line.append("  ").append_text(rule_text(r)), self._hang()

    def _decision(self, d: Decision) -> tuple[Text, int]:
        style = "exported" if d.exported else "not-exported"
        line = self._lead(d.destination).append(d.verdict.ljust(len(NOT_EXPORTED)), style)
        return line.append("  ").append_text(rule_text(d.reasons[0])), CLIP

    def _file(self, f: ExportFile) -> list[tuple[Text, int]]:
        lines = file_text(f, verbose=self.verbose, profile=self.selection.profile)
        if self.verbose:
            return [(line, hang_of(line.plain)) for line in lines]
        return [(self._lead(f.destination) + line, CLIP) for line in lines]

    def _message(self, m: Message) -> list[tuple[Text, int]]:
        lines = message_text(m, verbose=self.verbose)
        if self.verbose:
            return [(line, hang_of(line.plain)) for line in lines]
        return [(self._lead(m.destination) + line, CLIP) for line in lines]


def rule_lines(rule_id: str, texts: list[RuleText], *, full: bool, width: int) -> list[Text]:
    """`exportkit rules`: a rule with its statement, marked documented (where, for which rule set)
    or the toolkit's reading of an ambiguity. One clipped line each, or the whole text (`full`)."""
    out: list[Text] = []
    for t in texts or [RuleText(rule_id, "", RULES[rule_id], ())]:
        mark = t.mark() if texts else "exportkit's catalogue"
        if t.ambiguity:
            title = f"{t.label}: " if t.label else ""
            body = (
                f"{t.text} The toolkit's reading: {RULES[rule_id]}." if full else f"{title}{RULES[rule_id]}"
            )
        else:
            body = t.text if full else (t.statement or t.text)
        line = Text.assemble((rule_id.ljust(6), "rule"), " ", (f"[{mark}]", "waiting"), "  ", body)
        out += wrap(line, width, 7) if full else [clip(line, width)]
    return out


def render_timeline(result: Replay, payload: bool = True, *, verbose: bool = True, width: int = 120) -> str:
    """The timeline of a finished replay as plain text (verbose by default: every reason)."""
    narrator = Narrator(result.scenario, result.rules, width=width, verbose=verbose, payload=payload)
    lines = narrator.header()
    for entry in result.timeline:
        lines += narrator.lines(entry)
    return "\n".join(line.plain for line in lines) + "\n"


__all__ = [
    "EXPORTED",
    "NOT_EXPORTED",
    "Narrator",
    "render_step",
    "render_timeline",
    "rule_lines",
    "step_heading",
    "step_text",
]
