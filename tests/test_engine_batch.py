"""The engine and batch destinations: the scenario clock, the order of files, the decisions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit.core.model import Schedule
from exportkit.core.schedule import due_times
from exportkit.text.narrate import render_step
from exportkit.text.render import step_document

from .factories import T0, at, files_of, make_batch, make_batch_profile, run_scenario

DAILY = make_batch(
    segments=[{"id": "s1", "mode": "incremental", "schedule": {"every": "day", "at": "17:00"}}]
)
MEMBER = {"segments": {"s1": "existing"}}


def test_scheduled_runs_fire_on_the_clock_before_the_event():
    """B-T3: the 17:00 file is an entry of its own at 17:00, between the two events, made before
    the next event's change."""
    events = [
        {"at": at(1), "profile": "q", "qualify": "s1"},  # 10:00, before 17:00
        {"at": at(30), "profile": "r", "qualify": "s1"},
    ]  # next day 15:00
    profiles = [make_batch_profile("p", **MEMBER), make_batch_profile("q"), make_batch_profile("r")]
    result = run_scenario(profiles, events, [DAILY])
    assert result.steps[0].files == [] and result.steps[1].files == []
    (due,) = result.clock[1]  # after step 1, before step 2
    (f,) = due.files
    assert due.after == 1 and due.at == f.at
    assert result.timeline.index(due) == result.timeline.index(result.steps[1]) - 1
    assert f.trigger == "scheduled" and f.name.endswith("20250303170000.csv")
    assert f.profiles == ("p", "q")  # r qualifies after 17:00: not in it
    assert (f.reasons[0].rule, f.reasons[0].text) == ("B-T3", "scheduled daily at 17:00 UTC")


def test_several_scheduled_times_between_two_events_fire_in_order():
    dest = make_batch(segments=[{"id": "s1", "mode": "incremental", "schedule": {"every": "6h"}}])
    result = run_scenario([make_batch_profile("p", **MEMBER)], [{"at": at(20), "run": "s3"}], [dest])
    names = [f.name[-18:-4] for f in result.files()]
    assert names == ["20250303120000", "20250303180000", "20250304000000", "20250304050000"]
    assert [f.trigger for f in result.files()] == ["scheduled"] * 3 + ["run"]
    assert [[f.trigger for f in d.files] for d in result.clock[0]] == [["scheduled"]] * 3  # one per time
    assert [d.at for d in result.clock[0]] == [f.at for f in result.files()[:3]]
    assert [f.trigger for f in result.steps[0].files] == ["run"]


SCHEDULES = {
    "s1": {"every": "3h", "at": "01:30"},
    "s2": {"every": "day", "at": "17:00"},
    "s3": {"once": at(30)},
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 72 * 60), max_size=12))
def test_each_scheduled_time_fires_once_whatever_the_events_between(minutes):
    """B-T3: every scheduled time up to the last event fires once, in its own `Due`, however the
    events fall around it (the ledger asks the schedules again only once their next time came)."""
    dest = make_batch(
        segments=[
            {"id": s, "mode": "full" if "once" in sch else "incremental", "schedule": sch}
            for s, sch in SCHEDULES.items()
        ]
    )
    events = [{"at": at(m / 60), "profile": "p", "set": {"loyalty.tier": str(m)}} for m in sorted(minutes)]
    result = run_scenario([make_batch_profile("p")], [*events, {"at": at(72), "run": "s3"}], [dest])
    fired = [(f.segment, f.at) for f in result.files() if f.trigger == "scheduled"]
    until = T0 + timedelta(hours=72)
    expected = [(s, t) for s, sch in SCHEDULES.items() for t in due_times(Schedule(**sch), T0, until)]
    assert sorted(fired, key=lambda f: (f[1], f[0])) == fired  # in time order
    assert sorted(fired) == sorted(expected)
    assert all(f.at == d.at for entries in result.clock for d in entries for f in d.files)


def test_no_schedule_fires_after_the_last_event():
    result = run_scenario([make_batch_profile("p", **MEMBER)], [{"at": at(1), "evaluate": {}}], [DAILY])
    assert files_of(result) == []


def test_every_profile_event_gets_a_batch_decision():
    """Every event gets a decision for every destination, batch ones included (skipped)."""
    result = run_scenario(
        [make_batch_profile("p"), make_batch_profile("q", **MEMBER)],
        [
            {"profile": "p", "qualify": "s1"},
            {"profile": "q", "set": {"loyalty.tier": "x"}},
            {"profile": "p", "qualify": "s2"},
        ],
    )
    rules = [[r.rule for r in s.decisions[0].reasons] for s in result.steps]
    assert rules == [["B-T6"], ["B-T7"], ["B-T2"]]
    assert all(not s.decisions[0].exported for s in result.steps)
    assert step_document(result.steps[0])["skipped"][0]["destination"] == "s3"


def test_run_event_decisions_name_the_files():
    other = make_batch(id="sftp", name="SFTP")
    result = run_scenario([make_batch_profile("p", **MEMBER)], [{"run": "s3"}], [make_batch(), other])
    s3, sftp = result.steps[0].decisions
    assert s3.exported and s3.payload == {"files": [result.steps[0].files[0].name]}
    assert not sftp.exported and sftp.reasons[0].rule == "B-T2"


def test_step_document_and_text_show_files():
    result = run_scenario([make_batch_profile("p", **MEMBER)], [{"run": "s3"}])
    doc = step_document(result.steps[0])
    (f,) = doc["files"]
    assert set(f) == {
        "destination",
        "segment",
        "mode",
        "trigger",
        "name",
        "columns",
        "profiles",
        "rows",
        "reasons",
        "why",
        "left_out",
    }
    assert f["rows"][0] == {
        "person_name_firstName": "P",
        "personalEmail_address": "p@example.com",
        "loyalty_tier": "gold",
    }
    text = render_step(result, 1)
    assert text[1] == "  changed: run s3"  # the verbose timeline's order: what changed, then the files
    assert text[2].startswith("  s3 file Amazon_S3_segments1_")
    assert any(line.startswith("      + p: P, p@example.com, gold") for line in text)


def test_flush_does_not_touch_batch_destinations_M1():
    streaming = {"id": "http", "type": "streaming-profile", "segments": ["s1"]}
    result = run_scenario([make_batch_profile("p", **MEMBER)], [{"flush": "http"}], [make_batch(), streaming])
    (s3,) = [d for d in result.steps[0].decisions if d.destination == "s3"]
    assert not s3.exported and s3.reasons[0].rule == "M1"
    assert result.steps[0].files == []


def test_replaying_batch_files_imports_no_disk_or_ui_library():
    """The core stays pure: pandas, pyarrow and ipywidgets load only at the edges."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; import exportkit; "
        "exportkit.replay(exportkit.load_scenario(Path('datasets/delorean.yaml'))); "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.stdout.strip() == "[]"
