"""What is still waiting when a scenario ends: the next file of every batch segment.

A learner who ends a scenario at 16:00 should read where the 17:00 file went: each batch segment
says when its next file is due (B-T3, B-T4) and, for an incremental file, which profiles are noted
for it (B-T6; B-I3 when the first file has not been made yet). The streaming buffers need nothing
here: the end of the scenario sends what waits in them (M1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .batch import qualifies_for_incremental
from .batchrun import BatchLedger
from .exportfile import Mode
from .model import BatchSegment, iso
from .rules import Reason, reason
from .schedule import next_due
from .words import count


@dataclass(frozen=True, slots=True)
class NextFile:
    """The next file of one batch segment, as the scenario ends."""

    destination: str
    segment: str
    mode: Mode
    due: datetime | None  # the next scheduled time on the clock; None: no clock schedule
    profiles: tuple[str, ...]  # noted for the next incremental file; () for a full file
    reason: Reason

    def as_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "segment": self.segment,
            "mode": self.mode,
            "due": iso(self.due) if self.due else None,
            "profiles": list(self.profiles),
            **self.reason.as_dict(),
        }


def _when(bs: BatchSegment, at: datetime) -> tuple[datetime | None, str]:
    s = bs.schedule
    due = next_due(s, at)
    if due is not None:
        return due, f"due at {iso(due)} ({s.describe()})"  # type: ignore[union-attr]
    if s is not None and s.after is not None:
        return None, "made right after the next segment evaluation (B-T4)"
    if s is not None:
        return None, f"no scheduled time left ({s.describe()})"
    return None, "no schedule: only a run event makes it"


def next_files(ledger: BatchLedger, at: datetime) -> list[NextFile]:
    """B-T3/B-T6: each batch segment's next file after `at`, with the profiles waiting for it."""
    out = []
    for dest in ledger.destinations.values():
        gone = ledger.deleted.get(dest.id)
        for bs in dest.segments:
            if gone is not None:
                why = reason("L2", "no next file: the dataflow to {} was deleted at {}", dest.id, gone)
                out.append(NextFile(dest.id, bs.id, bs.mode, None, (), why))
                continue
            due, when = _when(bs, at)
            book = ledger.ledgers[(dest.id, bs.id)]
            if bs.mode == "full":
                out.append(
                    NextFile(
                        dest.id,
                        bs.id,
                        "full",
                        due,
                        (),
                        reason("B-I1", "next full file {}: the whole active population", when),
                    )
                )
                continue
            if not book.first_done:
                why = reason("B-I3", "first incremental file {}: it will hold the whole population", when)
                out.append(NextFile(dest.id, bs.id, "incremental", due, (), why))
                continue
            waiting = tuple(
                pid for pid, kinds in book.noted.items() if qualifies_for_incremental(kinds, ledger.rules)
            )
            why = (
                reason(
                    "B-T6",
                    "next incremental file {}: {} noted since the last file",
                    when,
                    count(len(waiting), "profile"),
                )
                if waiting
                else reason(
                    "B-T6", "next incremental file {}: no membership change noted since the last file", when
                )
            )
            out.append(NextFile(dest.id, bs.id, "incremental", due, waiting, why))
    return out


__all__ = ["NextFile", "next_files"]
