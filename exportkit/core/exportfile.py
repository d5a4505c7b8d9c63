"""An export file as a value: what a batch run made, row by row, and why each profile is in it.

The core computes `ExportFile` values; `exportkit.files` is what writes them to disk. A file knows
its destination, segment, mode, what triggered it, its name, columns and rows, the profile of each
row, the reasons that apply to the whole file, one reason per row (`why`) and one per profile that
changed but is not in it (`left_out`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, NamedTuple

from .rules import Reason

Mode = Literal["full", "incremental"]
FileTrigger = Literal["scheduled", "export_now", "after_evaluation", "run"]
Row = dict[str, Any]


class RowNote(NamedTuple):
    """Why one profile is in a file (a row) or not (left out)."""

    profile: str
    reason: Reason

    def as_dict(self) -> dict[str, str]:
        return {"profile": self.profile, **self.reason.as_dict()}


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One file of a batch run (one part, when B-F2 splits a file)."""

    destination: str
    segment: str
    mode: Mode
    trigger: FileTrigger
    name: str
    at: datetime
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    profiles: tuple[str, ...]
    reasons: tuple[Reason, ...]
    why: tuple[RowNote, ...]
    left_out: tuple[RowNote, ...] = ()
    format: Literal["csv", "json", "parquet"] = "csv"
    compression: Literal["none", "gzip"] = "none"
    merge_policy: str | None = None  # B-T2b: the merge policy of a file per merge policy
    # B-T2b, A27: in a file per merge policy, each row's segment (its rows come segment by segment)
    row_segments: tuple[str, ...] = ()

    def segment_shares(self) -> list[ExportFile]:
        """The file as one file per segment it holds: itself, or for a file per merge policy
        (B-T2b) one per segment of `segment`, with that segment's rows alone (maybe none)."""
        if self.merge_policy is None:
            return [self]
        shares = []
        for held in self.segment.split(", "):
            mine = [i for i, s in enumerate(self.row_segments) if s == held]
            shares.append(
                replace(
                    self,
                    segment=held,
                    rows=tuple(self.rows[i] for i in mine),
                    profiles=tuple(self.profiles[i] for i in mine),
                    why=tuple(self.why[i] for i in mine),
                    merge_policy=None,
                    row_segments=(),
                )
            )
        return shares

    def as_dict(self) -> dict[str, Any]:
        """The file in the JSON document: `profiles[i]` is the profile of `rows[i]`; a file per
        merge policy (B-T2b) names its `merge_policy`, and `segment` lists its segments."""
        policy = {} if self.merge_policy is None else {"merge_policy": self.merge_policy}
        return {
            "destination": self.destination,
            "segment": self.segment,
            **policy,
            "mode": self.mode,
            "trigger": self.trigger,
            "name": self.name,
            "columns": list(self.columns),
            "profiles": list(self.profiles),
            "rows": [dict(row) for row in self.rows],
            "reasons": [r.as_dict() for r in self.reasons],
            "why": [note.as_dict() for note in self.why],
            "left_out": [note.as_dict() for note in self.left_out],
        }


def show_value(value: Any) -> str:
    """A cell as the timeline shows it: null for an absent attribute."""
    return "null" if value is None else str(value)


__all__ = ["ExportFile", "FileTrigger", "Mode", "Row", "RowNote", "show_value"]
