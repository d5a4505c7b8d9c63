"""Counts and lists of names in words: one plural rule, one way to cut a long list."""

from __future__ import annotations

import pytest

from exportkit.core.words import count, listed


@pytest.mark.parametrize(
    ("n", "noun", "said"),
    [
        (0, "file", "0 files"),
        (1, "profile", "1 profile"),
        (12_000, "row", "12,000 rows"),
        (2, "body", "2 bodies"),
    ],
)
def test_count_has_a_real_plural(n, noun, said):
    assert count(n, noun) == said


@pytest.mark.parametrize(
    ("names", "shown", "said"),
    [
        ([], 8, ""),
        (["a", "b"], 8, "a, b"),
        ([str(i) for i in range(8)], 8, "0, 1, 2, 3, 4, 5, 6, 7"),
        ([str(i) for i in range(9)], 8, "0, 1, 2, 3, 4, 5, 6, 7 (+1 more)"),
        ([str(i) for i in range(1_010)], 2, "0, 1 (+1,008 more)"),
    ],
)
def test_listed_shows_a_few_names_then_how_many_more(names, shown, said):
    assert listed(names, shown) == said
