"""Comparing by effect: the matrix of destinations and the diff of two replays."""

from __future__ import annotations

import re

import pytest

from exportkit import replay
from exportkit.course.compare import (
    compare,
    compare_text,
    every_type,
    files_verdict,
    matrix,
    matrix_text,
)

from .factories import SEGMENTS, make_enterprise, make_profile, make_scenario

MP2 = [dict(s, merge_policy="mp2") if s["id"] == "u2" else s for s in SEGMENTS]


def test_seed_and_current_differ_by_e_i1_and_a7_with_both_reasons():
    scenario = make_scenario([{"profile": "p", "qualify": "s2"}], segments=MP2)
    diffs = compare(replay(scenario, rules="seed"), replay(scenario, rules="current"))
    u2 = [d for d in diffs if d.step == 1 and d.what == "field segmentMembership.ups.u2"]
    assert len(u2) == 1
    assert "[E-I1]" in u2[0].a and u2[0].b.startswith("absent [E-I1']")
    s1 = [
        d
        for d in diffs
        if d.step == 1 and d.destination == "ent" and d.what == "field segmentMembership.ups.s1"
    ]
    assert '"existing"' in s1[0].a and '"realized"' in s1[0].b  # A7


def test_unmapping_an_attribute_changes_the_verdict_and_says_why():
    events = [{"profile": "p", "set": {"loyalty.tier": "platinum"}}]
    a = make_scenario(events)
    b = make_scenario(events, destinations=[make_enterprise(attributes=["person.name.firstName"])])
    diffs = [d for d in compare(replay(a), replay(b)) if d.destination == "ent"]
    verdict = [d for d in diffs if d.what == "verdict"]
    assert len(verdict) == 1 and verdict[0].step == 1
    assert verdict[0].a.startswith("exported: [E-T3]")
    assert verdict[0].b.startswith("not exported: [E-T4]")
    assert "loyalty.tier" in compare_text(diffs, "A", "B")


def test_identical_replays_have_no_difference():
    scenario = make_scenario([{"profile": "p", "qualify": "s2"}])
    assert compare(replay(scenario), replay(scenario)) == []
    assert compare_text([], "A", "B") == "A and B export exactly the same."


def test_matrix_marks_divergent_steps():
    scenario = make_scenario(
        [{"profile": "p", "add_identity": {"phone": "+1999"}}, {"profile": "p", "qualify": "s2"}]
    )
    ids, rows = matrix(replay(scenario))
    assert ids == ["ent", "str"]
    assert [r["divergent"] for r in rows] == [False, True, False]
    assert rows[1]["cells"]["str"].reasons.startswith("[S-T2]")
    lines = matrix_text(replay(scenario)).splitlines()
    assert lines[0] == f"step  {'ent':<22} str"
    at = lines.index("   1* Pat (p) gains the identity phone +1999")  # the event in words, then the verdicts
    assert lines[at + 1] == f"      {'exported · E-T2':<22} not exported · S-T2"


def test_matrix_text_wraps_a_long_event_under_its_start():
    values = {f"loyalty.note{i}": f"value-{i}" for i in range(12)}
    lines = matrix_text(replay(make_scenario([{"profile": "p", "set": values}]))).splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("   1"))
    event, verdicts = lines[first:-1], lines[-1]  # step 1 is the last: its event, then its verdicts
    assert event[0].startswith('   1  Pat (p): loyalty.note0 is set to "value-0"; loyalty.note1')
    assert len(event) > 1 and all(len(line) <= 120 for line in lines)
    assert all(line.startswith("      ") and line[6] != " " for line in event[1:])
    words = " ".join(line[6:] for line in event).split()
    assert words == ("Pat (p): " + "; ".join(f'{k} is set to "{v}"' for k, v in values.items())).split()
    assert verdicts.startswith("      not exported · E-T4")  # unmapped attributes


def test_every_type_derives_one_destination_of_each_type():
    scenario = every_type(make_scenario([], profiles=[make_profile()]), "ent")
    assert [d.type for d in scenario.destinations] == [
        "streaming-profile",
        "streaming-segment",
        "batch",
        "batch",
    ]
    assert all(
        tuple(s if isinstance(s, str) else s.id for s in d.segments) == ("s1", "s2", "s3")
        for d in scenario.destinations
    )


def test_step_cells_text_lists_every_reason():
    from exportkit.course.compare import step_cells_text

    scenario = make_scenario([{"profile": "p", "add_identity": {"phone": "+1999"}}])
    text = step_cells_text(replay(scenario), 1)
    assert text.splitlines()[0] == "Step 1: Pat (p) gains the identity phone +1999  (divergent)"
    assert "  ent: exported · E-T2" in text and "  str: not exported · S-T2" in text


FILES = re.compile(r"file: |\d+ files: ")


@pytest.mark.parametrize(
    ("rows", "shown"),
    [
        ([2], "file: 2 rows"),
        ([1], "file: 1 row"),
        ([2, 0, 1], "3 files: 2, 0 and 1 rows"),  # not "file: 3 rows", which reads as one file
        ([1200, 3], "2 files: 1,200 and 3 rows"),
    ],
)
def test_a_cell_counts_each_files_rows(rows, shown):
    assert files_verdict(rows) == shown


def test_batch_cells_show_files_and_what_waits_for_them():
    scenario = every_type(
        make_scenario(
            [
                {"profile": "p", "qualify": "s2", "at": "2025-01-01T10:00:00Z"},
                {"profile": "p", "set": {"loyalty.tier": "x"}, "at": "2025-01-01T18:00:00Z"},
            ]
        ),
        "ent",
    )
    _, rows = matrix(replay(scenario))
    first, second = rows[1]["cells"], rows[2]["cells"]
    # step 1's row runs from its event (10:00) to the next (18:00): the change is noted for the
    # next file (B-T6), and the 17:00 files are written, at their own time, in the same row
    assert FILES.match(first["batch-incremental"].verdict)
    assert "[B-T6]" in first["batch-incremental"].reasons
    assert FILES.match(first["batch-full"].verdict)
    assert second["batch-incremental"].verdict == "no file now · B-T7"  # after the file: noted for the next
    assert not FILES.match(second["batch-full"].verdict)


def test_files_pair_by_run_and_compare_every_identity_row():
    """Two files of one segment on one step (scheduled, then Export file now) pair one to one;
    a profile's rows (one per email, B-I8) compare row by row."""
    from exportkit.core.model import BatchDestination, BatchSegment

    def scenario(tier: str):
        dest = BatchDestination(
            id="b",
            type="batch",
            identity="email",
            segments=(BatchSegment(id="s1", mode="full"),),
            attributes=("loyalty.tier",),
        )
        return make_scenario(
            [{"profile": "p", "set": {"loyalty.tier": tier}}, {"run": "b"}, {"export_now": "b"}],
            profiles=[make_profile(identities={"email": ["a@x", "b@x"]})],
            destinations=[dest],
        )

    diffs = [
        d for d in compare(replay(scenario("gold")), replay(scenario("silver"))) if d.what.startswith("file")
    ]
    assert [(d.step, d.what, d.a, d.b) for d in diffs] == [
        (2, "file s1 column loyalty_tier", '"gold"', '"silver"'),
        (2, "file s1 column loyalty_tier", '"gold"', '"silver"'),
    ]  # the run's two rows; Export file now uses the snapshot, where both are still 'gold'
