"""What `exportkit run --profile/--destination/--steps` keeps of the timeline.

A `Selection` narrows each timeline entry (`core.engine.Entry`) to what concerns one profile, one
destination, or a range of steps: the text, the JSON document and the summary all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .aggregation import Message
from .decision import Decision
from .engine import Due, Step
from .exportfile import ExportFile


@dataclass(frozen=True, slots=True)
class Selection:
    """What `--profile`, `--destination` and `--steps` keep. Steps count from 1; 0 is the
    activation. `last` is None for an open range (`3-`)."""

    profile: str | None = None
    destination: str | None = None
    first: int = 0
    last: int | None = None

    @property
    def everything(self) -> bool:
        return self.profile is None and self.destination is None and self.first == 0 and self.last is None

    def as_dict(self) -> dict[str, object]:
        steps = (
            None
            if (self.first, self.last) == (0, None)
            else f"{self.first}-{'' if self.last is None else self.last}"
        )
        return {"profile": self.profile, "destination": self.destination, "steps": steps}

    def in_range(self, number: int) -> bool:
        return self.first <= number and (self.last is None or number <= self.last)

    def decisions(self, decisions: list[Decision], others: bool = False) -> list[Decision]:
        """The decisions kept; `others` keeps destination events' decisions (no profile) too."""
        p, d = self.profile, self.destination
        return [
            x
            for x in decisions
            if (d is None or x.destination == d)
            and (p is None or x.profile == p or (others and not x.profile))
        ]

    def files(self, files: list[ExportFile]) -> list[ExportFile]:
        p, d = self.profile, self.destination
        return [
            f
            for f in files
            if (d is None or f.destination == d)
            and (p is None or p in f.profiles or any(n.profile == p for n in f.left_out))
        ]

    def messages(self, messages: list[Message]) -> list[Message]:
        p, d = self.profile, self.destination
        return [m for m in messages if (d is None or m.destination == d) and (p is None or p in m.profiles)]

    def due(self, due: Due) -> Due | None:
        """What the selection keeps of a clock entry, or None: it is kept with the step it comes
        before (`--steps 22` shows what the clock made after step 21), and only what concerns
        the profile and destination."""
        if not self.in_range(due.after + 1):
            return None
        files, messages = self.files(due.files), self.messages(due.messages)
        if not (files or messages):
            return None
        return Due(due.at, due.after, files, messages)

    def concerns(self, step: Step) -> bool:
        """The step is shown: in range and, with a profile, the profile's event or a file or
        message of the event that holds the profile."""
        if not self.in_range(step.index + 1):
            return False
        if self.profile is None or step.event.profile == self.profile:
            return True
        if step.event.profile is not None:
            return False
        return bool(self.files(step.files) or self.messages(step.messages))


def parse_steps(text: str) -> tuple[int, int | None]:
    """`3-8`, `5`, `3-` or `-8` as (first, last); ValueError with a sentence otherwise."""
    low, sep, high = text.strip().partition("-")
    try:
        first = int(low) if low.strip() else 0
        last = (int(high) if high.strip() else None) if sep else first
    except ValueError:
        raise ValueError(
            f"--steps takes N, N-M, N- or -M (steps count from 1; 0 is the activation), not {text!r}"
        ) from None
    if first < 0 or (last is not None and last < first):
        raise ValueError(f"--steps {text}: the range is empty or negative")
    return first, last


__all__ = ["Selection", "parse_steps"]
