"""Wrapping and clipping `Text` lines: never wider than the width, no word lost, styles kept."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from exportkit.text import layout
from exportkit.text.layout import clip, wrap, wrap_text

WORDS = st.text(alphabet="abcdefghij-[]:", min_size=1, max_size=30)
SPANS = st.lists(
    st.tuples(
        st.lists(WORDS, min_size=1, max_size=6).map(" ".join), st.sampled_from(["", "rule", "exported"])
    ),
    min_size=1,
    max_size=6,
)


@given(spans=SPANS, width=st.integers(min_value=20, max_value=130), hang=st.integers(0, 12))
def test_wrap_fits_the_width_and_keeps_every_character(spans, width, hang):
    line = Text.assemble(*((" " + text, style) for text, style in spans))
    parts = wrap(line, width, hang)
    assert all(len(p.plain) <= width for p in parts)
    assert "".join(p.plain.replace(" ", "") for p in parts) == line.plain.replace(" ", "")


@given(spans=SPANS)
def test_wrap_keeps_styles(spans):
    line = Text.assemble(*spans)
    for part in wrap(line, 25, 4):
        for span in part.spans:
            text = part.plain[span.start : span.end].strip()
            assert not text or any(text in t and span.style == s for t, s in spans)


def test_continuation_lines_start_at_the_hang():
    line = Text.assemble(
        "  http-api  ", ("EXPORTED", "exported"), "  ", ("[E-T1]", "rule"), " a b c d e f g h"
    )
    first, second = (p.plain for p in wrap(line, 30, 12))
    assert first == "  http-api  EXPORTED  [E-T1] a"
    assert second == "            b c d e f g h"


def test_a_word_longer_than_the_line_fills_it_and_goes_on_at_the_hang():
    line = Text.assemble("  s3 ", ("abcdefghijklmnopqrstuvwxyz", "file"), " end")
    assert [p.plain for p in wrap(line, 12, 4)] == [
        "  s3",
        "    abcdefgh",
        "    ijklmnop",
        "    qrstuvwx",
        "    yz end",
    ]
    assert [p.plain for p in wrap(Text("abcdefghijklmnopqrstuvwxyz"), 12, 4)] == [
        "abcdefghijkl",
        "    mnopqrst",
        "    uvwxyz",
    ]


def test_clip_cuts_at_a_clause_and_marks_it():
    line = Text.assemble(
        "  s3  ", ("[B-T2]", "rule"), " not a member of a, b: files are made per segment, so none"
    )
    cut = clip(line, 50)
    assert cut.plain == "  s3  [B-T2] not a member of a, b…"
    assert cut.plain[6:12] == "[B-T2]" and [(s.start, s.end, s.style) for s in cut.spans] == [(6, 12, "rule")]
    assert clip(line, 200) is line


WRAP_TEXT = [
    ("short-lines-unchanged", "a b\n  c d", 10, "a b\n  c d"),
    ("broken-between-words-at-a-hang", "  s3  noted  [B-T6] one two", 16,
     "  s3  noted\n      [B-T6] one\n      two"),
    ("every-line-alone", "one two three\nfour five six", 9, "one two\n    three\nfour five\n    six"),
    ("blank-lines-kept", "a\n\nb", 10, "a\n\nb"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "width", "wrapped"), [c[1:] for c in WRAP_TEXT], ids=[c[0] for c in WRAP_TEXT]
)
def test_wrap_text_breaks_only_between_words(text, width, wrapped):
    assert wrap_text(text, width) == wrapped
    assert all(len(line) <= width for line in wrap_text(text, width).splitlines())


def test_wrap_texts_docstring_example_holds():
    assert doctest.testmod(layout).failed == 0
