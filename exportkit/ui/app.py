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

from ..io.library import DATASETS, DEFAULT_SCENARIO, dataset_names, dataset_path, parse_query
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
    ):
        self.folder = folder
        self.sync_address = sync_address
        names = dataset_names(folder)
        if scenario not in names:
            notices += (f"Unknown scenario {scenario!r}: choose one of {', '.join(names)}.",)
            scenario = DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0]
        self.picker = w.Dropdown(
            options=names, value=scenario, description="Scenario", layout=w.Layout(width="auto")
        )
        self.picker.add_class("exportkit-scenario")
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
                w.HBox([self.picker, self.description], layout=w.Layout(align_items="center")),
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
            scenario = kept.scenario if kept is not None else load_scenario(dataset_path(name, self.folder))
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
                kept.show(destination=destination, step=step, profile=profile, rules=rules)
            else:
                self.explorer = Explorer(
                    scenario, destination=destination, step=step, profile=profile, rules=rules
                )
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
        request = parse_query(query, dataset_names(self.folder))
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
        )

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
    return App(
        request.scenario,
        request.step,
        request.destination,
        request.notices,
        folder,
        request.profile,
        request.rules,
        sync_address,
    )


__all__ = ["App", "from_query_string"]
