"""One step of a replay as a picture: the event in words, before/after as a diff, one card per
destination (verdict badge, deciding reason, rule chips, payload fields), and the delivery (messages
that leave, what waits in each buffer, files written with their rows).

`step_html(result, index)` is the whole step; step 0 is the activation of the dataflows.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any

from ...core.aggregation import SEND_WORDS, BufferState, Message
from ...core.decision import Decision
from ...core.engine import Replay, StepRecord
from ...core.events import EVALUATE, SET
from ...core.exportfile import ExportFile, show_value
from ...core.rules import Reason
from ...core.words import count
from ...text.sentences import Names, json_text
from .parts import badge, chip, reason_html, ruleset_label
from .phrases import TYPE_LABELS, code, event_html, named_html, when_html
from .timeline import outcome, step_count


def platform_time(m: Message) -> datetime:
    """When the platform would have sent a message that the end of the scenario flushed: when its
    oldest export has waited the window (a configurable policy, M2/M5), or at once (best effort)."""
    oldest = min((e.at for e in m.entries), default=m.sent_at)
    if m.left is not None and m.left.policy.type == "configurable":
        return oldest + m.left.policy.window
    return oldest


def lookup(payload: dict[str, Any] | None, path: str) -> tuple[bool, Any]:
    """The value at a dotted `path` of a payload (keys may hold dots: the longest one wins)."""
    node: Any = payload or {}
    rest = path
    while rest:
        if not isinstance(node, dict):
            return False, None
        key = next(
            (k for k in sorted(node, key=len, reverse=True) if rest == k or rest.startswith(k + ".")),
            None,
        )
        if key is None:
            return False, None
        node, rest = node[key], rest[len(key) + 1 :]
    return True, node


def value_html(value: Any) -> str:
    """A JSON value that wraps only between its members, never inside a word or a date."""
    if isinstance(value, dict) and value:
        members = [f"{json_text(k)}: {json_text(v)}" for k, v in value.items()]
        inner = ", ".join(f'<span class="ek-nw">{escape(m)}</span>' for m in members)
        return f'<code class="ek-val">{{{inner}}}</code>'
    return f'<code class="ek-val"><span class="ek-nw">{escape(json_text(value))}</span></code>'


def payload_html(d: Decision, names: Names | None = None) -> str:
    """The payload as a field table (sent fields, then left-out ones greyed, each with its reason)
    and as an indented JSON tree."""
    rows = []
    notes = sorted(d.fields, key=lambda n: not n.included)
    for note in notes:
        found, value = lookup(d.payload, note.field)
        shown = value_html(value) if note.included and found else "<i>left out</i>"
        cls = "" if note.included else ' class="ek-left"'
        rows.append(
            f'<tr{cls}><td class="ek-path">{code(note.field)}</td><td>{shown}</td>'
            f"<td>{reason_html(note.reason, names)}</td></tr>"
        )
    table = (
        "<table><tr><th>field</th><th>value</th><th>why</th></tr>" + "".join(rows) + "</table>"
        if rows
        else ""
    )
    tree = json.dumps(d.payload, indent=2, ensure_ascii=False)
    return f"{table}<details><summary>the payload as JSON</summary><pre>{escape(tree)}</pre></details>"


def payloads_html(decisions: list[Decision], names: Names) -> str:
    """One block per exported decision: to whom, and the payload's fields."""
    blocks = [
        f'<div class="ek-payload"><h4>Payload to {named_html(names.destination(d.destination))} for '
        f"{named_html(names.profile(d.profile))}</h4>{payload_html(d, names)}</div>"
        for d in decisions
        if d.exported and d.profile
    ]
    return '<div class="ek-section"><h3>Payloads</h3>' + "".join(blocks) + "</div>" if blocks else ""


def _reasons(d: Decision, names: Names) -> str:
    first, *rest = d.reasons
    more = "".join(f"<li>{reason_html(r, names)}</li>" for r in rest)
    return f'<div class="ek-why">{reason_html(first, names)}</div>' + (
        f'<ul class="ek-more">{more}</ul>' if more else ""
    )


def _badge_for(what: str, files: list[ExportFile], messages: list[Message]) -> str:
    if what == "file":
        return badge("file", f"{count(len(files), 'file')} written")
    if what == "sent":  # only an event that sends, whose messages are the card's own
        return badge("sent", f"{count(len(messages), 'message')} sent")
    return badge(what)


def verdict(decisions: list[Decision], files: list[ExportFile], own: list[Message]) -> str:
    """A card's headline: what the step's event decided for this destination (exported, noted for
    a file, not exported), or, for an event that decides about no profile (a file run, Export file
    now, a flush), the files it wrote or the messages it sent (`own`). Messages that fell due on
    their buffer's clock carry earlier exports: they are said under the headline, never as it."""
    about = [d for d in decisions if d.profile]
    if any(d.exported for d in about):
        return "exported"
    if any(d.verdict == "noted" for d in about):
        return "noted"
    if not about and files:
        return "file"
    if not about and own:
        return "sent"
    return "none"


def card_html(
    result: Replay,
    record: StepRecord,
    destination: str,
    names: Names,
    focus: bool = False,
) -> str:
    """One destination's card at one step."""
    index = record.number
    decisions = [d for d in record.decisions if d.destination == destination]
    own = [m for m in record.messages if m.destination == destination]
    later = [m for m in record.later_messages if m.destination == destination]
    own_files = [f for f in record.files if f.destination == destination]
    files = own_files + [f for f in record.later_files if f.destination == destination]
    kind = result.scenario.destination(destination).type
    if index:  # the headline is what the event did; what the clock made after it is said below
        what = verdict(decisions, own_files, own)
        shown_files, shown_messages = own_files, own
    else:
        what = outcome(record, destination)
        shown_files, shown_messages = files, own + later
    head = (
        f'<div class="ek-card-head">{named_html(names.destination(destination))}'
        f'<span class="ek-type">{escape(TYPE_LABELS.get(kind, kind))}</span>'
        f"{_badge_for(what, shown_files, shown_messages)}</div>"
    )
    body: list[str] = []
    if index == 0:
        body.append(_activation_body(destination, decisions, names, kind))
    else:
        for d in decisions:
            body.append(_reasons(d, names))
            if d.exported and d.profile and kind != "batch":
                body.append(
                    f'<div class="ek-muted">{count(sum(n.included for n in d.fields), "field")} sent, '
                    f"{sum(not n.included for n in d.fields)} left out: see the payload below</div>"
                )
    extra = []
    if index == 0 and own and what != "sent":
        extra.append(f"{count(len(own), 'message')} left a buffer at this step (see Delivery)")
    if note := messages_note(own if index else [], later):
        extra.append(note)
    if files:
        extra.append(", ".join(code(f.name) for f in files) + " written (rows under Delivery)")
    if extra:
        body.append('<div class="ek-muted">' + "; ".join(extra) + "</div>")
    cls = f"ek-card {what}" + (" focus" if focus else "")
    return f'<div class="{cls}" data-destination="{escape(destination)}">{head}{"".join(body)}</div>'


def messages_note(own: list[Message], later: list[Message]) -> str:
    """One line for a card: which of a destination's messages left because of the step's event
    (`own`: a flush, or a count limit the event's export reached) and which on their buffer's
    own clock after it, before the next event (`later`: window age, best effort), with why and
    when, so "2 messages sent" beside a reason that names one adds up. "" when there are none."""
    parts = []
    if own:
        why = ", ".join(dict.fromkeys(SEND_WORDS[m.trigger] for m in own))
        parts.append(f"{count(len(own), 'message')} because of this event ({why})")
    if later:
        why = ", ".join(dict.fromkeys(f"{SEND_WORDS[m.trigger]} at {when_html(m.sent_at)}" for m in later))
        its = "its" if len(later) == 1 else "their"
        parts.append(f"{count(len(later), 'message')} later, on {its} own clock ({why})")
    return "; ".join(parts) + ": see Delivery" if parts else ""


def _activation_body(destination: str, decisions: list[Decision], names: Names, kind: str) -> str:
    if kind == "batch":
        return (
            f'<div class="ek-why">{chip("B-I3")} A batch destination sends nothing at activation; '
            "its first scheduled file holds the whole population.</div>"
        )
    out = []
    for d in (d for d in decisions if d.exported):
        out.append(
            f"<details><summary>{escape(names.profile(d.profile).shown)} backfilled</summary>"
            f"{_reasons(d, names)}{payload_html(d, names)}</details>"
        )
    groups: dict[Reason, list[str]] = {}  # a reason is equal to another of the same rule and text
    for d in decisions:
        if not d.exported:
            groups.setdefault(d.reasons[0], []).append(d.profile)
    for r, profiles in groups.items():
        who = ", ".join(named_html(names.profile(p)) for p in profiles)
        out.append(f'<div class="ek-why">Not backfilled: {who}. {reason_html(r, names)}</div>')
    return "".join(out) or '<div class="ek-muted">no profile to backfill</div>'


def diff_html(before: dict[str, Any] | None, after: dict[str, Any] | None, event_paths: set[str]) -> str:
    """Before and after as a diff: changed fields highlighted, the unchanged rest folded."""
    if before is None or after is None:
        return ""
    # A segment the profile never held has the status `null` (docs/glossary.md); a missing
    # attribute, identity or consent is absent from the profile.
    rows: list[tuple[str, Any, Any, str]] = []
    for key, label, missing in (
        ("segments", "segment", "null"),
        ("attributes", "", "absent"),
        ("identities", "identity", "absent"),
    ):
        b, a = before.get(key, {}), after.get(key, {})
        for name in dict.fromkeys([*b, *a]):
            rows.append((f"{label} {name}".strip(), b.get(name), a.get(name), missing))
    rows.append(("consent", before.get("consent"), after.get("consent"), "absent"))

    def cell(v: Any, missing: str) -> str:
        return f'<span class="ek-muted">{missing}</span>' if v is None else code(json_text(v))

    changed: list[str] = []
    same: list[str] = []
    for field, b, a, missing in rows:
        overwrite = b == a and field in event_paths
        note = ' <span class="ek-muted">(overwritten with the same value)</span>' if overwrite else ""
        line = (
            f'<td class="ek-path">{escape(field)}</td><td>{cell(b, missing)}</td>'
            f"<td>{cell(a, missing)}{note}</td>"
        )
        (changed if b != a or overwrite else same).append(line)
    head = "<tr><th>field</th><th>before</th><th>after</th></tr>"
    shown = "".join(f'<tr class="ek-changed">{r}</tr>' for r in changed) or (
        '<tr><td colspan="3" class="ek-muted">nothing changed</td></tr>'
    )
    folded = (
        f"<details><summary>{count(len(same), 'unchanged field')}</summary><table>{head}"
        + "".join(f"<tr>{r}</tr>" for r in same)
        + "</table></details>"
        if same
        else ""
    )
    return (
        '<div class="ek-section"><h4>The profile, before and after</h4>'
        f"<table>{head}{shown}</table>{folded}</div>"
    )


def message_html(m: Message, names: Names, at_end: bool = False) -> str:
    unique = list(dict.fromkeys(m.profiles))
    who = ", ".join(named_html(names.profile(p)) for p in unique)
    why = escape(SEND_WORDS[m.trigger])
    if at_end:
        why = (
            f"the scenario ends at {when_html(m.sent_at)}, so the toolkit sends what waited; the "
            f"platform would send it at {when_html(platform_time(m))}"
        )
    size = len(json.dumps(list(m.body), ensure_ascii=False).encode())
    group = f" <span class='ek-muted'>[{escape(m.group)}]</span>" if m.group else ""
    reasons = "".join(f"<li>{reason_html(r, names)}</li>" for r in m.reasons)
    return (
        f"<li>✉ to {named_html(names.destination(m.destination))}{group} at {when_html(m.sent_at)}: "
        f"{count(len(unique), 'profile')}, {count(size, 'byte')}: {who}. <b>Why then:</b> {why}."
        f'<ul class="ek-more">{reasons}</ul></li>'
    )


def buffer_html(b: BufferState, names: Names) -> str:
    fill = min(b.size / b.policy.max_count, 1.0) if b.policy.max_count else 0.0
    if b.oldest is not None and b.policy.max_age_seconds:  # the nearer of the two limits
        fill = max(fill, min((b.at - b.oldest).total_seconds() / b.policy.max_age_seconds, 1.0))
    group = f" [{b.group}]" if b.group else ""
    text = f"{b.size} of {b.policy.max_count} exports"
    if b.oldest is None:
        age = "empty"
    elif b.policy.type == "best_effort":
        age = "leaves as soon as the clock moves on (best effort)"
    else:
        waited = int((b.at - b.oldest).total_seconds())
        age = f"oldest waited {waited} s of {b.policy.max_age_seconds} s"
    return (
        f"<li>{named_html(names.destination(b.destination))}{escape(group)}"
        f'<span class="ek-bar" title="{escape(text)}"><i style="width:{fill * 100:.0f}%"></i></span>'
        f"{escape(text)}; {escape(age)}</li>"
    )


def row_changes(f: ExportFile, previous: tuple[str, ...]) -> list[str]:
    """Each row's change from the file before it (whose profiles are `previous`): "exited" (its
    status column says so), "new" (its profile was not in it) or ""."""
    return [
        "exited" if row.get("segmentMembership_status") == "exited" else ("" if p in previous else "new")
        for row, p in zip(f.rows, f.profiles, strict=True)
    ]


def file_html(f: ExportFile, names: Names, previous: tuple[str, ...] | None = None) -> str:
    """A batch file as HTML, the one way every view draws it: what it is, its reasons, then a
    row per profile (its values and reason) and each profile left out, with its reason. Given the
    `previous` file's profiles, a row is marked new (not in it) or exited (its status column)."""
    head = "".join(f"<th>{escape(c)}</th>" for c in f.columns)
    rows = []
    changes = row_changes(f, previous or ())
    for row, note, change in zip(f.rows, f.why, changes, strict=True):
        values = "".join(f"<td>{escape(show_value(row[c]))}</td>" for c in f.columns)
        change = change if previous is not None else ""
        cls, mark = (
            (f' class="ek-{change}"', f' <span class="ek-muted">({change})</span>') if change else ("", "")
        )
        rows.append(
            f"<tr{cls}><td>{named_html(names.profile(note.profile))}{mark}</td>{values}"
            f"<td>{reason_html(note.reason, names)}</td></tr>"
        )
    for note in f.left_out:
        rows.append(
            f'<tr class="ek-left"><td>{named_html(names.profile(note.profile))}</td>'
            f'<td colspan="{len(f.columns)}"><i>not in the file</i></td>'
            f"<td>{reason_html(note.reason, names)}</td></tr>"
        )
    table = (
        f"<table><tr><th>profile</th>{head}<th>why</th></tr>{''.join(rows)}</table>"
        if rows
        else '<div class="ek-muted">no row: a header-only file</div>'
    )
    reasons = "".join(f"<li>{reason_html(r, names)}</li>" for r in f.reasons)
    trigger = {
        "scheduled": "scheduled",
        "export_now": "Export file now",
        "after_evaluation": "after evaluation",
    }
    dest, segment = named_html(names.destination(f.destination)), named_html(names.segment(f.segment))
    return (
        f"<div class='ek-section'>▤ {dest} wrote {code(f.name)}: "
        f"{escape(f.mode)} file of {segment}, {escape(trigger.get(f.trigger, f.trigger))}, "
        f"{count(len(f.rows), 'row')} at {when_html(f.at)}"
        f'<ul class="ek-more">{reasons}</ul>{table}</div>'
    )


def delivery_html(record: StepRecord, names: Names) -> str:
    """What leaves at a step: messages and files the event made, what waits in the buffers,
    then what the clock makes before the next event, at its own time."""
    index = record.number
    messages, files, buffers = record.messages, record.files, record.buffers
    later_files, later_messages = record.later_files, record.later_messages
    end = record.end.messages if record.end is not None else []
    parts = []
    if messages:
        now = "Messages leaving now, because of this event" if index else "Messages leaving now"
        parts.append(f"<h4>{now}</h4><ul>" + "".join(message_html(m, names) for m in messages) + "</ul>")
    if buffers:
        waiting = "".join(buffer_html(b, names) for b in buffers)
        parts.append(f"<h4>Waiting in the buffers</h4><ul>{waiting}</ul>")
    if files:
        parts.append("<h4>Files written</h4>" + "".join(file_html(f, names) for f in files))
    if later_messages or later_files:
        later = "".join(message_html(m, names) for m in later_messages)
        parts.append(
            "<h4>Later, on the clock, before the next event</h4>"
            + (f"<ul>{later}</ul>" if later else "")
            + "".join(file_html(f, names) for f in later_files)
        )
    if end:
        parts.append(
            "<h4>At the end of the scenario: what still waited</h4><ul>"
            + "".join(message_html(m, names, at_end=True) for m in end)
            + "</ul>"
        )
    if not parts:
        nothing = '<div class="ek-muted">Nothing leaves at this step.</div>'
        return f'<div class="ek-section"><h3>Delivery</h3>{nothing}</div>'
    return '<div class="ek-section"><h3>Delivery</h3>' + "".join(parts) + "</div>"


def step_html(result: Replay, index: int, focus: str | None = None) -> str:
    """Step `index` (0 = activation, 1..N the events) as HTML, `focus` destination's card first."""
    names = Names.of(result.scenario)
    n = step_count(result)
    record = result.record(max(0, min(index, n)))
    index, event_ = record.number, record.event
    when = when_html(record.at)
    if event_ is None:
        event = (
            "The dataflows are activated: streaming destinations backfill the profiles that already "
            "hold a mapped segment"
        )
        diff = ""
    else:
        event = event_html(event_, names)
        paths = set(event_.value) if event_.kind == SET else set()
        diff = diff_html(record.before, record.after, paths)
        if record.before is None:
            # A segment evaluation changes memberships (listed); a file run, Export file now or a
            # flush changes no profile: the sentence, the cards and Delivery say what it did.
            shown = record.changes if event_.kind == EVALUATE else []
            lines = "".join(f"<li>{escape(c)}</li>" for c in shown)
            diff = f'<div class="ek-section"><h4>What changed</h4><ul>{lines}</ul></div>' if lines else ""
    order = [d.id for d in result.scenario.destinations]
    if focus in order:
        order.remove(focus)
        order.insert(0, focus)
    cards = "".join(card_html(result, record, dest, names, dest == focus) for dest in order)
    return (
        f'<div class="ek-step" data-step="{index}" data-scenario="{escape(result.scenario.name)}">'
        f'<div class="ek-when">Step {index} of {n} · {when} · {ruleset_label(result.rules)}</div>'
        f'<div class="ek-event">{event}</div>{diff}'
        f'<h3>What each destination did</h3><div class="ek-cards">{cards}</div>'
        f"{payloads_html(record.decisions if index else [], names)}"
        f"{delivery_html(record, names)}</div>"
    )


__all__ = [
    "card_html",
    "delivery_html",
    "diff_html",
    "file_html",
    "lookup",
    "payload_html",
    "payloads_html",
    "row_changes",
    "step_html",
]
