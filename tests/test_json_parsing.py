"""Reading JSON scenario text: what `json` reads, with a key given twice refused at its place,
and strict JSON (no NaN, no infinite numbers), each refusal worded with its line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit.io.scenario_text import TextProblem, parse_json

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


@settings(max_examples=300, deadline=None)
@given(doc=DOCS, indent=st.sampled_from([None, 1]))
def test_a_document_reads_back_as_it_was_written(doc, indent):
    text = json.dumps(doc, indent=indent)
    data = parse_json(text)
    assert data == json.loads(text)
    assert repr(data) == repr(json.loads(text))  # 1 and 1.0, 0.0 and -0.0 stay apart


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(KEYS, SCALARS, min_size=1, max_size=4), data=st.data())
def test_a_key_given_twice_is_refused_with_its_line(doc, data):
    text = json.dumps(doc, indent=1)
    key = data.draw(st.sampled_from(sorted(doc)))
    twice = text[:-2] + f",\n {json.dumps(key)}: 0\n}}"  # the same key again, on a last line of its own
    with pytest.raises(TextProblem, match="given twice") as caught:
        parse_json(twice)
    assert caught.value.line == twice.count("\n")


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ('{"a": NaN}', "is not strict JSON: NaN is not a JSON number", None),
        ('{"a": 1e999}', "is not strict JSON: 1e999 is too large for a number", None),
        ('{"a": -Infinity}', "is not strict JSON: -Infinity is not a JSON number", None),
        ('{"a": "x\\u003ay",\n "a": 1}', "the key 'a' is given twice in one mapping; keep one", 2),
        ('{"a": 1, "b": {"c": 2,\n\n "c": 3}}', "b: the key 'c' is given twice in one mapping; keep one", 3),
        ('{"a": [1,]}', "is not valid JSON: Expecting value", 1),
        ('{"a": "\x01"}', "is not valid JSON: Invalid control character at", 1),
    ],
)
def test_each_refusal_is_worded_with_its_line(text, problem, line):
    with pytest.raises(TextProblem) as caught:
        parse_json(text)
    assert str(caught.value).startswith(problem), str(caught.value)
    assert caught.value.line == line


def test_a_lone_surrogate_is_read_as_json_reads_it():
    assert parse_json('{"a": "\\ud800"}') == {"a": "\ud800"}


def test_a_whole_number_of_any_length_stays_exact():
    assert parse_json('{"a": 123456789012345678901234567890}') == {"a": 123456789012345678901234567890}
