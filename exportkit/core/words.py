"""Counts in words: "1 profile", "2 profiles", "12,000 rows" (docs/glossary.md: a count has a real plural)."""

from __future__ import annotations

__all__ = ["count"]

IRREGULAR = {"membership": "memberships", "body": "bodies", "entry": "entries"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one and plural otherwise, with thousands separators.

    >>> count(1, "profile"), count(2, "profile"), count(12000, "row"), count(0, "file")
    ('1 profile', '2 profiles', '12,000 rows', '0 files')
    """
    if n == 1:
        return f"1 {noun}"
    return f"{n:,} {plural or IRREGULAR.get(noun) or noun + 's'}"
