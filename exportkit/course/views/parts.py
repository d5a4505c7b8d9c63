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

from ...core.rules import Reason
from ...core.rulesets import settings_of
from .phrases import when_html
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


def reason_html(r: Reason) -> str:
    """The rule's chip and the reason's text, its times read as dates (`when_html`)."""
    text = ISO_TIME.sub(lambda m: when_html(datetime.fromisoformat(m[0])), escape(r.text))
    return f"{chip(r.rule)} {text}"


def badge(outcome: str, text: str | None = None) -> str:
    label = text or BADGES[outcome][0]
    return f'<span class="ek-badge {outcome}">{escape(label.upper())}</span>'


def ruleset_label(rules: str) -> str:
    """The rule set a view follows, in words ("Rules: older documentation (V0, ...)")."""
    return f'<span class="ek-ruleset">Rules: {escape(settings_of(rules).title)}</span>'


__all__ = ["BADGES", "CSS", "badge", "chip", "reason_html", "ruleset_label", "style"]
