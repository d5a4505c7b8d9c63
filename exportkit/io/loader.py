"""Read a scenario file (YAML or JSON) and check it whole, or refuse it with one clear message.

Every problem becomes a `ScenarioError` naming the file, the line where it can be found, the place
in the document (`events[3].qualify`) and what is wrong. Nothing is returned unless everything is
valid, so a caller never holds a half-checked scenario.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..core.events import ACTIONS, DELETE, DISABLE, ENABLE, Event, Targets, ValueProblem, action_of
from ..core.expectation import Expectation, end_problem, expectation_problem
from ..core.filenames import MERGE_POLICY_MACROS
from ..core.model import (
    HOURLY,
    MAX_TICK_SECONDS,
    Aggregation,
    BatchDestination,
    BatchSegment,
    Destination,
    Scenario,
    aggregation_problem,
    first_duplicate,
)
from ..core.rulesets import RuleSet, UnknownRuleSet, settings_of, unavailable
from ..core.values import LATEST, described, iso, read_time, time_problem
from .scenario_text import (
    FileError,
    Lines,
    LocatedProblem,
    TextProblem,
    decode,
    json_line,
    parse_json,
    parse_yaml,
    read_bytes,
    screen_text,
    yaml_line,
)

DEFAULT_START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
STEP = timedelta(minutes=1)


class ScenarioError(FileError):
    """A scenario file that cannot be used, with where and why."""


_Problem = LocatedProblem


def load_scenario(path: str | Path, rules: RuleSet | None = None) -> Scenario:
    """Load and validate a scenario file; `rules` overrides the file's own rule set.

    Only a regular UTF-8 file of at most `MAX_BYTES` is read (see `scenario_text`)."""
    path = Path(path)
    try:
        text = decode(read_bytes(path))
    except TextProblem as err:
        raise ScenarioError(str(path), "", err.problem, err.line) from None
    return _parse(text, str(path), rules, json_text=path.suffix.lower() == ".json")


def parse_scenario(
    text: str, source: str = "<scenario>", rules: RuleSet | None = None, json_text: bool = False
) -> Scenario:
    """Validate a scenario given as YAML or JSON text."""
    try:
        screen_text(text)
    except TextProblem as err:
        raise ScenarioError(source, "", err.problem, err.line) from None
    return _parse(text, source, rules, json_text)


def _parse(text: str, source: str, rules: RuleSet | None, json_text: bool) -> Scenario:
    lines: Lines = {}
    try:
        data = parse_json(text) if json_text else None
        if not json_text:
            data, lines = parse_yaml(text)
    except TextProblem as err:
        raise ScenarioError(source, "", err.problem, err.line) from None
    try:
        return build_scenario(data, rules)
    except _Problem as problem:
        line = json_line(text, problem.loc) if json_text else yaml_line(data, lines, problem.loc)
        raise ScenarioError(source, _place(problem.loc), problem.problem, line) from None


def build_scenario(data: Any, rules: RuleSet | None = None) -> Scenario:
    """Check already-parsed data; raises `_Problem` with the location of the first problem."""
    if not isinstance(data, dict):
        raise _Problem(
            (), "the document must be a mapping with name, segments, profiles, destinations and events"
        )
    for key in ("name", "segments", "profiles", "destinations", "events"):
        if key not in data:
            raise _Problem((), f"the required key {key!r} is missing")
    if rules is not None:
        try:
            settings_of(rules)
        except UnknownRuleSet as err:
            raise _Problem(("rules",), str(err)) from None
    for key in ("segments", "profiles", "destinations", "events"):
        if not isinstance(data[key], list):
            raise _Problem((key,), f"must be a list, not {described(data[key])}")

    start = _start(data)
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
    _cross_check(scenario)
    scenario = scenario.model_copy(update={"events": tuple(_events(data["events"], scenario))})
    _check_batch_work(scenario)
    return scenario


def _start(data: dict[str, Any]) -> datetime:
    if "start" in data:
        return _time(data["start"], ("start",))
    first = data["events"][0] if data["events"] else None
    if isinstance(first, dict) and "at" in first:
        return _time(first["at"], ("events", 0, "at")) - STEP
    return DEFAULT_START


def _time(value: Any, loc: tuple[Any, ...]) -> datetime:
    try:
        return read_time(value)
    except ValueError as err:
        raise _Problem(loc, str(err)) from None


def _in_range(moment: datetime, loc: tuple[Any, ...]) -> datetime:
    problem = time_problem(moment)
    if problem is not None:
        raise _Problem(loc, problem)
    return moment


def _events(raws: list[Any], s: Scenario) -> list[Event]:
    """Every event validated by its action's model (`core.events`), put on the clock, in order."""
    targets = Targets.of(s)
    disabled: dict[str, int] = {}  # L1: the destinations disabled so far, by the event that did it
    deleted: dict[str, int] = {}  # L2: the destinations deleted so far, likewise
    models = {kind: action.model for kind, action in ACTIONS.items()}
    tick = timedelta(seconds=s.tick_seconds)
    out: list[Event] = []
    append = out.append
    previous = s.start
    for i, raw in enumerate(raws):
        try:
            action = action_of(raw)
            event = models[action.kind].model_validate(raw, context=targets)
        except ValueProblem as problem:
            raise _Problem(("events", i, *problem.at), problem.problem) from None
        except ValidationError as err:
            raise _event_problem(err, ("events", i)) from None
        kind = action.kind
        at: datetime | None = event.at  # type: ignore[attr-defined]
        if at is None:
            at = previous + tick
            if at >= LATEST:
                _in_range(at, ("events", i))
        elif at < previous:
            what = "the previous event" if i else "the scenario start"
            raise _Problem(
                ("events", i, "at"),
                f"{iso(at)} is before {what} ({iso(previous)}); events must be in time order",
            )
        options = {key: getattr(event, key) for key in action.options if key in raw} or None
        value = getattr(event, kind)
        if action.names_destination and value in deleted:
            raise _Problem(
                ("events", i, kind),
                f"{value!r} was deleted (events[{deleted[value]}]); a deleted dataflow takes no "
                "further event (L2, A29)",
            )
        if kind == DELETE:
            deleted[value] = i
        if kind == DISABLE or kind == ENABLE:
            _check_pause(kind, value, disabled, i)
        expect = (
            _expect(raw["expect"], ("events", i, "expect"), s, "profile" in raw) if "expect" in raw else None
        )
        append(Event(at, kind, raw.get("profile"), value, expect, options))
        previous = at
    return out


def _expect(raw: Any, loc: tuple[Any, ...], s: Scenario, profile_event: bool) -> dict[str, Expectation]:
    """An event's `expect:`, its shape checked, then what it names against the scenario."""
    if type(raw) is not dict or not raw:
        raise _Problem(loc, "must be a mapping of destination id to what it is expected to do")
    target = Targets.of(s)
    expect: dict[str, Expectation] = {}
    for destination, entry in raw.items():
        try:
            expectation = Expectation.model_validate(entry)
        except ValidationError as err:
            first = err.errors()[0]
            raise _Problem((*loc, destination, *first["loc"]), _message(first)) from None
        problem = expectation_problem(destination, expectation, target, profile_event=profile_event)
        if problem is not None:
            raise _Problem((*loc, destination, *problem[0]), problem[1])
        expect[destination] = expectation
    return expect


def _check_pause(kind: str, destination: str, disabled: dict[str, int], i: int) -> None:
    """L1: a dataflow is disabled only while enabled, and enabled only while disabled."""
    if kind == DISABLE:
        if destination in disabled:
            raise _Problem(
                ("events", i, kind),
                f"{destination!r} is disabled already (events[{disabled[destination]}]); enable it first",
            )
        disabled[destination] = i
    elif disabled.pop(destination, None) is None:
        raise _Problem(("events", i, kind), f"{destination!r} is not disabled; there is nothing to enable")


def _event_problem(err: ValidationError, loc: tuple[Any, ...]) -> _Problem:
    """The first problem pydantic found in an event, located and worded as the loader words it."""
    first = err.errors()[0]
    where = loc + tuple(first["loc"])
    problem = first.get("ctx", {}).get("error")
    if isinstance(problem, ValueProblem):
        return _Problem(where + problem.at, problem.problem)
    return _Problem(where, _message(first))  # action_of leaves no other key to refuse


def _cross_check(s: Scenario) -> None:
    """The ids profiles and destinations name exist (the events' are checked as they are read)."""
    segment_ids = _unique_ids("segments", [x.id for x in s.segments])
    _unique_ids("profiles", [x.id for x in s.profiles])
    _unique_ids("destinations", [x.id for x in s.destinations])
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
        _check_rule_set_options(d, ("destinations", i), s.rules)
        if isinstance(d, BatchDestination) and d.per_merge_policy:
            _check_merge_policy_files(d, ("destinations", i), s)
    policies = {x.merge_policy for x in s.segments}
    for name in s.merge_policies:
        if name not in policies:
            raise _Problem(
                ("merge_policies", name),
                f"no segment has the merge policy {name!r}; segments have {', '.join(sorted(policies))}",
            )
    if s.expect_end:
        target = Targets.of(s)
        for destination, expectation in s.expect_end.items():
            problem = end_problem(destination, expectation, target)
            if problem is not None:
                raise _Problem(("expect_end", destination, *problem[0]), problem[1])


def _check_batch_work(s: Scenario) -> None:
    """B-T3, B-F2: a `once` time inside the replay, and bounded work from a small file.

    A `once` time at or before the scenario start would never fire. Scheduled runs between two
    events, and parts of one split file, are bounded by `Scenario.limits`: a 1 KB scenario whose
    last event is a century away would otherwise make hundreds of thousands of files."""
    periods: list[tuple[int, str]] = []
    for i, d in enumerate(s.destinations):
        if not isinstance(d, BatchDestination):
            continue
        for j, seg in enumerate(d.segments):
            schedule = seg.schedule
            loc = ("destinations", i, "segments", j, "schedule")
            if schedule is not None and schedule.once is not None:
                _in_range(schedule.once, loc + ("once",))
                if schedule.once <= s.start:
                    raise _Problem(
                        loc + ("once",),
                        f"{iso(schedule.once)} is not after the scenario start ({iso(s.start)}), "
                        "so it would never run; give a later time (B-T3)",
                    )
            if schedule is not None and schedule.every is not None:
                hours = 24 if schedule.every == "day" else HOURLY[schedule.every]
                periods.append((hours * 3600, f"{d.id}/{seg.id}"))
        parts = -(-len(s.profiles) // d.max_rows)
        if parts > s.limits.files_per_run:
            raise _Problem(
                ("destinations", i, "max_rows"),
                f"files of {d.max_rows} rows split a file of all {len(s.profiles)} profiles into {parts} "
                f"parts, more than the {s.limits.files_per_run} files a run may make (B-F2); raise "
                f"max_rows, or write limits: {{files_per_run: {parts}}} at the top of the scenario",
            )
    if periods and s.events:
        _check_runs_between_events(s, periods)


def _check_runs_between_events(s: Scenario, periods: list[tuple[int, str]]) -> None:
    times = [s.start, *(e.at for e in s.events)]
    k = max(range(1, len(times)), key=lambda n: times[n] - times[n - 1])
    gap = (times[k] - times[k - 1]).total_seconds()
    runs = sum(int(gap // period) + 1 for period, _ in periods)
    limit = s.limits.runs_between_events
    if runs > limit:
        names = ", ".join(name for _, name in periods)
        raise _Problem(
            ("events", k - 1, "at"),
            f"about {runs} scheduled runs ({names}) fall due between {iso(times[k - 1])} and "
            f"{iso(times[k])}, more than the {limit} allowed between two events; add events in "
            f"between, or write limits: {{runs_between_events: {runs}}} at the top of the scenario",
        )


def _check_rule_set_options(d: Destination, loc: tuple[Any, ...], rules: RuleSet) -> None:
    """An option of a later documentation, used under a rule set that does not have it."""
    if isinstance(d, BatchDestination):
        macros = [m for m in MERGE_POLICY_MACROS if m in (d.file_name or "")]
        uses = [("files_per", "the files_per option")] if d.files_per is not None else []
        uses += [("file_name", f"the {macros[0]} macro")] if macros else []
        for key, what in uses:
            problem = unavailable("files_per_merge_policy", what, "B-T2b", rules)
            if problem is not None:
                raise _Problem((*loc, key), problem)
        if "include_qualification_time" in d.model_fields_set:
            what = "the include_qualification_time option"
            problem = unavailable("storage_mapping_starts", what, "B-I4b", rules)
            if problem is not None:
                raise _Problem((*loc, "include_qualification_time"), problem)
        return
    if d.triggers is not None:
        problem = unavailable("activation_triggers", "the triggers option", "C7", rules)
        if problem is not None:
            raise _Problem((*loc, "triggers"), problem)


def _check_merge_policy_files(d: BatchDestination, loc: tuple[Any, ...], s: Scenario) -> None:
    """B-T2b, A27: the segments of one merge policy share one file per run, so they share its
    mode and schedule."""
    first: dict[str, BatchSegment] = {}
    for j, bs in enumerate(d.segments):
        policy = s.segment(bs.id).merge_policy
        leader = first.setdefault(policy, bs)
        for key in ("mode", "schedule"):
            if getattr(bs, key) != getattr(leader, key):
                raise _Problem(
                    (*loc, "segments", j, key),
                    f"{bs.id} shares merge policy {policy!r} with {leader.id}, so with files_per: "
                    f"merge_policy one file holds both; give it {leader.id}'s {key} (B-T2b, A27)",
                )


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
        return (
            f"must be a whole number of seconds from 1 to {MAX_TICK_SECONDS} (a week), "
            f"not {error.get('input')!r}"
        )
    if kind in ("tuple_type", "list_type"):
        return f"must be a list, such as [a, b], not {described(error.get('input'))}"
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
    """`events[3].set.loyalty.tier`; a key that would not read as one word on one line (empty,
    blank, a newline or another control character) is quoted: `schedule['\\n']`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.isprintable() and part.strip() == part and part:
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


__all__ = ["ScenarioError", "build_scenario", "load_scenario", "parse_scenario"]
