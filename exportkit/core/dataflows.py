"""A dataflow on demand and over its life (the 2026 documentation): Activate now resends audiences
to a streaming segment destination (S-T7, A18); a disabled dataflow exports nothing until it is
enabled again (L1, A20).

`Dataflows` holds what these events leave behind: when each audience last ran Activate now, and
which dataflows are disabled since when. The engine asks it for the decisions of these events and
whether a destination is disabled; the batch ledger reads the same `disabled` mapping to skip the
runs that fall due during a pause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial

from .decision import Catalog, Decision
from .model import AnyDestination, BatchDestination, StreamingSegmentDestination
from .payload import segment_payload
from .rules import Reason, reason
from .rulesets import deciding, settings_of
from .state import Change, ProfileState
from .streaming import consent_hold
from .words import count

ACTIVATE_NOW_WAIT = timedelta(hours=24)
"""S-T7: Activate now runs at least 24 hours after the audience was mapped, and at most once per
audience in any rolling 24 hours."""


class Dataflows:
    """The state of each dataflow that Activate now and disable/enable events change."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.settings = settings_of(catalog.rules)
        self.disabled: dict[str, datetime] = {}  # L1: destination id -> disabled since
        self.deleted: dict[str, datetime] = {}  # L2: destination id -> deleted at
        self.last_run: dict[tuple[str, str], datetime] = {}  # S-T7: (destination, segment) -> time

    # --- L1, A20: disabled dataflows -----------------------------------------------------------

    def held(self, destination: str, profile: str) -> Decision | None:
        """L1: a disabled streaming dataflow's decision on a profile event (A20: no catching up
        later), or None while it is enabled; L2: a deleted dataflow's."""
        gone = self.gone(destination, profile)
        if gone is not None:
            return gone
        since = self.disabled.get(destination)
        if since is None:
            return None
        return Decision(destination, profile, False, (reason("L1", _DISABLED, destination, since),))

    def disable(self, destination: str, at: datetime) -> Decision:
        """L1: from now, the dataflow to `destination` exports nothing until it is enabled again."""
        if not self.settings.paused_dataflows:
            return _not_in_rules("disable", "L1", "paused_dataflows", destination, self.catalog.rules)
        self.disabled[destination] = at
        text = (
            "the dataflow to {} is disabled: it exports nothing until it is enabled again; "
            "a streaming destination does not catch up later, a batch destination skips the runs that "
            "fall due meanwhile (A20); exports already waiting in a buffer still leave (A24)"
        )
        return Decision(destination, "", False, (reason("L1", text, destination),), verdict="disabled")

    def enable(self, destination: str, at: datetime) -> Decision:
        """L1, A20: the dataflow exports again, from its next change or run; nothing is caught up."""
        if not self.settings.paused_dataflows:
            return _not_in_rules("enable", "L1", "paused_dataflows", destination, self.catalog.rules)
        since = self.disabled.pop(destination)
        text = (
            "the dataflow to {}, disabled at {}, is enabled again: the next "
            "triggering change exports as usual, and the next incremental file holds every membership "
            "change since the last file written (A20)"
        )
        return Decision(destination, "", False, (reason("L1", text, destination, since),), verdict="enabled")

    # --- L2, A29: deleted dataflows --------------------------------------------------------------

    def gone(self, destination: str, profile: str) -> Decision | None:
        """L2: a deleted dataflow's decision on a profile event (any destination type), or None."""
        at = self.deleted.get(destination)
        if at is None:
            return None
        return Decision(destination, profile, False, (reason("L2", _DELETED, destination, at),))

    def delete(self, dest: AnyDestination, at: datetime) -> Decision:
        """L2: the dataflow to `dest` is deleted: its audiences are unmapped, and it exports
        nothing again; S-S3 says what the partner does with a streaming segment destination's."""
        if not self.settings.deleted_dataflows:
            return _not_in_rules("delete", "L2", "deleted_dataflows", dest.id, self.catalog.rules)
        self.disabled.pop(dest.id, None)
        self.deleted[dest.id] = at
        segments = ", ".join(dest.segment_ids)
        if isinstance(dest, BatchDestination):
            after = (
                "no file is made again, scheduled or on demand, and the changes noted for its next "
                "incremental file are dropped (A29)"
            )
        else:
            after = (
                "no profile is exported to it again; exports already waiting in its buffer still "
                "leave as its aggregation policy says (A29)"
            )
        reasons = [reason("L2", "the dataflow to {} is deleted: {} unmapped; " + after, dest.id, segments)]
        if isinstance(dest, StreamingSegmentDestination):
            reasons.append(
                reason(
                    "S-S3",
                    "at the partner, {} are removed only if {} supports removal; "
                    "otherwise they stay there until deleted at the partner",
                    segments,
                    dest.id,
                )
            )
        return Decision(dest.id, "", False, tuple(reasons), verdict="deleted")

    # --- S-T7, A18: Activate now -----------------------------------------------------------------

    def activate_now(
        self,
        dest: StreamingSegmentDestination,
        segments: Iterable[str] | None,
        at: datetime,
        states: Mapping[str, ProfileState],
    ) -> list[Decision]:
        """S-T7: each audience that may run now resends every current member (A18: with its
        current status, and no exited profile); each other audience is refused, saying when it
        may run. The first decision is the destination's; one per profile sent follows."""
        if not self.settings.activate_now:
            return [_not_in_rules("activate_now", "S-T7", "activate_now", dest.id, self.catalog.rules)]
        since = self.disabled.get(dest.id)
        if since is not None:
            return [
                Decision(dest.id, "", False, (reason("L1", _DISABLED, dest.id, since),), verdict="refused")
            ]
        asked = tuple(segments) if segments is not None else dest.segments
        refused: list[Reason] = []
        running: list[str] = []
        for seg in asked:
            why = self._refusal(dest, seg, at)
            if why is None:
                running.append(seg)
                self.last_run[(dest.id, seg)] = at
            else:
                refused.append(why)
        sent: list[Decision] = []
        exited = 0
        for state in states.values():
            held = frozenset(seg for seg in running if state.holds(seg))
            if not held:
                exited += any(seg in state.segments for seg in running)
                continue
            blocked = consent_hold(dest, state)
            if blocked is not None:
                sent.append(Decision(dest.id, state.id, False, (blocked,)))
                continue
            sent.append(
                Decision(
                    dest.id,
                    state.id,
                    True,
                    (_member(dest.id, state, sorted(held)), _A18),
                    build=partial(segment_payload, dest, state, Change(), self.catalog, resend=held),
                )
            )
        reasons = refused[:]
        if running:
            n = sum(d.exported for d in sent)
            reasons.insert(
                0,
                reason(
                    "S-T7",
                    "Activate now: {} resent in full, {}, one streaming job per audience; {} not sent "
                    "(A18); the exports wait in the buffers like any other (A23)",
                    ", ".join(running),
                    count(n, "profile"),
                    count(exited, "exited profile"),
                ),
            )
        verdict = f"resent {count(sum(d.exported for d in sent), 'profile')}" if running else "refused"
        return [Decision(dest.id, "", False, tuple(reasons), verdict=verdict), *sent]

    def _refusal(self, dest: StreamingSegmentDestination, segment: str, at: datetime) -> Reason | None:
        """S-T7: why Activate now may not run for `segment` at `at` (with the time it may), or None."""
        destination = dest.id
        if segment not in dest.mapped_segments:  # the loader refuses it; a remapped destination can
            return reason("S-T7", "Activate now refused for {}: it is not mapped to {}", segment, destination)
        mapped = self.catalog.activated_at
        if at < mapped + ACTIVATE_NOW_WAIT:
            return reason(
                "S-T7",
                "Activate now refused for {}: it was mapped at {}, less than 24 hours ago; it may run "
                "from {}",
                segment,
                mapped,
                mapped + ACTIVATE_NOW_WAIT,
            )
        last = self.last_run.get((destination, segment))
        if last is not None and at < last + ACTIVATE_NOW_WAIT:
            return reason(
                "S-T7",
                "Activate now refused for {}: it last ran at {}, less than 24 hours "
                "ago (one run per audience in any 24 hours); it may run from {}",
                segment,
                last,
                last + ACTIVATE_NOW_WAIT,
            )
        return None


_A18 = Reason(
    "A18",
    "the toolkit's reading of 'full membership': every profile that holds the audience now, with its "
    "current status; no exited profile",
)


def _member(destination: str, state: ProfileState, held: list[str]) -> Reason:
    statuses = ", ".join(f"{seg} ({state.segments[seg]})" for seg in held)
    return reason(
        "S-T7",
        "Activate now on {}: {} holds {}; resent whether it changed or not",
        destination,
        state.id,
        statuses,
    )


_DISABLED = (  # L1, on a profile event or Activate now while the dataflow is disabled
    "the dataflow to {} was disabled at {}: nothing is exported until it is enabled again, and this "
    "change is not caught up then (A20)"
)
_DELETED = (
    "the dataflow to {} was deleted at {}: its audiences are unmapped, so nothing is exported to it again"
)


def refused_elsewhere(dest: AnyDestination) -> Decision:
    """S-T7: Activate now on a destination that is not a streaming segment destination (the
    loader refuses it in a file; the explorer can remap a destination to another type)."""
    text = "Activate now resends audiences to streaming segment destinations only; {} is a {} destination"
    return Decision(dest.id, "", False, (reason("S-T7", text, dest.id, dest.type),), verdict="refused")


def _not_in_rules(kind: str, rule: str, feature: str, destination: str, rules: str) -> Decision:
    """An event replayed under a rule set without its setting `feature`: it does nothing, and the
    reason names the documentation it comes from (the first rule set that has it)."""
    source = settings_of(deciding(feature)[0]).documentation
    text = "{} comes from {} ({}); {} has no such event"
    reasons = (reason(rule, text, kind, source, rule, settings_of(rules).documentation),)
    return Decision(destination, "", False, reasons, verdict="not run")


__all__ = ["ACTIVATE_NOW_WAIT", "Dataflows", "refused_elsewhere"]
