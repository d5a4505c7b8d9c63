"""The scenario: segments, profiles, destinations and events, as immutable, validated models.

These models check what one record can check by itself (types, closed vocabularies). What needs
the whole scenario (unknown ids, duplicates, the clock, limits that depend on the rule set) is
checked by `exportkit.loader`. Events, and the table of their kinds, are in `core.events`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from .events import Event
from .expectation import EndExpectation
from .filenames import template_problem
from .rulesets import DEFAULT_RULE_SET, RULE_SETS, RuleSet, known_rule_set, settings_of
from .values import NAME, XDM_PATH, Scalar, iso, path_problem

Status = Literal["realized", "existing", "exited"]
ACTIVE: frozenset[str] = frozenset({"realized", "existing"})
Consent = Literal["in", "out"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def first_duplicate(values: Iterable[str]) -> int | None:
    """The position of the first value that was listed before, or None."""
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            return i
        seen.add(value)
    return None


def _check_paths(paths: tuple[str, ...]) -> None:
    for path in paths:
        problem = path_problem(path)
        if problem is not None:
            raise ValueError(problem)


def _check_unique(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    i = first_duplicate(values)
    if i is not None:
        raise ValueError(f"{what} {values[i]!r} is listed twice")
    return values


def _unique_paths(values: tuple[str, ...]) -> tuple[str, ...]:
    """A mapping's list of XDM paths: each a dotted path, none listed twice."""
    _check_paths(values)
    return _check_unique(values, "entry")


MAX_TICK_SECONDS = 7 * 86400
"""The longest tick between two events without a time: a week (a huge tick overflows the calendar)."""


class Limits(Frozen):
    """How much work a small file may ask for before exportkit refuses it (raise them here)."""

    runs_between_events: Annotated[StrictInt, Field(ge=1)] = 1000
    """Scheduled batch runs (B-T3) that may fall due between two events of the scenario."""
    files_per_run: Annotated[StrictInt, Field(ge=1)] = 1000
    """Parts one batch file may be split into (B-F2), counted with every profile in the file."""


class Segment(Frozen):
    """A segment (audience) definition."""

    id: Annotated[str, Field(pattern=NAME.pattern)]
    name: str
    merge_policy: str = "default"


class Profile(Frozen):
    """A profile's state before the scenario starts."""

    id: Annotated[str, Field(pattern=NAME.pattern)]
    identities: dict[str, tuple[str, ...]] = {}
    attributes: dict[str, Scalar] = {}
    segments: dict[str, Status] = {}
    consent: Consent = "in"

    @field_validator("identities", mode="before")
    @classmethod
    def _identity_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {ns: [ids] if isinstance(ids, str) else ids for ns, ids in value.items()}
        return value

    @field_validator("identities", mode="after")
    @classmethod
    def _identity_values(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for ns, ids in value.items():
            if not ids:
                raise ValueError(f"{ns}: give at least one id, or leave the namespace out")
        return value

    @field_validator("attributes")
    @classmethod
    def _attribute_paths(cls, value: dict[str, Scalar]) -> dict[str, Scalar]:
        _check_paths(tuple(value))
        for path, v in value.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"{path}: {v} is not a value an export can carry; give a finite number")
        return value


class AggregationKey(Frozen):
    """M6: how a configurable aggregation policy groups profiles into calls."""

    segment_id: StrictBool = False
    segment_status: StrictBool = False
    identity: StrictBool = False

    @model_validator(mode="after")
    def _status_needs_segment(self) -> AggregationKey:
        if self.segment_status and not self.segment_id:
            raise ValueError("segment_status needs segment_id: true (M6)")
        return self


class Aggregation(Frozen):
    """M3-M5: the aggregation policy of a streaming destination."""

    type: Literal["best_effort", "configurable"]
    max_users_per_request: StrictInt | None = None
    max_batch_age_seconds: StrictInt | None = None
    max_events_in_batch: StrictInt | None = None
    key: AggregationKey = AggregationKey()

    @model_validator(mode="after")
    def _fields_match_type(self) -> Aggregation:
        if self.type == "best_effort":
            if self.max_batch_age_seconds is not None or self.max_events_in_batch is not None:
                raise ValueError("best_effort takes max_users_per_request only (M4)")
            if self.max_users_per_request is not None and self.max_users_per_request < 1:
                raise ValueError("max_users_per_request must be at least 1 (M4)")
        elif self.max_users_per_request is not None:
            raise ValueError(
                "configurable takes max_batch_age_seconds and max_events_in_batch, "
                "not max_users_per_request (M5)"
            )
        return self


# M5: the limits a configurable aggregation may set (its batch age's range is a rule set's setting).
EVENTS_IN_BATCH_RANGE = (1000, 10_000)


def aggregation_problem(aggregation: Aggregation, rules: RuleSet) -> tuple[str, str] | None:
    """M5: the first limit of a configurable aggregation outside its range under `rules`, as
    (field, problem), or None. A limit's range depends on the rule set, so the scenario checks it."""
    if aggregation.type != "configurable":
        return None
    settings = settings_of(rules)
    low, high = settings.batch_age_range
    age = aggregation.max_batch_age_seconds
    if age is not None and not low <= age <= high:
        reading = f"; {settings.batch_age_reading}" if settings.batch_age_reading else ""
        window = settings.segment_window_seconds
        if age == window < low:  # the one value people copy from the documentation's Facebook example
            reading = (
                f"; {window} s is Facebook's own window, which a destination given no aggregation "
                f"uses (M2, A14), but a configurable aggregation may set no less than {low} s{reading}"
            )
        return (
            "max_batch_age_seconds",
            f"{age} is outside {low}-{high} seconds, the range of the {rules} rules (M5){reading}",
        )
    low, high = EVENTS_IN_BATCH_RANGE
    count = aggregation.max_events_in_batch
    if count is not None and not low <= count <= high:
        return "max_events_in_batch", f"{count} is outside {low}-{high} (M5)"
    return None


class DestinationBase(Frozen):
    """What every destination has: an id, a display name, mapped segments and mapped attributes."""

    id: Annotated[str, Field(pattern=NAME.pattern)]
    name: str | None = None
    attributes: tuple[str, ...] = ()

    # mandatory: the batch type's required attributes, paths listed once too
    @field_validator("attributes", "mandatory", check_fields=False)
    @classmethod
    def _attribute_paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique_paths(value)

    @property
    def segment_ids(self) -> tuple[str, ...]:
        """The ids of the mapped segments, in mapping order."""
        raise NotImplementedError

    @cached_property
    def mapped_attributes(self) -> frozenset[str]:
        return frozenset(self.attributes)


class Triggers(Frozen):
    """C7: the kinds of change that may trigger a streaming dataflow's exports, each on unless
    switched off (an option of the 2026 documentation: the loader refuses it under older ones)."""

    attributes: StrictBool = True
    segmentation: StrictBool = True
    identities: StrictBool = True

    @model_validator(mode="before")
    @classmethod
    def _known_kinds(cls, data: Any) -> Any:
        """C7 names three kinds of trigger; any other key is a typo, said as such."""
        if isinstance(data, dict):
            for key in data:
                if key not in TRIGGER_PARTS:
                    raise ValueError(
                        f"unknown trigger kind {key!r}; choose attributes, segmentation or identities (C7)"
                    )
        return data

    @cached_property
    def off(self) -> frozenset[str]:
        """The parts of a change (`Change.parts`) whose triggers are switched off."""
        return frozenset(part for kind, part in TRIGGER_PARTS.items() if not getattr(self, kind))


# C7: each trigger kind, by the part of a change it reads (`Change.parts`).
TRIGGER_PARTS = {"attributes": "attributes", "segmentation": "segments", "identities": "identities"}


class _Streaming(DestinationBase):
    """What both streaming destination types have: a dataflow of mapped segments and an aggregation
    policy."""

    segments: Annotated[tuple[str, ...], Field(min_length=1)]
    aggregation: Aggregation | None = None
    triggers: Triggers | None = None

    @cached_property
    def triggers_off(self) -> frozenset[str]:
        """C7: the parts of a change that may not trigger this dataflow (none unless set)."""
        return self.triggers.off if self.triggers is not None else frozenset()

    @property
    def segment_ids(self) -> tuple[str, ...]:
        return self.segments

    @cached_property
    def mapped_segments(self) -> frozenset[str]:
        return frozenset(self.segments)

    # identities: the streaming segment type's mapped namespaces, none listed twice either
    @field_validator("segments", "identities", check_fields=False)
    @classmethod
    def _unique_entries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_unique(value, "entry")


class StreamingProfileDestination(_Streaming):
    """An enterprise destination: HTTP API, Amazon Kinesis, Azure Event Hubs."""

    type: Literal["streaming-profile"]
    include_segment_names: StrictBool = False
    include_segment_timestamps: StrictBool = False


class StreamingSegmentDestination(_Streaming):
    """An advertising or social destination (API-based streaming segment export)."""

    type: Literal["streaming-segment"]
    identities: tuple[str, ...] = ()
    consent_enforcement: StrictBool = False
    same_value_overwrite_triggers: StrictBool | None = None  # A3; unset: the rule set decides (C8)
    include_unchanged_segments: StrictBool = False

    @cached_property
    def mapped_identities(self) -> frozenset[str]:
        return frozenset(self.identities)


HOURLY = {"3h": 3, "6h": 6, "8h": 8, "12h": 12}


class Schedule(Frozen):
    """B-T3/B-T4: when a batch segment's scheduled file is made.

    Exactly one of: `every: day` (with `at: "HH:MM"`, UTC), `every: 3h|6h|8h|12h` (first run at
    `at`, default 00:00), `once: <ISO time>`, `after: evaluation`.
    """

    every: Literal["day", "3h", "6h", "8h", "12h"] | None = None
    at: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    once: datetime | None = None
    after: Literal["evaluation"] | None = None

    @field_validator("at", mode="before")
    @classmethod
    def _yaml_sexagesimal(cls, value: Any) -> Any:
        """YAML 1.1 reads an unquoted 17:00 as the number 1020 (17 * 60): take it back."""
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"
        return value

    @field_validator("once", mode="before")
    @classmethod
    def _once_with_zone(cls, value: Any) -> Any:
        """B-T3: a `once` time must say its zone; an unquoted YAML date has no time at all."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(
                    f"{value.isoformat()} has no time zone; write it with one, such as 2025-01-02T17:00:00Z"
                )
            return value.astimezone(UTC)
        if isinstance(value, date):
            raise ValueError(
                f"{value.isoformat()} is a date; once needs a time with its zone, in quotes, "
                f'such as "{value.isoformat()}T17:00:00Z"'
            )
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO 8601 time such as 2025-01-02T17:00:00Z") from None
            if moment.tzinfo is None:
                raise ValueError(f"{value!r} has no time zone; add one, such as {value}Z")
            return moment.astimezone(UTC)
        if value is None:
            return value
        raise ValueError(
            f"must be a time with its zone, such as 2025-01-02T17:00:00Z, not {type(value).__name__}"
        )

    @field_validator("every", mode="before")
    @classmethod
    def _hours_words(cls, value: Any) -> Any:
        if isinstance(value, str):
            spoken = value.replace(" hours", "h").replace(" hour", "h").strip()
            return {"daily": "day", "1 day": "day"}.get(spoken, spoken)
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        given = {"every": self.every, "once": self.once, "after": self.after}
        kinds = [k for k, v in given.items() if v is not None]
        if len(kinds) != 1:
            raise ValueError("a schedule needs exactly one of every, once or after")
        if self.at is not None and self.every is None:
            raise ValueError("'at' goes with 'every' only")
        return self

    def describe(self) -> str:
        if self.once is not None:
            return f"once at {self.once.isoformat()}"
        if self.after is not None:
            return "after segment evaluation"
        if self.every == "day":
            return f"daily at {self.at or '00:00'} UTC"
        return f"every {HOURLY[self.every or '']} hours from {self.at or '00:00'} UTC"


class BatchSegment(Frozen):
    """B-T1: one segment of a batch destination, with its own mode and schedule."""

    id: str
    mode: Literal["full", "incremental"] = "full"
    schedule: Schedule | None = None

    @model_validator(mode="after")
    def _schedule_fits_mode(self) -> BatchSegment:
        """B-T3, A10: full files run once, daily or after evaluation; incremental ones never once."""
        s = self.schedule
        if s is None:
            return self
        if self.mode == "full" and s.every in HOURLY:
            raise ValueError(
                f"a full file cannot run every {HOURLY[s.every]} hours: full files run once, "
                "daily or after segment evaluation; hourly schedules are for incremental files "
                "(B-T3)"
            )
        if self.mode == "incremental" and s.once is not None:
            raise ValueError(
                "an incremental file cannot run once: incremental files run daily, every "
                "3/6/8/12 hours or after segment evaluation (B-T3)"
            )
        return self


class BatchDestination(DestinationBase):
    """A file-based destination: cloud storage or email marketing."""

    type: Literal["batch"]
    segments: Annotated[tuple[BatchSegment, ...], Field(min_length=1)]
    identity: str | None = None
    # B-I4/B-I4b: the segmentMembership.status and .lastQualificationTime columns; left out, the
    # rule set decides (`core.batch.with_mapping_defaults`): under the 2026 documentation a cloud
    # storage mapping starts with both. The time column comes from that documentation only.
    include_status: StrictBool = False
    include_qualification_time: StrictBool = False
    mandatory: tuple[str, ...] = ()
    dedup_key: tuple[str, ...] = ()
    format: Literal["csv", "json", "parquet"] = "csv"
    compression: Literal["none", "gzip"] = "none"
    file_name: str | None = None
    max_rows: Annotated[StrictInt, Field(ge=1)] = 5_000_000
    # B-T2b: one file per merge policy, holding its segments (the 2026 documentation); unset: one
    # file per segment (B-T2). Written at all, the loader refuses it under an older rule set.
    files_per: Literal["segment", "merge_policy"] | None = None

    @field_validator("segments")
    @classmethod
    def _unique_segments(cls, value: tuple[BatchSegment, ...]) -> tuple[BatchSegment, ...]:
        _check_unique(tuple(s.id for s in value), "segment")
        return value

    @property
    def segment_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.segments)

    @field_validator("dedup_key", mode="before")
    @classmethod
    def _key_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _key_and_names(self) -> BatchDestination:
        key = self.dedup_key
        namespaces = [k for k in key if "." not in k]
        if namespaces and len(key) > 1:
            raise ValueError("dedup_key: an identity namespace cannot be combined with attributes (B-I7)")
        if len(key) > 2:
            raise ValueError("dedup_key: at most two attributes (B-I7)")
        if self.identity is not None and key and tuple(key) != (self.identity,):
            raise ValueError(
                f"dedup_key: the exported identity {self.identity!r} is automatically the "
                "deduplication key; no other key can be set (B-I8)"
            )
        if self.file_name is not None:
            problem = template_problem(self.file_name, self.per_merge_policy)
            if problem is not None:
                raise ValueError(f"file_name {problem}")
        return self

    @property
    def per_merge_policy(self) -> bool:
        """B-T2b: the destination writes one file per merge policy, not one per segment."""
        return self.files_per == "merge_policy"


StreamingDestination = StreamingProfileDestination | StreamingSegmentDestination
AnyDestination = StreamingProfileDestination | StreamingSegmentDestination | BatchDestination
Destination = Annotated[AnyDestination, Field(discriminator="type")]


class Scenario(Frozen):
    """A whole scenario: the starting state, the dataflows and the event stream."""

    name: str
    description: str = ""
    # A validated id, not a Literal: the ids come from the table of rule sets (`core/rulesets.py`).
    rules: Annotated[
        RuleSet, AfterValidator(known_rule_set), Field(json_schema_extra={"enum": [*RULE_SETS]})
    ] = DEFAULT_RULE_SET
    start: datetime
    tick_seconds: Annotated[StrictInt, Field(ge=1, le=MAX_TICK_SECONDS)] = 60
    limits: Limits = Limits()
    segments: tuple[Segment, ...]
    merge_policies: dict[str, str] = {}
    """The name of each merge policy, by id (B-T2b's %MERGE_POLICY_NAME%; else its id)."""
    profiles: tuple[Profile, ...]
    destinations: tuple[Destination, ...]
    events: tuple[Event, ...]
    expect_end: dict[str, EndExpectation] | None = None
    """What each destination still holds when the scenario ends (`exportkit check`)."""

    def segment(self, segment_id: str) -> Segment:
        """The segment `segment_id` (KeyError if there is none)."""
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(segment_id)

    def destination(self, destination_id: str) -> AnyDestination:
        """The destination `destination_id` (KeyError if there is none)."""
        for d in self.destinations:
            if d.id == destination_id:
                return d
        raise KeyError(destination_id)

    @property
    def end(self) -> datetime:
        """When the scenario ends: at its last event (at its start if it has none)."""
        return self.events[-1].at if self.events else self.start

    def only(self, destination_ids: Iterable[str]) -> Scenario:
        """The scenario with only the destinations `destination_ids`: the same segments, profiles
        and profile events, and evaluations; the other destinations go, with the events that act
        on them alone (a run, a flush, a pause, ...) and what is expected of them.

        The rules decide for each destination alone, so each one kept is replayed as in the whole
        scenario (tests/test_scenario_only.py holds it), if the replay ends when the whole one
        does (`timeline(..., end=scenario.end)`): a dropped last event would end it sooner, and
        what waits in the buffers would leave sooner."""
        kept = {d.id for d in self.destinations} & set(destination_ids)

        def expected(expect: Any) -> Any:  # what is expected of the destinations kept, if any
            if not expect:
                return expect
            return {k: v for k, v in expect.items() if k in kept} or None

        return self.model_copy(
            update={
                "destinations": tuple(d for d in self.destinations if d.id in kept),
                "events": tuple(
                    e._replace(expect=expected(e.expect)) if e.expect else e
                    for e in self.events
                    if e.concerns(kept)
                ),
                "expect_end": expected(self.expect_end),
            }
        )


__all__ = [
    "ACTIVE",
    "EVENTS_IN_BATCH_RANGE",
    "HOURLY",
    "NAME",
    "TRIGGER_PARTS",
    "XDM_PATH",
    "Aggregation",
    "AggregationKey",
    "AnyDestination",
    "BatchDestination",
    "BatchSegment",
    "Consent",
    "Destination",
    "DestinationBase",
    "Event",
    "Profile",
    "Scalar",
    "Scenario",
    "Schedule",
    "Segment",
    "Status",
    "StreamingDestination",
    "StreamingProfileDestination",
    "StreamingSegmentDestination",
    "Triggers",
    "aggregation_problem",
    "first_duplicate",
    "iso",
    "path_problem",
]
