"""Build your own: pick a scenario from `datasets/` or upload a file, see its problems in one line,
then explore it with the `Explorer`. Loading goes through `exportkit.library`."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from ..io.library import DATASETS, dataset_names, dataset_path, load_upload
from .explorer import Explorer

CHOOSE = "(choose)"


class ScenarioLoader:
    """Widgets: a dataset picker, a file upload box, a one-line error and the explorer."""

    def __init__(self, folder: Path = DATASETS):
        self.folder = folder
        self.picker = w.Dropdown(
            options=[CHOOSE, *dataset_names(folder)], value=CHOOSE, description="Dataset"
        )
        self.upload = w.FileUpload(accept=".yaml,.yml,.json", multiple=False, description="Upload a scenario")
        self.error_box = w.HTML()
        self.error_box.add_class("exportkit-error")
        self.body = w.VBox()
        self.explorer: Explorer | None = None
        self.error = ""
        self.picker.observe(self._picked, names="value")
        self.upload.observe(self._uploaded, names="value")
        self.widget = w.VBox([w.HBox([self.picker, self.upload]), self.error_box, self.body])

    def load_dataset(self, name: str) -> None:
        """Open a scenario of the library by name, as the picker does."""
        path = dataset_path(name, self.folder)
        self.load(path.name, path.read_bytes())

    def load(self, name: str, content: bytes | str) -> None:
        """Check a file's content; explore it if it is valid, else say why in one line."""
        scenario = load_upload(name, content)
        if isinstance(scenario, str):
            self.error, self.explorer = scenario, None
            self.error_box.value = f"<b>Cannot use this file.</b> <code>{html.escape(scenario)}</code>"
            self.body.children = ()
            return
        self.error, self.error_box.value = "", ""
        self.explorer = Explorer(scenario)
        self.body.children = (self.explorer.widget,)

    @property
    def text(self) -> str:
        """The error, or the explorer's report, as plain text."""
        if self.error:
            return self.error
        return self.explorer.text if self.explorer is not None else ""

    def _picked(self, change: dict) -> None:
        if change["new"] != CHOOSE:
            self.load_dataset(change["new"])

    def _uploaded(self, change: dict) -> None:
        for item in change["new"]:  # ipywidgets 8: a tuple of {name, content (memoryview), ...}
            self.load(item["name"], bytes(item["content"]))

    def _ipython_display_(self) -> None:
        from .static import show

        show(self.widget, "Scenario loader")


__all__ = ["ScenarioLoader"]
