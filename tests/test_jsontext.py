"""`JsonText` writes the characters of `json.dumps(value, indent=2, ensure_ascii=False)`, and writes
an `Items` array element by element: what it has written is out before the next element is made."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit.core.jsontext import Items, JsonText, dumps


def reference(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # any code point: control characters, quotes, backslashes, non-ASCII
)
keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(keys, inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_text_is_json_dumps_with_indent_2(value):
    assert dumps(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": []},
        {"a": {}},
        [[], {}, [[]]],
        {"naïve": 'Zoë \u2028 \x00 \x1f " \\ \n'},
        {1: 1, 2.5: 2.5, False: False, None: None},
        [math.nan, math.inf, -math.inf, -0.0, 1e16, 1e-7],
        (1, "two", (3,)),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_edge_cases(value):
    assert dumps(value) == reference(value)


def test_an_items_array_is_a_list_in_the_text():
    value = {"rows": Items({"n": i} for i in range(3)), "none": Items(iter(()))}
    assert dumps(value) == reference({"rows": [{"n": 0}, {"n": 1}, {"n": 2}], "none": []})


@pytest.mark.parametrize("bad", [object(), {1, 2}, b"bytes"], ids=["object", "set", "bytes"])
def test_what_json_refuses_is_refused(bad):
    with pytest.raises(TypeError, match="is not JSON serializable"):
        dumps({"x": [bad]})
    with pytest.raises(TypeError, match="keys must be str"):
        dumps({(1, 2): 0})


def test_a_value_inside_a_document_is_indented_by_its_level():
    parts: list[str] = []
    text = JsonText(parts.append)
    text.raw('{\n  "a": ')
    text.value({"b": [1, 2]}, 1)
    text.raw("\n}\n")
    text.flush()
    assert "".join(parts) == reference({"a": {"b": [1, 2]}}) + "\n"


def test_a_long_array_is_written_while_its_elements_are_made():
    """The first elements reach the stream before the last ones exist, so the memory a long
    array takes is one chunk of text, not the array."""
    written: list[str] = []
    seen_when_made: list[int] = []

    def element(i: int) -> dict[str, object]:
        seen_when_made.append(len("".join(written)))
        return {"profile": f"p{i:06d}", "text": "x" * 40}

    text = JsonText(written.append, chunk=4096)
    text.value({"rows": Items(element(i) for i in range(10_000))})
    text.flush()
    whole = "".join(written)
    assert json.loads(whole)["rows"][-1]["profile"] == "p009999"
    assert seen_when_made[-1] > 0, "nothing was written before the last element was made"
    assert '"p000000"' in whole[: seen_when_made[-1]]
    assert max(len(w) for w in written) < 4096 + 200  # chunks, not the whole text
