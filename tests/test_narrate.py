"""`render_step`: one step as the verbose text, its event in the same words as the timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit import load_scenario, render_step, replay

DELOREAN = Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml"


@pytest.fixture(scope="module")
def result():
    return replay(load_scenario(DELOREAN))


@pytest.mark.parametrize(
    ("number", "first", "decision"),
    [
        pytest.param(
            1,
            "Step 1 at 2025-03-03T09:01:00Z: Marty McFly (marty) qualifies for Customer with DeLorean Cars "
            "(delorean-owners)",
            "  http-api marty: EXPORTED",
            id="qualify",
        ),
        pytest.param(
            3,
            'Step 3 at 2025-03-03T09:03:00Z: Marty McFly (marty): loyalty.tier is set to "platinum"',
            "  adnet marty: not exported",
            id="set",
        ),
    ],
)
def test_a_step_opens_with_its_event_in_words(result, number, first, decision):
    lines = render_step(result, number, payload=False)
    assert lines[0] == first
    assert decision in lines


@pytest.mark.parametrize("number", [0, -1, 10_000])
def test_a_step_outside_the_replay_is_refused(result, number):
    with pytest.raises(
        ValueError, match=rf"step {number}: the replay has steps 1 to \d+ \(step 0, the activation"
    ):
        render_step(result, number)


def test_a_step_on_one_destination_shows_that_destinations_decisions_only():
    """Disabling the advertising network's dataflow concerns it alone: the CRM's "disable concerns
    adnet only" line (E-T5) is not what the step is about, and is left out as in the timeline."""
    lesson = replay(load_scenario(DELOREAN.parent / "lessons" / "documentation_2026.yaml"))
    number = next(i + 1 for i, s in enumerate(lesson.steps) if s.event.kind == "disable")
    text = "\n".join(render_step(lesson, number, payload=False))
    assert "adnet: disabled" in text and "[L1]" in text
    assert "crm" not in text and "concerns adnet only" not in text
