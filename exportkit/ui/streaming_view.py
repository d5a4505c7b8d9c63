"""The explorer: map segments and attributes, then step through the events.

Streaming destinations can be remapped (type, segments, attributes, namespaces); a batch
destination is shown as the scenario defines it, with its files at each step.

All the text it shows comes from `exportkit.explore.step_report`; the widget only wires controls
to it. `explorer.text` is what the page shows, so a test can drive the controls and read it.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from ..core.model import Scenario, StreamingSegmentDestination
from ..course.explore import (
    ReplayCache,
    attribute_paths,
    namespaces,
    step_report,
)
from ..io.loader import load_scenario

# Monospace, compact and wrapped: the HTML widget's own line height is made for prose.
REPORT_STYLE = (
    "font-family: monospace; font-size: 12.5px; line-height: 1.35; white-space: pre-wrap; margin: 0"
)


class StreamingExplorer:
    """Widgets: destination, type, mapped segments, attributes and namespaces, rule set; a
    stepper (previous / play / next) over activation and every event."""

    def __init__(self, scenario: Scenario | str | Path, destination: str | None = None, step: int = 0):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        choices = list(self.scenario.destinations)
        if not choices:
            raise ValueError(f"scenario {self.scenario.name} has no destination")
        self._cache = ReplayCache(self.scenario)
        first = next((d for d in choices if d.id == destination), choices[0])
        layout = w.Layout(width="auto")
        self.destination = w.Dropdown(
            options=[d.id for d in choices], value=first.id, description="Destination"
        )
        wide = {"description_width": "initial"}
        self.type = w.ToggleButtons(
            options=[
                ("Enterprise (streaming profile)", "streaming-profile"),
                ("Advertising (streaming segment)", "streaming-segment"),
                ("Batch (files)", "batch"),
            ],
            value=first.type,
            description="Type",
            style={"button_width": "auto", **wide},
        )
        self.segments = w.SelectMultiple(
            options=[s.id for s in self.scenario.segments],
            description="Segments",
            rows=5,
            layout=layout,
            style=wide,
        )
        self.attributes = w.SelectMultiple(
            options=attribute_paths(self.scenario),
            description="Attributes",
            rows=5,
            layout=layout,
            style=wide,
        )
        self.identities = w.SelectMultiple(
            options=namespaces(self.scenario), description="Namespaces", rows=4, layout=layout, style=wide
        )
        self.rules = w.ToggleButtons(
            options=["seed", "current"], value=self.scenario.rules, description="Rules"
        )
        n = len(self.scenario.events)
        self.step = w.IntSlider(value=min(step, n), min=0, max=n, description="Step", continuous_update=False)
        self.play = w.Play(value=self.step.value, min=0, max=n, interval=1200, description="Play")
        w.jslink((self.play, "value"), (self.step, "value"))
        self.previous = w.Button(description="Previous", icon="step-backward")
        self.next = w.Button(description="Next", icon="step-forward")
        # Stable CSS classes: the browser test (and anyone styling the demo) finds them by name.
        self.previous.add_class("exportkit-previous")
        self.next.add_class("exportkit-next")
        self.step.add_class("exportkit-step")
        self.previous.on_click(lambda _: self.go(-1))
        self.next.on_click(lambda _: self.go(+1))
        self.message = w.HTML()
        self.report = w.HTML()
        self.report.add_class("exportkit-report-box")
        self._quiet = False
        self._text = ""
        self._load(first.id)
        for control in (self.type, self.segments, self.attributes, self.identities, self.rules, self.step):
            control.observe(lambda _: self.refresh(), names="value")
        self.destination.observe(lambda change: self._load(change["new"]), names="value")
        self.widget = w.VBox(
            [
                w.HBox([self.destination, self.rules]),
                self.type,
                w.HBox([self.segments, self.attributes, self.identities]),
                w.HBox([self.previous, self.play, self.next, self.step]),
                self.message,
                self.report,
            ]
        )
        self.refresh()

    def _load(self, destination: str) -> None:
        d = self.scenario.destination(destination)
        self._quiet = True  # one replay for the new mapping, not one per control
        try:
            self.type.value = d.type
            self.segments.value = d.segment_ids
            self.attributes.value = tuple(a for a in d.attributes if a in self.attributes.options)
            self.identities.value = d.identities if isinstance(d, StreamingSegmentDestination) else ()
        finally:
            self._quiet = False
        self.refresh()

    def reset(self) -> None:
        """Put the chosen destination's mapping back as the scenario defines it."""
        self._load(self.destination.value)

    def go(self, delta: int) -> None:
        self.step.value = max(self.step.min, min(self.step.max, self.step.value + delta))

    @property
    def text(self) -> str:
        """The report the page shows now, as plain text."""
        return self._text

    def refresh(self) -> None:
        if self._quiet:
            return
        batch = self.type.value == "batch"
        self.identities.disabled = self.type.value != "streaming-segment"
        self.segments.disabled = self.attributes.disabled = batch
        try:
            result = self._cache.get(
                self.destination.value,
                self.type.value,
                self.segments.value,
                self.attributes.value,
                self.identities.value,
                self.rules.value,
            )
        except ValueError as err:
            self._text = f"Cannot replay: {err}."
            self.message.value = f"<b>{html.escape(self._text)}</b>"
            self.report.value = ""
            return
        self._text = step_report(result, self.step.value, self.destination.value)
        self.message.value = ""
        self.report.value = (
            f"<pre class='exportkit-report' style='{REPORT_STYLE}'>{html.escape(self._text)}</pre>"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


__all__ = ["REPORT_STYLE", "StreamingExplorer"]
