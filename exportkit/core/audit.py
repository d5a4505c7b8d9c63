"""The audit: what was captured, record by record, against what the rules predict (pure).

A record is one profile in a message (streaming) or one row of a file (batch). Records are
matched per destination by identity (identityMap values, or the file's identity or deduplication
column), audience and status, in any order and any batching:

- MATCHED: predicted and captured, every field equal;
- DIFFERENT: predicted and captured, some field differs (each path, expected and actual);
- MISSING: predicted, not captured (the event and the rule that predicted it);
- PENDING: predicted, not captured, but not yet due: within the documented latency of the
  capture's end (M7: 10 minutes; a backfill, E-T6: 1 hour);
- UNEXPECTED: captured, not predicted (the rule that says no).

A record predicted twice (a same-value overwrite re-exports, E-S1) is expected twice. Retries are
the reader's business: `exportkit.io.capture` keeps one copy per message id. Nothing here reads a
file or a clock: the capture's records and its end are arguments.
"""

from __future__ import annotations

import json
import sys
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from .aggregation import Message
from .engine import Entry, Opening, Replay, Step
from .events import ADD_IDENTITY, EVALUATE
from .exportfile import ExportFile
from .filenames import is_static
from .model import BatchDestination, Event, Scenario, iso
from .rules import Reason, Value, cited, reason

Outcome = Literal["MATCHED", "MISSING", "UNEXPECTED", "DIFFERENT", "PENDING"]
OUTCOMES: tuple[Outcome, ...] = ("MISSING", "UNEXPECTED", "DIFFERENT", "PENDING", "MATCHED")
"""In the order a report shows them: what needs an answer first."""
PASSING: frozenset[Outcome] = frozenset({"MATCHED", "PENDING"})

LATENCY = timedelta(minutes=10)
"""M7: 95% of successful messages arrive within 10 minutes."""
BACKFILL_LATENCY = timedelta(hours=1)
"""E-T6: a backfill arrives within about an hour of the mapping."""

Key = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
"""What records are matched by: identities (sorted, each once) and (audience, status) pairs."""


@dataclass(slots=True)
class Refusals:
    """Per (destination, profile), the reason of each verdict that did not export it, in time
    order: what explains an UNEXPECTED record (`said`).

    A replay refuses far more often than it exports (the bench: 412,000 refusals beside 168,000
    records), so they are held compactly: per profile, the times and the reasons in two lists; a
    reason the same as the one before it for that profile is not added again (`said` finds the
    earlier one, which says the same); and equal reasons are one object."""

    by: dict[tuple[str, str], tuple[list[datetime], list[Reason]]] = field(default_factory=dict)
    _reasons: dict[tuple[str, str, tuple[Value, ...]], Reason] = field(default_factory=dict, compare=False)

    def add(self, destination: str, profile: str, at: datetime, why: Reason) -> None:
        """A verdict at `at` did not export `profile` to `destination`, for `why` (in time order)."""
        why = self._reasons.setdefault((why.rule, why.template, why.values), why)
        said = self.by.get((destination, profile))
        if said is None:
            said = self.by[(destination, profile)] = ([], [])
        elif said[1][-1] is why:
            return
        said[0].append(at)
        said[1].append(why)

    def said(self, destination: str, profile: str, at: datetime | None) -> Reason | None:
        """The reason given last at or before `at` (None: the last of all), else the first one
        given; None if the profile was never refused."""
        times, reasons = self.by.get((destination, profile), ((), ()))
        if not reasons:
            return None
        if at is None:
            return reasons[-1]
        before = bisect_right(times, at)
        return reasons[before - 1] if before else reasons[0]


@dataclass(frozen=True, slots=True, init=False)
class Record:
    """One exported profile record: a payload in a message, or a row of a file.

    Its fields are kept as one text (`canonical`): what records are matched by, and all that is
    kept of them, since most records match and are never looked into again; `fields` reads the
    values back for a record that differs."""

    destination: str
    identities: tuple[str, ...]  # "namespace:id" (or "column:value" for a file's key columns)
    memberships: tuple[tuple[str, str], ...]  # sorted (audience, status); status "" if unknown
    canonical: str  # the payload as sent, or the file's row, as `canonical` writes it
    at: datetime | None  # predicted: when it leaves; captured: when it was sent, if known
    where: str  # captured: file and line, or file name; predicted: the message or file
    profile: str | None  # predicted: the scenario's profile
    why: Reason | None  # predicted: the rule that predicted it
    cause: str  # predicted: the event (or activation, or the file's run) behind it
    backfill: bool  # predicted at activation (E-T6: an hour to arrive)

    def __init__(
        self,
        destination: str,
        identities: Iterable[str],
        memberships: tuple[tuple[str, str], ...],
        fields: dict[str, Any],
        *,
        at: datetime | None = None,
        where: str = "",
        profile: str | None = None,
        why: Reason | None = None,
        cause: str = "",
        backfill: bool = False,
    ) -> None:
        # frozen: each attribute is set once, here
        object.__setattr__(self, "destination", destination)
        object.__setattr__(self, "identities", tuple(sorted(set(identities))))
        object.__setattr__(self, "memberships", memberships)
        object.__setattr__(self, "canonical", canonical(fields))
        object.__setattr__(self, "at", at)
        object.__setattr__(self, "where", where)
        object.__setattr__(self, "profile", profile)
        object.__setattr__(self, "why", why)
        object.__setattr__(self, "cause", cause)
        object.__setattr__(self, "backfill", backfill)

    @property
    def fields(self) -> dict[str, Any]:
        """The payload or the row, read back from its text (JSON values: lists, not tuples)."""
        value: dict[str, Any] = json.loads(self.canonical)
        return value

    @property
    def key(self) -> Key:
        return self.identities, self.memberships

    def label(self) -> str:
        """Who and which audience, for a report line."""
        who = self.profile or ", ".join(self.identities[:2]) or "(no identity)"
        audiences = ", ".join(f"{s} {st}".strip() for s, st in self.memberships) or "(no audience)"
        return f"{who}: {audiences}"


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
"""The standard library's encoder, configured once: `json.dumps` with these options would make a
new one for each of the audit's records (both sides), a third of the text's cost."""


def canonical(value: Any) -> str:
    """One text per value, whatever the order of its keys: two records match when these agree."""
    return _CANONICAL.encode(value)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Finding:
    """One record's outcome, with what a consultant needs to answer for it."""

    outcome: Outcome
    destination: str
    expected: Record | None
    actual: Record | None
    rule: str
    text: str
    differences: tuple[tuple[str, Any, Any], ...] = ()

    @property
    def record(self) -> Record:
        record = self.actual if self.expected is None else self.expected
        if record is None:  # a finding always has one side
            raise ValueError("a finding without a record")
        return record

    @property
    def why(self) -> Reason:
        """The finding's rule and text as a reason."""
        return reason(self.rule, self.text)

    def as_dict(self) -> dict[str, Any]:
        """The finding as the JSON report writes it (stable keys)."""
        r = self.record
        return {
            "outcome": self.outcome,
            "destination": self.destination,
            "profile": r.profile if self.expected is None else self.expected.profile,
            "identities": list(r.identities),
            "audiences": [{"id": s, "status": st} for s, st in r.memberships],
            "predicted_at": iso(self.expected.at) if self.expected and self.expected.at else None,
            "captured_at": iso(self.actual.at) if self.actual and self.actual.at else None,
            "captured_where": self.actual.where if self.actual else None,
            "rule": self.rule,
            "text": self.text,
            "differences": [{"path": p, "expected": e, "actual": a} for p, e, a in self.differences],
        }


@dataclass(frozen=True, slots=True)
class Tolerances:
    """How long a predicted record may take to arrive before it counts as missing."""

    latency: timedelta = LATENCY
    backfill: timedelta = BACKFILL_LATENCY


@dataclass(slots=True)
class Audit:
    """Every finding of an audit, and the capture's end it was judged at."""

    scenario: Scenario
    findings: list[Finding]
    until: datetime | None
    tolerances: Tolerances = field(default_factory=Tolerances)
    source: str = ""  # the capture, as named
    kind: str = ""  # receiver log, request bodies, testing API output, batch files
    messages: int = 0  # requests or files read
    retries: int = 0  # requests counted once as repeats of a message id

    def counts(self) -> dict[str, dict[Outcome, int]]:
        """Per destination, how many records of each outcome (every outcome listed)."""
        out: dict[str, dict[Outcome, int]] = {
            d.id: dict.fromkeys(OUTCOMES, 0) for d in self.scenario.destinations
        }
        for f in self.findings:
            out.setdefault(f.destination, dict.fromkeys(OUTCOMES, 0))[f.outcome] += 1
        return out

    def totals(self) -> dict[Outcome, int]:
        totals = dict.fromkeys(OUTCOMES, 0)
        for f in self.findings:
            totals[f.outcome] += 1
        return totals

    @property
    def passed(self) -> bool:
        """Only MATCHED and PENDING records: the platform did what the documentation says."""
        return all(f.outcome in PASSING for f in self.findings)


# --- what the rules predict --------------------------------------------------------------------


def flatten(payload: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A payload's leaves as dotted paths, each value hashable; a list (an identity map's ids)
    stays one value, in a fixed order, so the order a platform lists them in does not matter."""
    out: dict[str, Any] = {}
    for k, v in payload.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(flatten(v, path + "."))
        elif isinstance(v, list):
            items = [_hashable(x) for x in v]
            try:
                out[path] = tuple(sorted(items))
            except TypeError:  # values of mixed types: any fixed order will do
                out[path] = tuple(sorted(items, key=repr))
        else:
            out[path] = _hashable(v)
    return out


def payload_record(destination: str, payload: dict[str, Any], **extra: Any) -> Record:
    """A streaming payload (the documented HTTP API shape) as a record. Its identities, audiences
    and statuses recur in every record of a profile: interned, each is held once, not per record."""
    identity_map = payload.get("identityMap") or {}
    identities = (
        sys.intern(f"{ns}:{entry.get('id')}")
        for ns, entries in (identity_map.items() if isinstance(identity_map, dict) else ())
        for entry in (entries if isinstance(entries, list) else ())
        if isinstance(entry, dict)
    )
    ups = (payload.get("segmentMembership") or {}).get("ups") or {}
    memberships = tuple(
        sorted(
            (sys.intern(str(s)), sys.intern(str(m.get("status", ""))))
            for s, m in ups.items()
            if isinstance(m, dict)
        )
    )
    return Record(destination, identities, memberships, payload, **extra)


def cell(value: Any) -> str | None:
    """A file cell as text, so a CSV's strings and a parquet's numbers compare alike."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def row_record(dest: BatchDestination, segment: str, row: dict[str, Any], **extra: Any) -> Record:
    """A file row as a record: keyed by its identity or deduplication columns (B-I7, B-I8)."""
    values = {k: cell(v) for k, v in row.items()}
    if dest.identity:
        identities: Iterable[str] = (f"{dest.identity}:{values.get(dest.identity)}",)
    elif dest.dedup_key:
        heads = [k if "." not in k else k.replace(".", "_") for k in dest.dedup_key]
        identities = [f"{h}:{values.get(h)}" for h in heads]
    else:
        identities = ()
    status = values.get("segmentMembership_status")  # a column only when mapped (B-I4, B-I4b)
    return Record(dest.id, identities, ((segment, status or ""),), values, **extra)


def _event_words(index: int, event: Event) -> str:
    """The event behind a record, as the scenario file writes it (JSON for a value, never a repr)."""
    value = event.value
    what = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    action = event.kind if event.kind == EVALUATE else f"{event.kind} {what}"
    who = f"{event.profile} " if event.profile else ""
    return f"step {index + 1} at {iso(event.at)}: {who}{action}"


@dataclass(slots=True)
class Prediction:
    """What the rules predict: every record the replay sends or writes, with the event and rule
    behind it (messages first, in the order they leave, then files in the order they are made),
    and each verdict that did not export a profile (`refusals`)."""

    records: list[Record]
    refusals: Refusals


def prediction(
    entries: Iterable[Entry],
    scenario: Scenario,
    destinations: Iterable[str] | None = None,
    *,
    steps: Sequence[int] | None = None,
) -> Prediction:
    """Read a replay's timeline entry by entry (`engine.timeline` yields it keeping none of it),
    keeping only the records and refusals of `destinations` (default: every destination): what the
    audit needs, in memory that follows the records, not the events. When `entries` replay a
    scenario restricted to some destinations (`Scenario.only`), `steps` gives each of its events'
    index in the whole scenario, so that a record names its event's step as the whole one does."""
    wanted = set(destinations) if destinations is not None else {d.id for d in scenario.destinations}
    batch = {d.id: d for d in scenario.destinations if isinstance(d, BatchDestination)}
    # The event behind each export, by the id of its decision, noted at its step, read when its
    # message leaves (at that step or later). Entries are not kept, so a freed decision's id can be
    # taken by a later one: a step notes (or un-notes) every exported decision it makes before any
    # message carries it, so a lookup always finds its own decision's entry.
    origin: dict[int, str] = {}
    backfills: set[int] = set()  # the activation's exports (E-T6)
    sent: list[Record] = []
    files: dict[int | str, list[Record]] = {}  # by name if static (B-F5: the last file stays)
    refusals = Refusals()
    made = 0  # files read: the key of a file that keeps its own name
    for entry in entries:
        if isinstance(entry, Opening | Step):
            for d in entry.decisions:
                if d.destination not in wanted:
                    continue
                if not d.exported:
                    if d.profile:
                        refusals.add(d.destination, d.profile, entry.at, d.reasons[0])
                elif isinstance(entry, Opening):
                    backfills.add(id(d))
                else:
                    index = entry.index if steps is None else steps[entry.index]
                    origin[id(d)] = _event_words(index, entry.event)
                    backfills.discard(id(d))
        for m in entry.messages:
            if m.destination in wanted:
                sent += _message_records(m, origin, backfills)
        for f in entry.files:
            if f.destination not in wanted:
                continue
            for note in f.left_out:
                refusals.add(f.destination, note.profile, f.at, note.reason)
            dest = batch[f.destination]
            made += 1
            if is_static(dest):
                files.pop(f.name, None)  # an earlier file of the same name is overwritten
            files[f.name if is_static(dest) else made] = file_records(dest, f)
    return Prediction([*sent, *(r for made in files.values() for r in made)], refusals)


def _message_records(m: Message, origin: dict[int, str], backfills: set[int]) -> list[Record]:
    where = f"message at {iso(m.sent_at)} ({m.left_on})"
    return [
        payload_record(
            m.destination,
            e.body,
            at=m.sent_at,
            where=where,
            profile=e.profile,
            why=e.decision.reasons[0] if e.decision.reasons else m.reasons[0],
            cause=origin.get(id(e.decision), "the activation (backfill)"),
            backfill=id(e.decision) in backfills,
        )
        for e in m.entries
    ]


def predicted(result: Replay, destinations: Iterable[str] | None = None) -> list[Record]:
    """Every record a kept replay sends or writes, with the event and rule behind it."""
    return prediction(result.timeline, result.scenario, destinations).records


def file_records(dest: BatchDestination, f: ExportFile) -> list[Record]:
    """Each row of `f` as a record of its own segment (a file per merge policy holds several, B-T2b)."""
    cause = f"{f.mode} file {f.name} ({f.trigger}) at {iso(f.at)}"
    return [
        row_record(
            dest,
            share.segment,
            row,
            at=f.at,
            where=f.name,
            profile=note.profile,
            why=note.reason,
            cause=cause,
        )
        for share in f.segment_shares()
        for row, note in zip(share.rows, share.why, strict=True)
    ]


# --- the comparison ----------------------------------------------------------------------------


def audit_records(
    scenario: Scenario,
    expected: list[Record],
    actual: list[Record],
    *,
    until: datetime | None = None,
    tolerances: Tolerances = Tolerances(),
    refusals: Refusals | None = None,
    owners: dict[str, str] | None = None,
) -> Audit:
    """Match captured records to predicted ones and judge each (see the module's docstring).

    `until` is the capture's end (None: it covers the whole scenario, nothing is pending);
    `refusals` the rule that said no, per (destination, profile), and `owners` the profile of
    each identity, to explain an UNEXPECTED record."""
    findings: list[Finding] = []
    by_dest_expected = _group(expected)
    by_dest_actual = _group(actual)
    for dest in sorted(set(by_dest_expected) | set(by_dest_actual)):
        exp_groups = by_dest_expected.get(dest, {})
        act_groups = by_dest_actual.get(dest, {})
        # predicted groups in the order of the replay, then captured-only ones in capture order
        for key in [*exp_groups, *(k for k in act_groups if k not in exp_groups)]:
            findings += _judge_group(
                exp_groups.get(key, []),
                act_groups.get(key, []),
                until,
                tolerances,
                refusals or Refusals(),
                owners or {},
            )
    return Audit(scenario, findings, until, tolerances)


def _group(records: list[Record]) -> dict[str, dict[Key, list[Record]]]:
    out: dict[str, dict[Key, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        out[r.destination][r.key].append(r)
    return out


def _order(record: Record) -> tuple[bool, str, str]:
    """Captured records in time order (those without a time last), then by place."""
    return record.at is None, iso(record.at) if record.at else "", record.where


def _judge_group(
    expected: list[Record],
    actual: list[Record],
    until: datetime | None,
    tolerances: Tolerances,
    refusals: Refusals,
    owners: dict[str, str],
) -> Iterator[Finding]:
    waiting: dict[str, list[Record]] = defaultdict(list)
    for a in actual:
        waiting[a.canonical].append(a)
    left_expected: list[Record] = []
    for e in expected:
        same = waiting.get(e.canonical)
        if same:
            yield _matched(e, same.pop(0))
        else:
            left_expected.append(e)
    left_actual = [a for group in waiting.values() for a in group]
    left_actual.sort(key=_order)
    for e, a in zip(left_expected, left_actual, strict=False):
        diffs = _differences(flatten(e.fields), flatten(a.fields))
        if not diffs:  # the same values, listed in another order (identities in an identityMap)
            yield _matched(e, a)
            continue
        rule = _payload_rule(e)
        yield Finding(
            "DIFFERENT",
            e.destination,
            e,
            a,
            rule,
            f"{len(diffs)} field{'s differ' if len(diffs) != 1 else ' differs'} from what the rules "
            f"build ({e.cause})",
            diffs,
        )
    for e in left_expected[len(left_actual) :]:
        yield _missing(e, until, tolerances)
    for a in left_actual[len(left_expected) :]:
        yield _unexpected(a, len(expected), refusals, owners)


def _matched(e: Record, a: Record) -> Finding:
    rule = e.why.rule if e.why is not None else "M1"
    return Finding("MATCHED", e.destination, e, a, rule, e.cause)


def _differences(expected: dict[str, Any], actual: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    paths = sorted(set(expected) | set(actual))
    return tuple((p, expected.get(p), actual.get(p)) for p in paths if expected.get(p) != actual.get(p))


def _payload_rule(e: Record) -> str:
    """The rule that shapes a record's fields: the payload rules (E-I*, S-I*) or the file's (B-I5)."""
    if e.where.startswith("message"):
        return "E-I3" if e.why is None or e.why.rule.startswith("E") else "S-I6"
    return "B-I5"


def _missing(e: Record, until: datetime | None, tolerances: Tolerances) -> Finding:
    why = e.why or reason("M1", "predicted")
    allowed = tolerances.backfill if e.backfill else tolerances.latency
    if until is not None and e.at is not None and e.at + allowed > until:
        rule = "E-T6" if e.backfill else "M7"
        return Finding(
            "PENDING",
            e.destination,
            e,
            None,
            rule,
            f"predicted at {iso(e.at)}, within {_minutes(allowed)} of the capture's end ({iso(until)}): "
            f"not yet due ({e.cause}; {cited(why)})",
        )
    return Finding("MISSING", e.destination, e, None, why.rule, f"{e.cause}: {why.text}")


def _unexpected(
    a: Record,
    predicted_count: int,
    refusals: Refusals,
    owners: dict[str, str],
) -> Finding:
    if predicted_count:
        text = (
            f"the rules predict {predicted_count} such record{'s' if predicted_count != 1 else ''}; "
            "this one is more: exports are incremental, a profile is sent again only for a "
            "relevant update"
        )
        return Finding("UNEXPECTED", a.destination, None, a, "E-T5", text)
    profile = next((owners[i] for i in a.identities if i in owners), None)
    if profile is None:
        return Finding(
            "UNEXPECTED",
            a.destination,
            None,
            a,
            "A2",
            "no profile of the scenario has these identities, so the rules export nothing for it",
        )
    why = refusals.said(a.destination, profile, a.at)
    if why is not None:
        return Finding(
            "UNEXPECTED", a.destination, None, a, why.rule, f"{profile}: the rules say no: {why.text}"
        )
    return Finding(
        "UNEXPECTED",
        a.destination,
        None,
        a,
        "E-T5",
        f"{profile}: no event of the scenario exports this record (exports follow relevant updates only)",
    )


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 and minutes >= 60 else f"{minutes} min"


def owners_of(scenario: Scenario) -> dict[str, str]:
    """The profile of each identity a scenario ever gives ("namespace:id" -> profile id)."""
    out: dict[str, str] = {}
    for p in scenario.profiles:
        for ns, ids in p.identities.items():
            for x in ids:
                out.setdefault(f"{ns}:{x}", p.id)
    for e in scenario.events:
        if e.kind == ADD_IDENTITY and e.profile is not None:
            for ns, ids in e.value.items():
                for x in [ids] if isinstance(ids, str) else ids:
                    out.setdefault(f"{ns}:{x}", e.profile)
    return out


__all__ = [
    "BACKFILL_LATENCY",
    "LATENCY",
    "OUTCOMES",
    "PASSING",
    "Audit",
    "Finding",
    "Key",
    "Outcome",
    "Prediction",
    "Record",
    "Refusals",
    "Tolerances",
    "audit_records",
    "cell",
    "file_records",
    "flatten",
    "owners_of",
    "payload_record",
    "predicted",
    "prediction",
    "row_record",
]
