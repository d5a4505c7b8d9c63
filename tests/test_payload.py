"""Inclusion rules: what an export holds and why each part is in or out (E-I*, S-I*, A7, A12)."""

from __future__ import annotations

import pytest

from exportkit.core.payload import nest
from exportkit.core.rulesets import settings_of

from .factories import SEGMENTS, decision_of, make_enterprise, make_profile, make_social, one_step

MP2 = [dict(s, merge_policy="mp2") if s["id"] in ("u1", "u2") else s for s in SEGMENTS]


def ups(step, dest):
    return decision_of(step, dest).payload["segmentMembership"]["ups"]


def notes(step, dest):
    return {n.field: (n.included, n.reason.rule) for n in decision_of(step, dest).fields}


def test_seed_example_delorean_qualifier_carries_all_three_segments():
    """Case 1 (E-I1 with seed rules): P in U1, U2 qualifies for S1 -> S1, U1, U2 in the payload."""
    step = one_step({"qualify": "s1"}, profiles=[make_profile(segments={"u1": "existing", "u2": "existing"})])
    assert set(ups(step, "ent")) == {"s1", "u1", "u2"}
    assert ups(step, "ent")["s1"]["status"] == "realized"
    assert set(ups(step, "str")) == {"s1"}  # S-I4: never the unmapped ones


@pytest.mark.parametrize(
    ("rules", "segments", "expected"),
    [
        ("seed", SEGMENTS, {"s1", "u1", "u2"}),
        ("seed", MP2, {"s1", "u1", "u2"}),
        ("current", SEGMENTS, {"s1", "u1", "u2"}),
        ("current", MP2, {"s1"}),
    ],
    ids=[
        "E-I1 seed, one merge policy",
        "E-I1 seed, other merge policy",
        "E-I1' current, same merge policy",
        "E-I1' current, other merge policy (case 2)",
    ],
)
def test_enterprise_segment_membership_by_rule_set(rules, segments, expected):
    step = one_step(
        {"qualify": "s1"},
        rules=rules,
        segments=segments,
        profiles=[make_profile(segments={"u1": "existing", "u2": "existing"})],
    )
    assert set(ups(step, "ent")) == expected
    rule = "E-I1" if settings_of(rules).enterprise_segments == "all" else "E-I1'"
    assert all(n[1] == rule for f, n in notes(step, "ent").items() if "segmentMembership" in f)


def test_e_i1_seed_keeps_exited_unmapped_segments_and_current_drops_them():
    profile = make_profile(segments={"s1": "existing", "u1": "exited"})
    seed = one_step({"set": {"loyalty.tier": "x"}}, profiles=[profile])
    current = one_step({"set": {"loyalty.tier": "x"}}, rules="current", profiles=[profile])
    assert ups(seed, "ent")["u1"]["status"] == "exited"
    assert "u1" not in ups(current, "ent")
    assert notes(current, "ent")["segmentMembership.ups.u1"] == (False, "E-I1'")


def test_e_i2_all_identities_and_s_i5_only_mapped_namespaces():
    step = one_step({"qualify": "s2"})
    assert set(decision_of(step, "ent").payload["identityMap"]) == {"ecid", "email", "phone"}
    assert set(decision_of(step, "str").payload["identityMap"]) == {"email"}
    assert notes(step, "str")["identityMap.phone"] == (False, "S-I5")
    assert notes(step, "ent")["identityMap.phone"] == (True, "E-I2")


@pytest.mark.parametrize(("dest", "rule"), [("ent", "E-I3"), ("str", "S-I6")])
def test_only_mapped_attributes_all_of_them_whatever_the_trigger(dest, rule):
    step = one_step({"add_identity": {"email": "new@example.com"}})
    payload = decision_of(step, dest).payload
    assert payload["person"] == {"name": {"firstName": "Pat"}}
    assert payload["loyalty"] == {"tier": "gold"}  # loyalty.points is not mapped
    fields = notes(step, dest)
    assert fields["loyalty.points"] == (False, rule)
    assert fields["personalEmail.address"] == (False, rule)  # mapped but absent
    assert fields["loyalty.tier"] == (True, rule)


def test_e_i4_names_only_on_mapped_segments():
    """Case 35: Include Segment Names puts a name on S1, never on U1."""
    step = one_step({"qualify": "s2"}, destinations=[make_enterprise(include_segment_names=True)])
    entries = ups(step, "ent")
    assert entries["s2"]["name"] == "City - Dallas"
    assert "name" not in entries["u1"]
    assert notes(step, "ent")["segmentMembership.ups.u1.name"] == (False, "E-I4")


def test_e_i5_timestamps_are_epoch_milliseconds():
    step = one_step({"qualify": "s2"}, destinations=[make_enterprise(include_segment_timestamps=True)])
    entry = ups(step, "ent")["s2"]
    assert set(entry) >= {"createdAt", "updatedAt", "mappingCreatedAt", "mappingUpdatedAt"}
    assert entry["createdAt"] == 1735722000000  # 2025-01-01T09:00:00Z, the default start
    assert notes(step, "ent")["segmentMembership.ups.s2.createdAt"] == (True, "E-I5")


def test_s_i1_s_i4_a12_changed_mapped_segments_only_by_default():
    step = one_step({"qualify": "s2"})
    assert set(ups(step, "str")) == {"s2"}
    fields = notes(step, "str")
    assert fields["segmentMembership.ups.s2"] == (True, "S-I1")
    assert fields["segmentMembership.ups.s1"] == (False, "A12")
    assert fields["segmentMembership.ups.u1"] == (False, "S-I4")


def test_s_i3_unchanged_mapped_segments_ride_along_when_asked():
    step = one_step({"qualify": "s2"}, destinations=[make_social(include_unchanged_segments=True)])
    assert set(ups(step, "str")) == {"s1", "s2"}
    assert notes(step, "str")["segmentMembership.ups.s1"] == (True, "S-I3")


@pytest.mark.parametrize(
    ("rules", "status"),
    [("seed", "existing"), ("current", "realized")],
    ids=["A7 seed shows existing", "A7 current shows realized"],
)
def test_a7_existing_status_by_rule_set(rules, status):
    step = one_step({"qualify": "s2"}, rules=rules)
    assert ups(step, "ent")["s1"]["status"] == status


def test_a1_exit_is_emitted_as_exited():
    step = one_step({"exit": "s1"})
    assert ups(step, "ent")["s1"]["status"] == "exited"
    assert ups(step, "str")["s1"]["status"] == "exited"
    assert "A1" in decision_of(step, "ent").reasons[0].text


def test_nest_builds_xdm_objects():
    assert nest({"person.name.firstName": "M", "person.name.lastName": "F", "a": 1}) == {
        "person": {"name": {"firstName": "M", "lastName": "F"}},
        "a": 1,
    }


def test_an_empty_part_of_a_segment_export_says_why_it_is_empty():
    """An attribute change exports `segmentMembership.ups: {}` (no segment changed, A12); a profile
    without a mapped namespace's identity exports `identityMap: {}`: each says what it is."""
    attribute = one_step({"set": {"loyalty.tier": "x"}})
    assert ups(attribute, "str") == {}
    assert notes(attribute, "str")["segmentMembership.ups"] == (True, "S-I1")
    assert "sent empty" in next(
        n.reason.text for n in decision_of(attribute, "str").fields if n.field == "segmentMembership.ups"
    )
    stranger = make_profile(identities={"phone": ["+1555"]})
    nameless = one_step({"qualify": "s2"}, profiles=[stranger])
    assert decision_of(nameless, "str").payload["identityMap"] == {}
    assert notes(nameless, "str")["identityMap"] == (True, "S-I5")
    matched = one_step({"qualify": "s2"})
    assert "identityMap" not in notes(matched, "str") and "segmentMembership.ups" not in notes(matched, "str")
