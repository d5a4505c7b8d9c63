"""The notebook's helpers and widgets, wired as the notebook uses them (no Output text checked)."""

from __future__ import annotations

import pytest

from exportkit.ui.batch_view import (
    BatchWeekView,
    file_html,
    file_table,
    folder_listing,
    previous_files,
    replay_week,
    week_files,
    week_text,
    write_week,
)


def test_week_text_incremental_with_status():
    text = week_text("incremental", "daily at 17:00", True)
    assert "+ doc: Emmett, null, platinum, exited  [B-I4]" in text
    assert "+ jennifer: Jennifer, null, null, exited  [A13]" in text
    assert "- marty  [B-T7]" in text
    assert "[A8]" in text
    assert max(map(len, text.splitlines())) <= 100


def test_week_text_refuses_hourly_full_files():
    text = week_text("full", "every 6 hours", True)
    assert "refused: a full file cannot run every 6 hours" in text


def test_file_table_marks_new_and_exited_rows():
    files = week_files(replay_week("incremental", "daily at 17:00", True))
    previous = previous_files(files)
    changes = [file_table(f, p)["change"].tolist() for f, p in zip(files, previous, strict=True)]
    assert changes[0] == ["new", "new", "new"]  # the first file: everyone is new
    assert ["exited"] in changes
    html = file_html(files[0]).data
    assert html.count('<tr class="ek-new">') == 3 and "tr.ek-new td{background:#d8f5d0}" in html
    exited = file_html(files[3], previous[3]).data
    assert exited.count('<tr class="ek-exited">') == 1 and "tr.ek-exited td{background:#f9d6d5}" in html


def test_written_files_are_listed_relative_to_the_folder(tmp_path):
    names = write_week(replay_week("full", "daily at 17:00", False), tmp_path)
    listing = folder_listing(tmp_path)
    assert str(tmp_path) not in listing
    assert all(name in listing for name in names)


@pytest.mark.parametrize(
    ("mode", "schedule", "status", "words"),
    [
        pytest.param("full", "after evaluation", False, "(full, after_evaluation,", id="full"),
        pytest.param("incremental", "every 6 hours", True, "(incremental, scheduled,", id="hourly"),
        pytest.param("incremental", "once, day 3 at 12:00", True, "refused", id="refused"),
    ],
)
def test_view_controls(tmp_path, mode, schedule, status, words):
    view = BatchWeekView(folder=tmp_path)
    view.mode.value, view.schedule.value, view.status.value = mode, schedule, status
    assert words in view.text()
    assert (view.error is not None) == (words == "refused")
    assert view.step.max == max(len(view.files) - 1, 0)
    assert len(list(tmp_path.iterdir())) == (0 if view.error else len({f.name for f in view.files}))


def test_a_value_the_profile_lacks_is_empty_never_nan_or_none():
    """The first file of the week: Emmett has no email and Jennifer no tier. The CSV writes those
    cells empty; the table showed pandas' nan (a missing key) and None."""
    from exportkit.ui.batch_view import file_table, replay_week, week_files

    first = file_table(week_files(replay_week())[0])
    shown = first.astype(str).to_numpy().ravel().tolist()
    assert "" in shown and "nan" not in shown and "None" not in shown
