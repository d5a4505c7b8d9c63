"""Schedule arithmetic for batch segments (B-T3, B-T4): when does a scheduled file fall due?

Times are UTC, on the scenario clock, which the caller passes in: nothing here reads a clock.
A schedule fires at every time `t` with `after < t <= until`, so a replay that walks from one event
to the next fires each scheduled time exactly once. `after: evaluation` schedules never fire on the
clock; the daily segment evaluation event runs them (B-T4).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from .model import HOURLY, Schedule

DAY = timedelta(days=1)


def _at(schedule: Schedule) -> time:
    hours, minutes = (schedule.at or "00:00").split(":")
    return time(int(hours), int(minutes), tzinfo=UTC)


def _period(schedule: Schedule) -> timedelta:
    """B-T3: daily, or every 3, 6, 8 or 12 hours (all divide a day, so each day repeats)."""
    return DAY if schedule.every == "day" else timedelta(hours=HOURLY[schedule.every or ""])


def due_times(schedule: Schedule | None, after: datetime, until: datetime) -> list[datetime]:
    """B-T3: the scheduled times of `schedule` in `(after, until]`, in order.

    `every` schedules start from `at` (default 00:00 UTC) and repeat every period; `once` fires
    at its own time; `after: evaluation` and no schedule never fire on the clock.
    """
    if schedule is None or schedule.after is not None or until <= after:
        return []
    if schedule.once is not None:
        return [schedule.once] if after < schedule.once <= until else []
    period = _period(schedule)
    t = datetime.combine(after.date(), _at(schedule))
    while t > after:  # step back so the first candidate is at or before `after`
        t -= period
    out = []
    while t <= until:
        if t > after:
            out.append(t)
        t += period
    return out


def next_due(schedule: Schedule | None, after: datetime) -> datetime | None:
    """B-T3: the first scheduled time of `schedule` after `after`, or None if it never fires."""
    if schedule is None or schedule.after is not None:
        return None
    if schedule.once is not None:
        return schedule.once if schedule.once > after else None
    times = due_times(schedule, after, after + _period(schedule))
    return times[0] if times else None


def runs_on_clock(schedule: Schedule | None) -> bool:
    """True for schedules the scenario clock fires (every, once); False for B-T4 and none."""
    return schedule is not None and schedule.after is None


def runs_after_evaluation(schedule: Schedule | None) -> bool:
    """B-T4: the schedule runs right after the daily segment evaluation job."""
    return schedule is not None and schedule.after == "evaluation"


__all__ = ["due_times", "next_due", "runs_after_evaluation", "runs_on_clock"]
