"""A frame as an HTML table whose colours and tooltips live on the cells themselves.

A pandas Styler puts its colours and tooltips in a `<style>` element keyed by ids: an untrusted
notebook (JupyterLab before it runs, GitHub) strips that element, so the colours the prose refers
to vanish, and a CSS tooltip is clipped by the output area it sits in. Here each cell carries an
inline `style` (kept by those sanitizers) and its reasons as a `title` (the browser's own tooltip,
never clipped). Every value is escaped: names come from scenario files.
"""

from __future__ import annotations

from html import escape

import pandas as pd
from IPython.display import HTML

TABLE = "border-collapse: collapse; font-size: 12px; margin: 4px 0"
CELL = "border: 1px solid #e5e7eb; padding: 3px 8px; text-align: left; vertical-align: top"
HEAD = CELL + "; background-color: #f3f4f6; font-weight: bold"


def html_table(
    frame: pd.DataFrame,
    styles: pd.DataFrame | None = None,
    titles: pd.DataFrame | None = None,
    caption: str = "",
    index: bool = True,
) -> HTML:
    """`frame` as a table: each cell with its style from `styles` and its tooltip from `titles`
    (frames of the same shape; an empty string adds nothing), the index as the first column, and
    each row's key as a data attribute named for the index (`data-step="4"`)."""
    head = [frame.index.name or ""] if index else []
    rows = [
        "<tr>"
        + "".join(f"<th style='{HEAD}'>{escape(str(h))}</th>" for h in [*head, *frame.columns])
        + "</tr>"
    ]
    for i, key in enumerate(frame.index):
        cells = [f"<th style='{HEAD}'>{escape(str(key))}</th>"] if index else []
        for j in range(len(frame.columns)):
            style = str(styles.iat[i, j]) if styles is not None else ""
            title = titles.iat[i, j] if titles is not None else ""
            hover = f" title='{escape(str(title))}'" if title else ""
            cells.append(f"<td style='{CELL}; {style}'{hover}>{escape(str(frame.iat[i, j]))}</td>")
        key_attribute = f' data-{frame.index.name}="{escape(str(key))}"' if index and frame.index.name else ""
        rows.append(f"<tr{key_attribute}>" + "".join(cells) + "</tr>")
    shown = (
        f"<caption style='text-align: left; font-weight: bold'>{escape(caption)}</caption>" if caption else ""
    )
    return HTML(f"<table style='{TABLE}'>{shown}{''.join(rows)}</table>")


__all__ = ["html_table"]
