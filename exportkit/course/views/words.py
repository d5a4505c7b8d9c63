"""Sentences and names as HTML: the parts of `core.sentences` (the event in words, a name, a
value) drawn for the step view, names shown and ids one hover away (`title`), code in `<code>`,
everything escaped."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ...core.model import Event
from ...core.sentences import Named, Names, Part, event_parts

TYPE_LABELS: dict[str, str] = {
    "streaming-profile": "Enterprise streaming (whole profiles)",
    "streaming-segment": "Streaming segment (advertising, social)",
    "batch": "Batch files",
}


def named_html(named: Named) -> str:
    """A name in a span that says its id on hover; a profile's carries `data-profile` (a click on
    it opens the profile's story)."""
    data = f' data-profile="{escape(named.id)}"' if named.kind == "profile" else ""
    title = escape(f"{named.kind} id: {named.id}")
    return f'<span class="ek-{named.kind}" title="{title}"{data}>{escape(named.shown)}</span>'


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def sentence_html(parts: Iterable[Part]) -> str:
    """The parts of a sentence as HTML: text escaped, names in their spans, code in `<code>`."""
    return "".join(
        escape(p) if isinstance(p, str) else named_html(p) if isinstance(p, Named) else code(p.text)
        for p in parts
    )


def event_html(event: Event, names: Names) -> str:
    """The event as a sentence (HTML): the same parts `exportkit run` prints as text."""
    return sentence_html(event_parts(event, names))


__all__ = ["TYPE_LABELS", "code", "event_html", "named_html", "sentence_html"]
