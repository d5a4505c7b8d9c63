"""The 2026 documentation (`docs/export-rules-2026.md`), rule by rule, and its worked cases under
`latest`: each row asserts the verdict and the deciding rule id."""

from __future__ import annotations

from typing import Any

import pytest

from exportkit import replay
from exportkit.core.decision import Catalog
from exportkit.core.model import Scenario
from exportkit.core.rulesets import RULE_SETS, settings_of
from exportkit.core.state import Change, ProfileState
from exportkit.core.streaming import decide
from exportkit.io.loader import ScenarioError, parse_scenario

from .factories import (
    T0,
    at,
    decision_of,
    files_of,
    make_batch,
    make_batch_profile,
    make_enterprise,
    make_scenario,
    make_social,
    run_scenario,
)

OLDER = [r for r in RULE_SETS if not settings_of(r).activation_triggers]


def latest_step(event: dict[str, Any], **overrides: Any):
    """Replay one event of profile `p` under `latest` and return its step."""
    return replay(make_scenario([{"profile": "p", **event}], rules="latest", **overrides)).steps[0]


def both(**options: Any) -> list[dict[str, Any]]:
    """`ent` and `str`, each with the same options."""
    return [make_enterprise(**options), make_social(**options)]


IDENTITIES_OFF = both(triggers={"identities": False})
ATTRIBUTES_OFF = both(triggers={"attributes": False})
SEGMENTATION_OFF = both(triggers={"segmentation": False})

# C7: (id, event, destinations, destination, exported?, deciding rule)
C7 = [
    # worked case 40: identity triggers off, member P gains an ECID
    ("case 40 ENT identity off", {"add_identity": {"ecid": "e2"}}, IDENTITIES_OFF, "ent", False, "C7"),
    (
        "case 40 STR namespace not mapped",
        {"add_identity": {"ecid": "e2"}},
        IDENTITIES_OFF,
        "str",
        False,
        "S-T2",
    ),
    ("case 40 STR namespace mapped", {"add_identity": {"email": "q@x"}}, IDENTITIES_OFF, "str", False, "C7"),
    (
        "identities off: attributes still trigger",
        {"set": {"loyalty.tier": "x"}},
        IDENTITIES_OFF,
        "ent",
        True,
        "E-T3",
    ),
    ("attributes off ENT", {"set": {"loyalty.tier": "x"}}, ATTRIBUTES_OFF, "ent", False, "C7"),
    ("attributes off STR", {"set": {"loyalty.tier": "x"}}, ATTRIBUTES_OFF, "str", False, "C7"),
    ("attributes off: E-S1 too", {"set": {"loyalty.tier": "gold"}}, ATTRIBUTES_OFF, "ent", False, "C7"),
    ("attributes off: C8 too", {"set": {"loyalty.tier": "gold"}}, ATTRIBUTES_OFF, "str", False, "C7"),
    ("segmentation off ENT", {"qualify": "s2"}, SEGMENTATION_OFF, "ent", False, "C7"),
    ("segmentation off STR exit", {"exit": "s1"}, SEGMENTATION_OFF, "str", False, "C7"),
    ("segmentation off: unmapped stays E-T4", {"exit": "u2"}, SEGMENTATION_OFF, "ent", False, "E-T4"),
    ("all on by default", {"add_identity": {"ecid": "e2"}}, both(triggers={}), "ent", True, "E-T2"),
    (
        "consent is no trigger kind",
        {"consent": "out"},
        both(triggers={"attributes": False}),
        "str",
        True,
        "S-T4",
    ),
]


@pytest.mark.parametrize(
    ("event", "destinations", "dest", "exported", "rule"), [c[1:] for c in C7], ids=[c[0] for c in C7]
)
def test_c7_activation_triggers(event, destinations, dest, exported, rule):
    d = decision_of(latest_step(event, destinations=destinations), dest)
    assert (d.exported, d.rule) == (exported, rule)


def test_c7_a_suppressed_export_says_which_trigger_was_off():
    d = decision_of(latest_step({"add_identity": {"ecid": "e2"}}, destinations=IDENTITIES_OFF), "ent")
    (why,) = d.reasons
    assert why.rule == "C7"
    assert "would trigger (E-T2: identity ecid:e2 added" in why.text
    assert "this dataflow's identities triggers are off (triggers: {identities: false}" in why.text
    assert why.text.endswith("C7 in the 2026 documentation)")


def test_c7_backfill_stays_as_it_is():
    result = replay(make_scenario([], rules="latest", destinations=SEGMENTATION_OFF))
    assert [(d.exported, d.rule) for d in result.activation] == [(True, "E-T6"), (True, "S-T6")]


def _decide(change: Change, dest: dict[str, Any]):
    """Decide one hand-made change (several kinds in one event) for profile `p`, a member of s1."""
    scenario: Scenario = make_scenario([], rules="latest", destinations=[dest])
    state = ProfileState.from_profile(scenario.profiles[0], T0, keep_realized=True)
    catalog = Catalog({s.id: s for s in scenario.segments}, T0, "latest")
    return decide(scenario.destinations[0], change, state, catalog)


QUALIFY_AND_SET = Change(
    segments={"s2": (None, "realized")}, attributes={"loyalty.tier": ("gold", "platinum")}
)


@pytest.mark.parametrize(
    ("dest", "exported", "rules"),
    [
        (make_enterprise(triggers={"attributes": False}), True, ["E-T1"]),
        (make_social(triggers={"attributes": False}), True, ["S-T1"]),
        (make_social(triggers={"attributes": False, "segmentation": False}), False, ["C7", "C7"]),
    ],
    ids=["case 41 ENT", "case 41 STR", "both kinds off"],
)
def test_c7_an_export_caused_by_several_kinds_needs_one_enabled(dest, exported, rules):
    """Worked case 41: attribute triggers off; P qualifies and an attribute is set in one event."""
    d = _decide(QUALIFY_AND_SET, dest)
    assert d.exported is exported
    assert [r.rule for r in d.reasons] == rules


# C8 and A22: a same-value restatement of a mapped attribute, on the streaming segment destination
C8 = [
    ("case 42 STR, A3 default", "latest", {}, True, "C8"),
    ("case 42 ENT", "latest", None, True, "E-S1"),
    ("option false still decides (A22)", "latest", {"same_value_overwrite_triggers": False}, False, "A22"),
    ("option true (A22)", "latest", {"same_value_overwrite_triggers": True}, True, "A22"),
    ("current keeps A3's default", "current", {}, False, "A3"),
    ("seed keeps A3's default", "seed", {}, False, "A3"),
]


@pytest.mark.parametrize(
    ("rules", "options", "exported", "rule"), [c[1:] for c in C8], ids=[c[0] for c in C8]
)
def test_c8_same_value_restatements(rules, options, exported, rule):
    destinations = [make_enterprise(), make_social(**(options or {}))]
    scenario = make_scenario(
        [{"profile": "p", "set": {"loyalty.tier": "gold"}}], rules=rules, destinations=destinations
    )
    d = decision_of(replay(scenario).steps[0], "ent" if options is None else "str")
    assert (d.exported, d.rule) == (exported, rule)


def test_c8_reason_names_the_2026_documentation():
    d = decision_of(latest_step({"set": {"loyalty.tier": "gold"}}), "str")
    assert d.reasons[0].text.startswith(
        "mapped attribute loyalty.tier restated with the same value: under the 2026 documentation"
    )


YAML = """name: t
rules: {rules}
segments: [{{id: s1, name: S1}}]
profiles: [{{id: p, segments: {{s1: existing}}}}]
destinations:
  - id: ent
    type: streaming-profile
    segments: [s1]
    {option}
events: []
"""


@pytest.mark.parametrize("rules", OLDER)
def test_c7_the_option_is_refused_under_older_rule_sets(rules):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(YAML.format(rules=rules, option="triggers: {identities: false}"))
    label = settings_of(rules).label
    assert str(err.value) == (
        "<scenario>:9: destinations[0].triggers: the triggers option comes from the 2026 documentation "
        f"(C7), which the {label} does not have; write rules: latest to use it"
    )


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        (
            "triggers: {identity: false}",
            "destinations[0].triggers: unknown trigger kind 'identity'; choose attributes, "
            "segmentation or identities (C7)",
        ),
        (
            "triggers: {identities: 'no'}",
            "destinations[0].triggers.identities: input should be a valid boolean",
        ),
        (
            "aggregation: {type: configurable, max_batch_age_seconds: 300}",
            "destinations[0].aggregation.max_batch_age_seconds: 300 is outside 301-3600 seconds, the range "
            "of the latest rules (M5); 300 s is Facebook's own window, which a destination given no "
            "aggregation uses (M2, A14), but a configurable aggregation may set no less than 301 s; the "
            "aggregation policy page's range; the guardrails page gives 1800-3600 seconds (A21)",
        ),
    ],
    ids=["C7 unknown kind", "C7 not a boolean", "A21 range"],
)
def test_misuse_under_latest_is_one_located_line(option, problem):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(YAML.format(rules="latest", option=option))
    assert str(err.value).split(": ", 1)[1] == problem
    assert "\n" not in str(err.value)


def test_the_triggers_option_is_accepted_under_latest():
    scenario = parse_scenario(YAML.format(rules="latest", option="triggers: {attributes: false}"))
    assert scenario.destinations[0].triggers_off == {"attributes"}


# --- Batch files: B-I7b (worked cases 48, 49) and B-T5b ------------------------------------------

JOHN = {"person.name.firstName": "John", "personalEmail.address": "test1@test.com"}
DEDUP = make_batch(
    attributes=["person.name.firstName", "person.name.lastName", "personalEmail.address"],
    dedup_key=["personalEmail.address"],
)


def _john(pid: str, last: str, **overrides: Any) -> dict[str, Any]:
    return make_batch_profile(pid, attributes={**JOHN, "person.name.lastName": last}, **overrides)


SAME_TIME = [
    _john("a", "Morris", segments={"s1": "existing"}),
    _john("b", "Doe", segments={"s1": "existing"}),
]
LATER_IDENTITY = [_john("a", "Morris"), _john("b", "Doe")]
CASE_49 = [
    {"profile": "b", "qualify": "s1", "at": at(1)},
    {"profile": "a", "qualify": "s1", "at": at(2)},
    {"profile": "b", "add_identity": {"ecid": "b2"}, "at": at(3)},
    {"run": "s3", "at": at(4)},
]

# (id, profiles, events, rule set, the profile kept, the rule that left the other out)
DEDUPLICATION = [
    ("case 48 latest", SAME_TIME, [{"run": "s3"}], "latest", "b", "B-I7b"),
    ("case 48 current: first profile id", SAME_TIME, [{"run": "s3"}], "current", "a", "B-I7"),
    ("case 49 latest", LATER_IDENTITY, CASE_49, "latest", "b", "B-I7b"),
    ("case 49 current: latest qualifier", LATER_IDENTITY, CASE_49, "current", "a", "B-I7"),
]


@pytest.mark.parametrize(
    ("profiles", "events", "rules", "kept", "rule"),
    [c[1:] for c in DEDUPLICATION],
    ids=[c[0] for c in DEDUPLICATION],
)
def test_b_i7b_deduplication_ties(profiles, events, rules, kept, rule):
    (f,) = files_of(run_scenario(profiles, events, [DEDUP], rules))
    assert f.profiles == (kept,)
    (left,) = f.left_out
    assert left.reason.rule == rule


def test_b_i7b_says_why_in_words():
    (f,) = files_of(run_scenario(SAME_TIME, [{"run": "s3"}], [DEDUP], "latest"))
    assert f.left_out[0].reason.text == (
        "lost the deduplication on personalEmail.address=test1@test.com to b, at the same reference "
        "timestamp (2025-03-03T09:00:00Z): the other columns, compared in lexicographic order, put "
        "b's (John, Doe) first"
    )
    (f,) = files_of(run_scenario(LATER_IDENTITY, CASE_49, [DEDUP], "latest"))
    assert "whose reference timestamp is later (2025-03-03T12:00:00Z)" in f.left_out[0].reason.text


ONCE_TOMORROW = make_batch(segments=[{"id": "s1", "mode": "full", "schedule": {"once": at(30)}}])

# B-T5b: (id, destination, when, rule set, a file made?, deciding rule)
EXPORT_NOW = [
    ("30 min after adding", make_batch(), at(0.5), "latest", False, "B-T5b"),
    ("30 min after adding, current", make_batch(), at(0.5), "current", True, "B-T5"),
    ("2 h after adding", make_batch(), at(2), "latest", True, "B-T5"),
    ("once, another day (A25)", ONCE_TOMORROW, at(2), "latest", False, "B-T5b"),
    ("once, its own day", ONCE_TOMORROW, at(29), "latest", True, "B-T5"),
]


@pytest.mark.parametrize(
    ("dest", "when", "rules", "made", "rule"), [c[1:] for c in EXPORT_NOW], ids=[c[0] for c in EXPORT_NOW]
)
def test_b_t5b_export_file_now_refusals(dest, when, rules, made, rule):
    profiles = [make_batch_profile("p", segments={"s1": "existing"})]
    result = run_scenario(profiles, [{"export_now": "s3", "at": when}], [dest], rules)
    d = decision_of(result.steps[0], "s3")
    assert (d.exported, d.rule) == (made, rule)
    assert bool([f for f in files_of(result) if f.trigger == "export_now"]) is made


def test_b_t5b_a_refusal_says_when_it_may_run():
    profiles = [make_batch_profile("p", segments={"s1": "existing"})]
    result = run_scenario(profiles, [{"export_now": "s3", "at": at(0.5)}], [make_batch()], "latest")
    (why,) = decision_of(result.steps[0], "s3").reasons
    assert why.text == (
        "Export file now refused for s1: less than 1 h after the segment was added "
        "(2025-03-03T09:00:00Z); it may run from 2025-03-03T10:00:00Z"
    )
