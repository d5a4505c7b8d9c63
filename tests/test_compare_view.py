"""The side-by-side table and the what-if widget, driven from code."""

from __future__ import annotations

import re
from pathlib import Path

from exportkit import load_scenario, replay
from exportkit.course.compare import every_type
from exportkit.ui.compare_view import WhatIfView, matrix_frame, matrix_html

from .factories import SEGMENTS, make_profile, make_scenario

DELOREAN = Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml"


def test_the_matrix_is_stable_and_its_colours_and_tooltips_are_on_the_cells():
    """Inline styles and title attributes: an untrusted notebook's sanitizer keeps them (it drops
    a <style> element), and the browser's own tooltip is never clipped by the output area."""
    result = replay(every_type(load_scenario(DELOREAN), "http-api"))
    html = matrix_html(result).data
    assert html == matrix_html(result).data
    assert "<style" not in html and " id=" not in html and "class=" not in html
    assert "title='[E-S1] mapped attribute loyalty.tier overwritten" in html  # a tooltip
    assert "background-color: #dcfce7'" in html and "border-left: 4px solid #f59e0b" in html
    verdicts, reasons, divergent = matrix_frame(result)
    assert list(verdicts.columns) == ["event", "enterprise", "advertising", "batch-full", "batch-incremental"]
    assert divergent[3] and not divergent[4]
    assert reasons.loc[3, "advertising"].startswith("[A3]")


def _counts(text: str, a: str, b: str) -> tuple[dict[str, int], list[str]]:
    """The header's counts, checked against the lines listed, and each difference's B side."""
    header, *lines = text.splitlines()
    found = re.fullmatch(
        rf"([\d,]+) differences? between {re.escape(a)} and {re.escape(b)}: ([\d,]+) verdicts?, "
        r"([\d,]+) payload fields?, ([\d,]+) file rows? or columns?",
        header,
    )
    assert found, header
    total, verdict, field, file = (int(g.replace(",", "")) for g in found.groups())
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
    view.mode.value = "seed:current"
    assert view.segments.disabled
    counts, _ = _counts(view.text, "older documentation", "V5 documentation")
    # Both rule sets decide alike; what differs is what is sent (E-I1', A7), and only for the
    # destination picked: the rules mode honours the picker too (the batch files are s3's).
    assert counts["verdict"] == 0 and counts["field"] > 0 and counts["file"] == 0
    listed = {line.split()[2] for line in view.text.splitlines()[1:] if line.startswith("step ")}
    assert listed == {"http-api"}
    view.destination.value = "adnet"
    listed = {line.split()[2] for line in view.text.splitlines()[1:] if line.startswith("step ")}
    assert listed == {"adnet"}
    view.mode.value = "mapping"
    view.segments.value = ()  # unticking the last segment is refused in place
    assert view.segments.value == ("delorean-owners", "city-dallas")
    assert view.notice.startswith("Mapping B keeps delorean-owners, city-dallas: a dataflow maps")
    assert "export exactly the same" in view.text


def test_what_if_values_print_as_json():
    view = WhatIfView(load_scenario(DELOREAN), "http-api")
    view.mode.value = "seed:current"
    fields = [line for line in view.text.splitlines() if line.startswith("  ")]
    assert fields and not any("{'" in line or "['" in line for line in fields)
    assert any('{"status": "existing"' in line for line in fields)


def test_matrix_narrows_to_steps_and_destinations():
    result = replay(load_scenario(DELOREAN))
    verdicts, _, divergent = matrix_frame(result, range(1, 8), ["http-api", "adnet"])
    assert list(verdicts.index) == list(range(1, 8))
    assert list(verdicts.columns) == ["event", "http-api", "adnet"]
    assert verdicts.loc[3, "adnet"] == "not exported · A3" and divergent[2]


def test_names_and_values_in_the_table_are_text_never_markup():
    """A name or an identity value from the scenario file, with markup and quotes, reaches the page
    as text: escaped in the event cell (HTML), escaped in the tooltip (a CSS string in `<style>`)."""
    segments = [{**s, "name": '<i>"VIP" & co</i>'} if s["id"] == "s2" else s for s in SEGMENTS]
    profile = make_profile(
        attributes={"person.name.firstName": "<b>Zoë</b>", "person.name.lastName": "O'Hara"}
    )
    scenario = make_scenario(
        [{"profile": "p", "qualify": "s2"}, {"profile": "p", "add_identity": {"email": ['x"</style><b>']}}],
        segments=segments,
        profiles=[profile],
    )
    html = matrix_html(replay(scenario)).data
    assert "<b>" not in html and "<i>" not in html and "</style><b>" not in html
    assert (
        "&lt;b&gt;Zoë&lt;/b&gt; O&#x27;Hara (p) qualifies for "
        "&lt;i&gt;&quot;VIP&quot; &amp; co&lt;/i&gt; (s2)" in html
    )
    assert "x&quot;&lt;/style&gt;&lt;b&gt;" in html  # the identity value in a tooltip, escaped
