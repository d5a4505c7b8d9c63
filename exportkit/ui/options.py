"""The options of a destination's type, as controls: every field a scenario file may set on that
type beyond its mapping (the explorer's type, segments, attributes and namespaces controls).

`OptionsForm.load` shows a destination's own values; `OptionsForm.values` reads the controls back as
a scenario file writes them (field: value), which `exportkit.course.explore.change_destination`
takes. A control whose text does not read as its field's value is passed on as text: the
destination's validation refuses it with a sentence, which the explorer shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import ipywidgets as w
import yaml

from ..core.aggregation import BEST_EFFORT_USERS, EVENTS_IN_BATCH
from ..core.model import (
    Aggregation,
    AnyDestination,
    BatchDestination,
    BatchSegment,
    StreamingProfileDestination,
    StreamingSegmentDestination,
)

OPTIONS: dict[str, tuple[str, ...]] = {
    "streaming-profile": ("include_segment_names", "include_segment_timestamps", "aggregation"),
    "streaming-segment": (
        "consent_enforcement",
        "same_value_overwrite_triggers",
        "include_unchanged_segments",
        "aggregation",
    ),
    "batch": (
        "segments",
        "identity",
        "include_status",
        "mandatory",
        "dedup_key",
        "format",
        "compression",
        "file_name",
        "max_rows",
    ),
}
LISTS = {"mandatory", "dedup_key"}  # written comma-separated
POLICIES = [("none given", ""), ("best effort", "best_effort"), ("configurable", "configurable")]
LIMITS = ("max_users_per_request", "max_batch_age_seconds", "max_events_in_batch")
# each limit belongs to one policy (M4, M5), and an empty box takes the documented default
LIMIT_OF = {
    "max_users_per_request": "best_effort",
    "max_batch_age_seconds": "configurable",
    "max_events_in_batch": "configurable",
}
DEFAULTS = {
    "max_users_per_request": f"default {BEST_EFFORT_USERS}",
    "max_batch_age_seconds": "default: the rule set's Facebook window",
    "max_events_in_batch": f"default {EVENTS_IN_BATCH}",
}
# an option that is unset until a scenario writes it: the rule set decides (A3, C8)
UNSET_CHOICES = {
    "same_value_overwrite_triggers": [("as the rule set decides", ""), ("yes", "yes"), ("no", "no")]
}
KEYS = ("segment_id", "segment_status", "identity")
WIDE = {"description_width": "initial"}


def _words(field: str) -> str:
    return field.replace("_", " ")


def _number(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    return int(text) if text.lstrip("-").isdigit() else text


def _schedule_text(schedule: dict[str, Any] | None) -> str:
    """A schedule in the scenario file's flow notation (`every: day, at: '17:00'`)."""
    if not schedule:
        return ""
    return yaml.safe_dump(schedule, default_flow_style=True, width=200).strip()[1:-1]


def _schedule(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return yaml.safe_load("{" + text + "}")
    except yaml.YAMLError:
        return text


def _reader(box: w.ValueWidget, convert: Callable[[Any], Any]) -> Callable[[], Any]:
    """What a control holds, as its field's value."""
    return lambda: convert(box.value)


class OptionsForm:
    """Controls for one destination type's options; `on_change` is called after each change."""

    def __init__(self) -> None:
        self.widget = w.VBox()
        self.widget.add_class("exportkit-options")
        self.type = ""
        self._controls: dict[str, Callable[[], Any]] = {}
        self._observers: list[Callable[[], None]] = []
        self._loading = False

    def on_change(self, callback: Callable[[], None]) -> None:
        self._observers.append(callback)

    def _changed(self, _: object = None) -> None:
        if not self._loading:
            for callback in self._observers:
                callback()

    def _watch(self, *controls: w.Widget) -> None:
        for control in controls:
            control.observe(self._changed, names="value")

    def load(self, destination: AnyDestination, type: str | None = None) -> None:
        """Show the options of `type` (default: the destination's own) with its values; a field
        the destination's type does not have shows its default."""
        type = type or destination.type
        self.type = type
        own = destination.model_dump(mode="json")
        model = type_model(type)
        self._loading = True
        try:
            rows, self._controls = [], {}
            for field in OPTIONS[type]:
                value = own.get(field, model.model_fields[field].default)
                rows.append(self._control(field, value, model, destination))
            for old in self.widget.children:
                old.close()
            self.widget.children = rows
        finally:
            self._loading = False

    def _control(self, field: str, value: Any, model: Any, destination: AnyDestination) -> w.Widget:
        info = model.model_fields[field]
        if field == "aggregation":
            return self._aggregation(value)
        if field == "segments":
            return self._segments(value)
        choices = get_args(info.annotation)
        if field in UNSET_CHOICES:
            shown = "" if value is None else ("yes" if value else "no")
            box: w.Widget = w.Dropdown(
                options=UNSET_CHOICES[field],
                value=shown,
                description=_words(field),
                style=WIDE,
                layout={"width": "420px"},
            )
            self._controls[field] = _reader(box, lambda v: None if not v else v == "yes")
        elif info.annotation is not None and choices and all(isinstance(c, str) for c in choices):
            box = w.Dropdown(options=list(choices), value=value, description=_words(field), style=WIDE)
            self._controls[field] = _reader(box, lambda v: v)
        elif isinstance(value, bool):
            box = w.Checkbox(value=value, description=_words(field), indent=False)
            self._controls[field] = _reader(box, lambda v: v)
        elif field in LISTS:
            box = w.Text(value=", ".join(value or ()), description=_words(field), style=WIDE)
            self._controls[field] = _reader(box, lambda v: [x.strip() for x in v.split(",") if x.strip()])
        elif field == "max_rows":
            box = w.Text(value=str(value), description=_words(field), style=WIDE)
            self._controls[field] = _reader(box, _number)
        else:
            box = w.Text(value=value or "", description=_words(field), style=WIDE)
            self._controls[field] = _reader(box, lambda v: v.strip() or None)
        box.add_class(f"exportkit-option-{field.replace('_', '-')}")
        self._watch(box)
        return box

    def _aggregation(self, value: dict[str, Any] | None) -> w.Widget:
        value = value or {}
        policy = w.Dropdown(
            options=POLICIES, value=value.get("type", ""), description="aggregation", style=WIDE
        )
        limits = {
            k: w.Text(
                value="" if value.get(k) is None else str(value[k]),
                description=_words(k),
                placeholder=DEFAULTS[k],
                style=WIDE,
                layout=w.Layout(width="360px"),
            )
            for k in LIMITS
        }

        def shown(_: object = None) -> None:  # only the limits of the chosen policy
            for k, box in limits.items():
                box.layout.display = "" if policy.value == LIMIT_OF[k] else "none"

        shown()
        policy.observe(shown, names="value")
        key = value.get("key") or {}
        keys = {
            k: w.Checkbox(value=bool(key.get(k)), description=f"key: {_words(k)}", indent=False) for k in KEYS
        }
        policy.add_class("exportkit-option-aggregation")
        self._watch(policy, *limits.values(), *keys.values())

        def read() -> Any:
            if not policy.value:
                return None
            out: dict[str, Any] = {"type": policy.value}
            out.update({k: n for k, box in limits.items() if (n := _number(box.value)) is not None})
            ticked = {k: True for k, box in keys.items() if box.value}
            if ticked:
                out["key"] = ticked
            return out

        self._controls["aggregation"] = read
        return w.VBox(
            [
                policy,
                w.HBox(list(limits.values()), layout=w.Layout(flex_flow="row wrap")),
                w.HBox(list(keys.values())),
            ]
        )

    def _segments(self, value: list[dict[str, Any]]) -> w.Widget:
        rows, read = [], []
        for segment in value:
            mode = w.Dropdown(
                options=["full", "incremental"], value=segment.get("mode", "full"), description="mode"
            )
            when = w.Text(
                value=_schedule_text(segment.get("schedule")),
                description="schedule",
                placeholder="every: day, at: '17:00'",
                layout=w.Layout(width="340px"),
            )
            self._watch(mode, when)
            rows.append(w.HBox([w.HTML(f"<b>{segment['id']}</b>"), mode, when]))
            read.append((segment["id"], mode, when))

        def value_of() -> Any:
            out = []
            for id, mode, when in read:
                schedule = _schedule(when.value)
                out.append({"id": id, "mode": mode.value, **({"schedule": schedule} if schedule else {})})
            return out

        self._controls["segments"] = value_of
        return w.VBox([w.HTML("<b>Files per segment</b>"), *rows])

    def values(self) -> dict[str, Any]:
        """Every option of the type as the controls hold it (field: value)."""
        return {field: read() for field, read in self._controls.items()}


def type_model(type: str) -> Any:
    """The model of a destination type."""
    return {
        "streaming-profile": StreamingProfileDestination,
        "streaming-segment": StreamingSegmentDestination,
        "batch": BatchDestination,
    }[type]


def option_changes(destination: AnyDestination, type: str, values: dict[str, Any]) -> dict[str, Any]:
    """The options of `type` in `values` that differ from `destination`'s own (a field it does not
    have, from the type's default), compared as the scenario file writes them, defaults filled in."""
    own = destination.model_dump(mode="json")
    fields = type_model(type).model_fields
    out = {}
    for field, value in values.items():
        default = fields[field].default
        if _normal(field, value) != own.get(field, default):
            out[field] = value
    return out


def _normal(field: str, value: Any) -> Any:
    """`value` as the model dumps it (an aggregation's or a file's defaults filled in), or as given
    when it is not valid (a change: change_destination says what is wrong)."""
    try:
        if field == "aggregation" and value is not None:
            return Aggregation.model_validate(value).model_dump(mode="json")
        if field == "segments":
            return [BatchSegment.model_validate(x).model_dump(mode="json") for x in value]
    except ValueError:
        return value
    return value


__all__ = ["OPTIONS", "OptionsForm", "option_changes", "type_model"]
