"""File names of batch exports (B-F2 to B-F5, A9): pure functions, no disk.

- Default (B-F3, A9): `<destination name>_segment<segment id>_<YYYYMMDDhhmmss>`.
- `file_name` templates expand the macros of `MACROS` (B-F4). `%DESTINATION%` is the destination's
  name, `%DESTINATION_INSTANCE_ID%` its id and `%DESTINATION_INSTANCE_NAME%` its name again (a
  scenario has one name per dataflow); `%DATETIME%` is `YYYYMMDD_HHMMSS` and `%TIMESTAMP%` the
  10-digit Unix time. `%MERGE_POLICY_ID%` and `%MERGE_POLICY_NAME%` (B-T2b, the 2026
  documentation) are the merge policy of the file's segments, named as the scenario's
  `merge_policies` names it (else by its id).
- One file per merge policy (`files_per: merge_policy`, B-T2b, A27): the default name is
  `<destination name>_mergePolicy<merge policy id>_<YYYYMMDDhhmmss>`, and a template must contain
  `%MERGE_POLICY_ID%` where it would contain `%SEGMENT_ID%`; a segment macro is refused, since the
  file holds several segments.
- Every expanded value has its runs of characters other than letters, digits, `.`, `_` and `-`
  turned into one `_`: the documented example shows spaces as `_` (A9), and quotes or slashes in a
  segment name must not leave the export folder.
- Two files of one run never share a name: a time-stamped name already used gets `-2`, `-3`…
  before the extension (`NameBook`); only a static name (B-F5) is reused, and overwrites.
- The extension follows the format, plus `.gz` with gzip (not for parquet, which compresses
  inside); parts of a split file (B-F2) are `name.csv`, `name_2.csv`, `name_3.csv`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model imports this module to check templates at load time
    from .model import BatchDestination, Segment

MACROS: tuple[str, ...] = (
    "%DESTINATION%",
    "%SEGMENT_ID%",
    "%SEGMENT_NAME%",
    "%DESTINATION_INSTANCE_ID%",
    "%DESTINATION_INSTANCE_NAME%",
    "%DATETIME%",
    "%TIMESTAMP%",
    "%MERGE_POLICY_ID%",
    "%MERGE_POLICY_NAME%",
)
MERGE_POLICY_MACROS: tuple[str, ...] = ("%MERGE_POLICY_ID%", "%MERGE_POLICY_NAME%")
"""B-T2b: the macros of the 2026 documentation (the loader refuses them under older rule sets)."""
SEGMENT_MACROS: tuple[str, ...] = ("%SEGMENT_ID%", "%SEGMENT_NAME%")
TIME_MACROS: tuple[str, ...] = ("%DATETIME%", "%TIMESTAMP%")
MAX_NAME = 255
COLLISION = "-"
"""Between a name and its number when another file of the run already has the name (`NameBook`)."""
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
TOKEN = re.compile(r"%[A-Za-z_]*%")


def template_problem(template: str, per_merge_policy: bool = False) -> str | None:
    """B-F4: what is wrong with a `file_name` template, or None when it can be used;
    `per_merge_policy`: the destination writes one file per merge policy (B-T2b, A27)."""
    grouping = "%MERGE_POLICY_ID%" if per_merge_policy else "%SEGMENT_ID%"
    for macro in ("%DESTINATION%", grouping):
        if macro not in template:
            rule = "B-T2b, A27" if per_merge_policy else "B-F4"
            return f"must contain {macro}; it is always present and cannot be removed ({rule})"
    if per_merge_policy:
        used = [m for m in SEGMENT_MACROS if m in template]
        if used:
            return (
                f"cannot contain {used[0]}: with files_per: merge_policy a file holds every segment of "
                "its merge policy; name it with %MERGE_POLICY_ID% or %MERGE_POLICY_NAME% (B-T2b, A27)"
            )
    unknown = [t for t in TOKEN.findall(template) if t not in MACROS]
    if unknown:
        return f"unknown macro {unknown[0]}; exportkit knows {', '.join(MACROS)} (B-F4)"
    if "%" in TOKEN.sub("", template):
        return "a lone % is not a macro; macros look like %SEGMENT_ID% (B-F4)"
    if "%DATETIME%" in template and "%TIMESTAMP%" in template:
        return "%TIMESTAMP% cannot be combined with %DATETIME% (B-F4)"
    if any(ord(c) < 32 or c == "\x7f" for c in template):
        return "a file name cannot contain control characters (a NUL byte, a line break, a tab)"
    if "/" in template or "\\" in template:
        return "a file name cannot contain / or \\; it names a file, not a folder"
    if len(template) > MAX_NAME:
        return f"is {len(template)} characters long; a file name has at most {MAX_NAME} (B-F4)"
    return None


def safe(text: str) -> str:
    """A9: a macro value fit for a file name (spaces and other unsafe characters become `_`)."""
    return UNSAFE.sub("_", text).strip("_") or "_"


def destination_name(dest: BatchDestination) -> str:
    return dest.name or dest.id


def base_name(dest: BatchDestination, segment: Segment, at: datetime, policy_name: str | None = None) -> str:
    """B-F3/B-F4: the file name without extension or part number, for a run at `at`. With one
    file per merge policy (B-T2b), `segment` is any segment of the file's merge policy, and
    `policy_name` that policy's name (default: its id)."""
    stamp = at.strftime("%Y%m%d%H%M%S")
    policy = segment.merge_policy
    if dest.file_name is None:
        if dest.per_merge_policy:
            return f"{safe(destination_name(dest))}_mergePolicy{safe(policy)}_{stamp}"
        return f"{safe(destination_name(dest))}_segment{safe(segment.id)}_{stamp}"
    values = {
        "%DESTINATION%": destination_name(dest),
        "%SEGMENT_ID%": segment.id,
        "%SEGMENT_NAME%": segment.name,
        "%DESTINATION_INSTANCE_ID%": dest.id,
        "%DESTINATION_INSTANCE_NAME%": destination_name(dest),
        "%DATETIME%": at.strftime("%Y%m%d_%H%M%S"),
        "%TIMESTAMP%": f"{int(at.timestamp()):010d}",
        "%MERGE_POLICY_ID%": policy,
        "%MERGE_POLICY_NAME%": policy_name or policy,
    }
    return TOKEN.sub(lambda m: safe(values[m.group(0)]), dest.file_name)


def extension(dest: BatchDestination) -> str:
    """B-F1: `.csv`, `.json` or `.parquet`, plus `.gz` when a CSV or JSON file is gzip-compressed
    (parquet compresses inside the file, so its name stays `.parquet`)."""
    gz = dest.compression == "gzip" and dest.format != "parquet"
    return f".{dest.format}" + (".gz" if gz else "")


def part_names(base: str, ext: str, parts: int) -> list[str]:
    """B-F2: `name.csv`, `name_2.csv`, `name_3.csv`… for a file split into `parts` parts."""
    return [base + ("" if i == 1 else f"_{i}") + ext for i in range(1, max(parts, 1) + 1)]


class NameBook:
    """The file names a replay has used, so no two files of a run share one (see `claim`).

    Names carry the time to the second (B-F3, A9), so two files of one destination and segment
    made in the same second (two `export_now`, or a `run` at the scheduled time) would get the same
    name and the second would silently replace the first on disk. exportkit's reading: B-F5's
    overwrite is a promise of static names only (a template without a date or time macro); a
    time-stamped name that repeats is an accident of the clock's resolution, so the later file
    gets `COLLISION` and a number before its extension: `name-2.csv`, `name-3.csv`, and its parts
    `name-2_2.csv`... (B-F2)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, base: str, ext: str, parts: int, static: bool) -> tuple[str, int]:
        """A base name whose `parts` file names are all unused (the base itself when it is free,
        or static: B-F5 overwrites), and the number it got (1 for none); the names become used."""
        number = 1
        candidate = base
        if not static:
            while any(name in self._used for name in part_names(candidate, ext, parts)):
                number += 1
                candidate = f"{base}{COLLISION}{number}"
        self._used.update(part_names(candidate, ext, parts))
        return candidate, number


def is_static(dest: BatchDestination) -> bool:
    """B-F5: a name without a date or time macro is the same at every run."""
    return dest.file_name is not None and not any(m in dest.file_name for m in TIME_MACROS)


__all__ = [
    "COLLISION",
    "MACROS",
    "MERGE_POLICY_MACROS",
    "NameBook",
    "base_name",
    "destination_name",
    "extension",
    "is_static",
    "part_names",
    "safe",
    "template_problem",
]
