"""The step view's front-end code, one copy for the two places that run it: the widget's module
(`exportkit.ui.step_view`, driven by the kernel) and the first view the demo's server writes into
its page (`first_view.first_view_html`, which works before the page's scripts and kernel are up).

`STEP_JS` defines plain functions (no module syntax, no globals of its own beyond them): each
place pastes it into its own scope. `LINKBAR_CSS` styles the "Copy link" bar above the view, which
both places draw alike so that one replaces the other without a jump."""

from __future__ import annotations

LINKBAR_CSS = """
:host{display:block}
.ek-linkbar{margin:2px 0 4px;font:12.5px system-ui,sans-serif;color:#57606a}
.ek-copy-link{font:12.5px system-ui,sans-serif;padding:2px 8px;border:1px solid #d0d7de;
 border-radius:5px;background:#f6f8fa;cursor:pointer}
.ek-copy-link:hover{background:#eaeef2}
"""

LINKBAR = (
    '<div class="ek-linkbar"><button class="ek-copy-link" type="button" '
    'title="Copy a link that opens exactly this view">Copy link</button>'
    '<span class="ek-copied"></span></div>'
)

STEP_JS = """
// Step n is the current one: marked on the timeline (one cell per destination, and its number).
function ekMark(body, n) {
  body.querySelectorAll(".ek-timeline .ek-current").forEach((c) => c.classList.remove("ek-current"));
  body.querySelectorAll(`.ek-timeline [data-step="${n}"]`).forEach((c) => c.classList.add("ek-current"));
  const num = body.querySelectorAll(".ek-timeline .ek-num")[n];
  if (num) num.classList.add("ek-current");
}
// Put a step's HTML in the frame's slot.
function ekFill(slot, html) {
  slot.innerHTML = html;
}
// What a click in the view asks for: {step: n} for a timeline cell or a story row, {profile: id}
// for a person's name outside the timeline, else null (the step's own box is not a link).
function ekClicked(body, target) {
  const who = target.closest("[data-profile]");
  if (who && !target.closest(".ek-timeline")) return { profile: who.dataset.profile };
  const step = target.closest("[data-step]");
  if (step && step !== body.firstElementChild && !step.classList.contains("ek-step")) {
    return { step: Number(step.dataset.step) };
  }
  return null;
}
// Show step n's address: `query` (an address's query string) with its step set to n.
function ekStepAddress(query, n) {
  const moved = new URLSearchParams(query);
  moved.set("step", String(n));
  history.replaceState(null, "", location.pathname + "?" + moved.toString());
}
// Copy `text` to the clipboard (or, where the page may not, through a selected text area) and
// say so in `done`.
async function ekCopy(text, done) {
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
  done.textContent = " copied: " + text;
}
"""

__all__ = ["LINKBAR", "LINKBAR_CSS", "STEP_JS"]
