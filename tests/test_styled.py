"""Wrapping and clipping styled lines: never wider than the width, no word lost, styles kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from exportkit.text.styled import clip, plain, wrap

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
    line = [(" " + text, style) for text, style in spans]
    parts = wrap(line, width, hang)
    assert all(len(plain(p)) <= width for p in parts)
    assert "".join(plain(p).replace(" ", "") for p in parts) == plain(line).replace(" ", "")


@given(spans=SPANS)
def test_wrap_keeps_styles(spans):
    line = [(text, style) for text, style in spans]
    for part in wrap(line, 25, 4):
        for text, style in part:
            assert text.strip() == "" or any(text in t and style == s for t, s in line)


def test_continuation_lines_start_at_the_hang():
    line = [
        ("  http-api  ", ""),
        ("EXPORTED", "exported"),
        ("  ", ""),
        ("[E-T1]", "rule"),
        (" a b c d e f g h", ""),
    ]
    first, second = (plain(p) for p in wrap(line, 30, 12))
    assert first == "  http-api  EXPORTED  [E-T1] a"
    assert second == "            b c d e f g h"


def test_clip_cuts_at_a_clause_and_marks_it():
    line = [
        ("  s3  ", ""),
        ("[B-T2]", "rule"),
        (" not a member of a, b: files are made per segment, so none", ""),
    ]
    cut = clip(line, 50)
    assert plain(cut) == "  s3  [B-T2] not a member of a, b…"
    assert ("[B-T2]", "rule") in cut and len(plain(cut)) <= 50
    assert clip(line, 200) == line
