"""Each value of a replay as lines of text, the one way every view writes it: a decision, a
batch file, a message, a buffer, a profile's state. The timeline (`narrate`) lays them out; the
explorer, the week of batch files and the notebooks print them. A line is a rich `Text` whose
spans name what they are (`layout.THEME`); `.plain` is the text a pipe prints.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.text import Text

from ..core.aggregation import BufferState, Message
from ..core.decision import Decision
from ..core.exportfile import ExportFile, show_value
from ..core.model import iso
from ..core.rules import Reason, cited
from ..core.words import count, listed


def rule_text(r: Reason) -> Text:
    mark, text = cited(r).split(" ", 1)  # "[E-T3]", then the text
    return Text.assemble((mark, "rule"), f" {text}")


_MARKS = re.compile(r"(\[[A-Z]+-?[A-Z]?\d+'?\]|EXPORTED|not exported)")
_MARK_STYLES = {"EXPORTED": "exported", "not exported": "not-exported"}


def styled(text: str, style: str = "") -> Text:
    """A line of the verbose text: rule ids and verdicts marked, the rest in `style`."""
    out = Text()
    for i, part in enumerate(_MARKS.split(text)):
        out.append(part, style if i % 2 == 0 else _MARK_STYLES.get(part, "rule"))
    return out


def hang_of(text: str) -> int:
    """Continuation indent of a verbose line: its own indent plus four."""
    return len(text) - len(text.lstrip(" ")) + 4


def render_decision(d: Decision, payload: bool = True, indent: str = "  ") -> list[str]:
    """A decision as text: verdict, reasons, then the payload and each field's reason."""
    who = f" {d.profile}" if d.profile else ""
    lines = [f"{indent}{d.destination}{who}: {d.verdict}"]
    lines += [f"{indent}  {cited(r)}" for r in d.reasons]
    if d.exported and payload:
        lines.append(f"{indent}  payload: {json.dumps(d.payload, ensure_ascii=False)}")
        for note in d.fields:
            mark = "+" if note.included else "-"
            lines.append(f"{indent}    {mark} {note.field} {cited(note.reason)}")
    return lines


BATCH_AT_ACTIVATION = (
    "a batch destination sends nothing at activation; its first scheduled file holds the whole population"
)


def file_text(f: ExportFile, *, verbose: bool = True, profile: str | None = None) -> list[Text]:
    """A batch file as text, the one way every view writes it. Verbose: a heading (destination,
    name, mode, trigger, segment, rows, time), the file's reasons, its columns, each row with its
    values and reason, each profile left out with its reason. Compact: one line, the file with
    its rows' profiles and its deciding reason. `profile` keeps that profile's rows only."""
    if not verbose:
        profiles = [p for p in dict.fromkeys(f.profiles) if profile in (None, p)]
        who = f": {listed(profiles)}" if profiles else ""
        line = Text(f"{f.mode} file of {f.segment}", "file")
        return [line.append(f" ({count(len(f.rows), 'row')}{who})  ").append_text(rule_text(f.reasons[0]))]
    held = f.segment if f.merge_policy is None else f"merge policy {f.merge_policy}: {f.segment}"
    lines = [
        f"  {f.destination} file {f.name} ({f.mode}, {f.trigger}, {held}, "
        f"{count(len(f.rows), 'row')}, at {iso(f.at)})"
    ]
    lines += [f"    {cited(r)}" for r in f.reasons]
    lines.append(f"    columns: {', '.join(f.columns)}")
    for row, note in zip(f.rows, f.why, strict=True):
        if profile in (None, note.profile):
            values = ", ".join(show_value(row[c]) for c in f.columns)
            lines.append(f"      + {note.profile}: {values}  {cited(note.reason)}")
    lines += [f"      - {n.profile}  {cited(n.reason)}" for n in f.left_out if profile in (None, n.profile)]
    return [styled(line) for line in lines]


def message_text(m: Message, *, verbose: bool = True) -> list[Text]:
    """A streaming message as text, the one way every view writes it. Verbose: where it went,
    when, its profiles (each once) and why it left, every reason, and its buffer after it left.
    Compact: one line with the deciding reason (why it left then, after the policy's own)."""
    who = list(dict.fromkeys(m.profiles))  # a profile once per message, however many exports
    group = f" [{m.group}]" if m.group else ""
    size = count(len(who), "profile")
    if not verbose:
        size += f", {count(len(m.profiles), 'export')}" if len(m.profiles) != len(who) else ""
        line = Text(f"message{group}", "message").append(f" sent ({m.left_on}): {size}: {listed(who)}")
        return [
            line.append("  ").append_text(rule_text(m.reasons[1] if len(m.reasons) > 1 else m.reasons[0]))
        ]
    if len(who) != len(m.profiles):
        size = f"{count(len(m.profiles), 'export')} of {size}"
    lines = [
        f"  message to {m.destination}{group} at {iso(m.sent_at)}: {size}, left on {m.left_on}: {listed(who)}"
    ]
    lines += [f"    {cited(r)}" for r in m.reasons]
    lines += [f"    {buffer_text(m.left)}"] if m.left is not None else []
    return [styled(line) for line in lines]


def buffer_text(b: BufferState) -> str:
    """How full a buffer is after a step or a message: its size of the limit, its oldest export's wait."""
    head = f"{b.destination} buffer{f' [{b.group}]' if b.group else ''}: {b.size}/{b.policy.max_count}"
    if b.oldest is None:
        return f"{head}, empty"
    if b.policy.type == "best_effort":
        return f"{head}, leaves as soon as the clock moves on (best effort)"
    waited = int((b.at - b.oldest).total_seconds())
    clock = f"{waited // 3600:02d}:{waited // 60 % 60:02d}:{waited % 60:02d}"
    return f"{head}, oldest {clock} of {b.policy.max_age_seconds} s"


def state_lines(title: str, state: dict[str, Any] | None) -> list[str]:
    """A profile's state (`Step.before`, `Step.after`) in a few lines: segments, attributes,
    identities, consent."""
    if state is None:
        return []
    segments = ", ".join(f"{s}={st}" for s, st in state["segments"].items()) or "none"
    attributes = ", ".join(f"{a}={v!r}" for a, v in state["attributes"].items()) or "none"
    identities = ", ".join(f"{ns}={','.join(ids)}" for ns, ids in state["identities"].items()) or "none"
    return [
        f"  {title}:",
        f"    segments: {segments}",
        f"    attributes: {attributes}",
        f"    identities: {identities}",
        f"    consent: {state['consent']}",
    ]


__all__ = [
    "BATCH_AT_ACTIVATION",
    "buffer_text",
    "file_text",
    "hang_of",
    "message_text",
    "render_decision",
    "rule_text",
    "state_lines",
    "styled",
]
