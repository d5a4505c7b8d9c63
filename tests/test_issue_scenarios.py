"""Regression tests built from the scenarios of issues 9 and 14, each under both rule sets.

Issue 9: an opted-out qualifier gets no exited row (A13); deduplication ranks qualifications, not
exits (B-I7); the `current` activation backfill does not list an exited mapped segment (E-I1');
the three readings A15-A17. Issue 14: the A8 reason of an empty file says an exit happened; a
status reads the same in change lines, payloads and rows (A7); reasons name the documentation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit import load_scenario, render_timeline, replay, to_json
from exportkit.core.rulesets import RULE_SETS, settings_of

from .factories import (
    at,
    decision_of,
    files_of,
    make_batch,
    make_batch_profile,
    make_scenario,
    make_social,
    one_step,
    run_scenario,
)

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
EVERY_RULE_SET = pytest.mark.parametrize("rules", list(RULE_SETS))
MEMBER = {"segments": {"s1": "existing"}}


@EVERY_RULE_SET
def test_a_profile_that_qualifies_while_opted_out_gets_no_exited_row(rules):
    """Issue 9: {run}, {consent: out}, {qualify: s1}, {run}: p was never in a file (A13)."""
    events = [
        {"run": "s3"},
        {"profile": "p", "consent": "out"},
        {"profile": "p", "qualify": "s1"},
        {"run": "s3"},
    ]
    result = run_scenario([make_batch_profile("p")], events, [make_batch(include_status=True)], rules)
    _, second = files_of(result)
    assert second.rows == ()
    (left,) = second.left_out
    assert (left.profile, left.reason.rule) == ("p", "A13")
    assert "not an exit" in left.reason.text


@EVERY_RULE_SET
def test_a_member_that_exits_then_qualifies_while_opted_out_still_shows_its_exit(rules):
    """It was in the last file and is in none now: its exit is shown (B-I4 with the status mapped)."""
    events = [
        {"run": "s3"},
        {"profile": "p", "exit": "s1"},
        {"profile": "p", "consent": "out"},
        {"profile": "p", "qualify": "s1"},
        {"run": "s3"},
    ]
    result = run_scenario(
        [make_batch_profile("p", **MEMBER)], events, [make_batch(include_status=True)], rules
    )
    _, second = files_of(result)
    assert [r["segmentMembership_status"] for r in second.rows] == ["exited"]


@EVERY_RULE_SET
def test_qualify_and_exit_between_two_files_is_one_exited_row_a16(rules):
    events = [{"run": "s3"}, {"profile": "p", "qualify": "s1"}, {"profile": "p", "exit": "s1"}, {"run": "s3"}]
    result = run_scenario([make_batch_profile("p")], events, [make_batch(include_status=True)], rules)
    _, second = files_of(result)
    assert [r["segmentMembership_status"] for r in second.rows] == ["exited"]
    assert second.why[0].reason.rule == "A16"
    silent = run_scenario([make_batch_profile("p")], events, [make_batch(include_status=False)], rules)
    _, second = files_of(silent)
    assert second.rows == () and [n.reason.rule for n in second.left_out] == ["A16"]


@EVERY_RULE_SET
def test_deduplication_ranks_the_latest_qualification_not_an_exit(rules):
    """Issue 9: a and b share the email of the dedup key; b (a member) exits at 09:03 after a
    qualified at 09:02: a's realized row wins, b's exit loses."""
    shared = {
        "personalEmail.address": "same@example.com",
        "person.name.firstName": "X",
        "loyalty.tier": "gold",
    }
    profiles = [
        make_batch_profile("a", attributes=shared),
        make_batch_profile("b", attributes=shared, **MEMBER),
    ]
    events = [
        {"run": "s3"},
        {"at": "2025-03-03T09:02:00Z", "profile": "a", "qualify": "s1"},
        {"at": "2025-03-03T09:03:00Z", "profile": "b", "exit": "s1"},
        {"at": at(1), "run": "s3"},
    ]
    dest = make_batch(include_status=True, dedup_key=["personalEmail.address"])
    _, second = files_of(run_scenario(profiles, events, [dest], rules))
    assert second.profiles == ("a",)
    assert second.rows[0]["segmentMembership_status"] == "realized"
    (lost,) = [n for n in second.left_out if n.profile == "b"]
    assert lost.reason.rule == ("B-I7b" if settings_of(rules).tie_break_by_columns else "B-I7")
    assert "an exit is not a qualification" in lost.reason.text


@EVERY_RULE_SET
def test_activation_backfill_lists_only_the_mapped_segments_the_profile_holds(rules):
    """Issue 9: under `current` the backfill listed an exited mapped segment as held (E-I1')."""
    scenario = make_scenario(profiles=[make_profile_with_exited()])
    result = replay(scenario, rules=rules)
    (backfill,) = [d for d in result.activation if d.destination == "ent"]
    ups = backfill.payload["segmentMembership"]["ups"]
    if settings_of(rules).enterprise_segments == "merge_policy":
        assert "s2" not in ups
        (note,) = [f for f in backfill.fields if f.field == "segmentMembership.ups.s2"]
        assert not note.included and "does not hold" in note.reason.text
    else:  # E-I1: the older documentation sends every segment with its latest status
        assert ups["s2"]["status"] == "exited"


def make_profile_with_exited():
    from .factories import make_batch_profile as make_streaming_profile

    return make_streaming_profile(segments={"s1": "existing", "s2": "exited"})


@EVERY_RULE_SET
def test_removing_the_last_mapped_identity_says_a17(rules):
    step = one_step({"remove_identity": {"email": "p@example.com"}}, rules=rules)
    d = decision_of(step, "str")
    assert d.exported and d.rule == "S-T2"
    assert d.payload["identityMap"] == {}
    (note,) = [f for f in d.fields if f.field == "identityMap"]
    assert note.reason.rule == "A17"


@EVERY_RULE_SET
def test_a_scheduled_full_file_states_its_population_reading_a15(rules):
    dest = make_batch(segments=[{"id": "s1", "mode": "full"}])
    (f,) = files_of(run_scenario([make_batch_profile("p", **MEMBER)], [{"run": "s3"}], [dest], rules))
    assert "A15" in [r.rule for r in f.reasons]


@EVERY_RULE_SET
def test_an_empty_incremental_file_after_a_silent_exit_says_the_exit_happened_a8(rules):
    """Issue 14: the reason said 'no membership change' although a member exited (A5)."""
    events = [{"run": "s3"}, {"profile": "p", "exit": "s1"}, {"run": "s3"}]
    unmapped = [make_batch(include_status=False)]  # written: under latest it would start mapped (B-I4b)
    _, second = files_of(run_scenario([make_batch_profile("p", **MEMBER)], events, unmapped, rules))
    (a8,) = [r for r in second.reasons if r.rule == "A8"]
    assert "p exited s1" in a8.text and "not mapped" in a8.text
    assert "no membership change" not in a8.text


@EVERY_RULE_SET
def test_an_incremental_file_with_no_change_says_so_a8(rules):
    events = [{"run": "s3"}, {"run": "s3"}]
    _, second = files_of(run_scenario([make_batch_profile("p", **MEMBER)], events, [make_batch()], rules))
    (a8,) = [r for r in second.reasons if r.rule == "A8"]
    assert "no membership change in s1" in a8.text


@EVERY_RULE_SET
def test_a_status_reads_the_same_in_change_lines_payloads_and_rows_a7(rules):
    """Issue 14: under `current`, a change line said `existing -> exited` while the first file's
    row showed `realized`. A7: the current documentation has no `existing`."""
    events = [{"run": "s3"}, {"profile": "p", "exit": "s1"}, {"run": "s3"}]
    destinations = [make_batch(include_status=True), make_social(segments=["s1"])]
    result = run_scenario([make_batch_profile("p", **MEMBER)], events, destinations, rules)
    first, _ = files_of(result)
    shown = "realized" if settings_of(rules).keep_realized else "existing"
    assert first.rows[0]["segmentMembership_status"] == shown
    assert result.steps[1].changes[0] == f"segment s1: {shown} -> exited"
    (backfill,) = [d for d in result.activation if d.destination == "str"]
    assert backfill.payload["segmentMembership"]["ups"]["s1"]["status"] == shown


@pytest.mark.parametrize("name", ["delorean", "newsletter_files", "microbatching", "streaming_media"])
@EVERY_RULE_SET
def test_reasons_name_the_documentation_not_the_toolkit(name, rules):
    """Issue 14: no reason speaks of 'the seed' or of exportkit doing something, and a missing
    status is written `null` (the glossary's word), never `(none)`."""
    result = replay(load_scenario(DATASETS / f"{name}.yaml"), rules=rules)
    text = render_timeline(result) + to_json(result)
    for word in ("the seed", "exportkit ", "(none)", "seed rules", "current rules"):
        assert word not in text, word
