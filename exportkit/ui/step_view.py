"""The step view as a widget: the HTML of `exportkit.course.views` in a small anywidget, whose
front-end code turns clicks into traits (a timeline cell or a story row sets `step`, a profile's name
sets `profile`), keeps the address bar in step with the view (`address`, when `sync_address`) and
copies the link. Everything it shows comes from the pure views; this file only wires it.

A click sends only what changed: the page's fixed parts (`frame`: style sheet, legend, timeline,
glossary) travel once per replay, the step (`content`) on every move, and the page marks the current
step on the timeline itself. So a click replaces a few kilobytes of the page, not the whole of it,
and the style sheet is never parsed again (a new one would make the browser restyle the whole page).

The code that marks the current step, fills the slot and reads a click is `views.script.STEP_JS`,
which the demo's first view (`views.first_view`) runs too; in the demo's page this view takes the
first view's place once it is in the page, at the step the reader moved to there."""

from __future__ import annotations

import json

import anywidget
import traitlets

from ..core.engine import Replay
from ..course.views.first_view import FIRST_VIEW_ID
from ..course.views.page import explorer_frame, explorer_step
from ..course.views.script import LINKBAR, LINKBAR_CSS, STEP_JS

ESM = (
    "const CSS = "
    + json.dumps(LINKBAR_CSS)
    + ";\nconst LINKBAR = "
    + json.dumps(LINKBAR)
    + ";\nconst FIRST_VIEW_ID = "
    + json.dumps(FIRST_VIEW_ID)
    + ";\n"
    + STEP_JS
    + """
function render({ model, el }) {
  // In a shadow root of its own: the page's thousands of JupyterLab style rules never match the
  // view's elements, so drawing a step restyles a few hundred elements against the view's own
  // sheet only (and neither style sheet leaks into the other).
  const root = el.shadowRoot || el.attachShadow({ mode: "open" });
  root.innerHTML = "<style>" + CSS + "</style>" + LINKBAR + '<div class="ek-view"></div>';
  const bar = root.querySelector(".ek-linkbar");
  const copy = root.querySelector(".ek-copy-link");
  const done = root.querySelector(".ek-copied");
  const body = root.querySelector(".ek-view");

  const link = () => {
    const query = model.get("address");
    return location.origin + location.pathname + (query ? "?" + query : "");
  };
  // What the page holds now: a change event draws only what differs from it (a new frame and a
  // new step can arrive in one message; each is written once).
  let frame = null;
  let content = null;
  let slot = null;
  const mark = () => ekMark(body, model.get("step"));
  const fill = () => {
    if (slot && content !== model.get("content")) {
      content = model.get("content");
      ekFill(slot, content);
    }
  };
  const draw = () => {
    if (frame !== model.get("frame")) {
      frame = model.get("frame");
      body.innerHTML = frame;
      slot = body.querySelector(".ek-slot");
      content = null;
      mark();
    }
    fill();
  };
  const showBar = () => {
    bar.style.display = model.get("sync_address") ? "" : "none";
  };
  const follow = () => {
    showBar();
    if (model.get("sync_address")) {
      history.replaceState(null, "", link());
    }
  };
  // The demo's page holds a first view its server wrote (exportkit.course.views.first_view) until
  // this one is in the page: this one takes its place, and the step and profile the reader picked
  // there meanwhile (the step shown at once, from the first view's own HTML; the kernel is told).
  // Returns whether the reader had moved.
  const takeOver = () => {
    const first = document.getElementById(FIRST_VIEW_ID);
    if (!first || !model.get("sync_address")) return false;
    const step = Number(first.dataset.step);
    const profile = first.dataset.profile;
    const shown = first.querySelector(".ek-first-host").shadowRoot.querySelector(".ek-slot");
    first.remove();
    let moved = false;
    if (step !== model.get("step") && shown && slot) {
      ekFill(slot, shown.innerHTML);
      model.set("step", step);
      moved = true;
    }
    if (profile && profile !== model.get("profile")) {
      model.set("profile", profile);
      moved = true;
    }
    if (moved) model.save_changes();
    return moved;
  };
  copy.addEventListener("click", () => {
    const text = link();
    el.dataset.copied = text;
    ekCopy(text, done);
  });
  body.addEventListener("click", (event) => {
    const asked = ekClicked(body, event.target);
    if (!asked) return;
    event.preventDefault();
    if ("profile" in asked) model.set("profile", asked.profile);
    else model.set("step", asked.step);
    model.save_changes();
  });
  model.on("change:frame", draw);
  model.on("change:content", fill);
  model.on("change:step", mark);
  model.on("change:address", follow);
  model.on("change:sync_address", follow);
  draw();
  showBar();
  // The widget manager puts this element in the page after `render` returns, beside the other
  // controls' (theirs need no module to load, so they are in first): the first view goes then,
  // not before. The address waits for the take-over: a reader who moved there keeps that step's
  // address until the kernel sends the new one.
  const placed = () => {
    if (!el.isConnected) {
      requestAnimationFrame(placed);
    } else if (!takeOver()) {
      follow();
    }
  };
  placed();
}
export default { render };
"""
)


class StepView(anywidget.AnyWidget):
    """HTML from `exportkit.views` plus the clicks and the address that go with it."""

    _esm = ESM
    frame = traitlets.Unicode("").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    profile = traitlets.Unicode("").tag(sync=True)
    address = traitlets.Unicode("").tag(sync=True)
    sync_address = traitlets.Bool(False).tag(sync=True)
    _framed: Replay | None = None  # the replay whose frame the page holds

    def __repr__(self) -> str:  # the text a notebook shows where widgets do not render
        return f"StepView(step {self.step}): open the notebook in Jupyter to see the step view"

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
