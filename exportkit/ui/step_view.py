"""The step view as a widget: the HTML of `exportkit.course.views` in a small anywidget, whose
front end (`step_view.js`, styled by `step_view.css`) turns clicks into traits (a timeline cell or a
story row sets `step`, a profile's name sets `profile`), keeps the address bar in step with the view
(`address`, when `sync_address`) and copies the link. Everything it shows comes from the pure views;
this file only wires it.

A click sends only what changed: the page's fixed parts (`frame`: style sheet, legend, timeline,
glossary) travel once per replay, the step (`content`) on every move, and the page marks the current
step on the timeline itself. So a click replaces a few kilobytes of the page, not the whole of it,
and the style sheet is never parsed again (a new one would make the browser restyle the whole page).
Every step comes from the kernel: one source, one answer per click.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..core.engine import Replay
from ..course.views.page import explorer_frame, explorer_step

HERE = Path(__file__).parent


class StepView(anywidget.AnyWidget):
    """HTML from `exportkit.course.views` plus the clicks and the address that go with it."""

    _esm = HERE / "step_view.js"
    _css = HERE / "step_view.css"
    frame = traitlets.Unicode("").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    profile = traitlets.Unicode("").tag(sync=True)
    address = traitlets.Unicode("").tag(sync=True)
    sync_address = traitlets.Bool(False).tag(sync=True)
    _framed: Replay | None = None  # the replay whose frame the page holds

    def __repr__(self) -> str:
        return f"StepView(step {self.step})"

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[Any, Any], dict[Any, Any]] | None:
        """The widget, with its still beside it for renderers without a kernel (`static.show`)."""
        from .static import NOTE, static_html

        data, metadata = super()._repr_mimebundle_(**kwargs) or ({}, {})
        still = {"text/html": NOTE + static_html(self), "text/plain": f"Step view, step {self.step}"}
        return {**data, **still}, metadata

    def show(self, result: Replay, step: int, focus: str | None = None, profile: str | None = None) -> None:
        """Show step `step` of `result`: the frame is built again only for another replay."""
        if result is not self._framed:
            self._framed = result
            self.frame = explorer_frame(result)
        self.content = explorer_step(result, step, focus, profile)

    @classmethod
    def of(cls, result: Replay, step: int = 0, focus: str | None = None) -> StepView:
        """A view of one replay on its own (a notebook cell): a click on the timeline, a story row
        or a name moves it, with no other control."""
        view = cls(step=step)

        def draw(_: object = None) -> None:
            view.show(result, view.step, focus, view.profile or None)

        view.observe(draw, names=["step", "profile"])
        draw()
        return view


__all__ = ["StepView"]
