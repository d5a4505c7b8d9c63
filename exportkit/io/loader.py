"""Read a scenario file (YAML or JSON) and check it whole, or refuse it with one clear message.

Every problem becomes a `ScenarioError` naming the file, the line where it can be found, the place
in the document (`events[3].qualify`) and what is wrong. Nothing is returned unless everything is
valid, so a caller never holds a half-checked scenario.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..core.model import (
    DESTINATION_ACTIONS,
    PROFILE_ACTIONS,
    Aggregation,
    BatchDestination,
    Event,
    Scenario,
    aggregation_problem,
    first_duplicate,
    iso,
    path_problem,
)
from ..core.rules import RULE_SETS, RuleSet

DEFAULT_START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
STEP = timedelta(minutes=1)
SCALARS = (str, int, float, bool, type(None))

ACTIONS = frozenset(PROFILE_ACTIONS) | frozenset(DESTINATION_ACTIONS) | {"evaluate"}
EVENT_KEYS = ACTIONS | {"profile", "at"}


class ScenarioError(Exception):
    """A scenario file that cannot be used, with where and why."""

    def __init__(self, source: str, place: str, problem: str, line: int | None = None):
        self.source, self.place, self.problem, self.line = source, place, problem, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {place}: {problem}" if place else f"{where}: {problem}")


class _Problem(Exception):
    def __init__(self, loc: tuple[Any, ...], problem: str):
        super().__init__(problem)
        self.loc, self.problem = loc, problem


def load_scenario(path: str | Path, rules: RuleSet | None = None) -> Scenario:
    """Load and validate a scenario file; `rules` overrides the file's own rule set."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(str(path), "", f"cannot be read ({err.strerror or err})") from None
    return parse_scenario(text, source=str(path), rules=rules, json_text=path.suffix == ".json")


def parse_scenario(
    text: str, source: str = "<scenario>", rules: RuleSet | None = None, json_text: bool = False
) -> Scenario:
    """Validate a scenario given as YAML or JSON text."""
    try:
        data = json.loads(text) if json_text else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        line = _syntax_line(err)
        raise ScenarioError(
            source, "", f"is not valid {'JSON' if json_text else 'YAML'}: {_syntax_problem(err)}", line
        ) from None
    try:
        return build_scenario(data, rules)
    except _Problem as problem:
        raise ScenarioError(
            source, _place(problem.loc), problem.problem, _line_of(text, problem.loc)
        ) from None


def build_scenario(data: Any, rules: RuleSet | None = None) -> Scenario:
    """Check already-parsed data; raises `_Problem` with the location of the first problem."""
    if not isinstance(data, dict):
        raise _Problem(
            (), "the document must be a mapping with name, segments, profiles, destinations and events"
        )
    for key in ("name", "segments", "profiles", "destinations", "events"):
        if key not in data:
            raise _Problem((), f"the required key {key!r} is missing")
    if rules is not None and rules not in RULE_SETS:
        raise _Problem(("rules",), f"unknown rule set {rules!r}; choose seed or current")
    for key in ("segments", "profiles", "destinations", "events"):
        if not isinstance(data[key], list):
            raise _Problem((key,), f"must be a list, not {_kind(data[key])}")

    raw_events = data["events"]
    start = _start(data)
    parsed = [_event(raw, i) for i, raw in enumerate(raw_events)]
    body = {k: v for k, v in data.items() if k != "events"}
    body["start"] = start
    if rules is not None:
        body["rules"] = rules
    try:
        scenario = Scenario.model_validate({**body, "events": []})
    except ValidationError as err:
        first = err.errors()[0]
        loc = _clean_loc(first["loc"])
        if first["type"] == "union_tag_invalid":
            tag = first.get("ctx", {}).get("tag")
            raise _Problem(
                loc + ("type",),
                f"unknown destination type {tag!r}; choose streaming-profile, streaming-segment or batch",
            ) from None
        raise _Problem(loc, _message(first)) from None
    events = _clock(parsed, start, timedelta(seconds=scenario.tick_seconds))
    scenario = scenario.model_copy(update={"events": tuple(events)})
    _cross_check(scenario, data)
    return scenario


def _start(data: dict[str, Any]) -> datetime:
    if "start" in data:
        return _time(data["start"], ("start",))
    first = data["events"][0] if data["events"] else None
    if isinstance(first, dict) and "at" in first:
        return _time(first["at"], ("events", 0, "at")) - STEP
    return DEFAULT_START


def _time(value: Any, loc: tuple[Any, ...]) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _Problem(loc, f"{value!r} is not an ISO 8601 time such as 2025-01-01T09:00:00Z") from None
    if not isinstance(value, datetime):
        raise _Problem(loc, f"must be an ISO 8601 time, not {_kind(value)}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _event(raw: Any, i: int) -> dict[str, Any]:
    loc: tuple[Any, ...] = ("events", i)
    if not isinstance(raw, dict):
        raise _Problem(
            loc, f"an event must be a mapping such as {{profile: marty, qualify: seg}}, not {_kind(raw)}"
        )
    known = ACTIONS
    for key in raw:
        if key not in EVENT_KEYS:
            raise _Problem(
                loc + (key,),
                f"unknown key {key!r}; an event takes at, profile and one of {', '.join(sorted(known))}",
            )
    actions = [k for k in raw if k in known]
    if len(actions) != 1:
        found = " and ".join(repr(a) for a in actions) if actions else "none"
        raise _Problem(loc, f"an event needs exactly one action, found {found}")
    kind = actions[0]
    value = raw[kind]
    vloc = loc + (kind,)
    if kind in PROFILE_ACTIONS:
        if "profile" not in raw:
            raise _Problem(loc, f"a {kind} event needs a profile")
        if not isinstance(raw["profile"], str):
            raise _Problem(loc + ("profile",), f"must be a profile id, not {_kind(raw['profile'])}")
    elif "profile" in raw:
        raise _Problem(loc + ("profile",), f"a {kind} event does not take a profile")
    value = _action_value(kind, value, vloc)
    return {"kind": kind, "profile": raw.get("profile"), "value": value, "at": raw.get("at")}


def _action_value(kind: str, value: Any, loc: tuple[Any, ...]) -> Any:
    if kind in ("qualify", "exit", "run", "export_now", "flush"):
        if not isinstance(value, str):
            what = "segment" if kind in ("qualify", "exit") else "destination"
            raise _Problem(loc, f"must be a {what} id, not {_kind(value)}")
        return value
    if kind == "consent":
        if value not in ("in", "out"):
            raise _Problem(loc, f"must be in or out, not {value!r}")
        return value
    if kind == "evaluate":
        if value not in (None, {}):
            raise _Problem(loc, "takes no settings: write evaluate: {}")
        return {}
    if kind == "set":
        if not isinstance(value, dict) or not value:
            raise _Problem(loc, "must be a non-empty mapping of XDM path to value")
        for path, v in value.items():
            _path(path, loc + (path,))
            if not isinstance(v, SCALARS):
                raise _Problem(loc + (path,), f"must be a single value, not {_kind(v)}")
        return dict(value)
    if kind == "unset":
        paths = [value] if isinstance(value, str) else value
        if not isinstance(paths, list) or not paths:
            raise _Problem(loc, "must be a non-empty list of XDM paths")
        for j, path in enumerate(paths):
            _path(path, loc + (j,))
        return tuple(paths)
    # add_identity, remove_identity
    if not isinstance(value, dict) or not value:
        raise _Problem(
            loc, "must be a non-empty mapping of namespace to id, such as {email: marty@example.com}"
        )
    out: dict[str, tuple[str, ...]] = {}
    for ns, ids in value.items():
        ids = [ids] if isinstance(ids, str | int) else ids
        if not isinstance(ns, str) or not isinstance(ids, list) or not ids:
            raise _Problem(loc + (ns,), "must be an id or a non-empty list of ids")
        out[ns] = tuple(str(x) for x in ids)
    return out


def _path(path: Any, loc: tuple[Any, ...]) -> None:
    problem = path_problem(path)
    if problem is not None:
        raise _Problem(loc, problem)


def _clock(events: list[dict[str, Any]], start: datetime, tick: timedelta) -> list[Event]:
    out: list[Event] = []
    previous = start
    for i, ev in enumerate(events):
        at = _time(ev["at"], ("events", i, "at")) if ev["at"] is not None else previous + tick
        if at < previous:
            what = "the previous event" if i else "the scenario start"
            raise _Problem(
                ("events", i, "at"),
                f"{iso(at)} is before {what} ({iso(previous)}); events must be in time order",
            )
        out.append(Event(at, ev["kind"], ev["profile"], ev["value"]))
        previous = at
    return out


def _cross_check(s: Scenario, data: dict[str, Any]) -> None:
    segment_ids = _unique_ids("segments", [x.id for x in s.segments])
    profile_ids = _unique_ids("profiles", [x.id for x in s.profiles])
    dest_ids = _unique_ids("destinations", [x.id for x in s.destinations])
    for i, p in enumerate(s.profiles):
        for seg in p.segments:
            if seg not in segment_ids:
                raise _Problem(("profiles", i, "segments", seg), f"unknown segment {seg!r}")
    for i, d in enumerate(s.destinations):
        for j, seg_id in enumerate(d.segment_ids):
            if seg_id not in segment_ids:
                place = ("destinations", i, "segments", j) + (
                    ("id",) if isinstance(d, BatchDestination) else ()
                )
                raise _Problem(place, f"unknown segment {seg_id!r}")
        if not isinstance(d, BatchDestination) and d.aggregation is not None:
            _check_aggregation(d.aggregation, ("destinations", i, "aggregation"), s.rules)
    batch = {d.id for d in s.destinations if isinstance(d, BatchDestination)}
    streaming = dest_ids - batch
    for i, ev in enumerate(s.events):
        loc = ("events", i, ev.kind)
        if ev.profile is not None and ev.profile not in profile_ids:
            raise _Problem(("events", i, "profile"), f"unknown profile {ev.profile!r}")
        if ev.kind in ("qualify", "exit") and ev.value not in segment_ids:
            raise _Problem(loc, f"unknown segment {ev.value!r}")
        if ev.kind in ("run", "export_now") and ev.value not in batch:
            problem = (
                f"{ev.value!r} is not a batch destination; {ev.kind} makes files"
                if ev.value in dest_ids
                else f"unknown destination {ev.value!r}"
            )
            raise _Problem(loc, problem)
        if ev.kind == "flush" and ev.value not in streaming:
            problem = (
                f"{ev.value!r} is a batch destination; flush empties a streaming buffer"
                if ev.value in dest_ids
                else f"unknown destination {ev.value!r}"
            )
            raise _Problem(loc, problem)


def _check_aggregation(a: Aggregation, loc: tuple[Any, ...], rules: RuleSet) -> None:
    problem = aggregation_problem(a, rules)
    if problem is not None:
        field, text = problem
        raise _Problem((*loc, field), text)


def _unique_ids(section: str, ids: list[str]) -> set[str]:
    i = first_duplicate(ids)
    if i is not None:
        raise _Problem((section, i, "id"), f"duplicate id {ids[i]!r}")
    return set(ids)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    tags = {"streaming-profile", "streaming-segment", "batch", "function-after[_check_paths()]"}
    return tuple(x for x in loc if not (isinstance(x, str) and (x in tags or "[" in x)))


def _message(error: ErrorDetails) -> str:
    msg = error["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "required key missing"
    kind, where = error["type"], error["loc"][-1] if error["loc"] else ""
    if where == "tick_seconds":
        return f"must be a whole number of seconds >= 1, not {error.get('input')!r}"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list, such as [a, b], not {_kind(error.get('input'))}"
    if kind == "string_pattern_mismatch":
        if where == "at":
            return f'{error.get("input")!r} is not a time of day HH:MM (UTC), such as "17:00"'
        return (
            f"{error.get('input')!r} is not a valid id: use letters, digits and _ . : @ + -, "
            "starting with a letter or digit"
        )
    if kind == "literal_error":
        msg = f"{msg} (got {error.get('input')!r})"
    return msg[0].lower() + msg[1:] if msg else msg


def _place(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _kind(value: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        type(None): "nothing",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _syntax_line(err: Exception) -> int | None:
    mark = getattr(err, "problem_mark", None)
    if mark is not None:
        return mark.line + 1
    return getattr(err, "lineno", None)


def _syntax_problem(err: Exception) -> str:
    if isinstance(err, json.JSONDecodeError):
        return err.msg
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return str(problem)


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the node at `loc`, or of its nearest ancestor that exists."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


__all__ = ["ScenarioError", "build_scenario", "load_scenario", "parse_scenario"]
