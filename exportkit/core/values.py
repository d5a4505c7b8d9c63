"""The values a scenario is written in: ids, dotted XDM paths, single attribute values and times.

Shared by the scenario's models (`model`) and its events (`events`): each value read, or refused
with a one-line problem a person can act on.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

Scalar = str | int | float | bool | None

XDM_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]*$")

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""Times stay between 1970 and 2200: a file name's %TIMESTAMP% keeps its 10 digits and schedule
arithmetic never leaves the calendar (year 9999 + a day overflows)."""


@lru_cache(maxsize=4096)
def _well_formed(path: str) -> bool:
    """The whole of `path` is a dotted XDM path (remembered: a scenario names a few paths again
    and again, in every profile and event)."""
    return XDM_PATH.fullmatch(path) is not None


def path_problem(path: object) -> str | None:
    """Why `path` is not a dotted XDM path, or None when it is one."""
    if isinstance(path, str) and _well_formed(path):
        return None
    return f"{path!r} is not a dotted XDM path such as person.name.firstName"


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second: the form of every time exportkit prints."""
    if moment.utcoffset():  # every time on the scenario clock is UTC already; others convert
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def described(value: Any) -> str:
    """What a value is, in words: "a mapping", "a list", "nothing"."""
    return {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        type(None): "nothing",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def time_problem(moment: datetime) -> str | None:
    """Why `moment` is outside the times exportkit replays, or None."""
    if EARLIEST <= moment < LATEST:
        return None
    return f"{iso(moment)} is outside the times exportkit replays ({iso(EARLIEST)} to before {iso(LATEST)})"


def read_time(value: Any) -> datetime:
    """A scenario time (ISO 8601 text, or a time YAML read) in UTC; a time without a zone is UTC.
    A ValueError says why `value` is none."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 time such as 2025-01-01T09:00:00Z") from None
    if not isinstance(value, datetime):
        raise ValueError(f"must be an ISO 8601 time, not {described(value)}")
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    problem = time_problem(moment)
    if problem is not None:
        raise ValueError(problem)
    return moment


__all__ = [
    "EARLIEST",
    "LATEST",
    "NAME",
    "XDM_PATH",
    "Scalar",
    "described",
    "iso",
    "path_problem",
    "read_time",
    "time_problem",
]
