"""The step view as a widget: the HTML of `exportkit.course.views` in a small anywidget, whose
front-end code turns clicks into traits (a timeline cell or a story row sets `step`, a profile's name
sets `profile`), keeps the address bar in step with the view (`address`, when `sync_address`) and
copies the link. Everything it shows comes from the pure views; this file only wires it.

A click sends only what changed: the page's fixed parts (`frame`: style sheet, legend, timeline,
glossary) travel once per replay, the step (`content`) on every move, and the page marks the current
step on the timeline itself. So a click replaces a few kilobytes of the page, not the whole of it,
and the style sheet is never parsed again (a new one would make the browser restyle the whole page).

A timeline click does not wait for the kernel either: after each new replay (or profile) the kernel
sends every step's HTML too (`steps`, the same `explorer_step` text it would send for that step,
up to `PREFETCH_CHARS`), and the page shows a clicked step from it at once, then tells the kernel,
whose `content` for that step is then the text already shown. A click on a step not sent yet (a
replay too long for the budget, or its steps still on their way) waits for `content` as before.

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
from ..course.views.timeline import step_count

# How much step HTML the kernel sends ahead, in characters: the bundled scenarios' largest replay
# is 32 steps in about 470,000 (0.6 ms of rendering per step); a long generated replay sends its
# first steps up to this and the rest on demand.
PREFETCH_CHARS = 2_000_000

_Key = tuple[Replay, str | None, str | None]  # a replay, its focus and the profile whose story shows


def _same(a: _Key | None, b: _Key | None) -> bool:
    """Whether two keys name the same view: the same replay object (an equal one would be compared
    field by field, every step of it), focus and profile."""
    return a is not None and b is not None and a[0] is b[0] and a[1:] == b[1:]


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
    if ("profile" in asked) {
      model.set("profile", asked.profile);
    } else {
      // The step's HTML is here already when the kernel sent it ahead: shown now, and the
      // kernel's `content` for it will be the same text (so it is not drawn twice).
      // The address moves with it (the kernel's, with this step), as it does with the kernel's.
      const ahead = model.get("steps")[asked.step];
      if (slot && ahead !== undefined) {
        content = ahead;
        ekFill(slot, ahead);
        if (model.get("sync_address")) ekStepAddress(model.get("address"), asked.step);
      }
      model.set("step", asked.step);
    }
    model.save_changes();
  });
  model.on("change:frame", draw);
  model.on("change:content", fill);
  model.on("change:step", mark);
  model.on("change:address", follow);
  model.on("change:sync_address", follow);
  draw();
  showBar();
  model.send({ ask: "steps" }); // the steps ahead: now that a page shows this view (`prefetch`)
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
    steps = traitlets.List(traitlets.Unicode()).tag(sync=True)  # sent ahead: `prefetch`
    step = traitlets.Int(0).tag(sync=True)
    profile = traitlets.Unicode("").tag(sync=True)
    address = traitlets.Unicode("").tag(sync=True)
    sync_address = traitlets.Bool(False).tag(sync=True)
    _framed: Replay | None = None  # the replay whose frame the page holds
    _shown: _Key | None = None  # what `content` is a step of
    _ahead: _Key | None = None  # what `steps` are the steps of
    _asked = False  # whether a page has shown the view (and so wants the steps ahead)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._message)

    def _message(self, _: object, content: dict, buffers: object) -> None:
        if content == {"ask": "steps"}:
            self._asked = True
            self.prefetch()

    def __repr__(self) -> str:  # the text a notebook shows where widgets do not render
        return f"StepView(step {self.step}): open the notebook in Jupyter to see the step view"

    def show(self, result: Replay, step: int, focus: str | None = None, profile: str | None = None) -> None:
        """Show step `step` of `result`: the frame is built again only for another replay."""
        if result is not self._framed:
            self._framed = result
            self.frame = explorer_frame(result)
        self._shown = (result, focus, profile)
        if not _same(self._ahead, self._shown) and self.steps:
            self._ahead = None
            self.steps = []  # in the same message as the new frame or story: never a stale step
        self.content = explorer_step(result, step, focus, profile)

    def prefetch(self) -> None:
        """Send the steps of what `show` showed last, so the page answers a timeline click itself.
        Called after `show`'s message has left (outside a `hold_sync`), so the step the reader asked
        for does not wait for the others; only once a page has shown the view (it asks), so the
        widget's first state, which a page waits for, does not carry them."""
        if not self._asked or self._shown is None or _same(self._ahead, self._shown):
            return
        result, focus, profile = self._shown
        steps, size = [], 0
        for index in range(step_count(result) + 1):
            html = explorer_step(result, index, focus, profile)
            size += len(html)
            if size > PREFETCH_CHARS:
                break
            steps.append(html)
        self._ahead = self._shown
        self.steps = steps

    @classmethod
    def of(cls, result: Replay, step: int = 0, focus: str | None = None) -> StepView:
        """A view of one replay on its own (a notebook cell): a click on the timeline, a story row
        or a name moves it, with no other control."""
        view = cls(step=step)

        def draw(_: object = None) -> None:
            view.show(result, view.step, focus, view.profile or None)
            view.prefetch()

        view.observe(draw, names=["step", "profile"])
        draw()
        return view


__all__ = ["StepView"]
