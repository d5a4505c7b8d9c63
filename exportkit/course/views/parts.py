"""The small pieces every view is made of: the style sheet, rule chips, verdict badges, tables.

Everything renders inside an element of class `ek` and styles only below it, so a notebook or
Voila page keeps its own look. Rule statements show on hover and on click (a chip takes focus),
with CSS only: the static report needs no script.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from html import escape
from importlib.resources import files
from string import Formatter
from typing import get_args

from ...core.model import Status
from ...core.rules import Reason, Value, shown
from ...core.rulesets import settings_of
from ...text.sentences import Names
from .phrases import named_html, when_html
from .rulebook import statement

BADGES: dict[str, tuple[str, str]] = {
    # outcome: (label in the legend, what it means)
    "exported": ("exported", "the profile is exported to this destination"),
    "sent": ("message sent", "a message left the buffer at this step"),
    "file": ("file written", "a batch file was written at this step"),
    "noted": ("noted for a file", "the change waits for the next incremental file"),
    "none": ("not exported", "nothing left for this destination"),
}

# The views' style sheet (views.css, shipped beside this module as package data).
CSS = (files(__package__) / "views.css").read_text(encoding="utf-8")


def style() -> str:
    return f"<style>{CSS}</style>"


def _statement_html(text: str) -> str:
    out = escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"`(.+?)`", r"<code>\1</code>", out)
    return out.replace("\n", "<br>")


@cache  # a step shows a few dozen chips of a few dozen rules: each is built once
def chip(rule: str) -> str:
    """A rule id that shows the rule's statement on hover or click (focus)."""
    st = statement(rule)
    kind = st.kind
    head = f"{rule} {st.label}".strip()
    source = f'<span class="ek-tip-source">{escape(st.source)}</span>' if st.source else ""
    note = (
        "<em>The toolkit's reading of an ambiguity</em>: the documentation is silent or "
        "contradicts itself here. "
        if kind == "ambiguity"
        else ""
    )
    tip = (
        f'<span class="ek-tip"><b class="ek-tip-id">{escape(head)}</b>{source}{note}'
        f"{_statement_html(st.text)}</span>"
    )
    title = "toolkit reading of an ambiguity" if kind == "ambiguity" else "documented rule"
    return (
        f'<span class="ek-chip {kind}" tabindex="0" data-rule="{escape(rule)}" '
        f'aria-label="{escape(rule)}: {title}">{escape(rule)}{tip}</span>'
    )


ISO_TIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")  # `core.model.iso`'s form


def _times(text: str) -> str:
    """`text` escaped, its ISO times read as dates (`when_html`)."""
    return ISO_TIME.sub(lambda m: when_html(datetime.fromisoformat(m[0])), escape(text))


STATUSES = frozenset(get_args(Status))


def value_html(value: Value, names: Names | None) -> str:
    """One value a reason names, by its kind: a time as a date; a segment, destination or profile
    the scenario knows by its name, its id on hover; an attribute path, identity namespace or
    membership status as code that says what it is on hover; anything else as the text shows it."""
    if isinstance(value, datetime):
        return when_html(value)
    if not isinstance(value, str) or names is None:
        return _times(str(shown(value)))
    if value in names.segments:
        return named_html(names.segment(value))
    if value in names.destinations:
        return named_html(names.destination(value))
    if value in names.profiles:
        return named_html(names.profile(value))
    for kind, known in (("attribute", names.attributes), ("identity namespace", names.namespaces)):
        if value in known:
            return f'<code title="{kind}">{escape(value)}</code>'
    if value in STATUSES:
        return f'<code title="segment membership status">{escape(value)}</code>'
    return _times(value)


def reason_html(r: Reason, names: Names | None = None) -> str:
    """The rule's chip (its statement on hover) and the reason, each value it names drawn by its
    kind (`value_html`): the same template and values as the text's `[rule] text`."""
    if not r.values:
        return f"{chip(r.rule)} {_times(r.text)}"
    values = iter(r.values)
    parts = [
        _times(literal) + ("" if field is None else value_html(next(values), names))
        for literal, field, _, _ in Formatter().parse(r.template)
    ]
    return f"{chip(r.rule)} {''.join(parts)}"


def badge(outcome: str, text: str | None = None) -> str:
    label = text or BADGES[outcome][0]
    return f'<span class="ek-badge {outcome}">{escape(label.upper())}</span>'


def ruleset_label(rules: str) -> str:
    """The rule set a view follows, in words ("Rules: older documentation (V0, ...)")."""
    return f'<span class="ek-ruleset">Rules: {escape(settings_of(rules).title)}</span>'


__all__ = ["BADGES", "CSS", "badge", "chip", "reason_html", "ruleset_label", "style", "value_html"]
