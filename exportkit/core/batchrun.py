"""Batch runs: the per-destination, per-segment ledger and the files each run makes.

For every (destination, segment) the ledger keeps what changed for which profile since the last
scheduled file (the incremental baseline), whether the first file was made, and when the last run
was. It also keeps the snapshot of the last segment evaluation, which Export file now uses (B-I9).

- A scheduled run (`trigger` scheduled, run or after_evaluation) makes one file per segment (B-T2)
  and resets that segment's baseline.
- Export file now (B-T5) makes a full file of each segment from the snapshot and changes neither
  the schedule nor the baseline.
- One file per merge policy (`files_per: merge_policy`, B-T2b, A27): the segments of one merge
  policy share mode and schedule (the loader checks it), so they run together; the first of them
  in mapping order makes the one file, which holds each segment's rows in turn, chosen as that
  segment's own file would choose them, then deduplicated over the whole file (B-I7), and every
  segment's baseline is reset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from .batch import (
    SILENT_EXITS,
    Candidate,
    ChangeKind,
    History,
    PendingRow,
    columns,
    deduplicate,
    full_entry,
    identity_rows,
    inactive_reason,
    incremental_entry,
    is_active,
    missing_mandatory,
    notes,
    qualifies_for_incremental,
    row_of,
)
from .decision import Catalog, Decision
from .events import EVALUATE, EXPORT_NOW, FLUSH, RUN
from .exportfile import ExportFile, FileTrigger, Mode, RowNote
from .filenames import NameBook, base_name, extension, is_static, part_names
from .model import BatchDestination, BatchSegment, Segment, iso
from .rules import Reason, reason
from .rulesets import settings_of
from .schedule import due_times, next_due, runs_after_evaluation
from .state import Change, ProfileState

EXPORT_NOW_WAIT = timedelta(hours=1)  # B-T5: wait at least 1 h after adding a segment
_FULL_MEMBER = "active member of {} ({}): full files hold the whole population"
_SNAPSHOT_MEMBER = "active member of {} ({}) at the snapshot"
_NO_LONGER = "; it is no longer active, but Export file now uses the snapshot"


@dataclass(slots=True)
class SegmentLedger:
    """One segment of one batch destination: changes since the last scheduled file, and more."""

    # the kinds of change noted for each profile since the last file, each once
    noted: dict[str, tuple[ChangeKind, ...]] = field(default_factory=dict)
    # Of the noted profiles, those that were active members at the last file, and those that
    # became active members since: only they can exit (A13, A16).
    was_active: set[str] = field(default_factory=set)
    entered: set[str] = field(default_factory=set)
    first_done: bool = False
    last_run: datetime | None = None


class SegmentShare(NamedTuple):
    """What one segment gives a file: its candidates, the profiles left out, and the reasons."""

    segment: BatchSegment
    candidates: list[Candidate]
    left: list[RowNote]
    reasons: list[Reason]


def file_groups(dest: BatchDestination, segments: Mapping[str, Segment]) -> list[tuple[BatchSegment, ...]]:
    """B-T2: one file per segment; B-T2b: with `files_per: merge_policy`, one per merge policy,
    its segments in mapping order (`segments`: the scenario's, by id, for their merge policy)."""
    if not dest.per_merge_policy:
        return [(bs,) for bs in dest.segments]
    groups: dict[str, list[BatchSegment]] = {}
    for bs in dest.segments:
        groups.setdefault(segments[bs.id].merge_policy, []).append(bs)
    return [tuple(g) for g in groups.values()]


class BatchLedger:
    """The batch side of a replay. It reads the engine's profile states; it never writes them."""

    def __init__(
        self, destinations: Iterable[BatchDestination], states: dict[str, ProfileState], catalog: Catalog
    ):
        self.destinations = {d.id: d for d in destinations}
        self.states = states
        self.catalog = catalog
        self.rules = catalog.rules
        self.ledgers = {(d.id, s.id): SegmentLedger() for d in self.destinations.values() for s in d.segments}
        # B-T2 (B-T2b): the segments each file holds, by the segment whose run makes the file
        self.groups = {
            (d.id, g[0].id): g for d in self.destinations.values() for g in file_groups(d, catalog.segments)
        }
        self.names = NameBook()  # no two files of the replay share a name (B-F3, B-F5)
        # L1, A20: the disabled dataflows (the engine's, by destination id: since when), and the
        # decisions of the runs skipped meanwhile, until the engine takes them into its step.
        self.disabled: Mapping[str, datetime] = {}
        self.skipped: list[Decision] = []
        self.deleted: Mapping[str, datetime] = {}  # L2: the deleted dataflows (the engine's)
        self.order = {pid: i for i, pid in enumerate(states)}  # the scenario's order of profiles
        self.take_snapshot(catalog.activated_at)
        self.refusals: list[Reason] = []  # B-T5b: the segments the last Export file now refused
        # B-T3: the first scheduled time of any segment after the clock (None: none fires on the
        # clock), so that an event before it asks no schedule. The clock starts at activation.
        self.next_run = self._next_run(catalog.activated_at)

    def take_snapshot(self, at: datetime) -> None:
        """B-I9: the population and values Export file now uses, as of the last evaluation."""
        self.snapshot = dict(self.states)  # states are copy-on-write: a shallow copy is a snapshot
        self.snapshot_at = at

    # --- profile events ---------------------------------------------------------------------

    def note(
        self, dest: BatchDestination, change: Change, state: ProfileState, previous: ProfileState
    ) -> Decision:
        """Record what a profile event changed in each segment of `dest`, and say so (B-T6…).
        `previous` is the profile before the event."""
        reasons: list[Reason] = []
        noted = False  # recorded for the next incremental file of a segment (B-T6, B-T8, A13)
        for bs in dest.segments:
            made = notes(dest, bs, change, state, self.rules)
            if made:
                kinds = [kind for kind, _ in made]
                if bs.mode == "incremental" and not noted:
                    noted = qualifies_for_incremental(kinds, self.rules)
                ledger = self.ledgers[(dest.id, bs.id)]
                pid = state.id
                before = ledger.noted.get(pid)
                if before is None:  # its first note since the last file: as it was then
                    before = ()
                    if is_active(previous, bs.id):
                        ledger.was_active.add(pid)
                if is_active(state, bs.id):
                    ledger.entered.add(pid)
                ledger.noted[pid] = (*before, *(kind for kind in kinds if kind not in before))
                for note in made:
                    reasons.append(note.reason)
        if not reasons:
            reasons.append(_unaffected(dest, state))
        return Decision(dest.id, state.id, False, tuple(reasons), verdict="noted" if noted else None)

    # --- runs ------------------------------------------------------------------------------

    def due(self, after: datetime, until: datetime) -> list[ExportFile]:
        """B-T3: the files of every scheduled time in `(after, until]`, in time order. The clock
        moves forward: `after` is the previous call's `until` (the activation's, first)."""
        if self.next_run is None or self.next_run > until:  # no schedule fires by `until`
            return []
        runs = [
            (t, i, j)
            for i, d in enumerate(self.destinations.values())
            for j, bs in enumerate(d.segments)
            for t in due_times(bs.schedule, after, until)
        ]
        dests = list(self.destinations.values())
        files: list[ExportFile] = []
        for t, i, j in sorted(runs):
            files += self.run_segment(dests[i], dests[i].segments[j], t, "scheduled")
        self.next_run = self._next_run(until)
        return files

    def _next_run(self, after: datetime) -> datetime | None:
        """B-T3: the first scheduled time of any segment after `after`, or None."""
        times = [next_due(bs.schedule, after) for d in self.destinations.values() for bs in d.segments]
        return min((t for t in times if t is not None), default=None)

    def run(self, dest_id: str, at: datetime) -> list[ExportFile]:
        """A `run` event: a scheduled run of every segment of the destination, now."""
        dest = self.destinations[dest_id]
        return [f for bs in dest.segments for f in self.run_segment(dest, bs, at, "run")]

    def after_evaluation(self, at: datetime) -> list[ExportFile]:
        """B-T4: after the daily segment evaluation, the segments scheduled to run then."""
        return [
            f
            for d in self.destinations.values()
            for bs in d.segments
            if runs_after_evaluation(bs.schedule)
            for f in self.run_segment(d, bs, at, "after_evaluation")
        ]

    def run_segment(
        self, dest: BatchDestination, bs: BatchSegment, at: datetime, trigger: FileTrigger
    ) -> list[ExportFile]:
        """One scheduled file of one segment (B-T2), or of its merge policy (B-T2b: made when
        the first segment of the policy runs; the others then make none); it resets the
        baselines. While the dataflow is disabled the run is skipped and the baseline kept (L1,
        A20)."""
        group = self.groups.get((dest.id, bs.id))
        if group is None or dest.id in self.deleted:  # B-T2b: the first segment made it; L2
            return []
        if dest.id in self.disabled:
            self._skip(dest, f"the {trigger} run of {', '.join(b.id for b in group)} at {iso(at)}")
            return []
        parts: list[SegmentShare] = []
        for member in group:
            ledger = self.ledgers[(dest.id, member.id)]
            why_run = self._trigger_reason(dest, member, trigger)
            if member.mode == "full":
                reasons = [why_run, *_full_reasons(member), _export_time_values(), _export_time_population()]
                parts.append(self._full(member, self.states, reasons))
            elif not ledger.first_done:
                parts.append(self._first_incremental(member, why_run))
            else:
                parts.append(self._later_incremental(dest, member, why_run, ledger))
            ledger.noted.clear()
            ledger.was_active.clear()
            ledger.entered.clear()
            ledger.first_done = True
            ledger.last_run = at
        return self._package(dest, parts, "full" if bs.mode == "full" else "incremental", trigger, at)

    def export_now(self, dest_id: str, at: datetime) -> list[ExportFile]:
        """B-T5: Export file now: one full file per segment, from the snapshot (B-I9)."""
        dest = self.destinations[dest_id]
        if dest.id in self.deleted:  # L2: the loader refuses it; a replay under a remapped scenario
            return []
        if dest.id in self.disabled:
            self._skip(dest, f"Export file now at {iso(at)}")
            return []
        files: list[ExportFile] = []
        refuses = settings_of(self.rules).export_now_refusals
        self.refusals = []
        for group in file_groups(dest, self.catalog.segments):
            parts = [p for bs in group if (p := self._export_now_part(dest, bs, at, refuses)) is not None]
            if parts:
                files += self._package(dest, parts, "full", "export_now", at)
        return files

    def _export_now_part(
        self, dest: BatchDestination, bs: BatchSegment, at: datetime, refuses: bool
    ) -> SegmentShare | None:
        """B-T5: one segment's part of an Export file now, or None when B-T5b refuses it."""
        refusal = export_now_refusal(bs, at, self.catalog.activated_at) if refuses else None
        if refusal is not None:
            self.refusals.append(refusal)
            return None
        reasons = [
            reason(
                "B-T5",
                "Export file now: one extra full file of {}; the schedule and the baseline of the next "
                "incremental file do not change",
                bs.id,
            )
        ]
        if at - self.catalog.activated_at < EXPORT_NOW_WAIT:
            reasons.append(
                reason(
                    "B-T5",
                    "less than 1 h after the segment was added: the "
                    "documentation says the platform refuses or gives an unreliable file; it is "
                    "shown here anyway",
                )
            )
        reasons.append(
            reason(
                "B-I9",
                "uses the snapshot of {}: the population and attribute values of that moment",
                self.snapshot_at,
            )
        )
        reasons += _full_reasons(bs)
        return self._full(bs, self.snapshot, reasons)

    # --- the three kinds of file ----------------------------------------------------------

    def _in_order(self, pids: Iterable[str]) -> list[str]:
        return sorted(pids, key=self.order.__getitem__)

    def _members(self, segment: str) -> list[str]:
        """Who has ever had a membership in `segment` (one is never removed, only exited), in
        the scenario's order."""
        return [pid for pid, state in self.states.items() if segment in state.segments]

    def _full(self, bs: BatchSegment, states: dict[str, ProfileState], reasons: list[Reason]) -> SegmentShare:
        seg = bs.id
        snapshot = states is self.snapshot
        candidates: list[Candidate] = []
        left: list[RowNote] = []
        whys: dict[tuple[str, str], Reason] = {}  # by text and status: the rows share their reason
        for pid in self._members(seg):
            state = states[pid]
            if is_active(state, seg):
                status = state.segments[seg]
                if not snapshot:
                    rule, text = "B-I1", _FULL_MEMBER
                elif is_active(self.states[pid], seg):
                    rule, text = "B-I9", _SNAPSHOT_MEMBER
                else:
                    rule, text = "B-I9", _SNAPSHOT_MEMBER + _NO_LONGER
                if (text, status) not in whys:
                    whys[text, status] = Reason(rule, text, seg, status)
                candidates.append(full_entry(state, seg, whys[text, status]))
                continue
            out = inactive_reason(state, seg, "B-I2", "full files never hold exited profiles")
            if out is not None:
                left.append(RowNote(pid, out))
            elif snapshot and is_active(self.states[pid], seg):
                left.append(
                    RowNote(
                        pid,
                        reason(
                            "B-I9",
                            "became an active member of {} after the snapshot of {}; Export file now "
                            "uses the snapshot",
                            seg,
                            self.snapshot_at,
                        ),
                    )
                )
        if not candidates:
            reasons = [
                *reasons,
                reason("B-I1", "{} has no active member: the file is empty, header only", seg),
            ]
        return SegmentShare(bs, candidates, left, reasons)

    def _first_incremental(self, bs: BatchSegment, why_run: Reason) -> SegmentShare:
        seg = bs.id
        candidates: list[Candidate] = []
        left: list[RowNote] = []
        for pid in self._members(seg):
            state = self.states[pid]
            if is_active(state, seg):
                status = state.segments[seg]
                candidates.append(
                    full_entry(
                        state,
                        seg,
                        reason(
                            "B-I3",
                            "active member of {} ({}): the first incremental file holds the whole population",
                            seg,
                            status,
                        ),
                    )
                )
            elif (
                why := inactive_reason(state, seg, "B-I3", "the first file holds active members only")
            ) is not None:
                left.append(RowNote(pid, why))
        reasons = [
            why_run,
            reason("B-I3", "first incremental file: the whole active population, as a backfill"),
            _export_time_values(),
        ]
        return SegmentShare(bs, candidates, left, reasons)

    def _later_incremental(
        self, dest: BatchDestination, bs: BatchSegment, why_run: Reason, ledger: SegmentLedger
    ) -> SegmentShare:
        seg = bs.id
        candidates: list[Candidate] = []
        left: list[RowNote] = []
        for pid in self._in_order(ledger.noted):
            kinds = ledger.noted[pid]
            if not kinds:
                continue
            history: History = (
                "in the last file"
                if pid in ledger.was_active
                else "entered since"
                if pid in ledger.entered
                else "in no file"
            )
            entry = incremental_entry(dest, seg, self.states[pid], kinds, self.rules, history)
            if isinstance(entry, Candidate):
                candidates.append(entry)
            else:
                left.append(RowNote(pid, entry))
        since = ledger.last_run or "activation"
        reasons = [
            why_run,
            reason(
                "B-T6",
                "only profiles whose membership in {} changed since the last scheduled file ({})",
                seg,
                since,
            ),
            _export_time_values(),
        ]
        if not candidates:
            reasons.append(_empty_incremental(seg, since, left))
        return SegmentShare(bs, candidates, left, reasons)

    # --- rows, names and parts ------------------------------------------------------------

    def _package(
        self,
        dest: BatchDestination,
        parts: list[SegmentShare],
        mode: Mode,
        trigger: FileTrigger,
        at: datetime,
    ) -> list[ExportFile]:
        """The file (or its B-F2 parts) holding each part's rows in turn; each part's rows are
        chosen as its segment's own file would choose them (B-I6, B-I8, B-I7)."""
        heads = columns(dest)
        tie_break = settings_of(self.rules).tie_break_by_columns
        rows: list[dict[str, object]] = []
        whys: list[RowNote] = []
        left: list[RowNote] = []
        reasons: list[Reason] = []
        lines: list[PendingRow] = []
        segment_at: list[str] = []  # each candidate's segment, by its order in the file
        row_segments: list[str] = []  # each row's segment, in the file's order
        for part in parts:
            left += part.left
            reasons += [r for r in part.reasons if r not in reasons]  # a shared schedule once
            for c in part.candidates:
                problem = missing_mandatory(dest, c.state)
                expanded = identity_rows(dest, c, len(segment_at)) if problem is None else problem
                segment_at.append(part.segment.id)
                if isinstance(expanded, Reason):
                    left.append(RowNote(c.state.id, expanded))
                else:
                    lines += expanded
        # B-I7 holds for the file: in a file per merge policy, over every segment's rows (A27)
        by_row = parts[0].segment.id if len(parts) == 1 else (lambda ln: segment_at[ln.order])
        kept, lost = deduplicate(dest, by_row, lines, tie_break)
        left += [RowNote(pid, r) for pid, r in lost]
        for ln in kept:
            rows.append(row_of(dest, ln, heads, segment_at[ln.order]))
            row_segments.append(segment_at[ln.order])
            whys.append(RowNote(ln.candidate.state.id, ln.candidate.why))
        if dest.include_qualification_time:
            reasons.append(_qualification_time_column())
        segment = self.catalog.segments[parts[0].segment.id]
        policy = segment.merge_policy if dest.per_merge_policy else None
        if policy is not None:
            reasons.append(_one_file_per_policy(dest, policy, [p.segment.id for p in parts]))
        chunks = [slice(i, i + dest.max_rows) for i in range(0, len(rows), dest.max_rows)] or [slice(0, 0)]
        wanted = base_name(dest, segment, at, self.catalog.merge_policies.get(segment.merge_policy))
        base, number = self.names.claim(wanted, extension(dest), len(chunks), is_static(dest))
        names = part_names(base, extension(dest), len(chunks))
        if number > 1:
            reasons.append(
                reason(
                    "B-F4" if dest.file_name is not None else "B-F3",
                    "a file of this run is already named {}: names carry the time to the second, "
                    "so this one is {} rather than replace it",
                    wanted,
                    base,
                )
            )
        if is_static(dest):
            reasons.append(
                reason(
                    "B-F5", "the file name has no date or time macro: each run overwrites the previous file"
                )
            )
        files = []
        held = ", ".join(p.segment.id for p in parts)
        for i, (chunk, name) in enumerate(zip(chunks, names, strict=True)):
            extra = (
                [
                    reason(
                        "B-F2", "part {} of {}: files are split at {} rows", i + 1, len(chunks), dest.max_rows
                    )
                ]
                if len(chunks) > 1
                else []
            )
            files.append(
                ExportFile(
                    destination=dest.id,
                    segment=held,
                    mode=mode,
                    trigger=trigger,
                    name=name,
                    at=at,
                    columns=heads,
                    rows=tuple(rows[chunk]),
                    profiles=tuple(n.profile for n in whys[chunk]),
                    reasons=tuple(reasons + extra),
                    why=tuple(whys[chunk]),
                    left_out=tuple(left) if i == 0 else (),
                    format=dest.format,
                    compression=dest.compression,
                    merge_policy=policy,
                    row_segments=tuple(row_segments[chunk]) if policy is not None else (),
                )
            )
        return files

    def drop(self, dest_id: str) -> None:
        """L2, A29: a deleted dataflow's noted changes go with it (a batch destination's)."""
        dest = self.destinations.get(dest_id)
        for bs in dest.segments if dest is not None else ():
            ledger = self.ledgers[(dest_id, bs.id)]
            ledger.noted.clear()
            ledger.was_active.clear()
            ledger.entered.clear()

    def _skip(self, dest: BatchDestination, what: str) -> None:
        text = (
            "{} is skipped: the dataflow to {} was disabled at {}; the next incremental "
            "file after it is enabled holds every membership change since the last file written (A20)"
        )
        why = reason("L1", text, what, dest.id, self.disabled[dest.id])
        self.skipped.append(Decision(dest.id, "", False, (why,), verdict="skipped"))

    def _trigger_reason(self, dest: BatchDestination, bs: BatchSegment, trigger: FileTrigger) -> Reason:
        if trigger == "after_evaluation":
            return reason("B-T4", "runs right after the daily segment evaluation job")
        if trigger == "run":
            return reason("B-T3", "a run event: a scheduled run of every segment of {}, now", dest.id)
        assert bs.schedule is not None  # the clock fires scheduled segments only
        return reason("B-T3", "scheduled {}", bs.schedule.describe())

    # --- decisions for run, export_now and evaluate events --------------------------------

    def event_decisions(self, kind: str, target: str | None, files: list[ExportFile]) -> list[Decision]:
        """One decision per batch destination for a run, export_now or evaluate event."""
        out = []
        for dest in self.destinations.values():
            gone = self.deleted.get(dest.id)
            if gone is not None:
                text = "the dataflow to {} was deleted at {}: it makes no file again"
                out.append(Decision(dest.id, "", False, (reason("L2", text, dest.id, gone),)))
                continue
            made = [
                f.name
                for f in files
                if f.destination == dest.id and f.trigger in ("run", "export_now", "after_evaluation")
            ]
            if kind == EVALUATE:
                rule, text = (
                    "B-T4",
                    (
                        "after the segment evaluation, the segments scheduled "
                        "after evaluation ran; the snapshot for Export file now "
                        "is taken (B-I9)"
                    ),
                )
                if not made:
                    text = (
                        "no segment is scheduled after evaluation; the snapshot for Export "
                        "file now is taken (B-I9)"
                    )
            elif kind == FLUSH:
                rule, text = "M1", ("flush empties a streaming buffer; file-based destinations have none")
            elif dest.id != target:
                out.append(
                    Decision(
                        dest.id,
                        "",
                        False,
                        (reason("B-T2", "{} concerns {} only; this destination is not run", kind, target),),
                    )
                )
                continue
            elif kind == RUN:
                rule, text = "B-T3", "a scheduled run of every segment now; files listed above"
            else:
                rule, text = (
                    "B-T5",
                    ("Export file now: one full file per segment, listed above; the schedule is unchanged"),
                )
            payload = {"files": made} if made else None
            whys: tuple[Reason, ...] = (reason(rule, text),)
            if kind == EXPORT_NOW and dest.id == target and self.refusals:  # B-T5b
                whys = (*self.refusals, *whys) if made else tuple(self.refusals)
            out.append(Decision(dest.id, "", bool(made), whys, payload))
        return out


def _qualification_time_column() -> Reason:
    return reason(
        "B-I4b",
        "segmentMembership_lastQualificationTime is mapped: each row shows when its profile last "
        "qualified for the row's segment (a cloud storage mapping starts with it and with the status)",
    )


def _one_file_per_policy(dest: BatchDestination, policy: str, segments: list[str]) -> Reason:
    """B-T2b, A27: why one file holds several segments."""
    return reason(
        "B-T2b",
        "one file per merge policy (files_per: merge_policy): this file of merge policy {} holds {}, "
        "each segment's rows in turn as its own file would hold them, one row per deduplication key "
        "value over the whole file (A27)",
        policy,
        ", ".join(segments),
    )


def export_now_refusal(bs: BatchSegment, at: datetime, added_at: datetime) -> Reason | None:
    """B-T5b: why the 2026 documentation refuses Export file now for a segment at `at`, or None.
    A25: the toolkit's runs take no time, so no other run of the segment is ever going on, and
    a segment without a schedule (runs given as events) counts as scheduled every day."""
    ready = added_at + EXPORT_NOW_WAIT
    if at < ready:
        return reason(
            "B-T5b",
            "Export file now refused for {}: less than 1 h after the segment was added ({}); it may "
            "run from {}",
            bs.id,
            added_at,
            ready,
        )
    once = bs.schedule.once if bs.schedule is not None else None
    if once is not None and once.date() != at.date():
        return reason(
            "B-T5b",
            "Export file now refused for {}: its schedule (once, {}) does not cover {} (A25)",
            bs.id,
            once,
            at.date().isoformat(),
        )
    return None


def _unaffected(dest: BatchDestination, state: ProfileState) -> Reason:
    """B-T2: why a profile event concerns no file of the destination."""
    segs = ", ".join(s.id for s in dest.segments)
    if any(s.id in state.segments for s in dest.segments):
        return reason(
            "B-T2",
            "nothing in this event concerns the files of {}: files are made per segment, and none of "
            "them is affected",
            segs,
        )
    return reason(
        "B-T2",
        "not a member of {}: files are made per segment, so no file of this destination is affected",
        segs,
    )


def _full_reasons(bs: BatchSegment) -> list[Reason]:
    return [
        reason(
            "B-I1",
            "full file of {}: the whole active population with the latest values of the mapped attributes",
            bs.id,
        ),
        reason("B-I2", "exited profiles are never in full files"),
    ]


def _empty_incremental(segment: str, since: datetime | str, left: list[RowNote]) -> Reason:
    """A8: why an incremental file has no row: no change, or only changes the file does not show."""
    silent = [n.profile for n in left if n.reason.template in SILENT_EXITS]
    if silent:
        who = ", ".join(silent)
        return reason(
            "A8",
            "{} exited {} since {}, but the file does not show it: segmentMembership.status is "
            "not mapped, so exits are silent (A5, B-I4); the run still writes a header-only file",
            who,
            segment,
            since,
        )
    if left:
        return reason(
            "A8",
            "changes in {} since {} qualify no row (see the profiles left out); the run still "
            "writes a header-only file",
            segment,
            since,
        )
    return reason(
        "A8", "no membership change in {} since {}: the run still writes a header-only file", segment, since
    )


def _export_time_population() -> Reason:
    return reason(
        "A15",
        "a full file holds the whole active population (B-I1) and a scheduled file uses "
        "export-time values (B-I9); the documentation does not say whether the population is "
        "that of the latest segment evaluation or of the export time: the toolkit's reading "
        "(A15) takes both at export time",
    )


def _export_time_values() -> Reason:
    return reason("B-I9", "a scheduled file: attribute values are those at export time")


__all__ = ["BatchLedger", "SegmentLedger"]
