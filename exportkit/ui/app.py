"""The demo app: a scenario picker over `datasets/` and the explorer for the chosen one.

`from_query_string` builds it from a deep link (`?scenario=delorean&step=4`): Voila hands the
kernel the page's query string as `os.environ["QUERY_STRING"]`. What the link asks for and cannot
get is said in the page (`app.notice`), never raised.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from ..io.library import DATASETS, DEFAULT_SCENARIO, dataset_names, dataset_path, parse_query
from ..io.loader import ScenarioError, load_scenario
from .streaming_view import StreamingExplorer


class App:
    """Widgets: a scenario picker, the scenario's description and its `StreamingExplorer`."""

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        step: int = 0,
        destination: str | None = None,
        notices: tuple[str, ...] = (),
        folder: Path = DATASETS,
    ):
        self.folder = folder
        names = dataset_names(folder)
        if scenario not in names:
            notices += (f"Unknown scenario {scenario!r}: choose one of {', '.join(names)}.",)
            scenario = DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0]
        self.picker = w.Dropdown(options=names, value=scenario, description="Scenario")
        self.picker.add_class("exportkit-scenario")
        self.notice_box = w.HTML()
        self.notice_box.add_class("exportkit-notice")
        self.description = w.HTML()
        self.body = w.VBox()
        self.explorer: StreamingExplorer | None = None
        self._problem = ""
        self.open(scenario, step, destination, notices)
        self.picker.observe(lambda change: self.open(change["new"]), names="value")
        self.widget = w.VBox([self.picker, self.notice_box, self.description, self.body])
        self.widget.add_class("exportkit-app")

    def open(
        self, name: str, step: int = 0, destination: str | None = None, notices: tuple[str, ...] = ()
    ) -> None:
        """Show scenario `name` at `step`, for `destination` (default: its first one)."""
        notes = list(notices)
        self.explorer, self._problem = None, ""
        try:
            scenario = load_scenario(dataset_path(name, self.folder))
            known = [d.id for d in scenario.destinations]
            if destination is not None and destination not in known:
                notes.append(
                    f"Unknown destination {destination!r} in {name}: choose one of {', '.join(known)}."
                )
                destination = None
            last = len(scenario.events)
            if step > last:
                notes.append(f"Step {step} is past the last step of {name} ({last}). Showing step {last}.")
                step = last
            self.explorer = StreamingExplorer(scenario, destination=destination, step=step)
        except (ScenarioError, ValueError) as err:
            self._problem = f"Cannot open {name}: {err}"
        self.notices = tuple(notes)
        shown = notes + ([self._problem] if self._problem else [])
        self.notice_box.value = "".join(f"<p><b>{html.escape(n)}</b></p>" for n in shown)
        self.description.value = (
            f"<p>{html.escape(scenario.description)}</p>" if self.explorer is not None else ""
        )
        self.body.children = (self.explorer.widget,) if self.explorer is not None else ()

    @property
    def notice(self) -> str:
        """What the page says about the request, one line each (empty when all was honoured)."""
        return "\n".join(self.notices + ((self._problem,) if self._problem else ()))

    @property
    def text(self) -> str:
        """The report the page shows now, as plain text."""
        return self.explorer.text if self.explorer is not None else self._problem

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def from_query_string(query: str, folder: Path = DATASETS) -> App:
    """The app for a demo link's query string, such as `scenario=delorean&step=4`."""
    request = parse_query(query, dataset_names(folder))
    return App(request.scenario, request.step, request.destination, request.notices, folder)


__all__ = ["App", "from_query_string"]
