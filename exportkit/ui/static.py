"""What a widget shows, as static HTML, for every renderer that cannot run widgets.

A notebook saved with its outputs is read on GitHub, in nbviewer, and in JupyterLab before it runs
(untrusted): none of them has the kernel a widget needs, so each would show the widget's repr
(`VBox(children=(HBox(...`) or "model not found". `show` displays a widget with a second rendering
beside it: this static HTML of the state it shows now, which those renderers pick instead. A live
JupyterLab or Voila prefers the widget itself.

One function draws every widget tree (`static_html`): boxes as rows and columns, a control as its
label and current value, an HTML widget and the step view as the HTML they hold, an output area as
its outputs. Colours are inline styles, which survive an untrusted notebook's sanitizer (a
`<style>` element does not).
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

NOTE = (
    "<p style='color:#555;font-style:italic;margin:4px 0'>"
    "A still of this widget. Run the notebook in Jupyter to use its controls.</p>"
)
MUTED = "color:#555"
PRE = "white-space:pre;overflow-x:auto;word-break:normal"  # never cut mid-word (JupyterLab: break-all)


def static_html(widget: w.Widget) -> str:
    """The HTML of what `widget` and everything inside it show now."""
    from .step_view import StepView  # the one widget of ours that holds its own HTML

    layout = getattr(widget, "layout", None)
    if layout is not None and layout.display == "none":
        return ""  # hidden: not shown live either
    if isinstance(widget, StepView):
        return f"<div>{widget.frame}{widget.content}</div>"
    if isinstance(widget, w.Accordion):
        titles = getattr(widget, "titles", ()) or ()
        parts = []
        for i, child in enumerate(widget.children):
            title = escape(str(titles[i])) if i < len(titles) and titles[i] else ""
            body = static_html(child) if widget.selected_index == i else ""
            parts.append(f"<details{' open' if body else ''}><summary>{title}</summary>{body}</details>")
        return "".join(parts)
    if isinstance(widget, w.HBox):
        inner = "".join(f"<div>{static_html(c)}</div>" for c in widget.children)
        return f"<div style='display:flex;flex-wrap:wrap;gap:4px 16px;align-items:flex-start'>{inner}</div>"
    if isinstance(widget, w.Box):
        return "<div>" + "".join(static_html(c) for c in widget.children) + "</div>"
    if isinstance(widget, w.HTML | w.HTMLMath):
        return str(widget.value)
    if isinstance(widget, w.Output):
        return "".join(_output_html(o) for o in widget.outputs)
    if isinstance(widget, w.Button | w.Play | w.FileUpload):
        return ""  # an action, not a state
    return _control_html(widget)


def _control_html(widget: w.Widget) -> str:
    description = str(getattr(widget, "description", "") or "")
    value: Any = getattr(widget, "value", None)
    if isinstance(widget, w.Checkbox):
        mark = "☑" if value else "☐"
        return f"<span style='margin-right:12px'>{mark} {escape(description)}</span>"
    if isinstance(widget, w.IntSlider):
        shown = f"{value} of {widget.max}"
    elif isinstance(widget, w.Dropdown | w.ToggleButtons | w.RadioButtons | w.Select):
        shown = str(widget.label) if widget.label is not None else "(none)"
    elif isinstance(widget, w.SelectMultiple):
        shown = ", ".join(str(label) for label in widget.label) or "(none)"
    elif value is None or isinstance(value, dict | list | tuple | bytes | memoryview):
        return ""
    else:
        shown = str(value)
    label = f"<span style='{MUTED}'>{escape(description)}:</span> " if description else ""
    return f"<span>{label}<b>{escape(shown)}</b></span>"


def _output_html(output: dict[str, Any]) -> str:
    data = output.get("data", {})
    if "text/html" in data:
        return str(data["text/html"])
    text = output.get("text") or data.get("text/plain", "")
    return f"<pre style='{PRE}'>{escape(str(text))}</pre>" if text else ""


def show(widget: w.Widget, title: str) -> None:
    """Display `widget`, with its still (`static_html`) for renderers without a kernel, and
    `title` as its plain text."""
    from IPython.display import display

    bundle = dict(widget._repr_mimebundle_() or {})
    bundle["text/html"] = NOTE + static_html(widget)
    bundle["text/plain"] = f"{title} (run the notebook in Jupyter to use it)"
    display(bundle, raw=True)


__all__ = ["show", "static_html"]
