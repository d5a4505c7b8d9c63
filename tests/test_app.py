"""The demo app: deep links (`?scenario=…&step=…`) and the widget, driven from code as the browser
drives it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml as _yaml

from exportkit.io.library import DemoRequest, dataset_names, dataset_path, parse_query
from exportkit.ui.app import App, from_query_string

# The number of DeLorean events, so that adding events to the scenario does not break this file.
DELOREAN_EVENTS = len(
    _yaml.safe_load((Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml").read_text())[
        "events"
    ]
)


NAMES = ["backfill", "delorean"]


@pytest.mark.parametrize(
    ("query", "scenario", "step", "destination"),
    [
        pytest.param("", "delorean", 0, None, id="empty"),
        pytest.param("scenario=backfill", "backfill", 0, None, id="scenario-only"),
        pytest.param("?scenario=delorean&step=4", "delorean", 4, None, id="leading-question-mark"),
        pytest.param("step=7&scenario=backfill&destination=ads", "backfill", 7, "ads", id="any-order"),
        pytest.param("scenario=delorean&voila-theme=dark", "delorean", 0, None, id="voila-keys-ignored"),
        pytest.param("scenario=backfill&scenario=delorean", "delorean", 0, None, id="last-wins"),
        pytest.param(None, "delorean", 0, None, id="no-query-at-all"),
    ],
)
def test_parse_query(query, scenario, step, destination):
    assert parse_query(query, NAMES) == DemoRequest(scenario, step, destination)


def test_parse_query_reads_profile_and_rules():
    request = parse_query("scenario=delorean&profile=marty&rules=current", NAMES)
    assert (request.profile, request.rules, request.notices) == ("marty", "current", ())


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        pytest.param(
            "scenario=nope",
            "Unknown scenario 'nope': choose one of backfill, delorean. Showing delorean.",
            id="unknown-scenario",
        ),
        pytest.param(
            "step=four",
            "Step 'four' is not a whole number of 0 or more. Showing step 0.",
            id="step-not-a-number",
        ),
        pytest.param(
            "step=-1", "Step '-1' is not a whole number of 0 or more. Showing step 0.", id="negative-step"
        ),
        pytest.param(
            "step=%C2%B2",
            "Step '²' is not a whole number of 0 or more. Showing step 0.",
            id="superscript-two",
        ),
        pytest.param(
            "step=%D9%A3", "Step '٣' is not a whole number of 0 or more. Showing step 0.", id="arabic-digit"
        ),
        pytest.param(
            "rules=newest",
            "Rules 'newest' are not seed, current or latest. Showing the scenario's own rules.",
            id="unknown-rules",
        ),
        pytest.param(
            "scenario=../etc/passwd",
            "Unknown scenario '../etc/passwd': choose one of backfill, delorean. Showing delorean.",
            id="no-paths",
        ),
    ],
)
def test_bad_values_become_one_clear_notice_and_the_default(query, notice):
    request = parse_query(query, NAMES)
    assert request.notices == (notice,)
    assert (request.scenario, request.step) in {("delorean", 0)}


def test_the_library_lists_the_datasets():
    names = dataset_names()
    assert "delorean" in names
    assert dataset_path("delorean").name == "delorean.yaml"
    with pytest.raises(KeyError):
        dataset_path("no-such-scenario")


def test_a_link_opens_the_scenario_at_the_step():
    app = from_query_string("scenario=delorean&step=4")
    assert app.notice == ""
    assert app.picker.value == "delorean"
    assert app.text.startswith(f"Step 4 of {DELOREAN_EVENTS}")
    assert "Marty McFly (marty): loyalty.points is set to 150\n" in app.text


def test_next_in_the_app_is_next_in_the_explorer():
    app = from_query_string("scenario=delorean&step=0")
    app.explorer.next.click()
    assert "Marty McFly (marty) qualifies for Customer with DeLorean Cars (delorean-owners)\n" in app.text
    assert "http-api marty: EXPORTED" in app.text
    assert "[E-T1]" in app.text


def test_unknown_scenario_says_so_and_shows_the_default():
    app = from_query_string("scenario=nope&step=2")
    assert app.notice.startswith("Unknown scenario 'nope'")
    assert "Unknown scenario &#x27;nope&#x27;" in app.notice_box.value  # escaped HTML
    assert app.text.startswith(f"Step 2 of {DELOREAN_EVENTS}")


def test_step_past_the_end_is_clamped_and_said():
    app = from_query_string("scenario=backfill&step=99")
    assert app.notice == "Step 99 is past the last step of backfill (4). Showing step 4."
    assert app.text.startswith("Step 4 of 4")


def test_unknown_destination_is_said_and_the_first_is_shown():
    app = from_query_string("scenario=streaming_media&destination=tv")
    assert app.notice == (
        "Unknown destination 'tv' in streaming_media: choose one of analytics, ad-platform, social."
    )
    assert app.explorer.destination.value == "analytics"


def test_a_destination_in_the_link_is_selected():
    app = from_query_string("scenario=streaming_media&destination=ad-platform&step=1")
    assert "ad-platform lee: EXPORTED" in app.text
    assert "[S-T4]" in app.text


def test_picking_another_scenario_opens_it_at_step_0():
    app = App("delorean", step=5)
    app.picker.value = "b2b_leads"
    assert app.text.startswith("Step 0 of 10: activation")
    assert app.notice == ""
    assert app.body.children == (app.explorer.widget,)


def test_a_scenario_that_cannot_be_opened_is_said_not_raised(tmp_path):
    (tmp_path / "broken.yaml").write_text("name: broken\nsegments: []\n", encoding="utf-8")
    app = App("broken", folder=tmp_path)
    assert app.explorer is None
    assert app.text.startswith("Cannot open broken: ")
    assert "required key 'profiles' is missing" in app.text
    assert app.body.children == ()


def test_stable_css_classes_for_the_browser():
    app = App()
    assert "exportkit-next" in app.explorer.next._dom_classes
    assert "exportkit-previous" in app.explorer.previous._dom_classes
    assert "exportkit-notice" in app.notice_box._dom_classes
    assert 'class="ek-step"' in app.explorer.view.content


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("scenario=microbatching&destination=adnet&step=5&profile=marty", id="everything"),
        pytest.param("scenario=delorean&destination=s3&step=20", id="batch"),
        pytest.param("scenario=delorean&destination=http-api&step=3&rules=current", id="rules"),
    ],
)
def test_the_address_is_a_link_that_reopens_the_same_view(query):
    app = from_query_string(query, sync_address=True)
    assert app.notice == ""
    assert app.explorer.view.address == app.address == query
    assert app.explorer.view.sync_address
    again = from_query_string(app.address)
    assert (again.text, shown(again.explorer.view)) == (app.text, shown(app.explorer.view))


def shown(view):
    """What a step view shows: its frame, its step and the step the page marks."""
    return view.frame, view.content, view.step


def test_the_address_follows_next_destination_and_profile():
    app = from_query_string("scenario=delorean", sync_address=True)
    app.explorer.next.click()
    assert app.explorer.view.address == "scenario=delorean&destination=http-api&step=1"
    app.explorer.destination.value = "adnet"
    app.explorer.profile.value = "marty"
    assert app.explorer.view.address == "scenario=delorean&destination=adnet&step=1&profile=marty"


def test_a_warm_app_follows_a_visitors_link():
    app = App(sync_address=True)  # what the demo's preheated kernel builds before anyone arrives
    app.follow("scenario=backfill&step=2&profile=nobody")
    assert app.picker.value == "backfill" and app.text.startswith("Step 2 of 4")
    assert app.notice.startswith("Unknown profile 'nobody' in backfill")
    assert app.explorer.view.address == "scenario=backfill&destination=webhook&step=2"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="no-link"),
        pytest.param("scenario=delorean&destination=adnet&step=13&profile=jennifer", id="deep-link"),
        pytest.param("scenario=delorean&destination=s3&step=20&rules=current", id="batch-current"),
        pytest.param("scenario=delorean&step=99&profile=nobody", id="refused-parts"),
    ],
)
def test_a_warm_app_reuses_its_explorer_and_shows_what_a_fresh_app_shows(query):
    """The demo's warm kernel built the default scenario's explorer before the visitor came: a link
    to the same scenario reuses it (no second set of widgets for the page to fetch), even after a
    change to its mapping, and the view is exactly the one a fresh app opens."""
    app = App(sync_address=True)
    warm = app.explorer
    warm.attributes.value = warm.attributes.value[:1]
    warm.profile.value = "marty"
    app.follow(query)
    fresh = from_query_string(query, sync_address=True)
    assert app.explorer is warm
    assert (app.text, app.notice, app.address, shown(warm.view), warm.play.value) == (
        fresh.text,
        fresh.notice,
        fresh.address,
        shown(fresh.explorer.view),
        fresh.explorer.play.value,  # the page links play to the slider, play first
    )


def test_another_scenario_replaces_the_explorer_and_closes_its_widgets():
    app = App(sync_address=True)
    old = app.explorer
    app.follow("scenario=backfill&step=2")
    assert app.explorer is not old and app.text.startswith("Step 2 of 4")
    assert old.widget.comm is None and old.next.comm is None
    assert next(iter(old.segments.boxes.values())).comm is None
    assert old.play.comm is None and old.view.comm is None
