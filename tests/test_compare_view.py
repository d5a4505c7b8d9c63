"""The side-by-side table and the what-if widget, driven from code."""

from __future__ import annotations

from pathlib import Path

from exportkit import load_scenario, replay
from exportkit.course.compare import every_type
from exportkit.ui.compare_view import WhatIfView, matrix_frame, matrix_styler

DELOREAN = Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml"


def test_matrix_styler_is_stable_and_carries_tooltips():
    result = replay(every_type(load_scenario(DELOREAN), "http-api"))
    html = matrix_styler(result, uuid="t").to_html()
    assert html == matrix_styler(result, uuid="t").to_html()
    assert "T_t" in html
    assert "[E-S1] mapped attribute loyalty.tier overwritten" in html  # a tooltip
    verdicts, reasons, divergent = matrix_frame(result)
    assert list(verdicts.columns) == ["event", "enterprise", "advertising", "batch-full", "batch-incremental"]
    assert divergent[3] and not divergent[4]
    assert reasons.loc[3, "advertising"].startswith("[A3]")


def test_what_if_mapping_and_rules():
    view = WhatIfView(load_scenario(DELOREAN), "http-api")
    assert view.text == "A (scenario) and B (edited) export exactly the same."
    view.attributes.value = ("person.name.firstName",)
    assert view.text.startswith("37 difference(s) between A (scenario) and B (edited): 5 verdict(s)")
    view.mode.value = "rules"
    assert view.segments.disabled
    assert view.text.startswith("45 difference(s) between seed and current")
    view.mode.value = "mapping"
    view.segments.value = ()
    assert view.text == "Cannot compare: map at least one segment."


def test_matrix_narrows_to_steps_and_destinations():
    result = replay(load_scenario(DELOREAN))
    verdicts, _, divergent = matrix_frame(result, range(1, 8), ["http-api", "adnet"])
    assert list(verdicts.index) == list(range(1, 8))
    assert list(verdicts.columns) == ["event", "http-api", "adnet"]
    assert verdicts.loc[3, "adnet"] == "not exported · A3" and divergent[2]
