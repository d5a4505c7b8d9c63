"""The pure HTML views: every step of every bundled dataset renders with names, coloured verdicts,
rule statements and delivery; no Python repr, no traceback."""

from __future__ import annotations

import re
from functools import cache
from html import escape, unescape

import pytest

from exportkit.core.engine import Replay, replay
from exportkit.core.rules import RULES
from exportkit.core.rulesets import RULE_SETS
from exportkit.course.views.page import (
    SLOT,
    explorer_frame,
    explorer_html,
    explorer_step,
    glossary_html,
    profile_html,
    profile_steps,
    report_html,
)
from exportkit.course.views.parts import chip
from exportkit.course.views.rulebook import parse_rulebook, rulebook
from exportkit.course.views.step import diff_html, lookup, step_html, value_html
from exportkit.course.views.timeline import outcome, outcomes, timeline_html
from exportkit.io.library import dataset_names, dataset_path
from exportkit.io.loader import load_scenario

REPR = re.compile(r"\{'|\['|Reason\(|Decision\(|<exportkit|object at 0x|Traceback|Cannot replay")


@cache
def run(name: str, rules: str | None = None) -> Replay:
    return replay(load_scenario(dataset_path(name)), rules=rules)


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("rules", list(RULE_SETS))
@pytest.mark.parametrize("name", dataset_names())
def test_every_step_of_every_dataset_renders_without_a_repr(name, rules):
    result = run(name, rules)
    for i in range(len(result.steps) + 1):
        html = step_html(result, i)
        assert f'data-step="{i}"' in html
        assert not REPR.search(text_of(html)), (name, i, REPR.search(text_of(html)))
        assert html.count('class="ek-card ') == len(result.scenario.destinations)


@pytest.mark.parametrize(
    ("markdown", "rule", "label", "text"),
    [
        pytest.param(
            "- **E-T1**: A change triggers. [PEB]", "E-T1", "", "A change triggers. [PEB]", id="plain"
        ),
        pytest.param("- **E-I1' (current)**: mapped ones.", "E-I1'", "(current)", "mapped ones.", id="label"),
        pytest.param(
            "- **C3**: Status values:\n  - `realized`: new.\n\nnext",
            "C3",
            "",
            "Status values:\n- `realized`: new.",
            id="continued",
        ),
        pytest.param("- **A15 (new)**: a new reading.", "A15", "(new)", "a new reading.", id="new-ambiguity"),
        pytest.param(
            "- **B-T8 (identity), older**: no.\n- **B-T8 (identity), current**: yes.",
            "B-T8",
            "",
            "(identity), older: no.\n(identity), current: yes.",
            id="stated-twice",
        ),
    ],
)
def test_parse_rulebook(markdown, rule, label, text):
    st = parse_rulebook(markdown)[rule]
    assert (st.label, st.text) == (label, text)


def test_every_catalogued_rule_has_its_statement_from_the_reference():
    book = rulebook()
    for rule, title in RULES.items():
        assert book[rule].text != title, f"{rule}: no statement in docs/export-rules.md"


@pytest.mark.parametrize(
    ("rule", "kind", "words"),
    [
        pytest.param("E-T1", "documented", "changes in at least one audience mapped", id="documented"),
        pytest.param("A7", "ambiguity", "toolkit's reading of an ambiguity", id="ambiguity"),
        pytest.param(
            "E-I1'", "documented", '<span class="ek-tip-source">V5 documentation', id="current-source"
        ),
        pytest.param(
            "E-I1", "documented", '<span class="ek-tip-source">older documentation', id="older-source"
        ),
        pytest.param(
            "A2", "ambiguity", '<span class="ek-tip-source">toolkit&#x27;s reading', id="reading-source"
        ),
    ],
)
def test_a_chip_holds_the_rule_statement(rule, kind, words):
    html = chip(rule)
    assert f'class="ek-chip {kind}"' in html
    assert words in html


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("person.name.firstName", (True, "Marty"), id="nested"),
        pytest.param("segmentMembership.ups.a-b", (True, {"status": "realized"}), id="segment"),
        pytest.param("identityMap.email", (True, [{"id": "m@x"}]), id="identity"),
        pytest.param("loyalty.tier", (False, None), id="absent"),
        pytest.param("person.name.firstName.x", (False, None), id="past-a-leaf"),
    ],
)
def test_lookup(path, expected):
    payload = {
        "person": {"name": {"firstName": "Marty"}},
        "segmentMembership": {"ups": {"a-b": {"status": "realized"}}},
        "identityMap": {"email": [{"id": "m@x"}]},
    }
    assert lookup(payload, path) == expected


def test_a_value_never_wraps_inside_a_member():
    html = value_html({"status": "realized", "lastQualificationTime": "2025-03-03T09:01:00Z"})
    assert (
        '<span class="ek-nw">&quot;lastQualificationTime&quot;: &quot;2025-03-03T09:01:00Z&quot;</span>'
        in html
    )


def test_the_diff_highlights_what_changed_and_folds_the_rest():
    before = {"segments": {}, "attributes": {"a": 1, "b": "x"}, "identities": {}, "consent": "in"}
    after = {
        "segments": {"s": "realized"},
        "attributes": {"a": 1, "b": "x"},
        "identities": {},
        "consent": "in",
    }
    html = diff_html(before, after, {"b"})
    shown, folded = html.split("<details>")
    assert "segment s" in shown and "(overwritten with the same value)" in shown and ">b<" in shown
    assert "3 unchanged fields" not in shown and "2 unchanged fields" in folded
    assert ">a<" in folded and ">consent<" in folded


def test_the_delorean_first_step_speaks_in_names_with_ids_on_hover():
    html = step_html(run("delorean"), 1)
    assert 'title="profile id: marty"' in html and ">Marty McFly</span> qualifies for" in html
    assert 'title="segment id: delorean-owners">Customer with DeLorean Cars</span>' in html
    assert 'class="ek-badge exported">EXPORTED' in html
    assert 'class="ek-badge noted">NOTED FOR A FILE' in html  # s3: incremental file (B-T6)
    assert "Payload to" in html and 'class="ek-left"' in html  # left-out fields greyed


@pytest.mark.parametrize(
    ("name", "step", "destination", "expected"),
    [
        pytest.param("delorean", 1, "http-api", "exported", id="exported"),
        pytest.param("delorean", 3, "http-api", "exported", id="exported-then-sent-on-the-clock"),
        pytest.param("delorean", 4, "http-api", "none", id="step-3-s-message-is-not-on-step-4"),
        pytest.param("delorean", 1, "s3", "noted", id="noted-for-incremental-file"),
        pytest.param("delorean", 20, "s3", "file", id="export-file-now"),
        pytest.param("delorean", 9, "adnet", "none", id="not-exported"),
        pytest.param("microbatching", 7, "adnet", "sent", id="flush"),
    ],
)
def test_outcome(name, step, destination, expected):
    assert outcome(run(name).record(step), destination) == expected


def test_the_timeline_has_a_cell_per_step_and_destination_and_marks_the_current_step():
    result = run("delorean")
    html = timeline_html(result, 3)
    cells = re.findall(r'class="ek-cell (\w+)( ek-current)?" href="#step-(\d+)"', html)
    assert len(cells) == (len(result.steps) + 1) * len(result.scenario.destinations)
    assert {int(s) for _, cur, s in cells if cur} == {3}


def test_a_file_written_and_a_change_noted_at_one_step_show_both():
    """Step 29 of delorean: Doc's qualification at 16:00 is noted for the next file, and at 17:00,
    before the next event, Amazon S3 writes its scheduled files. The cell's colour is the file;
    its title says both; Doc's story says his change was noted."""
    result = run("delorean")
    assert (
        outcomes(result.record(29), "s3") == ["file", "noted"] and outcome(result.record(29), "s3") == "file"
    )
    html = timeline_html(result)
    assert (
        'class="ek-cell file" href="#step-29" data-step="29" '
        'title="Step 29: Amazon S3: file written, noted for a file"' in html
    )
    row = next(r for r in profile_html(result, "doc").split("<tr ") if r.startswith('data-step="29"'))
    assert 'class="ek-badge noted"' in row  # it said NOT EXPORTED: the cell's colour was the file


def test_a_scheduled_file_is_on_the_step_it_follows_not_on_the_next_event_s():
    """The 17:00 files of day 1 fall due after step 21 (16:30) and before step 22 (08:00 the
    next day): step 21's column and card show them, at 17:00; step 22's do not."""
    result = run("delorean")
    assert outcomes(result.record(21), "s3") == ["file"] and outcomes(result.record(22), "s3") == ["noted"]
    card21 = text_of(step_html(result, 21, focus="s3"))
    assert "Later, on the clock, before the next event" in card21 and "17:00" in card21
    assert "Files written" not in text_of(step_html(result, 22))


def test_the_microbatching_flush_step_lists_the_messages_it_sends():
    result = run("microbatching")
    last = len(result.steps)
    assert result.steps[-1].event.kind == "flush"
    text = text_of(step_html(result, last))
    assert "Messages leaving now" in text
    assert "<b>Why then:</b> flush." in step_html(result, last)  # the glossary's words (SEND_WORDS)
    assert "1 MESSAGE SENT" in text  # the flush's own: the 09:32 one left on step 6's clock


def test_the_profile_view_lists_every_event_of_the_profile():
    result = run("delorean")
    html = profile_html(result, "marty")
    mine = [i for i, s in enumerate(result.steps, start=1) if s.event.profile == "marty"]
    assert set(mine) <= set(profile_steps(result, "marty"))
    for i in mine:
        assert f'<tr data-step="{i}">' in html
    assert "The story of" in html and "Marty McFly" in html


def test_the_glossary_names_every_rule_family_and_destination_type():
    text = text_of(glossary_html())
    for words in ("E rules", "S rules", "B rules", "M rules", "A rules", "Batch files", "toolkit's reading"):
        assert words in text


def test_the_explorer_view_holds_timeline_step_and_story():
    html = explorer_html(run("delorean"), 2, focus="adnet", profile="doc")
    assert html.startswith("<style>") and "ek-timeline" in html and "The story of" in html
    assert 'class="ek-card exported focus" data-destination="adnet"' in html


def test_the_explorer_frame_is_the_same_at_every_step_and_the_step_holds_the_rest():
    """What a widget sends once per replay and what it sends on every move: together the page."""
    result = run("delorean")
    frame = explorer_frame(result)
    step = explorer_step(result, 2, focus="adnet", profile="doc")
    assert frame.count(SLOT) == 1 and ' ek-current"' not in frame
    assert "<style>" not in step and "ek-timeline" not in step and "ek-glossary" not in step
    assert explorer_html(result, 2, "adnet", "doc") == explorer_frame(result, 2).replace(
        SLOT, f'<div class="ek-slot">{step}</div>'
    )


def test_the_report_is_one_self_contained_page_with_every_step():
    result = run("delorean")
    html = report_html(result)
    assert html.startswith("<!DOCTYPE html>")
    for i in range(len(result.steps) + 1):
        assert f'id="step-{i}"' in html and f'href="#step-{i}"' in html
    body = html.split("<body>")[1]
    assert "<script" not in html and "src=" not in html and "://" not in body
    assert not REPR.search(text_of(html))


def test_every_message_trigger_has_its_words():
    from typing import get_args

    from exportkit.core.aggregation import SEND_WORDS, SendTrigger

    assert set(SEND_WORDS) == set(get_args(SendTrigger))
    html = step_html(run("microbatching"), 0)  # the 09:00 message, after the activation
    assert "<b>Why then:</b> best effort." in html and "best_effort" not in text_of(html)


@pytest.mark.parametrize(
    ("step", "destination", "says"),
    [
        pytest.param(3, "http-api", ["1 message because of this event (count reached)"], id="count-reached"),
        pytest.param(7, "adnet", ["1 message because of this event (flush)"], id="flush"),
        pytest.param(
            6,
            "adnet",
            ["1 message later, on its own clock (window age at 3 Mar 2025, 09:32 UTC)"],
            id="window-age-after-the-event",
        ),
        pytest.param(
            6,
            "http-api",
            ["1 message later, on its own clock (best effort at 3 Mar 2025, 09:31 UTC)"],
            id="best-effort-after-the-event",
        ),
    ],
)
def test_a_card_says_which_messages_left_because_of_the_event_and_which_on_their_own_clock(
    step, destination, says
):
    """A card tells the messages its event sent (the flush's, M1; a count reached) from those
    that left on their buffer's own clock after it, before the next event, with why and when."""
    result = run("microbatching")
    cards = re.findall(
        r'<div class="ek-card [^"]*" data-destination="([^"]+)">(.*?)</div></div>', step_html(result, step)
    )
    card = unescape(re.sub(r"<[^>]+>", "", dict(cards)[destination]))
    for line in says:
        assert line in card
    assert card.count("message") >= len(says)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        ("2025-03-03T09:13:00Z", "3 Mar 2025, 09:13 UTC"),
        ("2025-03-10T23:59:30Z", "10 Mar 2025, 23:59:30 UTC"),  # seconds only when there are some
        ("2025-03-03T10:13:00+01:00", "3 Mar 2025, 09:13 UTC"),  # any clock, said in UTC
    ],
)
def test_a_time_reads_as_a_date_and_a_clock_with_its_iso_form_on_hover(moment, shown):
    from datetime import UTC, datetime

    from exportkit.course.views.phrases import when_html

    html = when_html(datetime.fromisoformat(moment))
    stamp = datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert html == f'<time class="ek-nw" datetime="{stamp}" title="{stamp}">{shown}</time>'


def test_no_view_prints_a_bare_iso_time():
    """Times in the step view, the story, the reasons and the report read as dates (`when_html`):
    an ISO time appears only in a `datetime` or `title` attribute, or in a value the profile holds
    (a field's value, a payload's JSON)."""
    for name in ("delorean", "microbatching", "newsletter_files"):
        result = run(name)
        html = report_html(result)
        shown = re.sub(r'(datetime|title)="[^"]*"', "", html)
        shown = re.sub(r'<code class="ek-val">.*?</code>|<pre>.*?</pre>', "", shown, flags=re.S)  # data
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text_of(shown)), name


@pytest.mark.parametrize(
    ("dataset", "kind", "listed"),
    [
        ("backfill", "evaluate", "segment newsletter: 2 memberships realized -> existing"),
        ("microbatching", "flush", None),  # the sentence, the cards and Delivery say it
        ("delorean", "run", None),
        ("delorean", "export_now", None),
    ],
)
def test_what_changed_lists_only_what_an_event_changed(dataset, kind, listed):
    result = run(dataset)
    index = next(i for i, s in enumerate(result.steps, 1) if s.event.kind == kind)
    html = step_html(result, index)
    if listed:
        assert "What changed" in html and f"<li>{escape(listed)}</li>" in html
    else:
        assert "What changed" not in html and f"<li>{kind} " not in html


@pytest.mark.parametrize(
    ("step", "shown"),
    [
        (
            25,
            'segment <span class="ek-segment" title="segment id: bttf-watchers">Watched &quot;Back',
        ),
        (25, '<code title="segment membership status">existing</code> -&gt; '),
        (20, 'concerns <span class="ek-destination" title="destination id: s3">Amazon S3</span> only'),
        (3, 'mapped attribute <code title="attribute">loyalty.tier</code> overwritten'),
        (5, 'identity <code title="identity namespace">phone</code>:+15550100 added'),
    ],
)
def test_a_reason_shows_its_values_by_kind_with_ids_on_hover(step, shown):
    """A reason's values in HTML: segments and destinations by name (id on hover), attribute paths,
    namespaces and statuses as code that says what they are; the text says the same with ids."""
    assert shown in step_html(run("delorean"), step)
