"""Trigger rules for streaming destinations: does this change export this profile, and why?

One small function per rule; a destination type's rules are a tuple of them (`ENTERPRISE_TRIGGERS`,
`SEGMENT_TRIGGERS`). Each returns findings: a reason, and whether the rule fired. A profile is
exported when it may be (A2, and S-T4 for opted-out profiles) and at least one trigger fired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .decision import Catalog, Decision, FieldNote
from .model import StreamingDestination, StreamingSegmentDestination
from .payload import enterprise_payload, segment_payload
from .rules import Reason, reason
from .state import ABSENT, Change, ProfileState


@dataclass(frozen=True, slots=True)
class Finding:
    fired: bool
    reason: Reason


TriggerRule = Callable[[StreamingDestination, Change], list[Finding]]


def _status_move(old: str | None, new: str) -> str:
    return f"{old or 'null'} -> {new}" + (" (A1: 'exiting' in the docs)" if new == "exited" else "")


def enterprise_membership(dest: StreamingDestination, change: Change) -> list[Finding]:
    """E-T1: a membership change in a mapped segment triggers; E-T4/A4: an unmapped one does not."""
    out = []
    for seg, (old, new) in change.segments.items():
        if seg in dest.segments:
            out.append(Finding(True, reason("E-T1", f"mapped segment {seg}: {_status_move(old, new)}")))
        else:
            out.append(
                Finding(
                    False,
                    reason(
                        "E-T4",
                        f"segment {seg} changed but is not mapped; following A4, changes in "
                        "unmapped segments do not trigger",
                    ),
                )
            )
    return out


def enterprise_identity(dest: StreamingDestination, change: Change) -> list[Finding]:
    """E-T2: any identity-map change triggers, in any namespace."""
    return [
        Finding(
            True,
            reason(
                "E-T2",
                f"identity {ns}:{x} {how}; any identity change triggers, since identities cannot be mapped",
            ),
        )
        for ns, x, how in change.identities
    ]


def enterprise_attributes(dest: StreamingDestination, change: Change) -> list[Finding]:
    """E-T3: any update of a mapped attribute triggers, a same-value overwrite too (E-S1)."""
    out = []
    for path, (old, new) in change.attributes.items():
        if path not in dest.attributes:
            out.append(Finding(False, reason("E-T4", f"attribute {path} is not mapped")))
        elif old == new and old is not ABSENT:
            out.append(
                Finding(
                    True,
                    reason(
                        "E-S1", f"mapped attribute {path} overwritten with the same value: still a change"
                    ),
                )
            )
        else:
            out.append(Finding(True, reason("E-T3", f"mapped attribute {path} updated")))
    return out


def enterprise_consent(dest: StreamingDestination, change: Change) -> list[Finding]:
    """E-S3: consent is not evaluated for enterprise destinations; A13: no event is sent."""
    if change.consent is None:
        return []
    return [
        Finding(
            False,
            reason(
                "E-S3",
                f"consent {change.consent[1]}: enterprise destinations do not evaluate consent, "
                "so nothing is sent (A13)",
            ),
        )
    ]


def segment_membership(dest: StreamingDestination, change: Change) -> list[Finding]:
    """S-T1: a membership change in a mapped segment triggers; others do not (S-I4)."""
    out = []
    for seg, (old, new) in change.segments.items():
        if seg in dest.segments:
            out.append(Finding(True, reason("S-T1", f"mapped segment {seg}: {_status_move(old, new)}")))
        else:
            out.append(
                Finding(False, reason("S-T1", f"segment {seg} changed but is not mapped on this destination"))
            )
    return out


def segment_identity(dest: StreamingDestination, change: Change) -> list[Finding]:
    """S-T2: an identity added or removed in a mapped namespace triggers; other namespaces do not."""
    mapped = dest.identities if isinstance(dest, StreamingSegmentDestination) else ()
    return [
        Finding(
            ns in mapped,
            reason(
                "S-T2", f"identity {ns}:{x} {how} in a {'mapped' if ns in mapped else 'not mapped'} namespace"
            ),
        )
        for ns, x, how in change.identities
    ]


def segment_attributes(dest: StreamingDestination, change: Change) -> list[Finding]:
    """S-T3: any update of a mapped attribute triggers; a same-value overwrite only if set (A3)."""
    counts_same = isinstance(dest, StreamingSegmentDestination) and dest.same_value_overwrite_triggers
    out = []
    for path, (old, new) in change.attributes.items():
        if path not in dest.attributes:
            out.append(Finding(False, reason("S-T3", f"attribute {path} is not mapped")))
        elif old == new and old is not ABSENT:
            out.append(
                Finding(
                    counts_same,
                    reason(
                        "A3",
                        f"mapped attribute {path} overwritten with the same value; this destination "
                        f"{'counts' if counts_same else 'does not count'} that as an update "
                        "(same_value_overwrite_triggers)",
                    ),
                )
            )
        else:
            out.append(Finding(True, reason("S-T3", f"mapped attribute {path} updated")))
    return out


def segment_consent(dest: StreamingDestination, change: Change) -> list[Finding]:
    """S-T4: with consent enforcement, an opt-out sends an audience-exited event."""
    if change.consent is None:
        return []
    enforced = isinstance(dest, StreamingSegmentDestination) and dest.consent_enforcement
    if not enforced:
        return [
            Finding(
                False,
                reason(
                    "S-T4",
                    f"consent {change.consent[1]}, but automated consent enforcement is not configured here",
                ),
            )
        ]
    if change.consent[1] == "out":
        return [
            Finding(
                True,
                reason(
                    "S-T4",
                    "the profile opted out and consent enforcement is "
                    "on: an audience-exited event stops targeting",
                ),
            )
        ]
    return [
        Finding(
            False,
            reason(
                "S-T4",
                "the profile opted back in: nothing is sent now; its next relevant change is exported again",
            ),
        )
    ]


ENTERPRISE_TRIGGERS: tuple[TriggerRule, ...] = (
    enterprise_membership,
    enterprise_identity,
    enterprise_attributes,
    enterprise_consent,
)
SEGMENT_TRIGGERS: tuple[TriggerRule, ...] = (
    segment_membership,
    segment_identity,
    segment_attributes,
    segment_consent,
)


def triggers_for(dest: StreamingDestination) -> tuple[TriggerRule, ...]:
    return ENTERPRISE_TRIGGERS if dest.type == "streaming-profile" else SEGMENT_TRIGGERS


def may_export(dest: StreamingDestination, change: Change, state: ProfileState) -> Reason | None:
    """A2, and S-T4 for opted-out profiles: None when the profile may be exported, else why not."""
    mapped = dest.mapped_segments
    exiting = any(new == "exited" and seg in mapped for seg, (_, new) in change.segments.items())
    if (
        dest.type == "streaming-segment"
        and dest.consent_enforcement
        and state.consent == "out"
        and not (change.consent and change.consent[1] == "out")
    ):
        return reason(
            "S-T4",
            "the profile has opted out and consent enforcement is on: it is not "
            "exported until it opts back in",
        )
    if exiting or not mapped.isdisjoint(state.active):
        return None
    return reason(
        "A2",
        "the profile holds none of this destination's mapped segments and is "
        "not exiting one; following A2, only such profiles are exported",
    )


def decide(dest: StreamingDestination, change: Change, state: ProfileState, catalog: Catalog) -> Decision:
    """Decide one streaming destination for one profile change (`state` is after the change).

    The verdict comes from `verdict`; the reasons from `explain`, run only when someone reads them
    (a property test holds the two to the same answer)."""
    exported, opt_out, rule = verdict(dest, change, state)
    why = lambda: explain(dest, change, state)[1]  # noqa: E731 - a thunk, kept small
    if not exported:
        return Decision(dest.id, state.id, False, explain=why, rule=rule)
    return Decision(
        dest.id,
        state.id,
        True,
        explain=why,
        rule=rule,
        build=lambda: build_payload(dest, state, change, catalog, opt_out=opt_out),
    )


def verdict(dest: StreamingDestination, change: Change, state: ProfileState) -> tuple[bool, bool, str]:
    """The decision without its reasons' text: (exported, is it a consent opt-out exit, the rule
    id of its first reason).

    The same rules as the trigger functions, written as plain conditions for speed; a property
    test holds them to `explain`. An event has one action, so one kind of change at most."""
    segments, attributes, identities, consent = (
        change.segments,
        change.attributes,
        change.identities,
        change.consent,
    )
    enterprise = dest.type == "streaming-profile"
    if not (segments or attributes or identities or consent):
        return False, False, "E-T5" if enterprise else "S-T5"
    mapped = dest.mapped_segments
    opting_out = consent is not None and consent[1] == "out"
    enforced = isinstance(dest, StreamingSegmentDestination) and dest.consent_enforcement
    if enforced and state.consent == "out" and not opting_out:  # S-T4: held back
        return False, False, "S-T4"
    exiting = any(new == "exited" and seg in mapped for seg, (_, new) in segments.items())
    if not exiting and mapped.isdisjoint(state.active):  # A2
        return False, False, "A2"
    if segments:
        if not mapped.isdisjoint(segments):
            return True, False, "E-T1" if enterprise else "S-T1"
        return False, False, "E-T4" if enterprise else "S-T1"
    if identities:
        if enterprise:
            return True, False, "E-T2"
        namespaces = dest.mapped_identities if isinstance(dest, StreamingSegmentDestination) else frozenset()
        return any(ns in namespaces for ns, _, _ in identities), False, "S-T2"
    if attributes:
        return _attribute_verdict(dest, attributes, enterprise)
    if enterprise:  # consent
        return False, False, "E-S3"
    return enforced and opting_out, enforced and opting_out, "S-T4"


def _attribute_verdict(
    dest: StreamingDestination, attributes: dict[str, tuple[Any, Any]], enterprise: bool
) -> tuple[bool, bool, str]:
    """E-T3/E-S1/E-T4 and S-T3/A3: the first firing attribute, else the first quiet one."""
    mapped = dest.mapped_attributes
    same_counts = enterprise or (
        isinstance(dest, StreamingSegmentDestination) and dest.same_value_overwrite_triggers
    )
    first_quiet = ""
    for path, (old, new) in attributes.items():
        same = old is not ABSENT and old == new
        if path not in mapped:
            first_quiet = first_quiet or ("E-T4" if enterprise else "S-T3")
        elif enterprise:
            return True, False, "E-S1" if same else "E-T3"
        elif same and not same_counts:
            first_quiet = first_quiet or "A3"
        else:
            return True, False, "A3" if same else "S-T3"
    return False, False, first_quiet


def explain(
    dest: StreamingDestination, change: Change, state: ProfileState
) -> tuple[bool, tuple[Reason, ...], bool]:
    """Every trigger rule in turn, with its reason: (exported, reasons, opt-out exit)."""
    if change.is_empty():
        return False, (_nothing_relevant(dest, change),), False
    findings = [f for trigger in triggers_for(dest) for f in trigger(dest, change)]
    fired = [f.reason for f in findings if f.fired]
    quiet = [f.reason for f in findings if not f.fired]
    blocked = may_export(dest, change, state)
    if not fired or blocked is not None:
        held_back = [
            reason(r.rule, f"would trigger ({r.text}), but the profile is not exported, as said above")
            for r in fired
        ]
        reasons = ([blocked] if blocked else []) + held_back + quiet
        if not reasons:
            reasons = [_nothing_relevant(dest, change)]
        return False, tuple(reasons), False
    opt_out = any(f.fired and f.reason.rule == "S-T4" for f in findings)
    return True, tuple(fired), opt_out


def _nothing_relevant(dest: StreamingDestination, change: Change) -> Reason:
    rule = "E-T5" if dest.type == "streaming-profile" else "S-T5"
    what = "; ".join(change.notes) or "nothing changed"
    return reason(rule, f"no relevant update ({what}): exports are incremental")


def build_payload(
    dest: StreamingDestination,
    state: ProfileState,
    change: Change,
    catalog: Catalog,
    activation: bool = False,
    opt_out: bool = False,
) -> tuple[dict[str, Any], tuple[FieldNote, ...]]:
    if dest.type == "streaming-profile":
        return enterprise_payload(dest, state, change, catalog, activation)
    return segment_payload(dest, state, change, catalog, activation, opt_out)


def activate(dest: StreamingDestination, state: ProfileState, catalog: Catalog) -> Decision:
    """E-T6/S-T6 (and A11): the backfill at activation, for one profile."""
    if dest.mapped_segments.isdisjoint(state.active):
        exported = False
    else:
        exported = not (
            dest.type == "streaming-segment" and dest.consent_enforcement and state.consent == "out"
        )
    why = lambda: explain_activation(dest, state, catalog)  # noqa: E731 - a thunk
    backfill = "E-T6" if dest.type == "streaming-profile" else "S-T6"
    if not exported:
        held = not dest.mapped_segments.isdisjoint(state.active)
        return Decision(dest.id, state.id, False, explain=why, rule="S-T4" if held else backfill)
    return Decision(
        dest.id,
        state.id,
        True,
        explain=why,
        rule=backfill,
        build=lambda: build_payload(dest, state, Change(), catalog, activation=True),
    )


def explain_activation(
    dest: StreamingDestination, state: ProfileState, catalog: Catalog
) -> tuple[Reason, ...]:
    """Why a profile is, or is not, backfilled at activation (E-T6/S-T6, A11, S-T4)."""
    held = [seg for seg in dest.segments if state.holds(seg)]
    rule = "E-T6" if dest.type == "streaming-profile" else "S-T6"
    if not held:
        return (reason(rule, "holds none of the mapped segments at activation: nothing to backfill"),)
    if dest.type == "streaming-segment" and dest.consent_enforcement and state.consent == "out":
        return (reason("S-T4", "the profile has opted out and consent enforcement is on: not backfilled"),)
    text = (
        f"backfill at activation: holds mapped {', '.join(held)} "
        f"({', '.join(state.segments[s].status for s in held)}) from before the mapping"
    )
    reasons = [reason(rule, text)]
    if catalog.rules == "seed":
        reasons.append(
            reason(
                "A11", "the older documentation is silent on backfill; exportkit backfills in both rule sets"
            )
        )
    return tuple(reasons)
