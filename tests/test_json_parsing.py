"""The JSON fast path (orjson, with a colon count for keys given twice) reads exactly what the
careful parser (`json` with its checks) reads, and leaves to it everything the careful parser
refuses, so every refusal keeps its worded message and line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit.io.scenario_text import _CAREFUL, TextProblem, _parse_careful, _parse_fast, parse_json

KEYS = st.sampled_from(["a", "b", "a:b", "09:00", "", "é", "\\u003a"]) | st.text(max_size=4)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('a:é"\\ \n\t'), max_size=6)
)
DOCS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


def _both(text: str) -> tuple[object, object]:
    """What each parser makes of `text`: the data, or the message of its refusal."""
    out = []
    for parse in (parse_json, _parse_careful):
        try:
            out.append(parse(text))
        except TextProblem as problem:
            out.append(("refused", str(problem), problem.line))
    return out[0], out[1]


@settings(max_examples=300, deadline=None)
@given(doc=DOCS, indent=st.sampled_from([None, 1]))
def test_the_fast_path_reads_what_the_careful_parser_reads(doc, indent):
    text = json.dumps(doc, indent=indent)
    fast, careful = _both(text)
    assert fast == careful
    assert repr(fast) == repr(careful)  # 1 and 1.0, 0.0 and -0.0 stay apart


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(KEYS, SCALARS, min_size=1, max_size=4), data=st.data())
def test_a_key_given_twice_is_refused_with_its_place(doc, data):
    text = json.dumps(doc)
    key = data.draw(st.sampled_from(sorted(doc)))
    twice = text[:-1] + f", {json.dumps(key)}: 0}}"  # the same key again, at the end
    fast, careful = _both(twice)
    assert fast == careful
    assert fast[0] == "refused" and "given twice" in fast[1]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN}',
        '{"a": 1e999}',
        '{"a": -Infinity}',
        '{"a": "x\\u003ay", "a": 1}',
        '{"a": 1, "b": {"c": 2, "c": 3}}',
        '{"a": [1,]}',
        '{"a": "\x01"}',
    ],
)
def test_the_careful_parser_words_what_the_fast_path_leaves_to_it(text):
    assert _parse_fast(text) is _CAREFUL
    fast, careful = _both(text)
    assert fast == careful and fast[0] == "refused"


def test_what_msgspec_cannot_read_but_json_can_is_read_by_the_careful_parser():
    text = '{"a": "\\ud800"}'  # a lone surrogate: msgspec refuses it, json reads it
    assert _parse_fast(text) is _CAREFUL
    assert parse_json(text) == {"a": "\ud800"}


def test_a_whole_number_of_any_length_stays_exact():
    text = '{"a": 123456789012345678901234567890}'
    assert _parse_fast(text) == {"a": 123456789012345678901234567890} == parse_json(text)


def test_a_plain_scenario_takes_the_fast_path():
    from exportkit.course.generate import generate_scenario

    text = json.dumps(generate_scenario(50, 200, 3), indent=2, default=str)
    data = _parse_fast(text)
    assert data is not _CAREFUL and data == _parse_careful(text)
