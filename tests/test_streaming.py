"""Trigger rules of streaming destinations, one table per rule id (section 2-3 of the reference)."""

from __future__ import annotations

import pytest

from exportkit import replay
from exportkit.core.rulesets import RULE_SETS, settings_of

from .factories import decision_of, make_profile, make_scenario, make_social, one_step

NON_MEMBER = {"segments": {"u1": "existing"}}

# (id, event, profile overrides, destination overrides, exported?, rule ids expected in reasons)
ENTERPRISE = [
    ("E-T1 qualifies for a mapped segment", {"qualify": "s2"}, {}, "ent", True, ["E-T1"]),
    (
        "E-T1 exits one of two mapped segments",
        {"exit": "s1"},
        {"segments": {"s1": "existing", "s2": "existing"}},
        "ent",
        True,
        ["E-T1"],
    ),
    ("E-T1 exit of the only mapped segment still exports", {"exit": "s1"}, {}, "ent", True, ["E-T1"]),
    ("E-T2 identity added in any namespace", {"add_identity": {"phone": "+1666"}}, {}, "ent", True, ["E-T2"]),
    ("E-T2 identity removed", {"remove_identity": {"email": "p@example.com"}}, {}, "ent", True, ["E-T2"]),
    ("E-T3 mapped attribute changes", {"set": {"loyalty.tier": "platinum"}}, {}, "ent", True, ["E-T3"]),
    ("E-T3 mapped attribute added", {"set": {"person.name.lastName": "P"}}, {}, "ent", True, ["E-T3"]),
    ("E-T3 mapped attribute removed", {"unset": ["loyalty.tier"]}, {}, "ent", True, ["E-T3"]),
    ("E-S1 same-value overwrite is a change", {"set": {"loyalty.tier": "gold"}}, {}, "ent", True, ["E-S1"]),
    ("E-T4 unmapped attribute", {"set": {"loyalty.points": 11}}, {}, "ent", False, ["E-T4"]),
    (
        "E-T4 unmapped segment (A4)",
        {"qualify": "u2"},
        {"segments": {"s1": "existing"}},
        "ent",
        False,
        ["E-T4"],
    ),
    (
        "A2 non-member mapped attribute",
        {"set": {"loyalty.tier": "x"}},
        NON_MEMBER,
        "ent",
        False,
        ["A2", "E-T3"],
    ),
    (
        "A2 non-member identity",
        {"add_identity": {"email": "n@example.com"}},
        NON_MEMBER,
        "ent",
        False,
        ["A2", "E-T2"],
    ),
    ("E-S3 consent is not evaluated", {"consent": "out"}, {}, "ent", False, ["E-S3"]),
    ("E-T5 already a member: nothing changed", {"qualify": "s1"}, {}, "ent", False, ["E-T5"]),
]

SEGMENT = [
    ("S-T1 qualifies for a mapped segment", {"qualify": "s2"}, {}, "str", True, ["S-T1"]),
    ("S-T1 exits a mapped segment", {"exit": "s1"}, {}, "str", True, ["S-T1"]),
    ("S-T1 unmapped segment", {"qualify": "u2"}, {"segments": {"s1": "existing"}}, "str", False, ["S-T1"]),
    (
        "S-T2 identity added in a mapped namespace",
        {"add_identity": {"email": "q@example.com"}},
        {},
        "str",
        True,
        ["S-T2"],
    ),
    (
        "S-T2 identity removed in a mapped namespace",
        {"remove_identity": {"email": "p@example.com"}},
        {},
        "str",
        True,
        ["S-T2"],
    ),
    (
        "S-T2 identity in an unmapped namespace",
        {"add_identity": {"phone": "+1666"}},
        {},
        "str",
        False,
        ["S-T2"],
    ),
    ("S-T3 mapped attribute changes", {"set": {"loyalty.tier": "platinum"}}, {}, "str", True, ["S-T3"]),
    ("S-T3 unmapped attribute", {"set": {"loyalty.points": 11}}, {}, "str", False, ["S-T3"]),
    (
        "A3 same-value overwrite does not count by default",
        {"set": {"loyalty.tier": "gold"}},
        {},
        "str",
        False,
        ["A3"],
    ),
    ("S-T4 opt-out with consent enforcement", {"consent": "out"}, {}, "str", True, ["S-T4"]),
    ("S-T4 opt-in sends nothing", {"consent": "in"}, {"consent": "out"}, "str", False, ["S-T4"]),
    (
        "S-T4 opted out: changes are held back",
        {"set": {"loyalty.tier": "x"}},
        {"consent": "out"},
        "str",
        False,
        ["S-T4", "S-T3"],
    ),
    ("A2 non-member", {"set": {"loyalty.tier": "x"}}, NON_MEMBER, "str", False, ["A2", "S-T3"]),
    ("S-T5 no relevant update", {"unset": ["person.name.lastName"]}, {}, "str", False, ["S-T5"]),
]


@pytest.mark.parametrize(
    ("event", "profile", "dest", "exported", "rules"),
    [c[1:] for c in ENTERPRISE + SEGMENT],
    ids=[c[0] for c in ENTERPRISE + SEGMENT],
)
def test_trigger_rules(event, profile, dest, exported, rules):
    step = one_step(event, profiles=[make_profile(**profile)])
    decision = decision_of(step, dest)
    assert decision.exported is exported
    assert [r.rule for r in decision.reasons] == rules
    assert (decision.payload is not None) is exported


def test_a3_same_value_overwrite_counts_when_configured():
    step = one_step(
        {"set": {"loyalty.tier": "gold"}}, destinations=[make_social(same_value_overwrite_triggers=True)]
    )
    decision = decision_of(step, "str")
    assert decision.exported
    assert [r.rule for r in decision.reasons] == ["A3"]


def test_s_t4_without_consent_enforcement_is_not_a_trigger():
    step = one_step({"consent": "out"}, destinations=[make_social(consent_enforcement=False)])
    decision = decision_of(step, "str")
    assert not decision.exported
    assert "not configured" in decision.reasons[0].text


def test_s_t4_opt_out_sends_exited_for_each_mapped_segment_held():
    profile = make_profile(segments={"s1": "existing", "s2": "realized", "s3": "exited", "u1": "existing"})
    step = one_step({"consent": "out"}, profiles=[profile])
    ups = decision_of(step, "str").payload["segmentMembership"]["ups"]
    assert {s: e["status"] for s, e in ups.items()} == {"s1": "exited", "s2": "exited"}


@pytest.mark.parametrize("rules", list(RULE_SETS))
@pytest.mark.parametrize(("dest", "rule"), [("ent", "E-T6"), ("str", "S-T6")])
def test_backfill_at_activation(dest, rule, rules):
    """E-T6/S-T6 (A11): members before the mapping are exported at activation, in both rule sets."""
    members = [
        make_profile(id="a"),
        make_profile(id="b", segments={"s2": "realized"}),
        make_profile(id="c", segments={"u1": "existing"}),
        make_profile(id="d", segments={"s1": "exited"}),
    ]
    result = replay(make_scenario([], profiles=members), rules=rules)
    exported = [d for d in result.activation if d.destination == dest and d.exported]
    assert [d.profile for d in exported] == ["a", "b"]
    assert all(d.reasons[0].rule == rule for d in exported)
    assert ("A11" in [r.rule for r in exported[0].reasons]) is (not settings_of(rules).backfill_documented)
    skipped = [d for d in result.activation if d.destination == dest and not d.exported]
    assert [d.profile for d in skipped] == ["c", "d"]


def test_backfill_skips_opted_out_profiles_on_consent_enforced_destinations():
    result = replay(make_scenario([], profiles=[make_profile(consent="out")]))
    verdicts = {d.destination: d for d in result.activation}
    assert verdicts["ent"].exported
    assert not verdicts["str"].exported
    assert verdicts["str"].reasons[0].rule == "S-T4"


def test_e_t5_only_changed_profiles_are_exported():
    """Case 14: 100 members, 5 new qualifiers -> 5 exports."""
    members = [make_profile(id=f"m{i}") for i in range(100)]
    newcomers = [make_profile(id=f"n{i}", segments={}) for i in range(5)]
    events = [{"profile": f"n{i}", "qualify": "s1"} for i in range(5)]
    result = replay(make_scenario(events, profiles=members + newcomers))
    exports = [d for s in result.steps for d in s.exports]
    assert sorted({d.profile for d in exports}) == [f"n{i}" for i in range(5)]
    assert len(exports) == 10  # each of the 5 to both destinations


def test_e_s2_identity_alone_exports_the_full_payload():
    step = one_step({"add_identity": {"phone": "+1777"}})
    payload = decision_of(step, "ent").payload
    assert payload["identityMap"]["phone"] == [{"id": "+1555"}, {"id": "+1777"}]
    assert payload["loyalty"] == {"tier": "gold"}
    assert "s1" in payload["segmentMembership"]["ups"]
