"""Counts in words: "1 profile", "2 profiles", "12,000 rows" (docs/glossary.md: a count has a real plural),
and lists of names cut to a few: "a, b (+3 more)"."""

from __future__ import annotations

__all__ = ["SHOWN", "count", "listed"]

SHOWN = 8  # how many names a list shows before "+N more"
IRREGULAR = {"membership": "memberships", "body": "bodies", "entry": "entries"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one and plural otherwise, with thousands separators.

    >>> count(1, "profile"), count(2, "profile"), count(12000, "row"), count(0, "file")
    ('1 profile', '2 profiles', '12,000 rows', '0 files')
    """
    if n == 1:
        return f"1 {noun}"
    return f"{n:,} {plural or IRREGULAR.get(noun) or noun + 's'}"


def listed(names: list[str], shown: int = SHOWN) -> str:
    """The first `shown` names, then how many more: the one way a long list of names is cut.

    >>> listed(["a", "b"]), listed([str(i) for i in range(1010)], 2)
    ('a, b', '0, 1 (+1,008 more)')
    """
    more = f" (+{len(names) - shown:,} more)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
