"""Bad input on the command line: one line on stderr, exit status 2 (`cli._dispatch` says it)."""

from __future__ import annotations

from pathlib import Path


class UsageError(Exception):
    """Bad input on the command line: one short message, exit status 2."""


def write_text(path: str | Path, text: str) -> None:
    """Write `text` to the file `path`, or raise a `UsageError` that says why it cannot be."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot write ({err.strerror or err})") from None


__all__ = ["UsageError", "write_text"]
