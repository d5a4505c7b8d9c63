"""A step's cards and its Delivery say what happened, as what it is (issue 26, item 3). Each test
fails on the main of 2026-12-07 (before the cards' headline became the verdict)."""

from __future__ import annotations

import re
from functools import cache
from html import unescape

import pytest

from exportkit.core.engine import Replay, replay
from exportkit.course.views.step import card_html, delivery_html, step_html
from exportkit.io.library import dataset_names, dataset_path
from exportkit.io.loader import load_scenario
from exportkit.text.sentences import Names


@cache
def run(name: str) -> Replay:
    return replay(load_scenario(dataset_path(name)))


def text_of(html: str) -> str:
    return re.sub(r" ([,.;])", r"\1", " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()))


def headline(result: Replay, index: int, destination: str) -> str:
    card = card_html(result, result.record(index), destination, Names.of(result.scenario))
    return re.search(r'class="ek-badge ([a-z]+)">([^<]*)<', card).group(2)


def test_a_card_whose_event_exports_nothing_is_headed_not_exported_though_messages_leave():
    """delorean step 15: HTTP API exports, and its buffer sends that export on its own clock after
    the event (best effort): the headline is the verdict, the message is said under it, at its
    time; step 16 exports nothing and its event sends nothing."""
    result = run("delorean")
    assert not any(m.destination == "http-api" for m in result.steps[14].messages)
    assert any(m.destination == "http-api" for m in result.record(15).later_messages)
    assert headline(result, 15, "http-api") == "EXPORTED"
    assert "later, on its own clock (best effort at" in text_of(step_html(result, 15))
    assert headline(result, 16, "http-api") == "NOT EXPORTED"
    assert not any(m.destination == "http-api" for m in result.record(16).all_messages)


@pytest.mark.parametrize("name", dataset_names())
def test_every_cards_headline_is_its_verdict(name):
    """Exported when the event exported the profile, never 'messages sent' for another export's."""
    result = run(name)
    for index, step in enumerate(result.steps, start=1):
        for d in result.scenario.destinations:
            decisions = [x for x in step.decisions if x.destination == d.id and x.profile]
            shown = headline(result, index, d.id)
            if any(x.exported for x in decisions):
                assert shown == "EXPORTED", (index, d.id)
            elif decisions:
                assert shown in ("NOT EXPORTED", "NOTED FOR A FILE"), (index, d.id, shown)


def test_export_file_now_shows_a_batch_card_and_no_empty_payload():
    """newsletter_files step 9 and delorean step 20: Export file now writes files; there is no
    profile, no fields and no payload to anyone."""
    for name, index in (("newsletter_files", 9), ("delorean", 20)):
        result = run(name)
        assert result.steps[index - 1].event.kind == "export_now"
        text = text_of(step_html(result, index))
        assert "0 fields sent" not in text and "left out: see the payload" not in text
        assert not re.search(r"Payload to [^.]* for (Payloads|Delivery|$)", text)
        assert "Payloads" not in text
        batch = next(d.id for d in result.scenario.destinations if d.type == "batch")
        assert headline(result, index, batch).endswith("WRITTEN")


def test_messages_from_earlier_exports_are_not_listed_as_leaving_now():
    """A message that falls due on its buffer's clock after a step's event is listed after it, at
    its time, never as leaving now, on this step or on the next event's."""
    result = run("delorean")
    index = next(
        i for i, s in enumerate(result.steps, start=1) if result.record(i).later_messages and not s.messages
    )
    text = text_of(delivery_html(result.record(index), Names.of(result.scenario)))
    assert "Messages leaving now" not in text
    assert "Later, on the clock, before the next event" in text
    message = next(m for m in result.record(index).later_messages)
    assert message not in result.steps[index].messages  # nor on the next event's step


def test_the_end_of_the_scenario_says_when_the_platform_would_send():
    """streaming_media: the end flushes the advertising buffer at 18:11; the platform would send
    when its oldest export (18:00) has waited 1800 s, at 18:30."""
    result = run("streaming_media")
    text = text_of(delivery_html(result.record(len(result.steps)), Names.of(result.scenario)))
    assert "the scenario ends at 2 Jun 2025, 18:11 UTC, so the toolkit sends what waited" in text
    assert "the platform would send it at 2 Jun 2025, 18:30 UTC" in text
