"""A week of batch files for one segment, as tables and text: the logic of `02_batch_files.ipynb`.

Pure helpers first (the scenario, the replay, the tables, the text that notebooks print and tests
check), then `BatchWeekView`, the ipywidgets front end. Nothing here changes a rule: the files are
those of `exportkit.engine.replay`.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from IPython.display import HTML

from ..core.engine import Replay, replay
from ..core.exportfile import ExportFile
from ..core.rules import cited
from ..core.words import count
from ..course.views.parts import style
from ..course.views.step import file_html as step_view_file_html
from ..course.views.step import row_changes
from ..io.files import read_back, write_files
from ..io.library import DATASETS
from ..io.loader import ScenarioError, parse_scenario
from ..text.layout import wrap
from ..text.lines import file_text
from ..text.sentences import Names

SEGMENT = "delorean-owners"  # the week's one segment
MODES = ("incremental", "full")
SCHEDULES: dict[str, dict[str, str]] = {
    "daily at 17:00": {"every": "day", "at": "17:00"},
    "every 6 hours": {"every": "6h"},
    "after evaluation": {"after": "evaluation"},
    "once, day 3 at 12:00": {"once": "2025-03-05T12:00:00Z"},
}
WIDTH = 100  # the week's text lines: JupyterLab breaks a wider printed line anywhere


# The week itself is a dataset file (`datasets/lessons/batch_week.yaml`); the controls change only
# its s3 destination's mode, schedule and include_status.
WEEK = DATASETS / "lessons" / "batch_week.yaml"


def week_scenario_data(mode: str, schedule: str, include_status: bool) -> dict[str, Any]:
    """The scenario of the week with these settings, as a scenario file would write it."""
    data = yaml.safe_load(WEEK.read_text(encoding="utf-8"))
    (s3,) = data["destinations"]
    s3["include_status"] = include_status
    s3["segments"] = [{"id": SEGMENT, "mode": mode, "schedule": SCHEDULES[schedule]}]
    return data


def replay_week(
    mode: str = "incremental", schedule: str = "daily at 17:00", include_status: bool = True
) -> Replay:
    """Replay the week; refused settings raise `ScenarioError` with the reason."""
    text = yaml.safe_dump(week_scenario_data(mode, schedule, include_status), sort_keys=False)
    return replay(parse_scenario(text, source="batch-week"))


def week_files(result: Replay) -> list[ExportFile]:
    return result.files()


def file_table(f: ExportFile, previous: ExportFile | None = None) -> pd.DataFrame:
    """One file as a table: its columns, then `profile`, `change` (new, exited or empty) and
    `why`. A row is new when its profile was not in the previous file of the same segment."""
    records = []
    changes = row_changes(f, previous.profiles if previous is not None else ())
    for row, note, change in zip(f.rows, f.why, changes, strict=True):
        records.append(
            {
                # a column the profile has no value for is empty in the file: empty here too (pandas
                # would show a missing key as nan and a None as None)
                **{column: "" if row.get(column) is None else row[column] for column in f.columns},
                "profile": note.profile,
                "change": change,
                "why": cited(note.reason),
            }
        )
    return pd.DataFrame(records, columns=[*f.columns, "profile", "change", "why"])


def file_html(f: ExportFile, previous: ExportFile | None = None) -> HTML:
    """The file as the step view draws it (`course.views.step.file_html`), new rows in green and
    exited rows in red, the segment and profiles by their names."""
    shown = step_view_file_html(f, _week_names(), previous.profiles if previous is not None else ())
    return HTML(f'{style()}<div class="ek">{shown}</div>')


@cache
def _week_names() -> Names:
    return Names.of(parse_scenario(WEEK.read_text(encoding="utf-8"), source=WEEK.name))


def previous_files(files: list[ExportFile]) -> list[ExportFile | None]:
    """For each file, the previous file of the same destination and segment (or None)."""
    last: dict[tuple[str, str], ExportFile] = {}
    out: list[ExportFile | None] = []
    for f in files:
        out.append(last.get((f.destination, f.segment)))
        last[(f.destination, f.segment)] = f
    return out


def week_text(mode: str, schedule: str, include_status: bool) -> str:
    """The whole week as text, or the reason the settings are refused."""
    status = "status mapped" if include_status else "status not mapped"
    head = f"{SEGMENT}: {mode} files, {schedule}, {status}"
    try:
        result = replay_week(mode, schedule, include_status)
    except ScenarioError as err:
        return f"{head}\nrefused: {err.problem}\n"
    lines = [head]
    for f in week_files(result):
        lines += [part.plain for line in file_text(f) for part in wrap(line, WIDTH)]
    return "\n".join(lines) + "\n"


def folder_listing(folder: str | Path) -> str:
    """The files of `folder`, relative to it, each with the number of rows pandas reads back."""
    folder = Path(folder)
    lines = []
    for path in sorted(folder.iterdir()):
        lines.append(f"{path.relative_to(folder)}: {count(len(read_back(path)), 'row')}")
    return "\n".join(lines) + "\n"


def write_week(result: Replay, folder: str | Path) -> list[str]:
    """Write every file of the week into `folder`; return the names, relative to it."""
    return [p.name for p in write_files(week_files(result), folder)]


def _text_output(text: str) -> dict[str, str]:
    return {"output_type": "stream", "name": "stdout", "text": text}


# JupyterLab breaks a <pre> in an output anywhere (word-break: break-all), file names included:
# the listing keeps each line whole and scrolls sideways when the box is narrower
LISTING = "margin:0;font-size:12px;white-space:pre;word-break:normal;overflow-x:auto"


class BatchWeekView:
    """Widgets: mode, schedule and status mapped; a slider steps through the week's files."""

    def __init__(self, folder: str | Path | None = None):
        import ipywidgets as w

        self.folder = Path(folder) if folder is not None else None
        self.mode = w.ToggleButtons(options=MODES, value="incremental", description="Mode")
        self.schedule = w.Dropdown(options=list(SCHEDULES), value="daily at 17:00", description="Schedule")
        self.status = w.Checkbox(
            value=True, description="segmentMembership.status mapped", indent=False, layout={"width": "auto"}
        )
        self.step = w.IntSlider(min=0, max=0, value=0, description="File")
        # the table takes the output's width (its long cells wrap between words); the folder's
        # listing goes below it, where its file names fit whole
        self.table = w.Output(layout={"max_width": "100%", "overflow": "auto hidden"})
        self.side = w.HTML(layout={"border": "1px solid #ccc", "padding": "4px", "max_width": "100%"})
        for control in (self.mode, self.schedule, self.status):
            control.observe(self._refresh, names="value")
        self.step.observe(self._show, names="value")
        self.widget = w.VBox(
            [
                w.HBox([self.mode, self.schedule, self.status], layout={"flex_flow": "row wrap"}),
                self.step,
                self.table,
                self.side,
            ]
        )
        self.widget.add_class("exportkit-batch-week")  # found by name in the browser test
        self.table.add_class("exportkit-batch-table")
        self.side.add_class("exportkit-batch-folder")
        self.files: list[ExportFile] = []
        self.error: str | None = None
        self._refresh()

    def _refresh(self, _change: Any = None) -> None:
        if self.folder is not None:  # the side view shows this setting's files only
            self.folder.mkdir(parents=True, exist_ok=True)
            for old in self.folder.glob("*"):
                old.unlink()
        try:
            result = replay_week(self.mode.value, self.schedule.value, self.status.value)
        except ScenarioError as err:
            self.files, self.error = [], err.problem
        else:
            self.files, self.error = week_files(result), None
            if self.folder is not None:
                write_week(result, self.folder)
        self.step.max = max(len(self.files) - 1, 0)
        self.step.value = min(self.step.value, self.step.max)
        self._show()

    def _show(self, _change: Any = None) -> None:
        # Outputs are set as data, not printed inside `with output:`: without a front end (nbval,
        # nbconvert) printed text would leak into the cell that changed a control.
        if self.error:
            self.table.outputs = (_text_output(f"refused: {self.error}\n"),)
        elif self.files:
            i = self.step.value
            shown = file_html(self.files[i], previous_files(self.files)[i]).data
            self.table.outputs = (
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"text/html": shown, "text/plain": self.files[i].name},
                },
            )
        else:
            self.table.outputs = (_text_output("no file this week\n"),)
        listing = folder_listing(self.folder) if self.folder is not None and self.files else ""
        self.side.value = (
            f"<b>Files in the folder</b><pre style='{LISTING}'>{html.escape(listing)}</pre>"
            if listing
            else ""
        )
        self.side.layout.display = "" if listing else "none"

    def text(self) -> str:
        """What the controls show, as text: the week's files for the current settings."""
        return week_text(self.mode.value, self.schedule.value, self.status.value)

    def _ipython_display_(self) -> None:
        from .static import show

        show(self.widget, "A week of batch files")


__all__ = [
    "SCHEDULES",
    "BatchWeekView",
    "file_html",
    "file_table",
    "folder_listing",
    "previous_files",
    "replay_week",
    "week_files",
    "week_text",
    "write_week",
]
