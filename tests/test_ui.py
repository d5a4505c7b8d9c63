"""The explorer widgets, driven from code as the notebooks drive them: a wiring regression fails
here fast, before nbval."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit.io.loader import load_scenario
from exportkit.ui import Explorer

DELOREAN = Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml"


@pytest.fixture
def explorer() -> Explorer:
    return Explorer(DELOREAN)


def test_opens_on_activation(explorer):
    n = len(explorer.scenario.events)
    assert explorer.text.startswith(f"Step 0 of {n}: activation")
    assert "[E-T6]" in explorer.text


def test_next_and_previous_move_one_step_within_bounds(explorer):
    n = len(explorer.scenario.events)
    explorer.next.click()
    assert explorer.text.startswith(f"Step 1 of {n}")
    explorer.previous.click()
    explorer.previous.click()
    assert explorer.step.value == 0
    explorer.step.value = explorer.step.max
    explorer.next.click()
    assert explorer.step.value == n


def test_a_step_shows_its_event_the_states_and_the_explained_decision(explorer):
    explorer.step.value = 5
    text = explorer.text
    assert text.startswith(
        f"Step 5 of {len(explorer.scenario.events)} at 2025-03-03T09:05:00Z: "
        "Marty McFly (marty) gains the identity phone +15550100\n"
    )
    assert "before:\n" in text and "identities: ecid=11111, email=marty@example.com, phone=+15550100" in text
    assert "http-api marty: EXPORTED\n    [E-T2] identity phone:+15550100 added" in text
    assert "+ identityMap.phone [E-I2]" in text and "- loyalty.points [E-I3]" in text


def test_unmapping_an_attribute_changes_the_verdict(explorer):
    explorer.step.value = 3
    assert "http-api marty: EXPORTED" in explorer.text
    explorer.attributes.value = ("person.name.firstName",)
    assert "http-api marty: not exported" in explorer.text
    assert "[E-T4]" in explorer.text
    explorer.reset()
    assert "http-api marty: EXPORTED" in explorer.text


def test_changing_the_type_applies_the_other_rules(explorer):
    explorer.step.value = 5  # a phone number is added
    assert "http-api marty: EXPORTED" in explorer.text
    explorer.type.value = "streaming-segment"
    explorer.identities.value = ("email",)
    assert "http-api marty: not exported" in explorer.text
    assert "[S-T2]" in explorer.text


def test_switching_destination_loads_its_mapping(explorer):
    explorer.destination.value = "adnet"
    assert explorer.type.value == "streaming-segment"
    assert explorer.identities.value == ("email",)
    assert not explorer.identities.disabled


def test_unticking_the_last_segment_is_refused_in_place(explorer):
    explorer.step.value = 1
    explorer.segments.value = ("delorean-owners",)
    explorer.segments.boxes["delorean-owners"].value = False  # the click a learner makes
    assert explorer.segments.value == ("delorean-owners",)
    assert explorer.notice.startswith("A dataflow maps at least one segment, so delorean-owners stays")
    assert "http-api marty: EXPORTED" in explorer.text  # the report stays a report
    assert "Cannot replay" not in explorer.text and "ek-notice" in explorer.message.value


def test_a_plain_click_on_a_checkbox_adds_one_segment(explorer):
    before = explorer.segments.value
    explorer.segments.boxes["bttf-watchers"].value = True
    assert set(explorer.segments.value) == {*before, "bttf-watchers"}
    assert explorer.notice == ""


def test_the_view_follows_the_controls(explorer):
    explorer.step.value = 4
    assert 'class="ek-step" data-step="4"' in explorer.view.content
    explorer.view.step = 6  # a click on the timeline
    assert explorer.step.value == 6 and explorer.text.startswith("Step 6 of ")
    explorer.profile.value = "doc"
    assert "The story of" in explorer.view.content and explorer.view.profile == "doc"
    assert explorer.query() == {"destination": "http-api", "step": "6", "profile": "doc"}


def test_the_play_button_and_the_slider_hold_the_same_step_in_the_kernel(explorer):
    """Linked in the kernel: a click moves the play button with no message back from the page,
    and a tick of the play button moves the view."""
    explorer.view.step = 5  # a click on the timeline
    assert explorer.play.value == explorer.step.value == 5
    explorer.play.value = 7  # a tick of the play button in the page
    assert explorer.step.value == explorer.view.step == 7
    assert 'class="ek-step" data-step="7"' in explorer.view.content


def test_rule_set_switch(explorer):
    explorer.step.value = 1
    assert "scifi-fans [E-I1]" in explorer.text
    explorer.rules.value = "current"
    assert "scifi-fans [E-I1']" in explorer.text


def test_refuses_a_scenario_without_destinations():
    scenario = load_scenario(DELOREAN)
    nothing = scenario.model_copy(update={"destinations": ()})
    with pytest.raises(ValueError, match="has no destination"):
        Explorer(nothing)


def test_a_batch_destination_shows_its_files_and_offers_its_options(explorer):
    explorer.destination.value = "s3"
    assert explorer.type.value == "batch"
    assert [value for _, value in explorer.type.options] == ["batch"]  # only what applies
    assert "notebook 03 compares" in explorer.type_note.value  # and why, in place
    assert explorer.segments.disabled  # its files per segment are options
    assert explorer.changes == {}
    assert "a batch destination sends nothing at activation" in explorer.text
    result = explorer._cache.get("s3", {}, "seed")
    first = next(i for i, s in enumerate(result.steps) if s.files) + 1
    explorer.step.value = first
    assert " s3 file Amazon_S3_segment" in explorer.text
    assert "Files written" in explorer.view.content
    explorer.destination.value = "http-api"
    assert [value for _, value in explorer.type.options] == ["streaming-profile", "streaming-segment"]
    assert explorer.type_note.value == ""


def test_a_batch_only_scenario_can_be_explored():
    explorer = Explorer(DELOREAN.parent / "newsletter_files.yaml")
    assert explorer.destination.value == "mailer"
    explorer.step.value = 1
    assert "mailer file Email_Platform_newsletter" not in explorer.text  # made before step 1's event
    explorer.step.value = 0  # the 06:00 and 07:00 files: after the activation, at their own time
    assert "mailer file Email_Platform_newsletter" in explorer.text


def test_a_step_view_alone_moves_on_a_timeline_click():
    from exportkit import replay
    from exportkit.ui.step_view import StepView

    result = replay(load_scenario(DELOREAN.parent / "microbatching.yaml"))
    view = StepView.of(result, len(result.steps), focus="adnet")
    assert "Messages leaving now" in view.content and 'data-destination="adnet"' in view.content
    frame = view.frame
    view.step = 1  # what the front end sets on a click
    assert 'class="ek-step" data-step="1"' in view.content
    view.profile = "marty"
    assert "The story of" in view.content
    assert view.frame is frame  # the fixed parts are not sent again


def test_a_click_reaches_the_page_before_the_controls_that_follow_it(explorer):
    """Each message is one more hop from the kernel to the page: the step a click asked for goes
    first, the slider's and the play button's new values after it."""
    sent = []
    for name, widget in (("view", explorer.view), ("slider", explorer.step), ("play", explorer.play)):
        widget.comm.send = lambda data, buffers=None, name=name: sent.append(
            (name, data["method"], sorted(data.get("state", {})))
        )
    explorer.view.set_state({"step": 9})  # what the page sends on a click
    updates = [(name, state) for name, method, state in sent if method == "update"]
    assert updates[0] == ("view", ["content"])
    assert sorted(updates[1:]) == [("play", ["value"]), ("slider", ["value"])]
    assert explorer.step.value == explorer.play.value == 9


def test_a_click_sends_the_step_and_not_the_fixed_parts(explorer):
    """The page's frame (style sheet, legend, timeline, glossary) changes only with the replay:
    a step move sends the step alone; another mapping sends the new timeline."""
    sent = []
    explorer.view.observe(lambda change: sent.append(change["name"]), names=["frame", "content"])
    explorer.step.value = 3
    explorer.view.step = 5
    explorer.profile.value = "doc"
    assert sent == ["content", "content", "content"]
    explorer.segments.value = explorer.segments.value[:1]
    assert sent[3:4] == ["frame"]  # the new timeline (and the step, if it reads otherwise)
    assert ' ek-current"' not in explorer.view.frame  # the page marks the step itself


def test_a_step_has_one_source_the_kernels_answer_to_a_click(explorer):
    """The page holds the frame and the one step the kernel sent (no copy of other steps): a click
    sets `step`, and the kernel answers with that step as `explorer_step` draws it."""
    from exportkit.course.views.page import explorer_step

    view = explorer.view
    synced = {name for name in view.keys if not name.startswith("_")} - {"layout", "tabbable", "tooltip"}
    assert synced == {"frame", "content", "step", "profile", "address", "sync_address"}
    for n in (0, 7, 31):
        view.set_state({"step": n})  # what the page sends on a click
        assert view.content == explorer_step(explorer.result, n, explorer.destination.value, None)


def test_a_destinations_mapping_edits_survive_choosing_another_and_back(explorer):
    """Notebook 01: unmap an attribute of the HTTP API, look at the advertising network, come
    back: the HTTP API is still as the reader left it (it was rebuilt from the scenario)."""
    explorer.step.value = 3
    explorer.attributes.value = ("person.name.firstName",)
    assert "http-api marty: not exported" in explorer.text
    explorer.destination.value = "adnet"
    assert explorer.changes == {}  # the advertising network as the scenario defines it
    explorer.destination.value = "http-api"
    assert explorer.attributes.value == ("person.name.firstName",)
    assert "http-api marty: not exported" in explorer.text and "[E-T4]" in explorer.text
    assert explorer.changes == {"attributes": ["person.name.firstName"]}
    explorer.reset()  # reset forgets them
    explorer.destination.value = "adnet"
    explorer.destination.value = "http-api"
    assert "http-api marty: EXPORTED" in explorer.text
