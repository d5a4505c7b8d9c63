"""The rule catalogue: every rule id exportkit can cite, with its short title.

The ids are those of the rule reference (`shared/reference/export-rules.md`); a test checks that
each one exists there and is cited by at least one test.
"""

from __future__ import annotations

from datetime import datetime

RULES: dict[str, str] = {
    "A1": "'exiting' and 'exited' are the same status",
    "A2": "only profiles holding a mapped segment (or exiting one) are exported",
    "A3": "a same-value overwrite counts for streaming-segment destinations only if configured",
    "A4": "changes in unmapped segments do not trigger enterprise exports",
    "A5": "exited rows in incremental files only with the status mapped",
    "A6": "identity changes and incremental files depend on the rule set",
    "A7": "'existing' is an older status; current docs keep 'realized'",
    "A8": "an incremental run with no change writes a header-only file",
    "A9": "default file name timestamp is YYYYMMDDhhmmss",
    "A10": "full files run Once or Daily",
    "A11": "backfill on activation in both rule sets",
    "A12": "streaming-segment payloads carry the changed segments; unchanged ones only on request",
    "A13": "consent opt-out removes a profile from files; no event for enterprise destinations",
    "A14": "Facebook figures: 10,000 records; window 30 min (older) or 300 s (current)",
    "A15": "scheduled full files hold the population and values at export time (toolkit addition)",
    "A16": "qualified and exited between two incremental files: one exited row (toolkit addition)",
    "A17": "the last mapped identity removed: the export leaves with an empty identityMap (toolkit addition)",
    "A18": "Activate now sends every current member with its current status, no exited profile",
    "A19": "M9's waits: 15 s after the failed call, 30 s after the first retry; 'above 500' leaves out 500",
    "A20": "a paused dataflow: streaming does not catch up; batch skips runs, the next file holds all",
    "A21": "configurable window: the aggregation policy page's 301-3600 s, not the guardrails page's",
    "A22": "under latest, a written same_value_overwrite_triggers still decides (toolkit addition)",
    "A23": "Activate now's exports wait in the buffers; none while disabled (toolkit addition)",
    "A24": "a pause lets waiting exports leave; a run due at enable is skipped (toolkit addition)",
    "A25": "Export file now in a replay: runs take no time; no schedule covers every day (toolkit addition)",
    "A26": "a scenario activates all its batch segments at its start, within one hour (toolkit addition)",
    "A27": "a file per merge policy: one schedule; segments' rows in turn, deduplicated (toolkit addition)",
    "A28": "under latest a batch destination is cloud storage: unset columns start mapped (toolkit addition)",
    "A29": "a deleted dataflow: waiting exports leave, no more files, its events refused (toolkit addition)",
    "B-F1": "file format and compression",
    "B-F2": "a file is split at the maximum row count",
    "B-F3": "default file name",
    "B-F4": "file name macros",
    "B-F5": "a name without a date or time macro is overwritten by each run",
    "B-I1": "a full file holds the whole active population",
    "B-I2": "exited profiles are not in full files",
    "B-I3": "the first incremental file holds the whole population",
    "B-I4": "exited profiles appear in incremental files only with the status mapped",
    "B-I4b": "2026: a cloud storage mapping starts with status and lastQualificationTime columns",
    "B-I5": "only selected attributes and identities become columns, in mapping order",
    "B-I6": "a profile missing a mandatory attribute is not exported",
    "B-I7": "at most one row per deduplication key value; the latest qualifier wins",
    "B-I7c": "a scheduled batch export should have a deduplication key",
    "B-I7b": "deduplication ties: latest membership or identity update, then the columns in order",
    "B-I8": "an exported identity namespace gives one row per identity value",
    "B-I9": "scheduled files use export-time values; Export file now uses the snapshot",
    "B-T1": "batch settings are chosen per segment",
    "B-T2": "files are produced separately per segment",
    "B-T2b": "a destination can write one file per merge policy, holding every segment of that policy",
    "B-T3": "scheduled exports: Once, Daily, or every 3/6/8/12 hours for incremental files",
    "B-T4": "an export can run right after segment evaluation",
    "B-T5": "Export file now makes one extra full file without changing the schedule",
    "B-T5b": "Export file now is refused off schedule, within 1 h of adding, or while one runs",
    "B-T6": "incremental files hold only profiles whose membership in the segment changed",
    "B-T7": "attribute changes never qualify a profile for an incremental file",
    "B-T8": "identity changes qualify for incremental files only in the current rule set",
    "C2": "segment membership is stored per profile, under segmentMembership.<namespace>",
    "C3": "membership statuses: realized, existing, exited",
    "C7": "a streaming dataflow can switch attribute, segmentation or identity triggers off",
    "C8": "every update of a mapped attribute triggers, a same-value restatement too",
    "E-I1": "enterprise payloads carry all the profile's segments (older docs)",
    "E-I1'": "enterprise payloads carry mapped segments and unmapped ones sharing their merge policy",
    "E-I2": "enterprise payloads carry all identities",
    "E-I3": "only mapped attributes, all those present, are exported",
    "E-I4": "Include Segment Names adds a name to mapped segments only",
    "E-I5": "Include Segment Timestamps adds the four epoch-millisecond times",
    "E-S1": "an overwrite with the same value is a change",
    "E-S2": "an identity added to the graph triggers an export by itself",
    "E-S3": "no automated consent evaluation for enterprise destinations",
    "E-T1": "a membership change in a mapped segment triggers an export",
    "E-T2": "any identity-map change triggers an export",
    "E-T3": "any update of a mapped attribute triggers an export",
    "E-T4": "unmapped attributes and segments do not trigger",
    "E-T5": "exports are incremental: only profiles with a relevant update",
    "E-T6": "backfill: activation exports profiles that qualified before",
    "L1": "a disabled dataflow exports nothing until it is enabled again",
    "L2": "a deleted dataflow (or destination) unmaps its audiences and exports nothing again",
    "G1": "documented limits: audiences and attributes per destination, destinations per sandbox",
    "M1": "microbatching applies to streaming destinations only",
    "M2": "configurable aggregation: a call at the count or the window, whichever first",
    "M3": "best effort: at most max users per call, sent as soon as possible",
    "M4": "best effort parameters",
    "M5": "configurable aggregation limits",
    "M6": "aggregation key groups profiles into separate calls",
    "M7": "HTTP: 2 s timeout, retried twice (3 attempts)",
    "M9": "2026: the answer decides the retries; best effort twice (15 s, 30 s), configurable once (30 min)",
    "S-I1": "the changed mapped segments are included",
    "S-I2": "segments may arrive spread over several calls",
    "S-I3": "unchanged mapped segments may ride along",
    "S-I4": "unmapped segments are never exported",
    "S-I5": "only identities of mapped namespaces are exported",
    "S-I6": "only mapped attributes are exported, all those present",
    "S-S3": "an unmapped audience is removed at the partner only if the partner supports removal",
    "S-T1": "a membership change in a mapped segment triggers an export",
    "S-T2": "an identity added or removed in a mapped namespace triggers an export",
    "S-T3": "any update of a mapped attribute triggers an export",
    "S-T4": "consent opt-out sends an audience-exited event",
    "S-T5": "exports are incremental: only profiles with a relevant update",
    "S-T6": "backfill: activation exports profiles that qualified before",
    "S-T7": "Activate now resends every current member; 24 h after mapping, once per 24 h per audience",
}


Value = str | int | float | datetime | None
"""What a reason names: a segment, an attribute, a namespace, a status, a count or a time."""


class Reason:
    """One line of explanation: the rule it comes from and the values it names.

    `template` is a `str.format` pattern with one `{}` per value; the text is made when someone
    reads it (`text`), so a replay of millions of events pays for a rule id and a tuple of values,
    not for sentences nobody reads. A rule that words its finding differently in different cases
    chooses the template when it decides. Values are shown as the timeline shows them: a time in
    ISO form, an absent value as null.
    """

    __slots__ = ("rule", "template", "values")

    def __init__(self, rule: str, template: str, *values: Value) -> None:
        if rule not in RULES:  # the catalogue is enforced where it is used
            raise KeyError(f"unknown rule id {rule!r}")
        self.rule = rule
        self.template = template
        self.values = values

    @property
    def text(self) -> str:
        if not self.values:
            return self.template
        return self.template.format(*map(shown, self.values))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Reason({self.rule!r}, {self.text!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reason):
            return NotImplemented
        return self.rule == other.rule and self.text == other.text

    def __hash__(self) -> int:
        return hash((self.rule, self.text))

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "text": self.text}


def shown(value: Value) -> str | int | float:
    """A reason's value as its text shows it: a time in ISO form, an absent value as null."""
    if isinstance(value, datetime):
        from .model import iso  # here, not above: the model depends on this module

        return iso(value)
    return "null" if value is None else value


def cited(r: Reason) -> str:
    """A reason as one line of text: `[rule] text`."""
    return f"[{r.rule}] {r.text}"


reason = Reason
"""Make a `Reason`: `reason(rule, template, *values)`; an unknown rule id cannot be cited, and the
values fill `template` only when the text is read."""


__all__ = ["RULES", "Reason", "Value", "cited", "reason", "shown"]
