"""The side-by-side table and the what-if widget, driven from code."""

from __future__ import annotations

import re
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


def _counts(text: str, a: str, b: str) -> tuple[dict[str, int], list[str]]:
    """The header's counts, checked against the lines listed, and each difference's B side."""
    header, *lines = text.splitlines()
    found = re.fullmatch(
        rf"(\d+) difference\(s\) between {re.escape(a)} and {re.escape(b)}: (\d+) verdict\(s\), "
        r"(\d+) payload field\(s\), (\d+) file row or column\(s\)",
        header,
    )
    assert found, header
    total, verdict, field, file = map(int, found.groups())
    assert total == verdict + field + file == sum(line.startswith("step ") for line in lines)
    return {"verdict": verdict, "field": field, "file": file}, [
        line for line in lines if line.startswith(f"  {b}: ")
    ]


def test_what_if_mapping_and_rules():
    view = WhatIfView(load_scenario(DELOREAN), "http-api")
    assert view.text == "A (scenario) and B (edited) export exactly the same."
    view.attributes.value = ("person.name.firstName",)
    counts, b_sides = _counts(view.text, "A (scenario)", "B (edited)")
    # Unmapping attributes stops the exports their changes triggered (E-T4) and drops them from
    # the payloads (E-I3); the batch destination is another dataflow, its files do not move.
    assert counts["verdict"] == sum("not exported: [E-T4]" in b for b in b_sides) > 0
    assert counts["field"] == sum("[E-I3] attribute not mapped: never sent" in b for b in b_sides) > 0
    assert counts["file"] == 0
    view.mode.value = "rules"
    assert view.segments.disabled
    counts, _ = _counts(view.text, "seed", "current")
    # The DeLorean scenario is decided alike by both rule sets; what differs is what is sent:
    # payload segments (E-I1', A7) and file rows.
    assert counts["verdict"] == 0 and counts["field"] > 0 and counts["file"] > 0
    view.mode.value = "mapping"
    view.segments.value = ()
    assert view.text == "Cannot compare: map at least one segment."


def test_matrix_narrows_to_steps_and_destinations():
    result = replay(load_scenario(DELOREAN))
    verdicts, _, divergent = matrix_frame(result, range(1, 8), ["http-api", "adnet"])
    assert list(verdicts.index) == list(range(1, 8))
    assert list(verdicts.columns) == ["event", "http-api", "adnet"]
    assert verdicts.loc[3, "adnet"] == "not exported · A3" and divergent[2]
