"""The batch rules, one table per rule: B-T6, B-T7, B-T8, B-I4..B-I8, A13."""

from __future__ import annotations

from datetime import timedelta

import pytest

from exportkit.core.batch import (
    PendingRow,
    columns,
    deduplicate,
    identity_rows,
    inactive_reason,
    incremental_entry,
    is_active,
    missing_mandatory,
    notes,
    qualifies_for_incremental,
    row_of,
)
from exportkit.core.model import Event
from exportkit.core.rules import Reason
from exportkit.core.state import apply_event

from .factories import T0, make_candidate, make_destination, make_state


def change_of(state, kind, value, profile="p"):
    """The profile's new state and the change (states are copy-on-write)."""
    return apply_event(state, Event(at=T0 + timedelta(minutes=1), kind=kind, profile=profile, value=value))


NOTE_CASES = [
    # (id, member before, event kind, value, mode, include_status, rules, kinds, rule, words)
    (
        "qualify-incremental",
        None,
        "qualify",
        "s1",
        "incremental",
        False,
        "seed",
        ["membership"],
        "B-T6",
        "noted for the next incremental file",
    ),
    (
        "qualify-full",
        None,
        "qualify",
        "s1",
        "full",
        False,
        "seed",
        ["membership"],
        "B-I1",
        "picked up by the next full file",
    ),
    (
        "exit-incremental-status-mapped",
        "existing",
        "exit",
        "s1",
        "incremental",
        True,
        "seed",
        ["membership"],
        "B-I4",
        "row with status exited",
    ),
    (
        "exit-incremental-status-not-mapped",
        "existing",
        "exit",
        "s1",
        "incremental",
        False,
        "seed",
        ["membership"],
        "B-I4",
        "leaves the exit out",
    ),
    (
        "exit-full",
        "existing",
        "exit",
        "s1",
        "full",
        False,
        "seed",
        ["membership"],
        "B-I2",
        "never holds exited",
    ),
    (
        "attribute-incremental-case-6",
        "existing",
        "set",
        {"loyalty.tier": "platinum"},
        "incremental",
        False,
        "seed",
        ["attribute"],
        "B-T7",
        "never qualifies",
    ),
    (
        "unmapped-attribute-case-8",
        "existing",
        "set",
        {"loyalty.points": 3},
        "incremental",
        False,
        "seed",
        ["attribute"],
        "B-T7",
        "never qualifies",
    ),
    (
        "attribute-full",
        "existing",
        "set",
        {"loyalty.tier": "platinum"},
        "full",
        False,
        "seed",
        ["attribute"],
        "B-I1",
        "latest values",
    ),
    (
        "identity-seed-case-9",
        "existing",
        "add_identity",
        {"phone": ("+1555",)},
        "incremental",
        False,
        "seed",
        ["identity"],
        "B-T8",
        "does not qualify",
    ),
    (
        "identity-current-case-9",
        "existing",
        "add_identity",
        {"phone": ("+1555",)},
        "incremental",
        False,
        "current",
        ["identity"],
        "B-T8",
        "qualifies under the current",
    ),
    (
        "identity-removed-current-case-11",
        "existing",
        "remove_identity",
        {"email": ("p@example.com",)},
        "incremental",
        False,
        "current",
        ["identity"],
        "B-T8",
        "qualifies under the current",
    ),
    (
        "opt-out-member",
        "existing",
        "consent",
        "out",
        "incremental",
        True,
        "seed",
        ["consent"],
        "A13",
        "counts as an exit",
    ),
    (
        "opt-in-member",
        "existing",
        "consent",
        "in",
        "incremental",
        True,
        "seed",
        [],
        None,
        None,
    ),  # already in: no change, no note
    ("other-segment-case-3", None, "qualify", "s2", "incremental", False, "seed", [], None, None),
    (
        "attribute-of-non-member-case-12",
        None,
        "set",
        {"loyalty.tier": "x"},
        "incremental",
        False,
        "seed",
        [],
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("member", "kind", "value", "mode", "include_status", "rules", "kinds", "rule", "words"),
    [pytest.param(*c[1:], id=c[0]) for c in NOTE_CASES],
)
def test_notes(member, kind, value, mode, include_status, rules, kinds, rule, words):
    """B-T6/B-T7/B-T8/B-I1/B-I2/B-I4/A13: what a profile event notes for s1's next file."""
    state = make_state(segments={"s1": member} if member else {})
    state, change = change_of(state, kind, value)
    dest = make_destination(segments=[{"id": "s1", "mode": mode}], include_status=include_status)
    made = notes(dest, dest.segments[0], change, state, rules)
    assert [n.kind for n in made] == kinds
    if rule is not None:
        assert made[0].reason.rule == rule
        assert words in made[0].reason.text


def test_opt_in_of_an_opted_out_member_counts_as_a_qualification():
    """A13: opting back in is noted like a qualification."""
    state = make_state(segments={"s1": "existing"}, consent="out")
    state, change = change_of(state, "consent", "in")
    dest = make_destination()
    (note,) = notes(dest, dest.segments[0], change, state, "seed")
    assert (note.kind, note.reason.rule) == ("consent", "A13")
    assert "counts as a qualification" in note.reason.text


def test_qualifying_while_opted_out_says_so():
    """A13: an opted-out profile is in no file, even when it qualifies."""
    state = make_state(consent="out")
    dest = make_destination()
    state, change = change_of(state, "qualify", "s1")
    (note,) = notes(dest, dest.segments[0], change, state, "seed")
    assert note.reason.rule == "A13"


@pytest.mark.parametrize(
    ("kinds", "rules", "qualifies"),
    [
        pytest.param({"membership"}, "seed", True, id="membership"),
        pytest.param({"consent"}, "seed", True, id="consent-A13"),
        pytest.param({"attribute"}, "current", False, id="attribute-never-B-T7"),
        pytest.param({"identity"}, "seed", False, id="identity-seed-B-T8"),
        pytest.param({"identity"}, "current", True, id="identity-current-B-T8"),
        pytest.param({"identity", "attribute"}, "seed", False, id="both-seed"),
    ],
)
def test_qualifies_for_incremental(kinds, rules, qualifies):
    assert qualifies_for_incremental(kinds, rules) is qualifies


ENTRY_CASES = [
    # (id, status, consent, kinds, include_status, rules, row status or None, rule)
    ("qualified-case-1", "realized", "in", {"membership"}, False, "seed", "realized", "B-T6"),
    (
        "requalified-current-shows-realized",
        "existing",
        "in",
        {"membership"},
        False,
        "current",
        "realized",
        "B-T6",
    ),
    ("exited-status-not-mapped-case-4", "exited", "in", {"membership"}, False, "seed", None, "B-I4"),
    ("exited-status-mapped-case-5", "exited", "in", {"membership"}, True, "seed", "exited", "B-I4"),
    ("opted-out-status-mapped", "existing", "out", {"consent"}, True, "seed", "exited", "A13"),
    ("opted-out-status-not-mapped", "existing", "out", {"consent"}, False, "seed", None, "A13"),
    ("opted-in", "existing", "in", {"consent"}, False, "seed", "existing", "A13"),
    ("attribute-only-case-6", "existing", "in", {"attribute"}, True, "seed", None, "B-T7"),
    ("identity-seed-case-10", "existing", "in", {"identity"}, True, "seed", None, "B-T8"),
    ("identity-current-case-10", "existing", "in", {"identity"}, True, "current", "realized", "B-T8"),
]


@pytest.mark.parametrize(
    ("status", "consent", "kinds", "include_status", "rules", "row_status", "rule"),
    [pytest.param(*c[1:], id=c[0]) for c in ENTRY_CASES],
)
def test_incremental_entry(status, consent, kinds, include_status, rules, row_status, rule):
    """B-T6/B-I4/A5/A13: a changed profile's row in a later incremental file, or why not."""
    # the state as the replay holds it under `rules`: A7, the current documentation keeps realized
    state = make_state(segments={"s1": status}, consent=consent, keep_realized=rules == "current")
    dest = make_destination(include_status=include_status)
    entry = incremental_entry(dest, "s1", state, kinds, rules)
    if row_status is None:
        assert isinstance(entry, Reason)
        assert entry.rule == rule
    else:
        assert not isinstance(entry, Reason)
        assert (entry.status, entry.why.rule) == (row_status, rule)


@pytest.mark.parametrize(
    ("segments", "consent", "active", "rule"),
    [
        pytest.param({"s1": "realized"}, "in", True, None, id="realized"),
        pytest.param({"s1": "existing"}, "in", True, None, id="existing"),
        pytest.param({"s1": "exited"}, "in", False, "B-I2", id="exited-B-I2"),
        pytest.param({"s1": "existing"}, "out", False, "A13", id="opted-out-A13"),
        pytest.param({}, "in", False, None, id="never-a-member"),
    ],
)
def test_active_and_inactive_reason(segments, consent, active, rule):
    """B-I1/B-I2/A13: who is in a full file, and why the others are not."""
    state = make_state(segments=segments, consent=consent)
    assert is_active(state, "s1") is active
    why = inactive_reason(state, "s1", "B-I2", "full files never hold exited profiles")
    assert (why.rule if why else None) == rule


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(
            {},
            ("person_name_firstName", "personalEmail_address", "loyalty_tier"),
            id="attributes-in-mapping-order",
        ),
        pytest.param(
            {"attributes": ["loyalty.tier", "person.name.firstName"]},
            ("loyalty_tier", "person_name_firstName"),
            id="order-follows-mapping",
        ),
        pytest.param(
            {"identity": "email", "include_status": True},
            (
                "email",
                "person_name_firstName",
                "personalEmail_address",
                "loyalty_tier",
                "segmentMembership_status",
            ),
            id="identity-first-status-last",
        ),
    ],
)
def test_columns(settings, expected):
    """B-I5: identity column, attributes in mapping order with . as _, then the status."""
    assert columns(make_destination(**settings)) == expected


@pytest.mark.parametrize(
    ("mandatory", "attributes", "rule"),
    [
        pytest.param([], {}, None, id="no-mandatory-everyone"),
        pytest.param(["personalEmail.address"], {"personalEmail.address": "a@x"}, None, id="present"),
        pytest.param(["personalEmail.address"], {"loyalty.tier": "gold"}, "B-I6", id="missing-case-26"),
        pytest.param(
            ["personalEmail.address"], {"personalEmail.address": None}, "B-I6", id="null-is-missing"
        ),
    ],
)
def test_missing_mandatory(mandatory, attributes, rule):
    """B-I6: a profile missing a mandatory attribute is not exported."""
    state = make_state(attributes=attributes)
    found = missing_mandatory(make_destination(mandatory=mandatory), state)
    assert (found.rule if found else None) == rule


def test_identity_rows_one_row_per_value_case_29():
    """B-I8: an identity namespace gives one row per identity value."""
    state = make_state(identities={"email": ["e1", "e2"]}, segments={"s1": "realized"})
    dest = make_destination(identity="email")
    lines = identity_rows(dest, make_candidate(state), 0)
    assert [row_of(dest, ln)["email"] for ln in lines] == ["e1", "e2"]


def test_identity_is_mandatory():
    """B-I8: the exported identity is mandatory."""
    state = make_state(identities={"ecid": ["1"]})
    found = identity_rows(make_destination(identity="email"), make_candidate(state), 0)
    assert isinstance(found, Reason) and found.rule == "B-I8"


def _lines(dest, states):
    return [ln for i, s in enumerate(states) for ln in identity_rows(dest, make_candidate(s), i)]


def test_dedup_on_namespace_latest_qualifier_wins_case_27():
    """B-I7/B-I8: A and B share email1 and email2; B qualified later: 2 rows, both B's."""
    a = make_state("a", identities={"email": ["e1", "e2"]}, segments={"s1": "realized"})
    b = make_state(
        "b", at=T0 + timedelta(hours=1), identities={"email": ["e1", "e2"]}, segments={"s1": "realized"}
    )
    dest = make_destination(identity="email")
    kept, lost = deduplicate(dest, "s1", _lines(dest, [a, b]))
    assert [(ln.candidate.state.id, ln.identity) for ln in kept] == [("b", "e1"), ("b", "e2")]
    assert [pid for pid, _ in lost] == ["a", "a"]
    assert all(r.rule == "B-I7" and "more recently" in r.text for _, r in lost)


def test_no_dedup_key_keeps_duplicates_case_28():
    """B-I7: without a key, duplicates are possible."""
    a = make_state("a", segments={"s1": "realized"}, attributes={"personalEmail.address": "x"})
    b = make_state("b", segments={"s1": "realized"}, attributes={"personalEmail.address": "x"})
    dest = make_destination()
    kept, lost = deduplicate(dest, "s1", _lines(dest, [a, b]))
    assert len(kept) == 2 and lost == []


@pytest.mark.parametrize(
    ("key", "a_attrs", "b_attrs", "kept"),
    [
        pytest.param(
            ["personalEmail.address"],
            {"personalEmail.address": "x"},
            {"personalEmail.address": "x"},
            ["b"],
            id="one-attribute-collision",
        ),
        pytest.param(
            ["personalEmail.address"],
            {"personalEmail.address": "x"},
            {"personalEmail.address": "y"},
            ["a", "b"],
            id="one-attribute-distinct",
        ),
        pytest.param(
            ["person.name.firstName", "loyalty.tier"],
            {"person.name.firstName": "M", "loyalty.tier": "gold"},
            {"person.name.firstName": "M", "loyalty.tier": "gold"},
            ["b"],
            id="two-attributes-collision",
        ),
        pytest.param(
            ["person.name.firstName", "loyalty.tier"],
            {"person.name.firstName": "M", "loyalty.tier": "gold"},
            {"person.name.firstName": "M", "loyalty.tier": "silver"},
            ["a", "b"],
            id="two-attributes-differ-in-one",
        ),
        pytest.param(["personalEmail.address"], {}, {}, ["a", "b"], id="absent-key-no-collision"),
        pytest.param(["email"], {}, {}, ["a", "b"], id="namespace-distinct-values"),
    ],
)
def test_dedup_keys(key, a_attrs, b_attrs, kept):
    """B-I7: one namespace, one attribute or two attributes; the later qualifier (b) wins."""
    a = make_state("a", segments={"s1": "realized"}, attributes=a_attrs)
    b = make_state("b", at=T0 + timedelta(hours=1), segments={"s1": "realized"}, attributes=b_attrs)
    dest = make_destination(dedup_key=key)
    rows, _ = deduplicate(dest, "s1", _lines(dest, [a, b]))
    assert [ln.candidate.state.id for ln in rows] == kept


def test_dedup_tie_goes_to_the_first_profile_id():
    """B-I7: same qualification time: the first profile id wins, and the reason says so."""
    b = make_state("b", segments={"s1": "realized"}, attributes={"loyalty.tier": "t"})
    a = make_state("a", segments={"s1": "realized"}, attributes={"loyalty.tier": "t"})
    dest = make_destination(dedup_key=["loyalty.tier"])
    kept, lost = deduplicate(dest, "s1", _lines(dest, [b, a]))
    assert [ln.candidate.state.id for ln in kept] == ["a"]
    assert "ties go to the first profile id" in lost[0][1].text


def test_row_of_uses_null_for_absent_attributes():
    """B-I5: values in column order; null for an absent attribute."""
    state = make_state(attributes={"loyalty.tier": "gold"}, segments={"s1": "existing"})
    dest = make_destination(include_status=True)
    row = row_of(dest, PendingRow(make_candidate(state, "existing"), None, 0))
    assert row == {
        "person_name_firstName": None,
        "personalEmail_address": None,
        "loyalty_tier": "gold",
        "segmentMembership_status": "existing",
    }
