"""Event kinds as one table: what each targets, how its value is read, its sentence, its schema.

A scenario file writes an event as a mapping: `at` (optional), `profile` for a profile event, and
one action key, the event's kind, with its value: `{profile: marty, qualify: delorean-owners}`.
`ACTIONS` holds one `Action` per kind, and everything that reads events reads it:

- the loader validates each event with the action's pydantic model (`Action.model`), whose readers
  check the value against the scenario (`Targets`) and word each problem on one line;
- the JSON Schema of scenario files is generated from the same models (`core.schema`);
- `text.sentences` fills the action's `sentence` template; `Event.as_dict` writes the value back
  in the file's form with the action's `written`.

A new kind is one `Action` here (and its name in `EventKind` and as a constant), plus what it
does: its case in `state.apply_event` for a profile event, or in the engine, and the rules it
affects.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, NamedTuple, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    create_model,
    model_validator,
)

from .expectation import Expect, ExpectValue
from .rulesets import choices_text, deciding, settings_of
from .values import XDM_PATH, Scalar, described, iso, path_problem, read_time

if TYPE_CHECKING:
    from .model import Scenario

EventKind = Literal[
    "qualify",
    "exit",
    "set",
    "unset",
    "add_identity",
    "remove_identity",
    "consent",
    "run",
    "export_now",
    "flush",
    "evaluate",
    "activate_now",
    "disable",
    "enable",
    "delete",
]
QUALIFY: Final = "qualify"
EXIT: Final = "exit"
SET: Final = "set"
UNSET: Final = "unset"
ADD_IDENTITY: Final = "add_identity"
REMOVE_IDENTITY: Final = "remove_identity"
CONSENT: Final = "consent"
RUN: Final = "run"
EXPORT_NOW: Final = "export_now"
FLUSH: Final = "flush"
EVALUATE: Final = "evaluate"
ACTIVATE_NOW: Final = "activate_now"
DISABLE: Final = "disable"
ENABLE: Final = "enable"
DELETE: Final = "delete"
"""Each kind by name, for comparisons outside this table (`event.kind == QUALIFY`): a misspelt
name fails at import, where a misspelt string would silently never match. `ACTIONS` is keyed by
them, and a test keeps event-kind strings out of comparisons elsewhere."""

Target = Literal["profile", "batch", "streaming", "streaming-segment", "destination", "scenario"]
"""What an event acts on: one profile; a batch destination; a streaming destination; a streaming
segment destination; a destination of any type; the whole scenario (the daily evaluation)."""

BATCH = frozenset({"batch"})
STREAMING_TYPES = frozenset({"streaming-profile", "streaming-segment"})
ANY = frozenset({"batch", *STREAMING_TYPES})


class ValueProblem(ValueError):
    """Why a value of an event cannot be used; `at` is where inside the value, if deeper."""

    def __init__(self, problem: str, at: tuple[Any, ...] = ()):
        super().__init__(problem)
        self.problem, self.at = problem, at


class Targets(NamedTuple):
    """What the events of one scenario may name: its profile and segment ids, its destinations'
    types by id. The readers get it as pydantic's validation context; the expectations are
    checked against it too."""

    profiles: frozenset[str]
    segments: frozenset[str]
    destinations: Mapping[str, str]
    mapped: Mapping[str, tuple[str, ...]]  # each destination's mapped segments
    rules: str  # the rule set: some kinds come from one documentation version

    @classmethod
    def of(cls, s: Scenario) -> Targets:
        return cls(
            frozenset(x.id for x in s.profiles),
            frozenset(x.id for x in s.segments),
            {d.id: d.type for d in s.destinations},
            {d.id: d.segment_ids for d in s.destinations},
            s.rules,
        )


def _targets(info: ValidationInfo) -> Targets:
    context = info.context
    if not isinstance(context, Targets):  # a programming error: the loader always passes one
        raise TypeError("events are validated with the scenario's Targets as context")
    return context


# --- readers: the file's value to the event's, or a ValueProblem -------------------------------


def _known(noun: str, ids: Callable[[Targets], frozenset[str]]) -> Callable[[Any, ValidationInfo], str]:
    """A reader of the id of a `noun` the scenario has (`ids` of its targets)."""

    def read(value: Any, info: ValidationInfo) -> str:
        if not isinstance(value, str):
            raise ValueProblem(f"must be a {noun} id, not {described(value)}")
        if value not in ids(_targets(info)):
            raise ValueProblem(f"unknown {noun} {value!r}")
        return value

    return read


_profile = _known("profile", lambda targets: targets.profiles)
_segment = _known("segment", lambda targets: targets.segments)


def _at(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return read_time(value)
    except ValueError as err:
        raise ValueProblem(str(err)) from None


def _destination(
    accepts: frozenset[str], refusal: str | Mapping[str, str], since: tuple[str, str] | None = None
) -> Callable[[Any, ValidationInfo], str]:
    """A reader of a destination id whose type is in `accepts`; `refusal` says why another type
    will not do (`{id}` is the id given, `{type}` its type), one text or one per type. `since`
    names the rule-set setting (`core.rulesets`) that brings the kind and the rule it cites: an
    older rule set refuses it."""

    def read(value: Any, info: ValidationInfo) -> str:
        if not isinstance(value, str):
            raise ValueProblem(f"must be a destination id, not {described(value)}")
        targets = _targets(info)
        kind = targets.destinations.get(value)
        if kind is None:
            raise ValueProblem(f"unknown destination {value!r}")
        if kind not in accepts:
            text = refusal if isinstance(refusal, str) else refusal[kind]
            raise ValueProblem(text.format(id=repr(value), type=kind))
        if since is not None:
            _needs(since, targets.rules, info.field_name or "")
        return value

    return read


def _needs(since: tuple[str, str], rules: str, kind: str) -> None:
    """The rule set `rules` has the setting `since[0]`, or a ValueProblem names the documentation
    the kind comes from and the rule sets that have it."""
    setting, rule = since
    if not getattr(settings_of(rules), setting):
        have = deciding(setting)
        raise ValueProblem(
            f"{kind} comes from {settings_of(have[0]).documentation} ({rule}); the {rules} rules do "
            f"not have it: write rules: {choices_text(have)}"
        )


def _segment_list(value: Any, info: ValidationInfo) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise ValueProblem("must be a non-empty list of segment ids, such as [s1, s2]")
    known = _targets(info).segments
    for j, seg in enumerate(names):
        if not isinstance(seg, str):
            raise ValueProblem(f"must be a segment id, not {described(seg)}", (j,))
        if seg not in known:
            raise ValueProblem(f"unknown segment {seg!r}", (j,))
        if seg in names[:j]:
            raise ValueProblem(f"segment {seg!r} is listed twice", (j,))
    return tuple(names)


def _segments_mapped(event: Any, info: ValidationInfo) -> Any:
    """S-T7: Activate now resends audiences mapped to the destination's dataflow."""
    segments = getattr(event, "segments", None) or ()
    destination = getattr(event, "activate_now", "")
    mapped = _targets(info).mapped.get(destination, ())
    for j, seg in enumerate(segments):
        if seg not in mapped:
            raise ValueProblem(
                f"segment {seg!r} is not mapped to {destination!r}; Activate now resends mapped "
                f"audiences ({', '.join(mapped)}) (S-T7)",
                ("segments", j),
            )
    return event


def _path(path: Any, at: tuple[Any, ...]) -> None:
    problem = path_problem(path)
    if problem is not None:
        raise ValueProblem(problem, at)


def _values(value: Any) -> dict[str, Scalar]:
    if not isinstance(value, dict) or not value:
        raise ValueProblem("must be a non-empty mapping of XDM path to value")
    for path, v in value.items():
        _path(path, (path,))
        if not isinstance(v, str | int | float | bool | None):
            raise ValueProblem(f"must be a single value, not {described(v)}", (path,))
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueProblem(f"{v} is not a value an export can carry; give a finite number", (path,))
    return dict(value)


def _paths(value: Any) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise ValueProblem("must be a non-empty list of XDM paths")
    for j, path in enumerate(names):
        _path(path, (j,))
    return tuple(names)


def _identities(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise ValueProblem(
            "must be a non-empty mapping of namespace to id, such as {email: marty@example.com}"
        )
    out: dict[str, tuple[str, ...]] = {}
    for ns, ids in value.items():
        ids = [ids] if isinstance(ids, str | int) else ids
        if not isinstance(ns, str) or not isinstance(ids, list) or not ids:
            raise ValueProblem("must be an id or a non-empty list of ids", (ns,))
        for j, x in enumerate(ids):  # ids are text; a whole number is taken as its digits
            if not isinstance(x, str | int) or isinstance(x, bool):
                raise ValueProblem(f"must be an id (text), not {described(x)}", (ns, j))
        out[ns] = tuple(str(x) for x in ids)
    return out


def _consent(value: Any) -> str:
    if value not in ("in", "out"):
        raise ValueProblem(f"must be in or out, not {value!r}")
    return str(value)


def _nothing(value: Any) -> dict[str, Any]:
    if value not in (None, {}):
        raise ValueProblem("takes no settings: write evaluate: {}")
    return {}


# --- writers: the event's value back in the file's form ---------------------------------------


def _same(value: Any) -> Any:
    return value


def _listed(value: Any) -> Any:
    return list(value)


def _identities_listed(value: Any) -> Any:
    return {ns: list(ids) for ns, ids in value.items()}


def _empty(value: Any) -> Any:
    return {}


Path = Annotated[str, Field(pattern=XDM_PATH.pattern)]
Id = str | int  # a whole number is taken as its digits
Ids = Id | Annotated[list[Id], Field(min_length=1)]
Values = Annotated[dict[str, Scalar], Field(min_length=1)]
IdsByNamespace = Annotated[dict[str, Ids], Field(min_length=1)]
Nothing = Annotated[dict[str, Any], Field(max_length=0)] | None


def read(reader: Callable[..., Any], written_as: Any, description: str) -> Any:
    """A value's annotation: `reader` is its validation (the problems it words are the loader's
    messages), `written_as` the form a file writes it in (the JSON Schema's)."""
    return Annotated[
        Any, PlainValidator(reader, json_schema_input_type=written_as), Field(description=description)
    ]


@dataclass(frozen=True)
class Action:
    """One event kind: the key a file writes it with, what it targets, how its value is read
    (`value`, an annotation made by `read`), its sentence and how its value is written back.

    `sentence` is a template that `text.sentences` fills: `{profile}` (the event's profile),
    `{segment}` and `{destination}` (the value as one), `{values}`, `{paths}`, `{identities}`
    and `{consent}` (the value in words), `{audiences}` (the `segments` option). `options` are
    further keys the event may have, each an annotation made by `read` with a default; `check`
    validates the event whole (its value against its options)."""

    kind: EventKind
    targets: Target
    value: Any
    sentence: str
    written: Callable[[Any], Any] = _same
    options: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    check: Callable[[Any, ValidationInfo], Any] | None = None  # the whole event, once read

    @property
    def takes_profile(self) -> bool:
        return self.targets == "profile"

    @property
    def names_destination(self) -> bool:
        """Whether the event's value is a destination id (a run, a flush, a pause, ...)."""
        return self.targets not in ("profile", "scenario")

    @property
    def model(self) -> type[BaseModel]:
        """The event's pydantic model, in the file's form (`at`, `profile`, the action key)."""
        return _models()[self.kind]


def _batch(kind: str) -> Any:
    return _destination(BATCH, "{id} is not a batch destination; " + kind + " makes files")


ACTIONS: Mapping[EventKind, Action] = {
    a.kind: a
    for a in (
        Action(
            QUALIFY,
            "profile",
            read(_segment, str, "a segment id: the profile qualifies (status realized)"),
            "{profile} qualifies for {segment}",
        ),
        Action(
            EXIT,
            "profile",
            read(_segment, str, "a segment id: the profile exits (status exited)"),
            "{profile} exits {segment}",
        ),
        Action(
            SET,
            "profile",
            read(
                _values,
                Values,
                "attribute values by dotted XDM path, such as {loyalty.tier: gold}",
            ),
            "{profile}: {values}",
        ),
        Action(
            UNSET,
            "profile",
            read(
                _paths,
                Path | Annotated[list[Path], Field(min_length=1)],
                "dotted XDM paths of the attributes to remove",
            ),
            "{profile}: {paths}",
            written=_listed,
        ),
        Action(
            ADD_IDENTITY,
            "profile",
            read(_identities, IdsByNamespace, "ids by namespace, such as {email: marty@example.com}"),
            "{profile} gains {identities}",
            written=_identities_listed,
        ),
        Action(
            REMOVE_IDENTITY,
            "profile",
            read(_identities, IdsByNamespace, "ids by namespace to remove"),
            "{profile} loses {identities}",
            written=_identities_listed,
        ),
        Action(
            CONSENT,
            "profile",
            read(_consent, Literal["in", "out"], "in or out"),
            "{profile} {consent}",
        ),
        Action(
            RUN,
            "batch",
            read(_batch(RUN), str, "a batch destination id: a scheduled run of each of its segments, now"),
            "A scheduled run of {destination} starts now",
        ),
        Action(
            EXPORT_NOW,
            "batch",
            read(
                _batch(EXPORT_NOW),
                str,
                "a batch destination id: Export file now, one full file per segment (B-T5)",
            ),
            "Export file now on {destination}",
        ),
        Action(
            FLUSH,
            "streaming",
            read(
                _destination(
                    STREAMING_TYPES, "{id} is a batch destination; flush empties a streaming buffer"
                ),
                str,
                "a streaming destination id: what waits in its buffers leaves now (M1)",
            ),
            "The buffers of {destination} are flushed: what waits leaves now",
        ),
        Action(
            EVALUATE,
            "scenario",
            read(_nothing, Nothing, "{}: the daily segment evaluation (B-T4)"),
            "The daily segment evaluation runs",
            written=_empty,
        ),
        Action(
            ACTIVATE_NOW,
            "streaming-segment",
            read(
                _destination(
                    frozenset({"streaming-segment"}),
                    {
                        "batch": "{id} is a batch destination; Activate now resends audiences to "
                        "streaming segment destinations: for a file now, use export_now (B-T5)",
                        "streaming-profile": "{id} is a streaming-profile destination; Activate now "
                        "resends audiences to streaming segment destinations only (S-T7)",
                    },
                    since=("activate_now", "S-T7"),
                ),
                str,
                "a streaming segment destination id: Activate now, every current member of each "
                "audience resent (S-T7)",
            ),
            "Activate now on {destination} for {audiences}",
            options={
                "segments": (
                    read(
                        _segment_list,
                        str | list[str] | None,
                        "the audiences to resend (default: every mapped segment)",
                    ),
                    None,
                )
            },
            check=_segments_mapped,
        ),
        Action(
            DISABLE,
            "destination",
            read(
                _destination(ANY, "", since=("paused_dataflows", "L1")),
                str,
                "a destination id: its dataflow is disabled and exports nothing until enabled (L1)",
            ),
            "The dataflow to {destination} is disabled",
        ),
        Action(
            ENABLE,
            "destination",
            read(
                _destination(ANY, "", since=("paused_dataflows", "L1")),
                str,
                "a destination id: its disabled dataflow is enabled again (L1, A20)",
            ),
            "The dataflow to {destination} is enabled again",
        ),
        Action(
            DELETE,
            "destination",
            read(
                _destination(ANY, "", since=("deleted_dataflows", "L2")),
                str,
                "a destination id: its dataflow is deleted, its audiences unmapped; it exports "
                "nothing again (L2)",
            ),
            "The dataflow to {destination} is deleted",
        ),
    )
}
if set(ACTIONS) != set(get_args(EventKind)):  # pragma: no cover - caught by the first import
    raise RuntimeError("every EventKind needs its Action, and every Action its EventKind")

AT = read(_at, datetime | None, "when (ISO 8601, UTC); default: one tick later")
PROFILE = read(_profile, str, "the profile's id")
EXPECT = read(
    _same,  # the loader reads it with the scenario at hand (`io.loader._expect`)
    dict[str, ExpectValue] | None,
    "what each destination is expected to do, by destination id (exportkit check)",
)


FROZEN = ConfigDict(frozen=True, extra="forbid")
_MODELS: dict[str, type[BaseModel]] = {}


def _models() -> dict[str, type[BaseModel]]:
    """Each action's event model, made once, on first use: `QualifyEvent` and so on."""
    if not _MODELS:
        for action in ACTIONS.values():
            fields: dict[str, Any] = {"at": (AT, None), action.kind: (action.value, ...)}
            fields.update(action.options)
            fields["expect"] = (EXPECT, None)
            if action.takes_profile:
                fields["profile"] = (PROFILE, ...)
            name = "".join(part.title() for part in action.kind.split("_")) + "Event"
            checks: dict[str, Any] = {}
            if action.check is not None:
                checks["_check"] = model_validator(mode="after")(action.check)
            _MODELS[action.kind] = create_model(name, __config__=FROZEN, __validators__=checks, **fields)
    return _MODELS


EVENT_KEYS = frozenset({"at", "profile", "expect"})
"""The keys every event may have besides its action (`profile` only for a profile event)."""


def action_of(raw: Any) -> Action:
    """The action of an event as a file writes it, once its shape is right: a mapping with
    exactly one action key, a profile when (and only when) the action needs one, and no key that
    no event takes. A ValueProblem (located inside the event) says what is wrong."""
    if type(raw) is not dict:
        raise ValueProblem(
            f"an event must be a mapping such as {{profile: marty, qualify: seg}}, not {described(raw)}"
        )
    action = None
    for key in raw:
        found = ACTIONS.get(key)
        if found is not None:
            if action is not None:
                names = " and ".join(repr(a) for a in raw if a in ACTIONS)
                raise ValueProblem(f"an event needs exactly one action, found {names}")
            action = found
        elif key not in EVENT_KEYS and key not in OPTION_KEYS:
            raise ValueProblem(
                f"unknown key {key!r}; an event takes at, profile, expect and one of "
                f"{', '.join(sorted(ACTIONS))}",
                (key,),
            )
    if action is None:
        raise ValueProblem("an event needs exactly one action, found none")
    if action.takes_profile:
        if "profile" not in raw:
            raise ValueProblem(f"{_an(action.kind)} event needs a profile")
    elif "profile" in raw:
        raise ValueProblem(f"{_an(action.kind)} event does not take a profile", ("profile",))
    for key in raw:
        if key in OPTION_KEYS and key not in action.options:
            raise ValueProblem(f"{_an(action.kind)} event does not take {key}", (key,))
    return action


def _an(kind: str) -> str:
    """The kind with its article: "a qualify", "an exit"."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


OPTION_KEYS = frozenset(key for a in ACTIONS.values() for key in a.options)


class Event(NamedTuple):
    """One event on the scenario clock: a profile change, a batch run, a flush or an evaluation.

    `value` holds the action's value as its `Action` reads it: a segment id (qualify, exit), a
    mapping of attribute values (set), a tuple of paths (unset), a mapping of namespace to ids
    (add_identity, remove_identity), `in`/`out` (consent), or a destination id (run, export_now,
    flush, activate_now, disable, enable). `options` holds the further keys the action takes,
    when given. Events are made by the loader, which validates them; a tuple keeps a scenario of
    millions of events light.
    """

    at: datetime
    kind: EventKind
    profile: str | None = None
    value: Any = None
    expect: Expect | None = None  # what each destination is expected to do (exportkit check)
    options: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The event in the scenario file's own form, with its time."""
        out: dict[str, Any] = {"at": iso(self.at)}
        if self.profile is not None:
            out["profile"] = self.profile
        action = ACTIONS[self.kind]
        out[self.kind] = action.written(self.value)
        if self.options:
            out.update({k: list(v) if isinstance(v, tuple) else v for k, v in self.options.items()})
        return out

    def concerns(self, destination_ids: Collection[str]) -> bool:
        """Whether the event acts on a profile or the whole scenario, or on one of
        `destination_ids`: the events a scenario restricted to them keeps (`Scenario.only`)."""
        return not ACTIONS[self.kind].names_destination or self.value in destination_ids


__all__ = [
    "ACTIONS",
    "ACTIVATE_NOW",
    "ADD_IDENTITY",
    "CONSENT",
    "DELETE",
    "DISABLE",
    "ENABLE",
    "EVALUATE",
    "EXIT",
    "EXPORT_NOW",
    "FLUSH",
    "QUALIFY",
    "REMOVE_IDENTITY",
    "RUN",
    "SET",
    "UNSET",
    "Action",
    "Event",
    "EventKind",
    "Target",
    "Targets",
    "ValueProblem",
    "action_of",
    "read",
]
