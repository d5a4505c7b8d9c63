"""The first view: the explorer's page as the demo's server writes it into the HTML, readable and
steppable before the page's scripts have loaded and its kernel has connected.

Voila's page builds its widgets only once JupyterLab's front end has started (about 3 s on a first
visit); this view is there as the HTML arrives. It holds the same frame and step as the live view
(`page.explorer_html`, in a declarative shadow root as the widget draws in its own), every step of
the replay as data, and `script.STEP_JS` (the code the widget runs too): a click on the timeline
shows that step at once, marks it and puts `step=N` in the address. The controls need the kernel:
their place is kept, with a line saying they are loading. When the live view arrives it takes the
first view's place, and the step or profile the reader picked meanwhile (`data-step`,
`data-profile` on the element `FIRST_VIEW_ID`).
"""

from __future__ import annotations

import json
from html import escape

from ...core.engine import Replay
from .page import explorer_html, explorer_step
from .script import LINKBAR, LINKBAR_CSS, STEP_JS
from .timeline import step_count

# The output's MIME type: the demo's Voila template writes it into the page as HTML (front ends
# know no renderer for it, so a notebook shows nothing of it).
FIRST_VIEW_MIME = "application/vnd.exportkit.first-view+html"
FIRST_VIEW_ID = "ek-first-view"

# Light-DOM styles of the first view's own parts (the view itself draws in its shadow root). The
# reserved rows have the heights of the live controls at 1366x768 (a scenario row, then the
# destination, rules and profile pickers, the step buttons and the folded mapping), so the view
# does not move when the controls replace them.
CSS = """
#ek-first-view{font:13px system-ui,sans-serif;color:#1f2328}
#ek-first-view .ek-first-row{display:flex;align-items:center;margin:0 0 2px}
#ek-first-view .ek-first-name{flex:none;width:222px;padding-left:24px;box-sizing:border-box}
#ek-first-view .ek-first-desc{flex:1 1 400px;font-size:12.5px;color:#57606a;line-height:28px;margin:2px}
#ek-first-view .ek-first-controls{position:relative;height:133px;color:#8c959f;font-size:13px}
#ek-first-view .ek-sk{position:absolute;box-sizing:border-box}
#ek-first-view .ek-sk-box{background:#f3f4f6;border:1px solid #e4e7eb;border-radius:3px}
#ek-first-view .ek-sk-bar{left:2px;right:2px;top:91px;height:37px;background:#f3f4f6;
 border:1px solid #e4e7eb;padding:0 16px;line-height:35px;color:#57606a;font-size:12.5px}
"""

# Where the live controls will be, as faint boxes, and the line that says they are loading.
CONTROLS = (
    '<span class="ek-sk" style="left:2px;top:8px">Destination</span>'
    '<span class="ek-sk ek-sk-box" style="left:85px;top:5px;width:145px;height:28px"></span>'
    '<span class="ek-sk" style="left:243px;top:6px">Rules</span>'
    '<span class="ek-sk ek-sk-box" style="left:243px;top:29px;width:177px;height:28px"></span>'
    '<span class="ek-sk" style="left:437px;top:8px">Profile story</span>'
    '<span class="ek-sk ek-sk-box" style="left:522px;top:5px;width:119px;height:28px"></span>'
    '<span class="ek-sk ek-sk-box" style="left:2px;top:60px;width:303px;height:28px"></span>'
    '<span class="ek-sk ek-sk-bar">Loading the controls (destination, rules, profile story, '
    "Previous and Next, the mapping)… The timeline and the steps below answer clicks already.</span>"
)

SCRIPT = """
(() => {
/* STEP_JS */
const view = document.currentScript.parentElement;
const body = view.querySelector(".ek-first-host").shadowRoot.querySelector(".ek-view");
let steps = null; // every step's HTML, parsed at the first click
body.addEventListener("click", (event) => {
  const asked = ekClicked(body, event.target);
  if (!asked) return;
  event.preventDefault();
  if ("profile" in asked) {
    view.dataset.profile = asked.profile; // a story needs the kernel: the live view opens it
    return;
  }
  steps = steps || JSON.parse(view.querySelector(".ek-first-steps").textContent);
  const n = asked.step;
  if (!(n >= 0 && n < steps.length)) return;
  ekFill(body.querySelector(".ek-slot"), steps[n]);
  ekMark(body, n);
  view.dataset.step = String(n);
  ekStepAddress(location.search, n);
});
const bar = view.querySelector(".ek-first-host").shadowRoot;
bar.querySelector(".ek-copy-link").addEventListener("click", () => {
  ekCopy(location.href, bar.querySelector(".ek-copied"));
});
})();
"""


def script_data(value: object) -> str:
    """`value` as JSON that can sit inside a `<script>` element: no `</` (which would end it) and
    no `<!--` (which changes how the browser reads the rest); both are escapes JSON reads back."""
    return json.dumps(value).replace("</", "<\\/").replace("<!--", "\\u003c!--")


def first_view_html(
    result: Replay,
    index: int,
    focus: str | None = None,
    profile: str | None = None,
    notices: tuple[str, ...] = (),
) -> str:
    """The explorer at step `index` (for destination `focus`, with `profile`'s story) as a page
    fragment that works with no kernel: see the module's docstring. `notices` are what the page
    says about the link (an unknown name, a step past the end)."""
    s = result.scenario
    steps = [explorer_step(result, i, focus, profile) for i in range(step_count(result) + 1)]
    said = "".join(f"<div class='ek-notice'>{escape(n)}</div>" for n in notices)
    return (
        f'<div id="{FIRST_VIEW_ID}" data-step="{index}" data-scenario="{escape(s.name)}">'
        f"<style>{CSS}</style>"
        f'<div class="ek-first-row"><span class="ek-first-name">Scenario <b>{escape(s.name)}</b></span>'
        f'<span class="ek-first-desc">{escape(s.description)}</span></div>{said}'
        f'<div class="ek-first-controls">{CONTROLS}</div>'
        '<div class="ek-first-host"><template shadowrootmode="open">'
        f'<style>{LINKBAR_CSS}</style>{LINKBAR}<div class="ek-view">'
        f"{explorer_html(result, index, focus, profile)}</div></template></div>"
        f'<script type="application/json" class="ek-first-steps">{script_data(steps)}</script>'
        f"<script>{SCRIPT.replace('/* STEP_JS */', STEP_JS)}</script></div>"
    )


__all__ = ["FIRST_VIEW_ID", "FIRST_VIEW_MIME", "first_view_html", "script_data"]
