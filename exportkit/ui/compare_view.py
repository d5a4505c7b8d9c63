"""Tables and widgets for the side-by-side and what-if notebooks. The content comes from
`exportkit.compare`; this module only lays it out (pandas Styler, ipywidgets)."""

from __future__ import annotations

import html
from itertools import pairwise

import ipywidgets as w
import pandas as pd
from IPython.display import HTML

from ..core.engine import Replay, replay
from ..core.model import Scenario, StreamingSegmentDestination
from ..core.rulesets import RULE_SETS, settings_of
from ..course.compare import Difference, compare, compare_text, matrix
from ..course.explore import attribute_paths, remap, streaming_destinations
from .explorer import REPORT_STYLE, CheckList, keep_a_segment
from .options import WIDE
from .table_html import html_table

EXPORTED = "background-color: #dcfce7"
NOT_EXPORTED = "color: #6b7280"
FILE = "background-color: #dbeafe"
DIVERGENT = "border-left: 4px solid #f59e0b; background-color: #fef3c7"
# The event in words reads left to right and wraps within its column, so the verdicts stay in view.
EVENT = "text-align: left; white-space: normal; min-width: 16em; max-width: 36em"

# Each documentation version against the one before it: the rules modes of the comparison.
RULE_SET_PAIRS = list(pairwise(RULE_SETS.values()))


def matrix_frame(
    result: Replay, steps: range | None = None, destinations: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, list[bool]]:
    """The matrix as a frame of verdicts, a frame of reasons (the tooltips), and the divergent
    flag of each row; `steps` and `destinations` narrow it."""
    ids, rows = matrix(result)
    ids = [i for i in ids if destinations is None or i in destinations]
    rows = [r for r in rows if steps is None or r["step"] in steps]
    index = pd.Index([r["step"] for r in rows], name="step")
    verdicts = pd.DataFrame(
        [[r["event"]] + [r["cells"][i].verdict for i in ids] for r in rows],
        index=index,
        columns=["event", *ids],
    )
    reasons = pd.DataFrame(
        [[""] + [r["cells"][i].reasons for i in ids] for r in rows], index=index, columns=["event", *ids]
    )
    return verdicts, reasons, [r["divergent"] for r in rows]


def matrix_html(result: Replay, steps: range | None = None, destinations: list[str] | None = None) -> HTML:
    """The matrix as a table: green where exported, blue where a file was made, amber rows where
    the destinations diverge, and every cell's reasons as its tooltip."""
    verdicts, reasons, divergent = matrix_frame(result, steps, destinations)
    styles = pd.DataFrame("", index=verdicts.index, columns=verdicts.columns)
    for i, step in enumerate(verdicts.index):
        styles.loc[step, "event"] = EVENT + ("; " + DIVERGENT if divergent[i] else "")
        for col in verdicts.columns[1:]:
            value = verdicts.loc[step, col]
            if value.startswith("file"):
                styles.loc[step, col] = FILE
            elif value.startswith("exported"):
                styles.loc[step, col] = EXPORTED
            elif value:
                styles.loc[step, col] = NOT_EXPORTED
    return html_table(verdicts, styles, reasons)


def differences_frame(differences: list[Difference], label_a: str, label_b: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "step": d.step,
                "destination": d.destination,
                "profile": d.profile or "-",
                "what": d.what,
                label_a: d.a,
                label_b: d.b,
            }
            for d in differences
        ],
        columns=["step", "destination", "profile", "what", label_a, label_b],
    )


class WhatIfView:
    """Two mappings of one destination (or two rule sets), compared by what they export.

    Mapping A is the scenario's; mapping B is edited with the controls. `text` is the comparison
    the page shows."""

    def __init__(self, scenario: Scenario, destination: str | None = None):
        self.scenario = scenario
        choices = streaming_destinations(scenario)
        first = next((d for d in choices if d.id == destination), choices[0])
        self.destination = w.Dropdown(
            options=[d.id for d in choices], value=first.id, description="Destination", style=WIDE
        )
        self.mode = w.ToggleButtons(
            options=[("Mapping A vs mapping B", "mapping")]
            + [(f"{a.label} vs {b.label}", f"{a.id}:{b.id}") for a, b in RULE_SET_PAIRS],
            value="mapping",
            description="Compare",
            tooltips=["the scenario's mapping against the one you edit"]
            + [f"{a.title} against {b.title}" for a, b in RULE_SET_PAIRS],
            # buttons as wide as their words: none is cut off
            style={"button_width": "auto", **WIDE},
            layout=w.Layout(width="auto"),
        )
        self.segments = CheckList(
            [s.id for s in scenario.segments], "B segments", {s.id: s.name for s in scenario.segments}
        )
        self.attributes = CheckList(attribute_paths(scenario), "B attributes")
        self.message = w.HTML()
        self.report = w.HTML()
        self._text = ""
        self._quiet = False
        self._load()
        for control in (self.mode, self.segments, self.attributes):
            control.observe(lambda _: self.refresh(), names="value")
        self.destination.observe(lambda _: self._load(), names="value")
        self.widget = w.VBox(
            [
                w.HBox([self.destination, self.mode], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.segments, self.attributes]),
                self.message,
                self.report,
            ]
        )

    def _load(self) -> None:
        d = self.scenario.destination(self.destination.value)
        self._quiet = True
        try:
            self.segments.value = d.segment_ids
            self.attributes.value = tuple(a for a in d.attributes if a in self.attributes.options)
            self._last_segments = self.segments.value
        finally:
            self._quiet = False
        self.refresh()

    @property
    def text(self) -> str:
        return self._text

    def differences(self) -> tuple[list[Difference], str, str]:
        keep = self.destination.value
        if self.mode.value != "mapping":  # two rule sets, for the destination picked, as in mapping mode
            older, newer = (settings_of(r) for r in self.mode.value.split(":"))
            both = compare(replay(self.scenario, older.id), replay(self.scenario, newer.id))
            return [x for x in both if x.destination == keep], older.label, newer.label
        d = self.scenario.destination(self.destination.value)
        b = remap(
            self.scenario,
            d.id,
            d.type,
            self.segments.value,
            self.attributes.value,
            d.identities if isinstance(d, StreamingSegmentDestination) else (),
        )
        return (
            [x for x in compare(replay(self.scenario), replay(b)) if x.destination == keep],
            "A (scenario)",
            "B (edited)",
        )

    def refresh(self) -> None:
        if self._quiet:
            return
        self.segments.disabled = self.attributes.disabled = self.mode.value != "mapping"
        self.notice = ""
        if not self.segments.value:  # a dataflow maps at least one segment: refuse in place
            kept = keep_a_segment(self)
            self.notice = (
                f"Mapping B keeps {', '.join(kept)}: a dataflow maps at least one segment. "
                "Tick another segment first to replace it."
            )
        self._last_segments = self.segments.value
        diffs, a, b = self.differences()
        self._text = compare_text(diffs, a, b)
        self.message.value = f"<div class='ek-notice'>{html.escape(self.notice)}</div>" if self.notice else ""
        self.report.value = (
            f"<pre class='exportkit-report' style='{REPORT_STYLE}'>{html.escape(self._text)}</pre>"
        )

    def _ipython_display_(self) -> None:
        from .static import show

        show(self.widget, "What if: two mappings side by side")


__all__ = ["WhatIfView", "differences_frame", "matrix_frame", "matrix_html"]
