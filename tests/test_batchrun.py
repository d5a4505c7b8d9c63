"""Batch runs on whole (tiny) scenarios: the worked cases 4, 5, 9-11, 14-19, 21-24 of section 8."""

from __future__ import annotations

import pytest

from .factories import at, files_of, make_batch, make_batch_profile, run_scenario

MEMBER = {"segments": {"s1": "existing"}}


def rules_of(f):
    return [r.rule for r in f.reasons]


def test_first_incremental_file_is_the_whole_population_case_15():
    """B-I3: the first incremental file holds every active member."""
    profiles = [make_batch_profile(f"p{i}", **MEMBER) for i in range(5)]
    (f,) = files_of(run_scenario(profiles, [{"run": "s3"}]))
    assert (f.mode, f.trigger) == ("incremental", "run")
    assert f.profiles == tuple(f"p{i}" for i in range(5))
    assert {n.reason.rule for n in f.why} == {"B-I3"}
    assert "B-I3" in rules_of(f)


def test_later_files_hold_only_the_changed_case_14():
    """B-T6: 10 members, 3 new qualifiers: the second file has 3 rows."""
    profiles = [make_batch_profile(f"m{i}", **MEMBER) for i in range(10)]
    profiles += [make_batch_profile(f"n{i}") for i in range(3)]
    events = [{"run": "s3"}] + [{"profile": f"n{i}", "qualify": "s1"} for i in range(3)]
    first, second = files_of(run_scenario(profiles, [*events, {"run": "s3"}]))
    assert len(first.rows) == 10
    assert second.profiles == ("n0", "n1", "n2")
    assert {n.reason.rule for n in second.why} == {"B-T6"}


@pytest.mark.parametrize(
    ("include_status", "profiles", "left_rule"),
    [
        pytest.param(False, (), "B-I4", id="status-not-mapped-case-4"),
        pytest.param(True, ("p",), None, id="status-mapped-case-5"),
    ],
)
def test_exit_case_4_and_5(include_status, profiles, left_rule):
    """B-I4/A5: an exit shows as an exited row only with the status mapped."""
    events = [{"run": "s3"}, {"profile": "p", "exit": "s1"}, {"run": "s3"}]
    dest = make_batch(include_status=include_status)
    _, f = files_of(run_scenario([make_batch_profile("p", **MEMBER)], events, [dest]))
    assert f.profiles == profiles
    if include_status:
        assert f.rows[0]["segmentMembership_status"] == "exited"
        assert f.why[0].reason.rule == "B-I4"
    else:
        assert [n.reason.rule for n in f.left_out] == [left_rule]


@pytest.mark.parametrize(
    ("event", "rules", "in_file", "rule"),
    [
        pytest.param({"add_identity": {"phone": "+1555"}}, "seed", False, "B-T8", id="new-phone-seed-case-9"),
        pytest.param(
            {"add_identity": {"phone": "+1555"}}, "current", True, "B-T8", id="new-phone-current-case-9"
        ),
        pytest.param(
            {"add_identity": {"email": "new@x"}}, "current", True, "B-T8", id="new-email-current-case-10"
        ),
        pytest.param(
            {"remove_identity": {"email": "p@example.com"}},
            "seed",
            False,
            "B-T8",
            id="email-removed-seed-case-11",
        ),
        pytest.param(
            {"remove_identity": {"email": "p@example.com"}},
            "current",
            True,
            "B-T8",
            id="email-removed-current-case-11",
        ),
        pytest.param({"set": {"loyalty.tier": "platinum"}}, "current", False, "B-T7", id="attribute-case-6"),
        pytest.param({"set": {"loyalty.tier": "gold"}}, "current", False, "B-T7", id="same-value-case-7"),
    ],
)
def test_identity_and_attribute_changes(event, rules, in_file, rule):
    """B-T7/B-T8 (A6): which changes of a member qualify it for the next incremental file."""
    events = [{"run": "s3"}, {"profile": "p", **event}, {"run": "s3"}]
    _, f = files_of(run_scenario([make_batch_profile("p", **MEMBER)], events, rules=rules))
    notes = f.why if in_file else f.left_out
    assert [n.profile for n in notes] == ["p"]
    assert notes[0].reason.rule == rule
    assert bool(f.rows) is in_file


def test_full_file_excludes_exited_case_16():
    """B-I1/B-I2: 3 active and 1 exited: 3 rows; the exited one is left out, with why."""
    profiles = [make_batch_profile(f"a{i}", **MEMBER) for i in range(3)]
    profiles.append(make_batch_profile("x", segments={"s1": "exited"}))
    dest = make_batch(segments=[{"id": "s1", "mode": "full"}])
    (f,) = files_of(run_scenario(profiles, [{"run": "s3"}], [dest]))
    assert f.profiles == ("a0", "a1", "a2")
    assert [(n.profile, n.reason.rule) for n in f.left_out] == [("x", "B-I2")]


def test_full_file_again_without_change_case_17():
    """B-I1: a full file holds the whole population at every run."""
    dest = make_batch(segments=[{"id": "s1", "mode": "full"}])
    f1, f2 = files_of(run_scenario([make_batch_profile("p", **MEMBER)], [{"run": "s3"}] * 2, [dest]))
    assert f1.profiles == f2.profiles == ("p",)


def test_empty_incremental_file_case_18():
    """B-T6/A8: nothing changed: the run still makes a file, empty, and says so."""
    _, f = files_of(run_scenario([make_batch_profile("p", **MEMBER)], [{"run": "s3"}] * 2))
    assert f.rows == () and f.columns
    assert "A8" in rules_of(f)
    assert any("header-only file" in r.text for r in f.reasons)


def test_export_now_is_full_and_keeps_schedule_and_baseline_case_19():
    """B-T5: Export file now is a full file; the next incremental file is as if it never ran."""
    profiles = [make_batch_profile("p", **MEMBER), make_batch_profile("q")]
    events = [{"run": "s3"}, {"profile": "q", "qualify": "s1"}, {"export_now": "s3"}, {"run": "s3"}]
    _, now, later = files_of(run_scenario(profiles, events))
    assert (now.mode, now.trigger) == ("full", "export_now")
    assert "B-T5" in rules_of(now)
    assert later.profiles == ("q",)  # q is still noted after Export file now
    assert later.mode == "incremental"


def test_export_now_uses_the_snapshot_case_21():
    """B-I9: after the evaluation, the name changes: the scheduled file shows the new one,
    Export file now the old one; and a later qualifier is not in Export file now."""
    profiles = [make_batch_profile("p", **MEMBER), make_batch_profile("q")]
    dest = make_batch(segments=[{"id": "s1", "mode": "full"}])
    events = [
        {"evaluate": {}},
        {"profile": "p", "set": {"person.name.firstName": "New"}},
        {"profile": "q", "qualify": "s1"},
        {"export_now": "s3"},
        {"run": "s3"},
    ]
    now, scheduled = files_of(run_scenario(profiles, events, [dest]))
    assert now.profiles == ("p",) and now.rows[0]["person_name_firstName"] == "P"
    assert [(n.profile, n.reason.rule) for n in now.left_out] == [("q", "B-I9")]
    assert scheduled.profiles == ("p", "q")
    assert scheduled.rows[0]["person_name_firstName"] == "New"


def test_export_now_before_any_evaluation_uses_the_activation():
    """B-I9: no evaluation yet: the snapshot is the activation; within 1 h it warns (B-T5)."""
    profiles = [make_batch_profile("p", **MEMBER), make_batch_profile("q")]
    events = [{"profile": "q", "qualify": "s1"}, {"export_now": "s3"}]
    (f,) = files_of(run_scenario(profiles, events))
    assert f.profiles == ("p",)
    assert any(r.rule == "B-T5" and "1 h" in r.text for r in f.reasons)


def test_segments_are_separate_case_22():
    """B-T1/B-T2: each segment has its own mode and file; a change in s2 does not touch s1."""
    profiles = [make_batch_profile("p", **MEMBER), make_batch_profile("q")]
    dest = make_batch(segments=[{"id": "s1", "mode": "incremental"}, {"id": "s2", "mode": "full"}])
    events = [{"run": "s3"}, {"profile": "q", "qualify": "s2"}, {"run": "s3"}]
    files = files_of(run_scenario(profiles, events, [dest]))
    assert [(f.segment, f.mode, f.profiles) for f in files] == [
        ("s1", "incremental", ("p",)),
        ("s2", "full", ()),
        ("s1", "incremental", ()),
        ("s2", "full", ("q",)),
    ]


def test_split_at_max_rows_case_23():
    """B-F2: 5 rows at max_rows 2: name.csv, name_2.csv, name_3.csv (2 + 2 + 1)."""
    profiles = [make_batch_profile(f"p{i}", **MEMBER) for i in range(5)]
    dest = make_batch(max_rows=2, file_name="%DESTINATION%_%SEGMENT_ID%")
    files = files_of(run_scenario(profiles, [{"run": "s3"}], [dest]))
    assert [f.name for f in files] == ["Amazon_S3_s1.csv", "Amazon_S3_s1_2.csv", "Amazon_S3_s1_3.csv"]
    assert [len(f.rows) for f in files] == [2, 2, 1]
    assert all("B-F2" in rules_of(f) for f in files)


def test_static_name_says_it_overwrites_case_24():
    """B-F5: without a date or time macro, each run overwrites the previous file."""
    dest = make_batch(file_name="%DESTINATION%_%SEGMENT_ID%")
    f1, f2 = files_of(run_scenario([make_batch_profile("p", **MEMBER)], [{"run": "s3"}] * 2, [dest]))
    assert f1.name == f2.name and "B-F5" in rules_of(f2)


def test_mandatory_and_dedup_reasons_in_the_file_case_26_27():
    """B-I6/B-I7/B-I8: left-out profiles say why."""
    profiles = [
        make_batch_profile("a", identities={"email": ["e1", "e2"]}, **MEMBER),
        make_batch_profile("b", identities={"email": ["e1", "e2"]}),
        make_batch_profile("c", identities={"phone": ["1"]}, **MEMBER),
        make_batch_profile("d", attributes={}, **MEMBER),
    ]
    dest = make_batch(identity="email", mandatory=["person.name.firstName"])
    events = [{"at": at(1), "profile": "b", "qualify": "s1"}, {"run": "s3"}]
    (f,) = files_of(run_scenario(profiles, events, [dest]))
    assert [(p, r["email"]) for p, r in zip(f.profiles, f.rows, strict=True)] == [("b", "e1"), ("b", "e2")]
    assert sorted((n.profile, n.reason.rule) for n in f.left_out) == [
        ("a", "B-I7"),
        ("a", "B-I7"),
        ("c", "B-I8"),
        ("d", "B-I6"),
    ]


def test_opt_out_counts_as_an_exit_A13():
    """A13: an opted-out member is in no full file; with the status mapped its incremental row
    says exited."""
    dest = make_batch(
        include_status=True, segments=[{"id": "s1", "mode": "incremental"}, {"id": "s2", "mode": "full"}]
    )
    profile = make_batch_profile("p", segments={"s1": "existing", "s2": "existing"})
    events = [{"run": "s3"}, {"profile": "p", "consent": "out"}, {"run": "s3"}]
    files = files_of(run_scenario([profile], events, [dest]))
    inc, full = files[2], files[3]
    assert inc.rows[0]["segmentMembership_status"] == "exited"
    assert inc.why[0].reason.rule == "A13"
    assert full.rows == () and full.left_out[0].reason.rule == "A13"


def test_after_evaluation_schedule_runs_on_evaluate_B_T4():
    dest = make_batch(segments=[{"id": "s1", "mode": "full", "schedule": {"after": "evaluation"}}])
    result = run_scenario([make_batch_profile("p", **MEMBER)], [{"evaluate": {}}], [dest])
    (f,) = result.steps[0].files
    assert f.trigger == "after_evaluation" and "B-T4" in rules_of(f)
