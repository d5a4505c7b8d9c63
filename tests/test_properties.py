"""Invariants the documentation implies, over random scenarios (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit import replay
from exportkit.core.payload import nest
from exportkit.core.rulesets import RULE_SETS

from .factories import SEGMENTS, make_scenario

SEGMENT_IDS = [s["id"] for s in SEGMENTS]
ATTRIBUTES = ["person.name.firstName", "person.name.lastName", "loyalty.tier", "loyalty.points"]
NAMESPACES = ["ecid", "email", "phone"]
PROFILES = ["a", "b", "c"]

values = st.sampled_from(["x", "y", 1, None])
events = st.one_of(
    st.builds(
        lambda p, s: {"profile": p, "qualify": s}, st.sampled_from(PROFILES), st.sampled_from(SEGMENT_IDS)
    ),
    st.builds(
        lambda p, s: {"profile": p, "exit": s}, st.sampled_from(PROFILES), st.sampled_from(SEGMENT_IDS)
    ),
    st.builds(
        lambda p, a, v: {"profile": p, "set": {a: v}},
        st.sampled_from(PROFILES),
        st.sampled_from(ATTRIBUTES),
        values,
    ),
    st.builds(
        lambda p, a: {"profile": p, "unset": [a]}, st.sampled_from(PROFILES), st.sampled_from(ATTRIBUTES)
    ),
    st.builds(
        lambda p, n, i: {"profile": p, "add_identity": {n: i}},
        st.sampled_from(PROFILES),
        st.sampled_from(NAMESPACES),
        st.sampled_from(["1", "2"]),
    ),
    st.builds(
        lambda p, n, i: {"profile": p, "remove_identity": {n: i}},
        st.sampled_from(PROFILES),
        st.sampled_from(NAMESPACES),
        st.sampled_from(["1", "2"]),
    ),
    st.builds(
        lambda p, c: {"profile": p, "consent": c}, st.sampled_from(PROFILES), st.sampled_from(["in", "out"])
    ),
    st.just({"evaluate": {}}),
)
subsets = st.lists(st.sampled_from(SEGMENT_IDS), min_size=1, max_size=3, unique=True)


@st.composite
def scenarios(draw: Any):
    profiles = [
        {
            "id": p,
            "identities": {n: ["1"] for n in draw(st.lists(st.sampled_from(NAMESPACES), unique=True))},
            "attributes": {a: "v" for a in draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True))},
            "segments": draw(
                st.dictionaries(
                    st.sampled_from(SEGMENT_IDS), st.sampled_from(["realized", "existing", "exited"])
                )
            ),
            "consent": draw(st.sampled_from(["in", "out"])),
        }
        for p in PROFILES
    ]
    destinations = [
        {
            "id": "ent",
            "type": "streaming-profile",
            "segments": draw(subsets),
            "attributes": draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True)),
            "include_segment_names": draw(st.booleans()),
        },
        {
            "id": "str",
            "type": "streaming-segment",
            "segments": draw(subsets),
            "identities": draw(st.lists(st.sampled_from(NAMESPACES), unique=True)),
            "attributes": draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True)),
            "consent_enforcement": draw(st.booleans()),
            "same_value_overwrite_triggers": draw(st.booleans()),
            "include_unchanged_segments": draw(st.booleans()),
        },
    ]
    segments = [dict(s, merge_policy=draw(st.sampled_from(["default", "mp2"]))) for s in SEGMENTS]
    scenario = make_scenario(
        draw(st.lists(events, max_size=25)), profiles=profiles, destinations=destinations, segments=segments
    )
    return scenario, draw(st.sampled_from(list(RULE_SETS)))


def _leaves(tree: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in tree.items():
        path = f"{prefix}{key}"
        out |= _leaves(value, path + ".") if isinstance(value, dict) else {path}
    return out


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_every_profile_event_gets_one_decision_per_destination_with_a_reason(case):
    scenario, rules = case
    result = replay(scenario, rules=rules)
    assert len(result.steps) == len(scenario.events)
    for step in result.steps:
        if step.event.profile is None:
            continue
        assert sorted(d.destination for d in step.decisions) == ["ent", "str"]
        for d in step.decisions:
            assert d.profile == step.event.profile
            assert d.reasons, d
            assert all(r.text for r in d.reasons)
            assert d.rule == d.reasons[0].rule  # the cheap verdict names the rule it explains by
            assert (d.payload is not None) is d.exported


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_payloads_hold_only_what_is_mapped(case):
    scenario, rules = case
    result = replay(scenario, rules=rules)
    dests = {d.id: d for d in scenario.destinations}
    decisions = result.activation + [d for s in result.steps for d in s.decisions]
    for d in decisions:
        if not d.exported:
            continue
        dest = dests[d.destination]
        payload = dict(d.payload)
        ups = payload.pop("segmentMembership")["ups"]
        identity_map = payload.pop("identityMap")
        assert _leaves(payload) <= set(dest.attributes)
        if dest.type == "streaming-segment":
            assert set(ups) <= set(dest.segments)
            assert set(identity_map) <= set(dest.identities)
            assert ups or d.reasons[0].rule in ("S-T2", "S-T3", "A3")


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        out |= _flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value}
    return out


names = st.sampled_from(["person", "name", "firstName", "loyalty", "tier", "a"])
paths = st.lists(names, min_size=1, max_size=4).map(".".join)


@settings(deadline=None)  # a loaded machine is not a failure
@given(st.dictionaries(paths, st.one_of(st.integers(), st.text(max_size=3), st.none()), max_size=6))
def test_nest_keeps_every_value_at_its_path(flat):
    """XDM nesting loses nothing: flattening the nested payload gives back each path's value (for
    paths of which none is the parent of another, as a mapping's attributes are)."""
    flat = {p: v for p, v in flat.items() if not any(q.startswith(p + ".") for q in flat)}
    assert _flat(nest(flat)) == flat
