"""The step view as a widget: the HTML of `exportkit.course.views` in a small anywidget, whose
front-end code turns clicks into traits (a timeline cell or a story row sets `step`, a profile's name
sets `profile`), keeps the address bar in step with the view (`address`, when `sync_address`) and
copies the link. Everything it shows comes from the pure views; this file only wires it.

A click sends only what changed: the page's fixed parts (`frame`: style sheet, legend, timeline,
glossary) travel once per replay, the step (`content`) on every move, and the page marks the current
step on the timeline itself. So a click replaces a few kilobytes of the page, not the whole of it,
and the style sheet is never parsed again (a new one would make the browser restyle the whole page)."""

from __future__ import annotations

import json

import anywidget
import traitlets

from ..core.engine import Replay
from ..course.views.page import explorer_frame, explorer_step

CSS = """
:host{display:block}
.ek-linkbar{margin:2px 0 4px;font:12.5px system-ui,sans-serif;color:#57606a}
.ek-copy-link{font:12.5px system-ui,sans-serif;padding:2px 8px;border:1px solid #d0d7de;
 border-radius:5px;background:#f6f8fa;cursor:pointer}
.ek-copy-link:hover{background:#eaeef2}
"""

ESM = (
    "const CSS = "
    + json.dumps(CSS)
    + """;
function render({ model, el }) {
  const bar = document.createElement("div");
  bar.className = "ek-linkbar";
  const copy = document.createElement("button");
  copy.className = "ek-copy-link";
  copy.type = "button";
  copy.textContent = "Copy link";
  copy.title = "Copy a link that opens exactly this view";
  const done = document.createElement("span");
  done.className = "ek-copied";
  bar.append(copy, done);
  const body = document.createElement("div");
  body.className = "ek-view";
  // In a shadow root of its own: the page's thousands of JupyterLab style rules never match the
  // view's elements, so drawing a step restyles a few hundred elements against the view's own
  // sheet only (and neither style sheet leaks into the other).
  const root = el.shadowRoot || el.attachShadow({ mode: "open" });
  const sheet = document.createElement("style");
  sheet.textContent = CSS;
  root.replaceChildren(sheet, bar, body);

  const link = () => {
    const query = model.get("address");
    return location.origin + location.pathname + (query ? "?" + query : "");
  };
  // What the page holds now: a change event draws only what differs from it (a new frame and a
  // new step can arrive in one message; each is written once).
  let frame = null;
  let content = null;
  let slot = null;
  const mark = () => {
    const n = model.get("step");
    body.querySelectorAll(".ek-timeline .ek-current").forEach((c) => c.classList.remove("ek-current"));
    body.querySelectorAll(`.ek-timeline [data-step="${n}"]`).forEach((c) => c.classList.add("ek-current"));
    const num = body.querySelectorAll(".ek-timeline .ek-num")[n];
    if (num) num.classList.add("ek-current");
  };
  const fill = () => {
    if (slot && content !== model.get("content")) {
      content = model.get("content");
      slot.innerHTML = content;
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
  const follow = () => {
    bar.style.display = model.get("sync_address") ? "" : "none";
    if (model.get("sync_address")) {
      history.replaceState(null, "", link());
    }
  };
  copy.addEventListener("click", async () => {
    const text = link();
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    el.dataset.copied = text;
    done.textContent = " copied: " + text;
  });
  body.addEventListener("click", (event) => {
    const step = event.target.closest("[data-step]");
    const who = event.target.closest("[data-profile]");
    if (who && !event.target.closest(".ek-timeline")) {
      event.preventDefault();
      model.set("profile", who.dataset.profile);
      model.save_changes();
      return;
    }
    if (step && step !== body.firstElementChild && !step.classList.contains("ek-step")) {
      event.preventDefault();
      model.set("step", Number(step.dataset.step));
      model.save_changes();
    }
  });
  model.on("change:frame", draw);
  model.on("change:content", fill);
  model.on("change:step", mark);
  model.on("change:address", follow);
  model.on("change:sync_address", follow);
  draw();
  follow();
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
