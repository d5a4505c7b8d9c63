"""The explorer: pick a destination, change its mapping, step through the events, follow a profile.

Controls that cannot trap: segments, attributes and namespaces are checkboxes (a plain click adds
or removes one); the type switch offers only the types that apply (a batch destination keeps its
files, and says so in place); unticking the last mapped segment is refused with a sentence, never
an empty report. What the page shows is `exportkit.course.views.page.explorer_html` in a `StepView`
(its fixed frame once per replay, the step on every move);
`explorer.text` is the same step as plain text (`exportkit.course.explore.step_report`), so a test
can drive the controls and read it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets
from ipywidgets.widgets.widget_bool import CheckboxStyle

from ..core.model import AnyDestination, Scenario, StreamingSegmentDestination
from ..core.rulesets import RULE_SETS
from ..course.explore import (
    ReplayCache,
    attribute_paths,
    change_destination,
    mapping_changes,
    namespaces,
    step_report,
)
from ..io.loader import load_scenario
from ..text.sentences import Names
from .options import WIDE, OptionsForm, option_changes
from .step_view import StepView

# Monospace, compact and wrapped: the plain-text views (the quiz) use it.
# word-break: JupyterLab's output area gives a <pre> `break-all`, which cut words anywhere; this
# wraps between words and breaks a word only when it alone is wider than the box
REPORT_STYLE = (
    "font-family: monospace; font-size: 12.5px; line-height: 1.35; white-space: pre-wrap; margin: 0; "
    "word-break: normal; overflow-wrap: anywhere"
)
STREAMING_CHOICES = [
    ("Enterprise (whole profiles)", "streaming-profile"),
    ("Advertising (segments)", "streaming-segment"),
]


class CheckList(w.VBox):
    """Checkboxes for a set of choices; `value` is the tuple of ticked ones, in option order."""

    value = traitlets.Tuple()
    disabled = traitlets.Bool(False)

    def __init__(self, options: Sequence[str], title: str, labels: dict[str, str] | None = None):
        self.options = tuple(options)
        labels = labels or {}
        # One layout and one style for all the boxes: each is a model the page fetches and builds
        # on load, and they are all alike.
        layout, style = w.Layout(width="auto", height="22px"), CheckboxStyle()
        self.boxes = {
            o: w.Checkbox(
                value=False,
                description=labels.get(o, o),
                indent=False,
                tooltip=o,
                layout=layout,
                style=style,
            )
            for o in self.options
        }
        head = w.HTML(f"<b>{html.escape(title)}</b>")
        super().__init__(
            [head, *self.boxes.values()], layout=w.Layout(min_width="200px", margin="0 12px 0 0")
        )
        self._syncing = False
        for o, box in self.boxes.items():
            box.observe(lambda change, o=o: self._ticked(), names="value")

    def _ticked(self) -> None:
        if not self._syncing:
            self.value = tuple(o for o in self.options if self.boxes[o].value)

    @traitlets.observe("value")
    def _show(self, change: dict[str, Any]) -> None:
        self._syncing = True
        try:
            for o, box in self.boxes.items():
                box.value = o in change["new"]
        finally:
            self._syncing = False

    @traitlets.observe("disabled")
    def _disable(self, change: dict[str, Any]) -> None:
        for box in self.boxes.values():
            box.disabled = change["new"]


class Explorer:
    """The explorer of one scenario, for any of its destinations (streaming or batch). Widgets:
    destination, rule set and profile pickers; previous / play / next over activation and every
    event; the mapping folded below; the view."""

    def __init__(
        self,
        scenario: Scenario | str | Path,
        destination: str | None = None,
        step: int = 0,
        profile: str | None = None,
        rules: str | None = None,
    ):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        choices = list(self.scenario.destinations)
        if not choices:
            raise ValueError(f"scenario {self.scenario.name} has no destination")
        self._cache = ReplayCache(self.scenario)
        names = Names.of(self.scenario)
        first = next((d for d in choices if d.id == destination), choices[0])
        self.destination = w.Dropdown(
            options=[(names.destinations[d.id], d.id) for d in choices],
            value=first.id,
            description="Destination",
            style=WIDE,
            layout=w.Layout(width="auto"),
        )
        self.rules = w.ToggleButtons(
            options=[(s.label, s.id) for s in RULE_SETS.values()],
            value=rules or self.scenario.rules,
            description="Rules",
            tooltips=[s.versions for s in RULE_SETS.values()],
            style={"button_width": "auto", **WIDE},
            layout=w.Layout(width="auto", margin="0 12px"),
        )
        people = [(names.profiles[p.id], p.id) for p in self.scenario.profiles]
        known = {p.id for p in self.scenario.profiles}
        self.profile = w.Dropdown(
            options=[("(none)", ""), *people],
            value=profile if profile in known else "",
            description="Profile story",
            style=WIDE,
            layout=w.Layout(width="auto"),
        )
        self.type = w.ToggleButtons(
            options=STREAMING_CHOICES, value=None, description="Type", style={"button_width": "auto", **WIDE}
        )
        self.type_note = w.HTML()
        self.segments = CheckList(
            [s.id for s in self.scenario.segments], "Segments", {s.id: s.name for s in self.scenario.segments}
        )
        self.attributes = CheckList(attribute_paths(self.scenario), "Attributes")
        self.identities = CheckList(namespaces(self.scenario), "Namespaces")
        n = len(self.scenario.events)
        self.step = w.IntSlider(
            value=min(step, n),
            min=0,
            max=n,
            description="Step",
            continuous_update=False,
            layout=w.Layout(width="360px"),
        )
        self.play = w.Play(value=self.step.value, min=0, max=n, interval=1500, tooltip="Play the steps")
        self.previous = w.Button(description="Previous", icon="step-backward", tooltip="Previous step")
        self.next = w.Button(description="Next", icon="step-forward", tooltip="Next step")
        for button in (self.previous, self.next):
            button.layout = w.Layout(width="auto")
        # Stable CSS classes: the browser test (and anyone styling the demo) finds them by name.
        self.previous.add_class("exportkit-previous")
        self.next.add_class("exportkit-next")
        self.step.add_class("exportkit-step")
        self.previous.on_click(lambda _: self.go(-1))
        self.next.on_click(lambda _: self.go(+1))
        self.message = w.HTML()
        self.message.add_class("exportkit-message")
        self.view = StepView(step=self.step.value, profile=self.profile.value)
        self.view.add_class("exportkit-view")
        # Linked in the kernel, not in the page: a page-side link (jslink) answered every step the
        # kernel set with a second message back to the kernel, which queued the next click behind it.
        self._links = (
            w.link((self.play, "value"), (self.step, "value")),
            w.dlink((self.step, "value"), (self.view, "step")),
            w.link((self.profile, "value"), (self.view, "profile")),
        )
        self.view.observe(self._clicked, names="step")
        self.options = OptionsForm()
        self.options.on_change(self.refresh)
        self.changes: dict[str, Any] = {}  # what the reader changed in the destination
        self.edits: dict[str, dict[str, Any]] = {}  # the reader's changes of each destination, kept
        self.mapping = w.Accordion(
            [
                w.VBox(
                    [
                        w.HBox([self.type, self.type_note]),
                        w.HBox([self.segments, self.attributes, self.identities]),
                        w.HTML("<b>Options of this type</b>"),
                        self.options.widget,
                    ]
                )
            ],
            selected_index=None,
            titles=("Mapping and options of this destination (click to change)",),
        )
        self.mapping.add_class("exportkit-mapping")
        self._quiet = False
        self._link_note = ""
        self._load(first.id)
        self.type.observe(self._retyped, names="value")
        for control in (self.type, self.segments, self.attributes, self.identities, self.rules, self.step):
            control.observe(lambda _: self.refresh(), names="value")
        self.profile.observe(lambda _: self.refresh(), names="value")
        # another destination and back: each keeps what the reader changed in it
        self.destination.observe(
            lambda change: self._load(change["new"], self.edits.get(change["new"])), names="value"
        )
        self.widget = w.VBox(
            [
                w.HBox([self.destination, self.rules, self.profile], layout=w.Layout(flex_flow="row wrap")),
                w.HBox(
                    [self.previous, self.play, self.next, self.step], layout=w.Layout(flex_flow="row wrap")
                ),
                self.mapping,
                self.message,
                self.view,
            ]
        )
        self.widget.add_class("exportkit-explorer")
        self.refresh()

    def _load(self, destination: str, changes: dict[str, Any] | None = None) -> None:
        """Show `destination` as the scenario defines it, with `changes` (a link's) applied."""
        base = self.scenario.destination(destination)
        d: AnyDestination = base
        note = ""
        if changes:
            try:
                d = change_destination(self.scenario, destination, changes).destination(destination)
            except (ValueError, KeyError) as err:
                note = f"The link's options cannot apply to {destination}: {err}"
        was_quiet, self._quiet = self._quiet, True  # one replay for the new mapping, not one per control
        try:
            batch = d.type == "batch"
            self.type.options = [("Batch (files)", "batch")] if batch else STREAMING_CHOICES
            self.type.value = d.type
            self.type_note.value = (
                "<span style='color:#57606a'>A batch destination makes files; notebook 03 compares "
                "the three types side by side.</span>"
                if batch
                else ""
            )
            self.segments.value = d.segment_ids
            self.attributes.value = tuple(a for a in d.attributes if a in self.attributes.options)
            self.identities.value = d.identities if isinstance(d, StreamingSegmentDestination) else ()
            self._last_segments = self.segments.value
            self.options.load(d)
        finally:
            self._quiet = was_quiet
        self._link_note = note
        self.refresh()

    def _retyped(self, change: dict[str, Any]) -> None:
        """Another streaming type: its options, with the values the destination has for them."""
        if not self._quiet and change["new"]:
            was_quiet, self._quiet = self._quiet, True
            try:
                self.options.load(self.scenario.destination(self.destination.value), change["new"])
            finally:
                self._quiet = was_quiet

    def show(
        self,
        destination: str | None = None,
        step: int = 0,
        profile: str | None = None,
        rules: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        """Open this view as a link asks (a destination as the scenario defines it with the link's
        `changes`, the step, the profile, the rule set), with one replay and one rendering."""
        self._quiet = True
        try:
            self.rules.value = rules or self.scenario.rules
            self.profile.value = profile or ""
            self.step.value = min(step, self.step.max)  # the play button follows (linked)
            if destination is None:
                destination = self.destination.options[0][1]
            if self.destination.value != destination:
                self.destination.value = destination  # reloads the mapping (quietly)
            self._load(destination, changes)
        finally:
            self._quiet = False
        self.refresh()

    def reset(self) -> None:
        """Put the chosen destination's mapping back as the scenario defines it."""
        self.edits.pop(self.destination.value, None)
        self._load(self.destination.value)

    def go(self, delta: int) -> None:
        self.step.value = max(self.step.min, min(self.step.max, self.step.value + delta))

    @property
    def text(self) -> str:
        """The report the page shows now, as plain text."""
        return step_report(self.result, self.step.value, self.destination.value)

    def query(self) -> dict[str, str]:
        """What a link to this view holds (the app adds the scenario)."""
        out = {"destination": self.destination.value, "step": str(self.step.value)}
        if self.rules.value != self.scenario.rules:
            out["rules"] = self.rules.value
        if self.profile.value:
            out["profile"] = self.profile.value
        if self.changes:
            out["options"] = json.dumps(self.changes, separators=(",", ":"))
        return out

    def refresh(self) -> None:
        if self._quiet:
            return
        note = ""
        if not self.segments.value and self.type.value != "batch":
            # A dataflow maps at least one segment: refuse the click in place, keep a report.
            kept = keep_a_segment(self)
            note = (
                "A dataflow maps at least one segment, so "
                + ", ".join(kept)
                + (" stays" if len(kept) == 1 else " stay")
                + " mapped. Tick another segment first to replace it."
            )
        self._last_segments = self.segments.value
        batch = self.type.value == "batch"
        self.identities.disabled = self.type.value != "streaming-segment"
        self.segments.disabled = batch  # a batch destination's segments are its files (the options)
        destination = self.destination.value
        base = self.scenario.destination(destination)
        changes = mapping_changes(
            self.scenario,
            destination,
            self.type.value,
            base.segment_ids if batch else self.segments.value,
            self.attributes.value,
            self.identities.value,
        )
        changes.update(option_changes(base, self.type.value, self.options.values()))
        try:
            result = self._cache.get(destination, changes, self.rules.value)
            self.changes = self.edits[destination] = changes
        except ValueError as err:  # the reader's change makes no valid destination: say why
            note = f"{note} This change is not a valid destination: {err}".strip()
            result = getattr(self, "result", None) or self._cache.get(destination, {}, self.rules.value)
        if self._link_note:
            note = f"{self._link_note} {note}".strip()
            self._link_note = ""
        self.result = result
        self.message.value = f"<div class='ek-notice'>{html.escape(note)}</div>" if note else ""
        self.notice = note
        # The view and the address it shows reach the page in one message: a reader of the page
        # never sees the new step under the old address.
        with self.view.hold_sync():
            self.view.show(result, self.step.value, self.destination.value, self.profile.value or None)
            self.changed()

    def _clicked(self, change: dict) -> None:
        """A click in the view (a timeline cell, a story row) moves the slider; the page gets the
        new step before the slider's and the play button's own updates, which wait behind it."""
        with self.step.hold_sync(), self.play.hold_sync():
            self.step.value = change["new"]

    def changed(self) -> None:
        """Called after every refresh; the app sets the address here."""

    def close(self) -> None:
        """Close every widget of this explorer and unlink the kernel-side links between them."""
        for link in self._links:
            link.unlink()
        self.view.unobserve(self._clicked, names="step")
        _close_tree(self.widget)

    def _ipython_display_(self) -> None:
        from .static import show

        show(self.widget, f"Explorer of {self.scenario.name}")


def keep_a_segment(view: Any) -> tuple[str, ...]:
    """A dataflow maps at least one segment: when the last one is unticked, tick back what the
    view mapped before (else the first option) without running its `refresh` again, and return
    it. `view` has `segments` (a CheckList), `_last_segments` and the `_quiet` flag."""
    kept = tuple(view._last_segments or view.segments.options[:1])
    view._quiet = True
    try:
        view.segments.value = kept
    finally:
        view._quiet = False
    return kept


def _close_tree(widget: w.Widget) -> None:
    """Close `widget` and every widget inside it (boxes' children, an accordion's pages)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


__all__ = ["REPORT_STYLE", "Explorer"]
