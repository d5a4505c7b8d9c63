"""Batch (file-based) destinations: which profiles each file holds, and why (B-T*, B-I*, A13).

One small function per rule. The rules read a profile's state and what changed since the last
scheduled file of a segment; `exportkit.batchrun.BatchLedger` keeps that per destination and
segment and makes the files. Nothing here touches disk: files become values (`ExportFile`), and
`exportkit.files` writes them.

A profile is *active* in a segment when it holds it (`realized` or `existing`) and has not opted
out (A13: an opted-out profile is in no file; opting out counts like an exit for incremental
files, opting in like a qualification).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Literal, NamedTuple

from .model import BatchDestination, BatchSegment, iso
from .rules import Reason, reason
from .rulesets import RuleSet, settings_of
from .state import Change, ProfileState

ChangeKind = Literal["membership", "consent", "identity", "attribute"]
"""What changed for a profile in one segment."""
QUALIFYING_ALWAYS: frozenset[ChangeKind] = frozenset({"membership", "consent"})


def is_active(state: ProfileState, segment: str) -> bool:
    """B-I1 and A13: a realized or existing member that has not opted out."""
    return segment in state.active and state.consent == "in"  # `state.holds(segment)`, inline


MAPPING_STARTS = ("include_status", "include_qualification_time")
"""B-I4b: the columns a cloud storage mapping starts with under the 2026 documentation."""


def with_mapping_defaults(dest: BatchDestination, rules: RuleSet) -> BatchDestination:
    """B-I4b: the destination as the rule set maps it: under the 2026 documentation a cloud
    storage mapping starts with each segment's status and last qualification time, so an option
    of `MAPPING_STARTS` left out of the scenario is on (A28: every batch destination of a
    scenario is taken as cloud storage); one written keeps its value. Older rule sets map
    neither unless written."""
    if not settings_of(rules).storage_mapping_starts:
        return dest
    unset = {key: True for key in MAPPING_STARTS if key not in dest.model_fields_set}
    return dest.model_copy(update=unset) if unset else dest


def columns(dest: BatchDestination) -> tuple[str, ...]:
    """B-I5: the identity column (headed by its namespace), then the attributes in mapping order
    with `.` turned into `_`, then `segmentMembership_status` when the status is mapped, then
    `segmentMembership_lastQualificationTime` when that is (B-I4b)."""
    out = [dest.identity] if dest.identity else []
    out += [path.replace(".", "_") for path in dest.attributes]
    if dest.include_status:
        out.append("segmentMembership_status")
    if dest.include_qualification_time:
        out.append("segmentMembership_lastQualificationTime")
    return tuple(out)


# --- What a profile event notes for the next incremental file (one rule, one function) ---------


class Note(NamedTuple):
    """What one event changed for one profile in one segment, with the reason for the learner."""

    kind: ChangeKind
    reason: Reason


Noter = Callable[[BatchDestination, BatchSegment, Change, ProfileState, RuleSet], Note | None]


def membership_note(
    dest: BatchDestination, bs: BatchSegment, change: Change, state: ProfileState, rules: RuleSet
) -> Note | None:
    """B-T6: a qualification or an exit in this segment is a membership change."""
    moved = change.segments.get(bs.id)
    if moved is None:
        return None
    old, new = moved
    seg = bs.id
    if new != "exited" and state.consent == "out":
        return Note(
            "membership",
            reason(
                "A13",
                "{}: {} -> {}, but the profile has opted out: it is in no file until it opts in",
                seg,
                old,
                new,
            ),
        )
    if bs.mode == "full":
        if new == "exited":
            return Note(
                "membership",
                reason(
                    "B-I2",
                    "{}: {} -> {}: left out of the next full file, which never holds exited profiles",
                    seg,
                    old,
                    new,
                ),
            )
        return Note(
            "membership", reason("B-I1", "{}: {} -> {}: picked up by the next full file", seg, old, new)
        )
    if new != "exited":
        return Note(
            "membership",
            reason("B-T6", "{}: {} -> {}: noted for the next incremental file of {}", seg, old, new, seg),
        )
    if dest.include_status and settings_of(rules).storage_mapping_starts:
        return Note(
            "membership",
            reason(
                "B-I4b",
                "{}: {} -> {}: noted for the next incremental file of {}, as a row with status exited "
                "(the platform shows it as Expired): the status column carries newly active and "
                "expired members",
                seg,
                old,
                new,
                seg,
            ),
        )
    if dest.include_status:
        return Note(
            "membership",
            reason(
                "B-I4",
                "{}: {} -> {}: noted for the next incremental file of {}, as a row with status exited "
                "(segmentMembership.status is mapped)",
                seg,
                old,
                new,
                seg,
            ),
        )
    return Note(
        "membership",
        reason(
            "B-I4",
            "{}: {} -> {}: segmentMembership.status is not mapped, so the next incremental file of {} "
            "leaves the exit out (A5)",
            seg,
            old,
            new,
            seg,
        ),
    )


def consent_note(
    dest: BatchDestination, bs: BatchSegment, change: Change, state: ProfileState, rules: RuleSet
) -> Note | None:
    """A13: opting out counts like an exit, opting in like a qualification, for a member."""
    if change.consent is None or bs.id not in state.active:
        return None
    if change.consent[1] == "out":
        if bs.mode == "full":
            text = "opted out while a member of {}: left out of the next full file"
        elif dest.include_status:
            text = (
                "opted out while a member of {}: counts as an exit; the next "
                "incremental file shows it with status exited"
            )
        else:
            text = (
                "opted out while a member of {}: counts as an exit, which the next "
                "incremental file leaves out (status not mapped, B-I4)"
            )
    elif bs.mode == "full":
        text = (
            "opted back in while a member of {}: counts as a qualification; picked up by the next full file"
        )
    else:
        text = (
            "opted back in while a member of {}: counts as a qualification; noted for the next "
            "incremental file"
        )
    return Note("consent", reason("A13", text, bs.id))


def identity_note(
    dest: BatchDestination, bs: BatchSegment, change: Change, state: ProfileState, rules: RuleSet
) -> Note | None:
    """B-T8 (A6): an identity change of an active member qualifies where the rule set says so."""
    if not change.identities or bs.id not in state.active or state.consent == "out":
        return None
    if bs.mode == "full":
        text = "identity change of a member of {}: the next full file shows the identities of that moment"
        return Note("identity", reason("B-I1", text, bs.id))
    settings = settings_of(rules)
    if settings.identity_qualifies_incremental:
        text = (
            "identity change of a member of {}: qualifies under {}; noted for the next incremental file (A6)"
        )
    else:
        text = "identity change of a member of {}: does not qualify for incremental files under {} (A6)"
    return Note("identity", reason("B-T8", text, bs.id, settings.documentation))


def attribute_note(
    dest: BatchDestination, bs: BatchSegment, change: Change, state: ProfileState, rules: RuleSet
) -> Note | None:
    """B-T7: an attribute change, mapped or not, never qualifies for an incremental file."""
    if not change.attributes or bs.id not in state.active or state.consent == "out":
        return None
    if bs.mode == "full":
        text = "attribute change of a member of {}: the next full file carries the latest values"
        return Note("attribute", reason("B-I1", text, bs.id))
    text = "attribute change of a member of {}: never qualifies for incremental files"
    return Note("attribute", reason("B-T7", text, bs.id))


# The noting rules, by the part of a `Change` each one reads (`Change.parts`), in that order.
NOTERS: dict[str, Noter] = {
    "segments": membership_note,
    "identities": identity_note,
    "attributes": attribute_note,
    "consent": consent_note,
}


def notes(
    dest: BatchDestination, bs: BatchSegment, change: Change, state: ProfileState, rules: RuleSet
) -> list[Note]:
    """Every note one profile event makes for one segment: the kinds the ledger records and the
    reasons the step shows come from these same calls."""
    made = []
    for part in change.parts:
        note = NOTERS[part](dest, bs, change, state, rules)
        if note is not None:
            made.append(note)
    return made


# --- Which profiles a file considers, with the status its row would show ----------------------


class Candidate(NamedTuple):
    """A profile a file would hold, before mandatory attributes and deduplication."""

    state: ProfileState
    status: str
    why: Reason


def qualifies_for_incremental(kinds: Iterable[ChangeKind], rules: RuleSet) -> bool:
    """B-T6/B-T8: membership (and A13 consent) changes qualify; identity ones where the rule set
    says so."""
    kinds = set(kinds)
    return bool(kinds & QUALIFYING_ALWAYS) or (
        "identity" in kinds and settings_of(rules).identity_qualifies_incremental
    )


def not_qualifying_reason(kinds: Iterable[ChangeKind], segment: str, rules: RuleSet) -> Reason:
    """B-T7/B-T8: why a changed profile is not in an incremental file under `rules`."""
    kinds = set(kinds)
    if "identity" in kinds:
        documentation = settings_of(rules).documentation
        text = "identity change only: it does not qualify for incremental files of {} under {} (A6)"
        if "attribute" in kinds:
            text = (
                "identity and attribute changes only: identity changes do not qualify for "
                "incremental files of {} under {} (A6), attribute changes never do (B-T7)"
            )
        return reason("B-T8", text, segment, documentation)
    return reason("B-T7", "attribute change only: never qualifies for incremental files")


SILENT_EXIT = "exited {}; segmentMembership.status is not mapped, so the exit is silent (A5)"
SILENT_OPT_OUT = (
    "opted out, which counts as an exit; segmentMembership.status is not mapped, so the exit is silent (B-I4)"
)
SILENT_BETWEEN = (
    "qualified for {} and left again since the last file; segmentMembership.status is not mapped, "
    "so the exit is silent (B-I4) and the file does not show it"
)
SILENT_EXITS = (SILENT_EXIT, SILENT_OPT_OUT, SILENT_BETWEEN)  # exits that happened but no file shows (A5)

History = Literal["in the last file", "entered since", "in no file"]
"""Where a changed profile stood in a segment since the last scheduled file: an active member at
that file, not then but an active member at some moment since, or neither."""


def incremental_entry(
    dest: BatchDestination,
    segment: str,
    state: ProfileState,
    kinds: Iterable[ChangeKind],
    rules: RuleSet,
    history: History = "in the last file",
) -> Candidate | Reason:
    """B-T6, B-I4, A13, A16: a changed profile's row in a later incremental file, or why it has
    none. Only a profile that was an active member can exit: one that was in no file since the
    last one (it qualified while opted out, A13) has nothing to show."""
    kinds = set(kinds)
    if not qualifies_for_incremental(kinds, rules):
        return not_qualifying_reason(kinds, segment, rules)
    status = state.segments[segment]
    if is_active(state, segment):
        if kinds & QUALIFYING_ALWAYS == {"consent"}:
            why = reason("A13", "opted back in as a member of {}: counts as a qualification", segment)
        elif "membership" in kinds:
            why = reason(
                "B-T6",
                "membership in {} changed since the last file (now {})",
                segment,
                status,
            )
        else:
            why = reason("B-T8", "identity change: qualifies under {} (A6)", settings_of(rules).documentation)
        return Candidate(state, status, why)
    if history == "in no file":
        return reason(
            "A13",
            "opted out: an opted-out profile is in no file (A13); it was not an active member of "
            "{} at the last file nor since, so this is not an exit and there is nothing to show",
            segment,
        )
    opted_out = state.consent == "out" and status != "exited"
    between = history == "entered since"
    if not dest.include_status:
        if between:
            return reason("A16", SILENT_BETWEEN, segment)
        if opted_out:
            return reason("A13", SILENT_OPT_OUT)
        return reason("B-I4", SILENT_EXIT, segment)
    if between:
        why = reason(
            "A16",
            "qualified for {} and left again since the last file: it was in no earlier file; the "
            "toolkit's reading (A16) writes its last change, a row with status exited (B-I4)",
            segment,
        )
    elif opted_out:
        why = reason("A13", "opted out, which counts as an exit: row with status exited (B-I4)")
    elif settings_of(rules).storage_mapping_starts:
        why = reason(
            "B-I4b",
            "exited {} since the last file: row with status exited (the platform shows it as Expired), "
            "since segmentMembership.status is mapped",
            segment,
        )
    else:
        why = reason(
            "B-I4",
            "exited {} since the last file: row with status exited, since segmentMembership.status is mapped",
            segment,
        )
    return Candidate(state, "exited", why)


def inactive_reason(state: ProfileState, segment: str, exited_rule: str, text: str) -> Reason | None:
    """B-I2/B-I3 and A13: why a segment's non-active profile is in no full or first file."""
    status = state.segments.get(segment)
    if status is None or is_active(state, segment):
        return None
    if status == "exited":
        return Reason(exited_rule, "exited {} at {}: " + text, segment, state.qualified_at[segment])
    return Reason("A13", "member of {} ({}) but opted out: in no file", segment, status)


def full_entry(state: ProfileState, segment: str, why: Reason) -> Candidate:
    """B-I1: an active member's row in a full (or first incremental) file."""
    return Candidate(state, state.segments[segment], why)


# --- Rows: mandatory attributes, identity columns, deduplication ------------------------------


class PendingRow(NamedTuple):
    """One row to be: a candidate and, with an exported identity, one of its identity values."""

    candidate: Candidate
    identity: str | None
    order: int


def missing_mandatory(dest: BatchDestination, state: ProfileState) -> Reason | None:
    """B-I6: a profile missing a mandatory attribute is not exported."""
    for path in dest.mandatory:
        if state.attributes.get(path) is None:
            return reason("B-I6", "missing the mandatory attribute {}: not exported", path)
    return None


def identity_rows(dest: BatchDestination, c: Candidate, order: int) -> list[PendingRow] | Reason:
    """B-I8: one row per identity value of the exported namespace, which is mandatory."""
    if dest.identity is None:
        return [PendingRow(c, None, order)]
    values = c.state.identities.get(dest.identity, ())
    if not values:
        return reason("B-I8", "no {} identity: the exported identity is mandatory", dest.identity)
    return [PendingRow(c, value, order) for value in values]


def dedup_key(dest: BatchDestination) -> tuple[str, ...]:
    """B-I7/B-I8: the deduplication key; the exported identity is the key when there is one."""
    return dest.dedup_key or ((dest.identity,) if dest.identity else ())


def key_values(dest: BatchDestination, line: PendingRow) -> set[str]:
    """B-I7: the key values of a row: identity values for a namespace (no dot in the key),
    else the attribute values (one or two paths); a row with an absent key part has none."""
    key = dedup_key(dest)
    if not key:
        return set()
    state = line.candidate.state
    if "." not in key[0]:
        if line.identity is not None and key[0] == dest.identity:
            return {f"{key[0]}={line.identity}"}
        return {f"{key[0]}={x}" for x in state.identities.get(key[0], ())}
    values = [state.attributes.get(path) for path in key]
    if any(v is None for v in values):
        return set()
    return {", ".join(f"{p}={v}" for p, v in zip(key, values, strict=True))}


def reference_time(state: ProfileState, segment: str) -> datetime:
    """B-I7b: the reference timestamp of a row, the last update of its membership in `segment`
    or of the profile's identity graph, whichever is later."""
    qualified = state.qualified_at[segment]
    updated = state.identities_updated
    return updated if updated is not None and updated > qualified else qualified


def other_columns(dest: BatchDestination, line: PendingRow) -> tuple[tuple[bool, str], ...]:
    """B-I7b: the row's other selected columns (simple values only, the key's left out), in
    column order, compared as text; an absent value sorts last."""
    key = set(dedup_key(dest))
    values = line.candidate.state.attributes
    simple = (str, int, float, bool)
    return tuple(
        (values.get(path) is None, str(values.get(path)))
        for path in dest.attributes
        if path not in key and (values.get(path) is None or isinstance(values.get(path), simple))
    )


def deduplicate(
    dest: BatchDestination,
    segment: str | Callable[[PendingRow], str],
    lines: list[PendingRow],
    tie_break_by_columns: bool = False,
) -> tuple[list[PendingRow], list[tuple[str, Reason]]]:
    """B-I7: at most one row per key value; the profile that qualified most recently wins
    (latest lastQualificationTime), ties going to the first profile id. An exit is not a
    qualification: an exited row never wins over a member's row, whatever its time. B-I7b (with
    `tie_break_by_columns`): the latest reference timestamp wins (`reference_time`), and ties go
    to the row whose other columns come first in lexicographic order. `segment` is the file's
    segment, or (a file per merge policy, B-T2b) the segment of each row; rows of one profile in
    two segments tie to the first in the file (A27)."""
    segment_of = segment if callable(segment) else (lambda _line: segment)

    def rank(line: PendingRow) -> tuple[Any, ...]:
        state = line.candidate.state
        exited = line.candidate.status == "exited"
        if tie_break_by_columns:
            when = reference_time(state, segment_of(line)).timestamp()
            return (exited, -when, other_columns(dest, line), state.id, line.order)
        qualified = state.qualified_at[segment_of(line)]
        return (exited, -qualified.timestamp(), state.id, line.order)

    if not dedup_key(dest):  # no key: every row stays, in its order
        return lines, []
    winners: dict[str, PendingRow] = {}
    kept: list[PendingRow] = []
    lost: list[tuple[str, Reason]] = []
    for line in sorted(lines, key=rank):
        values = key_values(dest, line)
        taken = sorted(v for v in values if v in winners)
        if taken:
            winner = winners[taken[0]]
            if winner.candidate.state.id == line.candidate.state.id:
                why = _same_profile(taken[0], segment_of(winner), segment_of(line))
            elif tie_break_by_columns:
                why = _lost_by_reference(taken[0], winner, line, (segment_of(winner), segment_of(line)), dest)
            else:
                why = _lost(taken[0], winner, line, (segment_of(winner), segment_of(line)))
            lost.append((line.candidate.state.id, why))
            continue
        for v in values:
            winners[v] = line
        kept.append(line)
    return sorted(kept, key=lambda ln: ln.order), lost


def _same_profile(key: str, kept: str, left: str) -> Reason:
    """A27: a profile in two segments of one file per merge policy keeps one row per key value."""
    return reason(
        "A27",
        "its row for {} is left out: the file already holds its row for {}, and a file holds one row "
        "per deduplication key value ({}, B-I7); the segments' rows come in turn (A27)",
        left,
        kept,
        key,
    )


def _lost(key: str, winner: PendingRow, loser: PendingRow, segments: tuple[str, str]) -> Reason:
    """B-I7: why a row lost the deduplication, in the terms of its winner (`segments`: the
    winner's and the loser's, one and the same but in a file per merge policy)."""
    won, lost = winner.candidate, loser.candidate
    when = won.state.qualified_at[segments[0]]
    head = "lost the deduplication on {} to {}"
    if won.status != "exited" and lost.status == "exited":
        template = head + ", who qualified at {} and is still a member: an exit is not a qualification"
    elif won.status == "exited":
        template = (
            head + ": both rows are exits, and B-I7 ranks qualifications only; the later exit "
            "({}) is kept, ties going to the first profile id"
        )
    elif when == lost.state.qualified_at[segments[1]]:
        template = head + ", who qualified at the same time, and ties go to the first profile id ({})"
    else:
        template = head + ", who qualified more recently ({})"
    return reason("B-I7", template, key, won.state.id, when)


def _lost_by_reference(
    key: str, winner: PendingRow, loser: PendingRow, segments: tuple[str, str], dest: BatchDestination
) -> Reason:
    """B-I7b: why a row lost the deduplication under the 2026 documentation (`segments` as in
    `_lost`)."""
    segment = segments[0]
    won, lost = winner.candidate, loser.candidate
    head = "lost the deduplication on {} to {}"
    if won.status != "exited" and lost.status == "exited":
        return reason(
            "B-I7b", head + ", who is still a member: an exit is not a qualification", key, won.state.id
        )
    when = reference_time(won.state, segment)
    if when != reference_time(lost.state, segments[1]):
        template = (
            head + ", whose reference timestamp is later ({}): the last update of its membership in {} or "
            "of its identity graph"
        )
        return reason("B-I7b", template, key, won.state.id, when, segment)
    shown = [v for missing, v in other_columns(dest, winner) if not missing]
    template = (
        head + ", at the same reference timestamp ({}): the other columns, compared in lexicographic "
        "order, put {}'s ({}) first"
    )
    return reason("B-I7b", template, key, won.state.id, when, won.state.id, ", ".join(shown) or "none")


def row_of(
    dest: BatchDestination, line: PendingRow, heads: tuple[str, ...] | None = None, segment: str = ""
) -> dict[str, object]:
    """B-I5: the row's values in column order (`heads`: the file's `columns`, when known); null
    for an absent attribute. B-I4b: the last qualification time is that of the row's `segment`."""
    values = line.candidate.state.attributes
    out: list[object] = list(map(values.get, dest.attributes))
    if dest.identity:
        out.insert(0, line.identity)
    if dest.include_status:
        out.append(line.candidate.status)
    if dest.include_qualification_time:
        out.append(iso(line.candidate.state.qualified_at[segment]))
    return dict(zip(heads or columns(dest), out, strict=True))


__all__ = [
    "NOTERS",
    "Candidate",
    "History",
    "Note",
    "PendingRow",
    "columns",
    "dedup_key",
    "deduplicate",
    "full_entry",
    "identity_rows",
    "inactive_reason",
    "incremental_entry",
    "is_active",
    "key_values",
    "missing_mandatory",
    "not_qualifying_reason",
    "notes",
    "other_columns",
    "qualifies_for_incremental",
    "reference_time",
    "row_of",
    "with_mapping_defaults",
]
