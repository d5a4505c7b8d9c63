"""Trigger rules for streaming destinations: does this change export this profile, and why?

One small function per rule; a destination type's rules are listed by the part of a change each
reads (`ENTERPRISE_TRIGGERS`, `SEGMENT_TRIGGERS`), and a change is put only to the rules of its
non-empty parts. Each decides and names its rule in the same pass: it returns findings, each a
`Reason` (rule id and the values it names, its text formatted only when read) and whether the rule fired. A
profile is exported when it may be (`may_export`: A2, and S-T4 for opted-out profiles) and at
least one trigger fired. `decide` and `activate` are the only verdicts: the replay and its
explanation are the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from .decision import Catalog, Decision, FieldNote
from .model import TRIGGER_PARTS, StreamingDestination, StreamingSegmentDestination
from .payload import enterprise_payload, segment_payload
from .rules import Reason, Value, reason
from .rulesets import RuleSetSettings, settings_of
from .state import ABSENT, Change, ProfileState

Firing = tuple[bool, Reason]
"""What one trigger rule found: whether it fires, and why (a plain pair: cheap by the million)."""
Firings = Sequence[Firing]
TriggerRule = Callable[[StreamingDestination, Change, RuleSetSettings], Firings]
"""A trigger rule reads the destination, the change and the settings of the rule set it runs under."""
NO_FIRINGS: Firings = ()


def _fired(rule: str, template: str, *values: Value) -> Firing:
    return (True, Reason(rule, template, *values))


def _quiet(rule: str, template: str, *values: Value) -> Firing:
    return (False, Reason(rule, template, *values))


MAPPED_MOVE = "mapped segment {}: {} -> {}"
MAPPED_EXIT = MAPPED_MOVE + " (A1: 'exiting' in the docs)"


def _mapped_move(rule: str, seg: str, old: str | None, new: str) -> Firing:
    return (True, Reason(rule, MAPPED_EXIT if new == "exited" else MAPPED_MOVE, seg, old, new))


def _memberships(dest: StreamingDestination, change: Change, rule: str, unmapped: tuple[str, str]) -> Firings:
    """A membership change in a mapped segment triggers under `rule`; one in another segment does
    not, for the reason `unmapped` (its rule, and a template naming the segment)."""
    if not change.segments:
        return NO_FIRINGS
    mapped = dest.mapped_segments
    return [
        _mapped_move(rule, seg, old, new) if seg in mapped else _quiet(*unmapped, seg)
        for seg, (old, new) in change.segments.items()
    ]


def enterprise_membership(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """E-T1: a membership change in a mapped segment triggers; E-T4/A4: an unmapped one does not."""
    unmapped = (
        "segment {} changed but is not mapped; following A4, changes in unmapped segments do not trigger"
    )
    return _memberships(dest, change, "E-T1", ("E-T4", unmapped))


def enterprise_identity(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """E-T2: any identity-map change triggers, in any namespace (E-S2: an added identity alone
    is enough)."""
    return [
        _fired(
            "E-T2",
            "identity {}:{} {}; any identity change triggers, since identities cannot be mapped",
            ns,
            x,
            how,
        )
        for ns, x, how in change.identities
    ]


def enterprise_attributes(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """E-T3: any update of a mapped attribute triggers, a same-value overwrite too (E-S1)."""
    if not change.attributes:
        return NO_FIRINGS
    mapped = dest.mapped_attributes
    out: list[Firing] = []
    for path, (old, new) in change.attributes.items():
        if path not in mapped:
            out.append((False, Reason("E-T4", "attribute {} is not mapped", path)))
        elif old == new and old is not ABSENT:
            out.append(
                (
                    True,
                    Reason(
                        "E-S1", "mapped attribute {} overwritten with the same value: still a change", path
                    ),
                )
            )
        else:
            out.append((True, Reason("E-T3", "mapped attribute {} updated", path)))
    return out


def enterprise_consent(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """E-S3: consent is not evaluated for enterprise destinations; A13: no event is sent."""
    if change.consent is None:
        return NO_FIRINGS
    return (
        _quiet(
            "E-S3",
            "consent {}: enterprise destinations do not evaluate consent, so nothing is sent (A13)",
            change.consent[1],
        ),
    )


def segment_membership(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """S-T1: a membership change in a mapped segment triggers; others do not (S-I4)."""
    unmapped = "segment {} changed but is not mapped on this destination"
    return _memberships(dest, change, "S-T1", ("S-T1", unmapped))


IN_MAPPED_NAMESPACE = "identity {}:{} {} in a mapped namespace"
IN_UNMAPPED_NAMESPACE = "identity {}:{} {} in a not mapped namespace"


def segment_identity(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """S-T2: an identity added or removed in a mapped namespace triggers; other namespaces do not."""
    if not change.identities:
        return NO_FIRINGS
    mapped = dest.mapped_identities if isinstance(dest, StreamingSegmentDestination) else frozenset()
    return [
        (True, reason("S-T2", IN_MAPPED_NAMESPACE, ns, x, how))
        if ns in mapped
        else (False, reason("S-T2", IN_UNMAPPED_NAMESPACE, ns, x, how))
        for ns, x, how in change.identities
    ]


SAME_VALUE = (
    "mapped attribute {} overwritten with the same value; this destination {} that as an update "
    "(same_value_overwrite_triggers)"
)


def segment_attributes(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """S-T3: any update of a mapped attribute triggers; a same-value overwrite only if set (A3),
    or, unset, where the rule set counts restatements (C8)."""
    if not change.attributes:
        return NO_FIRINGS
    mapped = dest.mapped_attributes
    given = dest.same_value_overwrite_triggers if isinstance(dest, StreamingSegmentDestination) else None
    out: list[Firing] = []
    for path, (old, new) in change.attributes.items():
        if path not in mapped:
            out.append((False, Reason("S-T3", "attribute {} is not mapped", path)))
        elif old == new and old is not ABSENT:
            if given is None and settings.same_value_restatements:
                out.append(_fired("C8", _RESTATED, path, settings.documentation))
            else:  # A3's option decides; under C8 only when written (A22)
                rule = "A22" if settings.same_value_restatements else "A3"
                counts = "counts" if given else "does not count"
                out.append((bool(given), reason(rule, SAME_VALUE, path, counts)))
        else:
            out.append((True, Reason("S-T3", "mapped attribute {} updated", path)))
    return out


_RESTATED = (
    "mapped attribute {} restated with the same value: under {} every update of a mapped "
    "attribute triggers, a restatement too (C8; same_value_overwrite_triggers: false turns it off)"
)


def segment_consent(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """S-T4: with consent enforcement, an opt-out sends an audience-exited event."""
    if change.consent is None:
        return NO_FIRINGS
    if not (isinstance(dest, StreamingSegmentDestination) and dest.consent_enforcement):
        return (
            _quiet(
                "S-T4",
                "consent {}, but automated consent enforcement is not configured here",
                change.consent[1],
            ),
        )
    if change.consent[1] == "out":
        return (
            _fired(
                "S-T4",
                "the profile opted out and consent enforcement is on: an audience-exited event "
                "stops targeting",
            ),
        )
    return (
        _quiet(
            "S-T4",
            "the profile opted back in: nothing is sent now; its next relevant change is exported again",
        ),
    )


# Each destination type's trigger rules, by the part of a `Change` each one reads: a change
# is put to the rules of its non-empty parts only (`Change.parts`), in the order listed.
ENTERPRISE_TRIGGERS: dict[str, TriggerRule] = {
    "segments": enterprise_membership,
    "identities": enterprise_identity,
    "attributes": enterprise_attributes,
    "consent": enterprise_consent,
}
SEGMENT_TRIGGERS: dict[str, TriggerRule] = {
    "segments": segment_membership,
    "identities": segment_identity,
    "attributes": segment_attributes,
    "consent": segment_consent,
}


def triggers_for(dest: StreamingDestination) -> dict[str, TriggerRule]:
    return ENTERPRISE_TRIGGERS if dest.type == "streaming-profile" else SEGMENT_TRIGGERS


_OPTED_OUT = Reason(
    "S-T4",
    "the profile has opted out and consent enforcement is on: it is not exported until it opts back in",
)
_OPTED_OUT_AT_ACTIVATION = Reason(
    "S-T4", "the profile has opted out and consent enforcement is on: not backfilled"
)
_NO_MAPPED_SEGMENT = Reason(
    "A2",
    "the profile holds none of this destination's mapped segments and is not exiting one; "
    "following A2, only a profile that holds a mapped segment, or is exiting one, is exported",
)


def consent_hold(dest: StreamingDestination, state: ProfileState, activation: bool = False) -> Reason | None:
    """S-T4: with consent enforcement on, an opted-out profile is neither exported nor backfilled
    until it opts back in (its opt-out itself is the audience-exited event, `segment_consent`)."""
    if dest.type == "streaming-segment" and dest.consent_enforcement and state.consent == "out":
        return _OPTED_OUT_AT_ACTIVATION if activation else _OPTED_OUT
    return None


def may_export(dest: StreamingDestination, change: Change, state: ProfileState) -> Reason | None:
    """A2, and S-T4 for opted-out profiles: None when the profile may be exported, else why not."""
    if change.consent is None or change.consent[1] != "out":  # an opt-out itself is sent (S-T4)
        held = consent_hold(dest, state)
        if held is not None:
            return held
    mapped = dest.mapped_segments
    if not mapped.isdisjoint(state.active):
        return None
    for seg, (_, new) in change.segments.items():
        if new == "exited" and seg in mapped:  # exiting a mapped segment
            return None
    return _NO_MAPPED_SEGMENT


def _held_back(fired: Reason) -> Reason:
    """A trigger that fired for a profile that may not be exported: said as what it would do."""
    template = "would trigger (" + fired.template + "), but the profile is not exported, as said above"
    return Reason(fired.rule, template, *fired.values)


def findings_of(dest: StreamingDestination, change: Change, settings: RuleSetSettings) -> Firings:
    """What the trigger rules of each changed part find, in turn (`Change.parts`); a trigger of a
    kind the dataflow switched off does not fire, and says so first (C7)."""
    parts = change.parts
    triggers = triggers_for(dest)
    off = dest.triggers_off
    if len(parts) == 1 and not off:
        return triggers[parts[0]](dest, change, settings)
    found = [(part, finding) for part in parts for finding in triggers[part](dest, change, settings)]
    if not off:
        return [finding for _, finding in found]
    suppressed = [
        _switched_off(TRIGGER_KINDS[part], why, settings.documentation)
        for part, (hit, why) in found
        if hit and part in off
    ]
    return [*suppressed, *(finding for part, finding in found if not (finding[0] and part in off))]


# C7: the trigger kind (as the `triggers` option names it) of each part of a change.
TRIGGER_KINDS = {part: kind for kind, part in TRIGGER_PARTS.items()}


def _switched_off(kind: str, fired: Reason, documentation: str) -> Firing:
    """C7: a trigger that fired, of a kind this dataflow has switched off."""
    template = (
        "would trigger ({}: " + fired.template + "), but this dataflow's {} triggers are off "
        "(triggers: {{{}: false}}, C7 in {})"
    )
    return _quiet("C7", template, fired.rule, *fired.values, kind, kind, documentation)


def _withheld(
    blocked: Reason, dest: StreamingDestination, change: Change, settings: RuleSetSettings
) -> tuple[Reason, ...]:
    """Why a profile that may not be exported (A2, S-T4) is not: that first, then each trigger
    that would have fired, then the rest of the findings."""
    findings = findings_of(dest, change, settings)
    held_back = [_held_back(why) for hit, why in findings if hit]
    return (blocked, *held_back, *[why for hit, why in findings if not hit])


def decide(dest: StreamingDestination, change: Change, state: ProfileState, catalog: Catalog) -> Decision:
    """Decide one streaming destination for one profile change (`state` is after the change):
    the trigger rules of each changed part in turn, each with its reason; the payload is built
    when first read.

    A profile that may not be exported (A2, S-T4) is decided by that rule alone: the triggers
    cannot change the verdict, and follow it as what they would have done."""
    if not change.parts:
        return Decision(dest.id, state.id, False, (_nothing_relevant(dest, change),))
    blocked = may_export(dest, change, state)
    if blocked is not None:
        return Decision(
            dest.id, state.id, False, _withheld(blocked, dest, change, settings_of(catalog.rules))
        )
    fired: list[Reason] = []
    quiet: list[Reason] = []
    for hit, why in findings_of(dest, change, settings_of(catalog.rules)):
        (fired if hit else quiet).append(why)
    if not fired:
        return Decision(dest.id, state.id, False, tuple(quiet) or (_nothing_relevant(dest, change),))
    found = tuple(fired)
    return Decision(
        dest.id, state.id, True, found, build=partial(_payload, dest, state, change, catalog, found)
    )


def _payload(
    dest: StreamingDestination,
    state: ProfileState,
    change: Change,
    catalog: Catalog,
    fired: tuple[Reason, ...],
) -> tuple[dict[str, Any], tuple[FieldNote, ...]]:
    """The payload of an export decided by `decide`, built when first read; an opt-out that
    fired S-T4 sends the audience-exited event."""
    return build_payload(dest, state, change, catalog, opt_out=any(r.rule == "S-T4" for r in fired))


def _nothing_relevant(dest: StreamingDestination, change: Change) -> Reason:
    rule = "E-T5" if dest.type == "streaming-profile" else "S-T5"
    return reason(rule, "no relevant update ({}): exports are incremental", _notes(change))


def _notes(change: Change) -> str:
    return "; ".join(change.notes) or "nothing changed"


def build_payload(
    dest: StreamingDestination,
    state: ProfileState,
    change: Change,
    catalog: Catalog,
    *,
    activation: bool = False,
    opt_out: bool = False,
) -> tuple[dict[str, Any], tuple[FieldNote, ...]]:
    if dest.type == "streaming-profile":
        return enterprise_payload(dest, state, change, catalog, activation)
    return segment_payload(dest, state, change, catalog, activation, opt_out)


def _backfill(rule: str, dest: StreamingDestination, state: ProfileState) -> Reason:
    held = [seg for seg in dest.segments if state.holds(seg)]
    statuses = ", ".join(state.segments[s] for s in held)
    return Reason(
        rule,
        "backfill at activation: holds mapped {} ({}) from before the mapping",
        ", ".join(held),
        statuses,
    )


_NOTHING_TO_BACKFILL = {
    rule: Reason(rule, "holds none of the mapped segments at activation: nothing to backfill")
    for rule in ("E-T6", "S-T6")
}
_BACKFILL_UNDOCUMENTED = (
    "{} is silent on backfill; the toolkit's reading (A11) backfills under it too, as the current "
    "documentation does (E-T6, S-T6)"
)


def activate(dest: StreamingDestination, state: ProfileState, catalog: Catalog) -> Decision:
    """E-T6/S-T6 (and A11, S-T4): whether a profile is backfilled at activation, and why."""
    rule = "E-T6" if dest.type == "streaming-profile" else "S-T6"
    if dest.mapped_segments.isdisjoint(state.active):
        return Decision(dest.id, state.id, False, (_NOTHING_TO_BACKFILL[rule],))
    held = consent_hold(dest, state, activation=True)
    if held is not None:
        return Decision(dest.id, state.id, False, (held,))
    reasons = [_backfill(rule, dest, state)]
    settings = settings_of(catalog.rules)
    if not settings.backfill_documented:
        reasons.append(reason("A11", _BACKFILL_UNDOCUMENTED, settings.documentation))
    return Decision(
        dest.id,
        state.id,
        True,
        tuple(reasons),
        build=partial(build_payload, dest, state, Change(), catalog, activation=True),
    )


__all__ = [
    "ENTERPRISE_TRIGGERS",
    "SEGMENT_TRIGGERS",
    "Firing",
    "Firings",
    "TriggerRule",
    "activate",
    "build_payload",
    "consent_hold",
    "decide",
    "enterprise_attributes",
    "enterprise_consent",
    "enterprise_identity",
    "enterprise_membership",
    "findings_of",
    "may_export",
    "segment_attributes",
    "segment_consent",
    "segment_identity",
    "segment_membership",
    "triggers_for",
]
