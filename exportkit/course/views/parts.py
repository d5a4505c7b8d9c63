"""The small pieces every view is made of: the style sheet, rule chips, verdict badges, tables.

Everything renders inside an element of class `ek` and styles only below it, so a notebook or
Voila page keeps its own look. Rule statements show on hover and on click (a chip takes focus),
with CSS only: the static report needs no script.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from html import escape

from ...core.rules import Reason
from ...core.rulesets import settings_of
from .rulebook import statement
from .words import when_html

OUTCOMES: dict[str, tuple[str, str]] = {
    # outcome: (label in the legend, what it means)
    "exported": ("exported", "the profile is exported to this destination"),
    "sent": ("message sent", "a message left the buffer at this step"),
    "file": ("file written", "a batch file was written at this step"),
    "noted": ("noted for a file", "the change waits for the next incremental file"),
    "none": ("not exported", "nothing left for this destination"),
}

CSS = """
.ek{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:13.5px;line-height:1.45;
 color:#1f2328;max-width:1280px}
.ek *{box-sizing:border-box}
.ek h3{font-size:15px;margin:10px 0 6px}.ek h4{font-size:13.5px;margin:8px 0 4px;color:#424a53}
.ek code,.ek pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12px}
.ek code{background:#f2f4f7;padding:0 3px;border-radius:3px;white-space:nowrap}
.ek pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:6px;padding:6px 8px;margin:4px 0;
 white-space:pre;overflow-x:auto;line-height:1.35}
.ek-event{font-size:16px;margin:6px 0 2px}.ek-when{color:#57606a;font-size:12.5px}
.ek-profile,.ek-segment,.ek-destination{font-weight:600;border-bottom:1px dotted #8c959f;cursor:help}
.ek-profile[data-profile]{cursor:pointer}
.ek-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:10px;margin:8px 0}
.ek-card{border:1px solid #d0d7de;border-left:5px solid #8c959f;border-radius:6px;padding:8px 10px;
 background:#fff}
.ek-card.exported{border-left-color:#1a7f37}.ek-card.sent{border-left-color:#0969da}
.ek-card.file{border-left-color:#8250df}.ek-card.noted{border-left-color:#bf8700}
.ek-card.focus{box-shadow:0 0 0 2px #0969da55}
.ek-card-head{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.ek-type{color:#57606a;font-size:12px}
.ek-badge{display:inline-block;font-size:11.5px;font-weight:700;letter-spacing:.03em;padding:1px 7px;
 border-radius:10px;white-space:nowrap}
.ek-badge.exported{background:#dafbe1;color:#116329}.ek-badge.none{background:#eaeef2;color:#424a53}
.ek-badge.sent{background:#ddf4ff;color:#0550ae}.ek-badge.file{background:#fbefff;color:#6639ba}
.ek-badge.noted{background:#fff8c5;color:#7d4e00}
.ek-why{margin:4px 0}.ek-more{color:#424a53;font-size:12.5px;margin:2px 0 0 0;padding-left:16px}
.ek-chip{position:relative;display:inline-block;font:600 11.5px ui-monospace,Menlo,Consolas,monospace;
 padding:0 5px;margin-right:4px;border-radius:4px;border:1px solid #54aeff;background:#ddf4ff;
 color:#0550ae;cursor:help;white-space:nowrap;outline:none}
.ek-chip.ambiguity{border:1px dashed #bf8700;background:#fff8c5;color:#7d4e00}
.ek-tip{display:none;position:absolute;left:0;top:1.6em;z-index:50;width:min(420px,80vw);
 white-space:normal;font:400 12.5px/1.4 system-ui,sans-serif;color:#1f2328;background:#fff;
 border:1px solid #8c959f;border-radius:6px;padding:7px 9px;box-shadow:0 4px 12px #0003}
.ek-chip:hover .ek-tip,.ek-chip:focus .ek-tip{display:block}
.ek-tip b.ek-tip-id{display:block;margin-bottom:3px}
.ek-tip em{color:#7d4e00;font-style:normal;font-weight:600}
.ek table{border-collapse:collapse;margin:4px 0}
.ek td,.ek th{border-bottom:1px solid #eaeef2;padding:2px 8px 2px 0;text-align:left;vertical-align:top}
.ek th{font-size:12px;color:#57606a;font-weight:600}
.ek td.ek-path{white-space:nowrap}
.ek code.ek-val{white-space:normal;overflow-wrap:normal;word-break:normal}
.ek .ek-nw{white-space:nowrap}
.ek-payload{border-top:1px solid #eaeef2;padding-top:2px}
.ek tr.ek-changed td{background:#fff8c5}
.ek tr.ek-left td{color:#8c959f}
.ek details>summary{cursor:pointer;color:#0969da;font-size:12.5px}
.ek-section{margin:10px 0}
.ek-bar{display:inline-block;width:120px;height:9px;background:#eaeef2;border-radius:5px;overflow:hidden;
 vertical-align:middle;margin:0 6px}
.ek-bar>i{display:block;height:100%;background:#0969da}
.ek-muted{color:#57606a}
.ek-timeline{overflow-x:auto;margin:4px 0 6px;padding-bottom:2px}
.ek-timeline table{border-collapse:separate;border-spacing:2px}
.ek-timeline td,.ek-timeline th{border:0;padding:0}
.ek-timeline th{font-weight:600;font-size:11.5px;color:#424a53;padding-right:6px;white-space:nowrap;
 text-align:right}
.ek-timeline .ek-num{font:10px ui-monospace,monospace;color:#8c959f;text-align:center}
.ek-cell{display:block;width:20px;height:18px;border-radius:3px;text-align:center;font-size:11px;
 line-height:18px;text-decoration:none;color:#fff;cursor:pointer}
.ek-cell.exported{background:#2da44e}.ek-cell.none{background:#d0d7de;color:#57606a}
.ek-cell.sent{background:#0969da}.ek-cell.file{background:#8250df}.ek-cell.noted{background:#d4a72c}
.ek-current{outline:2px solid #1f2328;outline-offset:1px}
.ek-num.ek-current{outline:0;color:#1f2328;font-weight:700}
.ek-legend{display:flex;gap:12px;flex-wrap:wrap;font-size:12px;color:#424a53;margin:2px 0}
.ek-legend .ek-cell{display:inline-block;width:14px;height:12px;vertical-align:middle;margin-right:4px}
.ek-ruleset{font-size:12px;color:#57606a}
.ek-glossary dt{font-weight:700;margin-top:4px}.ek-glossary dd{margin:0 0 0 14px}
.ek-gloss-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 18px;
 font-size:12.5px}.ek-gloss-grid dl{margin:4px 0}
.ek-notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:4px 8px;margin:4px 0}
.ek-story td{padding-right:10px}.ek-story tr[data-step]{cursor:pointer}
.ek-story tr[data-step]:hover td{background:#f6f8fa}
"""


def style() -> str:
    return f"<style>{CSS}</style>"


def _statement_html(text: str) -> str:
    out = escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"`(.+?)`", r"<code>\1</code>", out)
    return out.replace("\n", "<br>")


@cache  # a step shows a few dozen chips of a few dozen rules: each is built once
def chip(rule: str) -> str:
    """A rule id that shows the rule's statement on hover or click (focus)."""
    st = statement(rule)
    kind = st.kind
    head = f"{rule} {st.label}".strip()
    note = (
        "<em>The toolkit's reading of an ambiguity</em>: the documentation is silent or "
        "contradicts itself here. "
        if kind == "ambiguity"
        else ""
    )
    tip = (
        f'<span class="ek-tip"><b class="ek-tip-id">{escape(head)}</b>{note}{_statement_html(st.text)}</span>'
    )
    title = "toolkit reading of an ambiguity" if kind == "ambiguity" else "documented rule"
    return (
        f'<span class="ek-chip {kind}" tabindex="0" data-rule="{escape(rule)}" '
        f'aria-label="{escape(rule)}: {title}">{escape(rule)}{tip}</span>'
    )


ISO_TIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")  # `core.model.iso`'s form


def reason_html(r: Reason) -> str:
    """The rule's chip and the reason's text, its times read as dates (`when_html`)."""
    text = ISO_TIME.sub(lambda m: when_html(datetime.fromisoformat(m[0])), escape(r.text))
    return f"{chip(r.rule)} {text}"


def badge(outcome: str, text: str | None = None) -> str:
    label = text or OUTCOMES[outcome][0]
    return f'<span class="ek-badge {outcome}">{escape(label.upper())}</span>'


def ruleset_label(rules: str) -> str:
    """The rule set a view follows, in words ("Rules: older documentation (V0, ...)")."""
    return f'<span class="ek-ruleset">Rules: {escape(settings_of(rules).title)}</span>'


__all__ = ["CSS", "OUTCOMES", "badge", "chip", "reason_html", "ruleset_label", "style"]
