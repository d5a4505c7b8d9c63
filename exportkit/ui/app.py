"""The demo app: a scenario picker over `datasets/` and the explorer for the chosen one.

`from_query_string` builds it from a deep link (`?scenario=delorean&destination=adnet&step=4&
profile=marty`); `App.follow` applies a link to an app already built (the demo builds one before
any visitor arrives, then applies the visitor's link). What a link asks for and cannot get is said
in the page (`app.notice`), never raised. The address bar follows the view (`address`).
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlencode

import ipywidgets as w

from ..core.model import Scenario
from ..io.library import (
    DATASETS,
    DEFAULT_SCENARIO,
    dataset_names,
    dataset_path,
    load_upload,
    parse_query,
)
from ..io.loader import ScenarioError, load_scenario
from .explorer import Explorer


class App:
    """Widgets: a scenario picker, the scenario's description and its `Explorer`."""

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        step: int = 0,
        destination: str | None = None,
        notices: tuple[str, ...] = (),
        folder: Path = DATASETS,
        profile: str | None = None,
        rules: str | None = None,
        sync_address: bool = False,
        scenario_file: str | Path | None = None,
    ):
        self.folder = folder
        self.sync_address = sync_address
        # Scenarios of the reader's own, by name, beside the library's: the file the demo was
        # started with (`exportkit demo FILE`) and files uploaded in the page.
        self.own: dict[str, Scenario] = {}
        if scenario_file is not None:
            path = Path(scenario_file)
            name = self._own_name(path.stem)
            self.own[name] = load_scenario(path)
            scenario = name if scenario == DEFAULT_SCENARIO else scenario
        names = self.names
        if scenario not in names:
            notices += (f"Unknown scenario {scenario!r}: choose one of {', '.join(names)}.",)
            scenario = DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0]
        self.picker = w.Dropdown(
            options=names, value=scenario, description="Scenario", layout=w.Layout(width="auto")
        )
        self.picker.add_class("exportkit-scenario")
        self.upload = w.FileUpload(accept=".yaml,.yml,.json", multiple=False, description="Open a file")
        self.upload.add_class("exportkit-upload")
        self.upload.observe(self._uploaded, names="value")
        self.notice_box = w.HTML()
        self.notice_box.add_class("exportkit-notice")
        self.description = w.HTML(layout=w.Layout(flex="1 1 400px"))
        self.body = w.VBox()
        self.explorer: Explorer | None = None
        self._name = ""
        self._problem = ""
        self._following = False
        self.open(scenario, step, destination, notices, profile, rules)
        self.picker.observe(self._picked, names="value")
        self.widget = w.VBox(
            [
                w.HBox([self.picker, self.upload, self.description], layout=w.Layout(align_items="center")),
                self.notice_box,
                self.body,
            ]
        )
        self.widget.add_class("exportkit-app")

    def open(
        self,
        name: str,
        step: int = 0,
        destination: str | None = None,
        notices: tuple[str, ...] = (),
        profile: str | None = None,
        rules: str | None = None,
        changes: dict | None = None,
    ) -> None:
        """Show scenario `name` at `step`, for `destination` (default: its first one). The explorer
        already open on `name` is reused (the demo's warm kernel built it before the visitor came:
        a new one would double the widgets the page must fetch and draw); another is replaced and
        its widgets closed."""
        notes = list(notices)
        kept = self.explorer if self.explorer is not None and self._name == name else None
        if self.explorer is not None and kept is None:
            self.explorer.close()
        self.explorer, self._problem, self._name = None, "", name
        try:
            scenario = (
                kept.scenario
                if kept is not None
                else self.own.get(name) or load_scenario(dataset_path(name, self.folder))
            )
            known = [d.id for d in scenario.destinations]
            if destination is not None and destination not in known:
                notes.append(
                    f"Unknown destination {destination!r} in {name}: choose one of {', '.join(known)}."
                )
                destination = None
            people = [p.id for p in scenario.profiles]
            if profile is not None and profile not in people:
                notes.append(f"Unknown profile {profile!r} in {name}: choose one of {', '.join(people)}.")
                profile = None
            last = len(scenario.events)
            if step > last:
                notes.append(f"Step {step} is past the last step of {name} ({last}). Showing step {last}.")
                step = last
            if kept is not None:
                self.explorer = kept
                kept.show(destination=destination, step=step, profile=profile, rules=rules, changes=changes)
            else:
                self.explorer = Explorer(
                    scenario, destination=destination, step=step, profile=profile, rules=rules
                )
                if changes:
                    self.explorer.show(self.explorer.destination.value, step, profile, rules, changes)
            self.explorer.changed = self._follow_address  # type: ignore[method-assign]
            self._follow_address()
        except (ScenarioError, ValueError, KeyError) as err:
            self._problem = f"Cannot open {name}: {err}"
        self.notices = tuple(notes)
        shown = notes + ([self._problem] if self._problem else [])
        self.notice_box.value = "".join(f"<div class='ek-notice'>{html.escape(n)}</div>" for n in shown)
        self.description.value = (
            f"<span style='color:#57606a;font-size:12.5px'>{html.escape(scenario.description)}</span>"
            if self.explorer is not None
            else ""
        )
        self.body.children = (self.explorer.widget,) if self.explorer is not None else ()

    def follow(self, query: str) -> None:
        """Apply a link's query string to this app (the demo's warm kernel does this per visitor)."""
        request = parse_query(query, self.names, self.picker.value)
        self._following = True  # one replay for the link, not one for the picker too
        try:
            self.picker.value = request.scenario
        finally:
            self._following = False
        self.open(
            request.scenario,
            request.step,
            request.destination,
            request.notices,
            request.profile,
            request.rules,
            request.changes,
        )

    @property
    def names(self) -> list[str]:
        """The scenarios the picker offers: the reader's own first, then the library's."""
        return [*self.own, *dataset_names(self.folder)]

    def _own_name(self, stem: str) -> str:
        """A picker name for a file of the reader's: its stem, marked when a dataset has it too."""
        return stem if stem not in dataset_names(self.folder) else f"{stem} (your file)"

    def load_file(self, name: str, content: bytes | str) -> None:
        """Open a file the reader gives (an upload): explored if valid, else its located problem
        (file, line, place, problem) in the page, as notebook 06 shows it."""
        scenario = load_upload(name, content)
        if isinstance(scenario, str):
            self.notices = (f"Cannot use this file: {scenario}",)
            self.notice_box.value = f"<div class='ek-notice'>{html.escape(self.notices[0])}</div>"
            return
        key = self._own_name(Path(name).stem)
        self.own[key] = scenario
        self._following = True
        try:
            self.picker.options = self.names
            self.picker.value = key
        finally:
            self._following = False
        if self.explorer is not None and self._name == key:  # the same name again: a new file
            self.explorer.close()
            self.explorer, self._name = None, ""
        self.open(
            key,
            notices=(
                "A file opened in this page stays in this page: a link to it opens "
                "only here, until the page is closed.",
            ),
        )

    def _uploaded(self, change: dict) -> None:
        for item in change["new"]:  # ipywidgets 8: a tuple of {name, content (memoryview), ...}
            self.load_file(item["name"], bytes(item["content"]))

    def _picked(self, change: dict) -> None:
        if not self._following:
            self.open(change["new"])

    @property
    def address(self) -> str:
        """The query string of a link that opens this very view."""
        query = {"scenario": self.picker.value}
        if self.explorer is not None:
            query.update(self.explorer.query())
        return urlencode(query)

    def _follow_address(self) -> None:
        if self.explorer is not None:
            self.explorer.view.sync_address = self.sync_address
            self.explorer.view.address = self.address

    @property
    def notice(self) -> str:
        """What the page says about the request, one line each (empty when all was honoured)."""
        return "\n".join(self.notices + ((self._problem,) if self._problem else ()))

    @property
    def text(self) -> str:
        """The report the page shows now, as plain text."""
        return self.explorer.text if self.explorer is not None else self._problem

    def show(self) -> None:
        """Display the app."""
        from .static import show

        show(self.widget, "exportkit explorer")

    def _ipython_display_(self) -> None:
        self.show()


def from_query_string(query: str, folder: Path = DATASETS, sync_address: bool = False) -> App:
    """The app for a demo link's query string, such as `scenario=delorean&step=4`."""
    request = parse_query(query, dataset_names(folder))
    app = App(
        request.scenario,
        request.step,
        request.destination,
        request.notices,
        folder,
        request.profile,
        request.rules,
        sync_address,
    )
    if request.changes:
        app.follow(query)
    return app


__all__ = ["App", "from_query_string"]
