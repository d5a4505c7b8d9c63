"""B-T3/B-T4: when scheduled batch files fall due, on the scenario clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from exportkit.core.model import Schedule
from exportkit.core.schedule import due_times, runs_after_evaluation, runs_on_clock


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def hours(times: list[datetime]) -> list[str]:
    return [x.strftime("%d %H:%M") for x in times]


@pytest.mark.parametrize(
    ("schedule", "after", "until", "expected"),
    [
        pytest.param({"every": "day", "at": "17:00"}, t(3, 9), t(3, 16, 59), [], id="daily-not-yet"),
        pytest.param(
            {"every": "day", "at": "17:00"},
            t(3, 9),
            t(3, 17),
            ["03 17:00"],
            id="daily-fires-at-its-time-inclusive",
        ),
        pytest.param(
            {"every": "day", "at": "17:00"},
            t(3, 17),
            t(3, 18),
            [],
            id="daily-previous-event-at-the-time-exclusive",
        ),
        pytest.param(
            {"every": "day", "at": "17:00"},
            t(3, 9),
            t(5, 18),
            ["03 17:00", "04 17:00", "05 17:00"],
            id="daily-over-three-days",
        ),
        pytest.param({"every": "day"}, t(3, 9), t(4, 1), ["04 00:00"], id="daily-default-midnight"),
        pytest.param(
            {"every": "3h"}, t(3, 9), t(3, 16), ["03 12:00", "03 15:00"], id="every-3-hours-from-midnight"
        ),
        pytest.param(
            {"every": "6h", "at": "01:30"},
            t(3, 0),
            t(3, 20),
            ["03 01:30", "03 07:30", "03 13:30", "03 19:30"],
            id="every-6-hours-from-at",
        ),
        pytest.param(
            {"every": "8h"},
            t(3, 7),
            t(4, 9),
            ["03 08:00", "03 16:00", "04 00:00", "04 08:00"],
            id="every-8-hours-over-midnight",
        ),
        pytest.param(
            {"every": "12 hours", "at": "06:00"},
            t(3, 0),
            t(4, 0),
            ["03 06:00", "03 18:00"],
            id="every-12-hours-spoken",
        ),
        pytest.param({"once": "2025-03-04T10:00:00Z"}, t(3, 0), t(5, 0), ["04 10:00"], id="once-in-range"),
        pytest.param({"once": "2025-03-04T10:00:00Z"}, t(4, 10), t(5, 0), [], id="once-already-past"),
        pytest.param({"after": "evaluation"}, t(3, 0), t(9, 0), [], id="after-evaluation-never-on-the-clock"),
        pytest.param(None, t(3, 0), t(9, 0), [], id="no-schedule-never"),
    ],
)
def test_due_times(schedule, after, until, expected):
    s = None if schedule is None else Schedule.model_validate(schedule)
    assert hours(due_times(s, after, until)) == expected


@pytest.mark.parametrize(
    ("schedule", "clock", "evaluation"),
    [
        pytest.param({"every": "day"}, True, False, id="daily"),
        pytest.param({"once": "2025-03-04T10:00:00Z"}, True, False, id="once"),
        pytest.param({"after": "evaluation"}, False, True, id="after-evaluation"),
        pytest.param(None, False, False, id="none"),
    ],
)
def test_schedule_kinds(schedule, clock, evaluation):
    s = None if schedule is None else Schedule.model_validate(schedule)
    assert runs_on_clock(s) is clock
    assert runs_after_evaluation(s) is evaluation
