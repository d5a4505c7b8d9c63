"""The first view the demo's server writes into its page (exportkit.course.views.first_view): the
same frame and step as the live view, every step as data a click shows, one copy of the code the
widget runs too, and names that cannot break out of the page's script."""

from __future__ import annotations

import json
import re
from functools import cache
from html import unescape

import pytest

from exportkit.core.engine import Replay, replay
from exportkit.course.views.first_view import (
    FIRST_VIEW_ID,
    FIRST_VIEW_MIME,
    first_view_html,
    script_data,
)
from exportkit.course.views.page import explorer_html, explorer_step
from exportkit.course.views.script import STEP_JS
from exportkit.io.library import dataset_path
from exportkit.io.loader import load_scenario
from exportkit.ui import App
from exportkit.ui.step_view import ESM
from tests.factories import SEGMENTS, make_scenario

DATA = re.compile(r'<script type="application/json" class="ek-first-steps">(.*?)</script>', re.S)
SHADOW = re.compile(r'<template shadowrootmode="open">(.*?)</template>', re.S)


@cache
def run(name: str) -> Replay:
    return replay(load_scenario(dataset_path(name)))


def steps_in(html: str) -> list[str]:
    found = DATA.findall(html)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.mark.parametrize(
    ("name", "step", "focus", "profile"),
    [
        pytest.param("delorean", 0, None, None, id="delorean-activation"),
        pytest.param("delorean", 13, "adnet", "jennifer", id="delorean-deep-link"),
        pytest.param("microbatching", 3, "adnet", None, id="microbatching-flush"),
    ],
)
def test_every_step_is_in_the_page_and_the_asked_one_is_shown(name, step, focus, profile):
    result = run(name)
    html = first_view_html(result, step, focus, profile)
    expected = [explorer_step(result, i, focus, profile) for i in range(len(result.steps) + 1)]
    assert steps_in(html) == expected  # a click shows exactly what the kernel would send
    shadow = SHADOW.findall(html)
    assert shadow and explorer_html(result, step, focus, profile) in shadow[0]  # the live view's HTML
    assert shadow[0].count('class="ek-step"') == 1 and f'class="ek-step" data-step="{step}"' in shadow[0]
    marked = re.findall(r'class="ek-cell [a-z]+ ek-current" href="#step-(\d+)"', shadow[0])
    assert marked == [str(step)] * len(result.scenario.destinations)
    assert f'id="{FIRST_VIEW_ID}" data-step="{step}"' in html


def test_names_are_escaped_and_cannot_end_the_pages_script():
    hostile = '</script><script>alert(1)</script><!-- & "q"'
    scenario = make_scenario(
        description=f"<b>{hostile}</b>",
        segments=[{**SEGMENTS[0], "name": hostile}, *SEGMENTS[1:]],
        events=[{"at": "2025-03-03T10:00:00Z", "profile": "p", "exit": "s1"}],
    )
    result = replay(scenario)
    html = first_view_html(result, 1, notices=(f"Unknown profile '{hostile}'",))
    # The two scripts the view writes, and no other: a name cannot open or close one.
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "<!--" not in DATA.findall(html)[0]
    assert steps_in(html) == [explorer_step(result, i) for i in range(2)]
    assert "alert(1)" in unescape(html) and "<script>alert(1)" not in html.replace("<script>(() =>", "")
    assert "&lt;b&gt;&lt;/script&gt;" in html  # the description, as text


def test_script_data_reads_back_as_the_same_value():
    value = ["</script>", "<!-- x -->", "a</b>", "\u2028"]
    text = script_data(value)
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == value


def test_the_page_and_the_widget_run_one_copy_of_the_step_code():
    html = first_view_html(run("delorean"), 2)
    assert STEP_JS in html and STEP_JS in ESM
    # Outside the shared code, neither marks the timeline nor reads a click on its own.
    for code in (ESM.replace(STEP_JS, ""), html.replace(STEP_JS, "")):
        assert "classList.add" not in code and "closest(" not in code


def test_the_demo_app_gives_its_first_view_as_the_templates_mime_type():
    app = App(sync_address=True)
    app.follow("scenario=delorean&destination=adnet&step=13&profile=jennifer&rules=nope")
    bundle = app.first_view()
    assert list(bundle) == [FIRST_VIEW_MIME]
    html = bundle[FIRST_VIEW_MIME]
    assert 'data-step="13" data-scenario="delorean"' in html
    assert "The story of Jennifer Parker" in re.sub(r"<[^>]+>", "", html)
    assert re.search(r'class="ek-card [a-z ]*focus" data-destination="adnet"', html)
    assert app.notice and all(line.replace("'", "&#x27;") in html for line in app.notice.splitlines())
