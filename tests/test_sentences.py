"""The event in words, written once (exportkit.text.sentences): one table over every event kind,
the terminal's text and the step view's HTML drawn from the same parts, hostile names escaped."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import yaml

from exportkit.core.events import ACTIONS, Event
from exportkit.course.views.phrases import event_html, named_html, sentence_html
from exportkit.io.loader import build_scenario
from exportkit.text.sentences import Code, Named, Names, event_parts, event_text, named_text, sentence_text

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = yaml.safe_load((ROOT / "datasets" / "delorean.yaml").read_text(encoding="utf-8"))
TAG = re.compile(r"<[^>]*>")


def visible(parts) -> str:
    """What the view shows of a sentence: names alone (their ids are on hover), code as written."""
    return "".join(p if isinstance(p, str) else p.shown if isinstance(p, Named) else p.text for p in parts)


def event(raw: dict, data: dict = DELOREAN) -> tuple[Event, Names]:
    """`raw` as the loader makes it, in the DeLorean scenario (or `data`), with its names; an
    `enable` comes after the `disable` it needs, under the rule set that has both."""
    events = [{"disable": raw["enable"]}, raw] if "enable" in raw else [raw]
    scenario = build_scenario(data | {"events": events})
    return scenario.events[-1], Names.of(scenario)


LATEST = DELOREAN | {"rules": "latest"}  # the rule set that has every event kind


# (event as a scenario writes it, the terminal's line)
EVENTS = [
    pytest.param(
        {"profile": "marty", "qualify": "delorean-owners"},
        "Marty McFly (marty) qualifies for Customer with DeLorean Cars (delorean-owners)",
        id="qualify",
    ),
    pytest.param(
        {"profile": "doc", "exit": "delorean-owners"},
        "Emmett Brown (doc) exits Customer with DeLorean Cars (delorean-owners)",
        id="exit",
    ),
    pytest.param(
        {"profile": "marty", "set": {"loyalty.tier": "gold"}},
        'Marty McFly (marty): loyalty.tier is set to "gold"',
        id="set",
    ),
    pytest.param(
        {"profile": "marty", "set": {"loyalty.tier": None, "a.n": 150, "x.vip": True}},
        "Marty McFly (marty): loyalty.tier is set to null; a.n is set to 150; x.vip is set to true",
        id="set-three-values-as-json",
    ),
    pytest.param({"profile": "biff", "unset": ["loyalty.tier"]}, "Biff: loyalty.tier is removed", id="unset"),
    pytest.param(
        {"profile": "biff", "unset": ["loyalty.tier", "loyalty.points", "x.y"]},
        "Biff: loyalty.tier, loyalty.points and x.y are removed",
        id="unset-three",
    ),
    pytest.param(
        {"profile": "marty", "add_identity": {"phone": "+1555"}},
        "Marty McFly (marty) gains the identity phone +1555",
        id="add_identity",
    ),
    pytest.param(
        {"profile": "marty", "remove_identity": {"email": ["a@x", "b@x"]}},
        "Marty McFly (marty) loses the identities email a@x and email b@x",
        id="remove_identity-two",
    ),
    pytest.param(
        {"profile": "jennifer", "consent": "out"},
        "Jennifer Parker (jennifer) opts out of data use",
        id="consent",
    ),
    pytest.param(
        {"profile": "jennifer", "consent": "in"},
        "Jennifer Parker (jennifer) opts in to data use",
        id="consent-in",
    ),
    pytest.param({"evaluate": {}}, "The daily segment evaluation runs", id="evaluate"),
    pytest.param({"run": "s3"}, "A scheduled run of Amazon S3 (s3) starts now", id="run"),
    pytest.param({"export_now": "s3"}, "Export file now on Amazon S3 (s3)", id="export_now"),
    pytest.param(
        {"flush": "adnet"},
        "The buffers of Advertising network (adnet) are flushed: what waits leaves now",
        id="flush",
    ),
    pytest.param(
        {"activate_now": "adnet"},
        "Activate now on Advertising network (adnet) for every mapped segment",
        id="activate_now",
    ),
    pytest.param(
        {"activate_now": "adnet", "segments": ["delorean-owners"]},
        "Activate now on Advertising network (adnet) for Customer with DeLorean Cars (delorean-owners)",
        id="activate_now-chosen-segments",
    ),
    pytest.param({"disable": "s3"}, "The dataflow to Amazon S3 (s3) is disabled", id="disable"),
    pytest.param(
        {"enable": "adnet"}, "The dataflow to Advertising network (adnet) is enabled again", id="enable"
    ),
    pytest.param({"delete": "s3"}, "The dataflow to Amazon S3 (s3) is deleted", id="delete"),
]


def test_the_table_covers_every_event_kind():
    kinds = {next(k for k in p.values[0] if k != "profile") for p in EVENTS}
    assert kinds == set(ACTIONS)


@pytest.mark.parametrize(("raw", "text"), EVENTS)
def test_the_terminal_and_the_view_say_the_same_sentence(raw, text):
    ev, names = event(raw, LATEST)
    parts = event_parts(ev, names)
    assert event_text(ev, names) == sentence_text(parts) == text
    html = event_html(ev, names)
    assert html == sentence_html(parts)
    # The view shows the names alone (ids on hover): its visible text is the line without "(id)".
    assert unescape(TAG.sub("", html)) == visible(parts)
    for p in parts:
        if isinstance(p, Named):
            assert f'title="{p.kind} id: {p.id}"' in html
        elif isinstance(p, Code):
            assert f"<code>{p.text}</code>" in unescape(html)
    assert "<" not in text and "&" not in text


def test_the_view_marks_names_ids_and_code():
    ev, names = event({"profile": "marty", "set": {"loyalty.tier": "gold"}})
    assert event_html(ev, names) == (
        '<span class="ek-profile" title="profile id: marty" data-profile="marty">Marty McFly</span>: '
        "<code>loyalty.tier</code> is set to <code>&quot;gold&quot;</code>"
    )
    ev, names = event({"run": "s3"})
    assert event_html(ev, names) == (
        'A scheduled run of <span class="ek-destination" title="destination id: s3">Amazon S3</span>'
        " starts now"
    )


HOSTILE = "<script>alert('x')</script> \"Q\" & co"


def hostile_scenario() -> dict:
    """DeLorean with hostile names (ids are checked by the loader's pattern; names are free text)."""
    data = yaml.safe_load(yaml.safe_dump(DELOREAN))
    data["segments"][0]["name"] = HOSTILE  # delorean-owners
    data["destinations"][2]["name"] = HOSTILE  # s3
    data["profiles"][0]["attributes"]["person.name.firstName"] = HOSTILE  # marty
    return data


@pytest.mark.parametrize(
    "raw",
    [
        {"profile": "marty", "qualify": "delorean-owners"},
        {"profile": "marty", "set": {"loyalty.tier": "</code><script>'\"&"}},
        {"profile": "marty", "add_identity": {"email": "<i>@x"}},
        {"export_now": "s3"},
    ],
    ids=["names", "set-value", "identity", "destination"],
)
def test_hostile_names_and_values_are_escaped_in_html_and_left_alone_in_text(raw):
    ev, names = event(raw, hostile_scenario())
    html = event_html(ev, names)
    assert all(tag in {"span", "/span", "code", "/code"} for tag in re.findall(r"<(/?\w+)", html))
    assert "'" not in html and '"' not in TAG.sub("", html)  # quotes escaped outside the tags too
    text = event_text(ev, names)
    assert ("<script>" in text) or ("<i>" in text)  # the terminal shows the name as written
    assert unescape(TAG.sub("", html)) == visible(event_parts(ev, names))


def test_a_hostile_name_in_an_attribute_cannot_close_it():
    span = named_html(Named("profile", 'a" onmouseover="x', 'b" data-x="y'))
    assert span == (
        '<span class="ek-profile" title="profile id: b&quot; data-x=&quot;y" '
        'data-profile="b&quot; data-x=&quot;y">a&quot; onmouseover=&quot;x</span>'
    )


@pytest.mark.parametrize(
    ("named", "text"),
    [
        (Named("profile", "Marty McFly", "marty"), "Marty McFly (marty)"),
        (Named("profile", "Biff", "biff"), "Biff"),  # the name is the id: said once
        (Named("segment", "s1", "s1"), "s1"),  # an unnamed segment is its id
        (Named("destination", "Amazon S3", "s3"), "Amazon S3 (s3)"),
    ],
)
def test_a_name_in_the_terminal_has_its_id_in_brackets_when_they_differ(named, text):
    assert named_text(named) == text


def test_names_come_from_the_scenario_and_unknown_ids_are_their_own_names():
    names = Names.of(build_scenario(DELOREAN))
    assert names.profile("marty") == Named("profile", "Marty McFly", "marty")
    assert names.profile("biff").shown == "Biff"  # a first name and no last name
    assert names.segment("delorean-owners").shown == "Customer with DeLorean Cars"
    assert names.destination("nowhere") == Named("destination", "nowhere", "nowhere")


def test_an_event_kind_the_sentences_do_not_know_still_reads():
    ev, names = event({"profile": "marty", "qualify": "delorean-owners"})
    strange = ev._replace(kind="teleport", value={"to": 1955})
    assert event_text(strange, names) == 'Marty McFly (marty) teleport {"to": 1955}'
    assert "<code>{&quot;to&quot;: 1955}</code>" in event_html(strange, names)
    assert event_text(strange._replace(profile=None), names) == 'teleport {"to": 1955}'
