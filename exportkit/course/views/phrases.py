"""Sentences and names as HTML: the parts of `text.sentences` (the event in words, a name, a
value) drawn for the step view, names shown and ids one hover away (`title`), code in `<code>`,
everything escaped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from ...core.model import Event, iso
from ...text.sentences import Named, Names, Part, event_parts

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


def when_html(moment: datetime) -> str:
    """A time as a person reads it, on one line: "3 Mar 2025, 09:13 UTC" (seconds only when there
    are some); its ISO form, what the scenario file and the command line say, on hover.

    >>> from datetime import UTC
    >>> when_html(datetime(2025, 3, 3, 9, 13, tzinfo=UTC)).split(">")[1]
    '3 Mar 2025, 09:13 UTC</time'
    >>> when_html(datetime(2025, 3, 10, 9, 13, 30, tzinfo=UTC)).split('"')[1:4]
    ['ek-nw', ' datetime=', '2025-03-10T09:13:30Z']
    """
    stamp = iso(moment)
    utc = datetime.fromisoformat(stamp)
    clock = f"{utc:%H:%M}" if utc.second == 0 else f"{utc:%H:%M:%S}"
    return f'<time class="ek-nw" datetime="{stamp}" title="{stamp}">{utc.day} {utc:%b %Y}, {clock} UTC</time>'


def sentence_html(parts: Iterable[Part]) -> str:
    """The parts of a sentence as HTML: text escaped, names in their spans, code in `<code>`."""
    return "".join(
        escape(p) if isinstance(p, str) else named_html(p) if isinstance(p, Named) else code(p.text)
        for p in parts
    )


def event_html(event: Event, names: Names) -> str:
    """The event as a sentence (HTML): the same parts `exportkit run` prints as text."""
    return sentence_html(event_parts(event, names))


__all__ = ["TYPE_LABELS", "code", "event_html", "named_html", "sentence_html", "when_html"]
