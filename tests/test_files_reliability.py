"""Nothing half-written: a run's files are all written or none, never through a link, and every
file a run reports is on disk under its own name (issue 11)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from exportkit.app.cli import main
from exportkit.core.filenames import NameBook
from exportkit.io.files import OutputError, read_back, write_files

from .test_files import ROWS, make_file


def test_a_link_named_like_an_output_file_is_replaced_not_followed(tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "static.csv").symlink_to(outside)
    (path,) = write_files([make_file(name="static.csv")], out)
    assert outside.read_text() == "keep me"
    assert not path.is_symlink() and len(read_back(path)) == 2


@pytest.mark.parametrize(
    ("files", "words"),
    [
        pytest.param(
            [make_file(name="a.csv"), make_file("parquet", rows=({**ROWS[0], "loyalty_points": 2**70},))],
            "cannot be written as parquet",
            id="value-parquet-cannot-hold",
        ),
        pytest.param(
            [make_file(name="a.csv"), make_file(name="x" * 300 + ".csv")], "File name too long", id="long"
        ),
        pytest.param(
            [make_file(name="a.csv"), make_file(name="taken.csv")], "is a folder", id="folder-named-so"
        ),
    ],
)
def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path, files, words):
    out = tmp_path / "out"
    (out / "taken.csv").mkdir(parents=True)
    (out / "old.csv").write_text("old")
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(OutputError, match=words):
        write_files(files, out)
    assert sorted(p.name for p in out.iterdir()) == before
    assert (out / "old.csv").read_text() == "old"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        pytest.param(
            [("n", 1, False), ("n", 1, False), ("n", 1, False)], ["n", "n-2", "n-3"], id="same-second"
        ),
        pytest.param([("n", 2, False), ("n", 1, False)], ["n", "n-2"], id="parts-of-the-first"),
        pytest.param([("n", 1, False), ("n", 2, False)], ["n", "n-2"], id="parts-of-the-second"),
        pytest.param([("n", 1, True), ("n", 1, True)], ["n", "n"], id="static-overwrites-B-F5"),
        pytest.param(
            [("n-2", 1, False), ("n", 1, False), ("n", 1, False)], ["n-2", "n", "n-3"], id="taken-suffix"
        ),
    ],
)
def test_names_never_repeat_except_static_ones(claims, expected):
    book = NameBook()
    assert [book.claim(base, ".csv", parts, static)[0] for base, parts, static in claims] == expected


SCENARIO = textwrap.dedent("""\
    name: collide
    start: '2025-03-02T16:58:00Z'
    segments: [{id: s1, name: One}]
    profiles:
      - {id: p, attributes: {loyalty.tier: gold}, segments: {s1: existing}}
      - {id: q, attributes: {loyalty.tier: gold}}
    destinations:
      - id: s3
        name: Amazon S3
        type: batch
        segments: [{id: s1, mode: incremental, schedule: {every: day, at: "17:00"}}]
        attributes: [loyalty.tier]
        include_status: true
    events:
      - {profile: p, exit: s1, at: '2025-03-03T16:59:00Z'}
      - {run: s3, at: '2025-03-03T17:00:00Z'}
      - {export_now: s3, at: '2025-03-03T17:00:00Z'}
      - {export_now: s3, at: '2025-03-03T17:00:00Z'}
    """)


@pytest.mark.parametrize("summary", [False, True], ids=["timeline", "summary"])
def test_files_made_in_one_second_all_reach_the_disk(tmp_path, capsys, summary):
    """Issue 11: the scheduled file with p's exited row and a run at the same second no longer
    replace each other: files reported = files on disk."""
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), *(["--summary"] if summary else [])]) == 0
    _, err = capsys.readouterr()
    names = sorted(p.name for p in out.iterdir())
    stem = "Amazon_S3_segments1_20250303170000"
    assert names == [
        "Amazon_S3_segments1_20250302170000.csv",
        *(f"{stem}{n}.csv" for n in ("-2", "-3", "-4", "")),
    ]
    assert f"wrote 5 files to {out}" in err
    exited = [n for n in names if any(r["segmentMembership_status"] == "exited" for r in _rows(out / n))]
    assert exited == [f"{stem}.csv"], "the scheduled file, with p's exited row, is on disk"


def _rows(path: Path) -> list[dict]:
    return read_back(path).to_dict("records")


def test_a_failed_run_writes_nothing_and_says_so_in_one_line(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("  - id: s3\n", "  - id: s3\n    format: parquet\n"))
    out = tmp_path / "out"
    (out / "Amazon_S3_segments1_20250303170000-2.parquet").mkdir(parents=True)
    assert main(["run", str(path), "--out", str(out)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "is a folder" in err and "no file was written" in err
    assert [p.name for p in out.iterdir()] == ["Amazon_S3_segments1_20250303170000-2.parquet"]


@pytest.mark.parametrize(
    ("template", "rule", "second"),
    [
        pytest.param(None, "B-F3", "Amazon_S3_segments1_20250303170000-2.csv", id="default-name"),
        pytest.param(
            "%DESTINATION%_%SEGMENT_ID%_%DATETIME%",
            "B-F4",
            "Amazon_S3_s1_20250303_170000-2.csv",
            id="template",
        ),
    ],
)
def test_a_renamed_file_says_why_with_its_naming_rule(tmp_path, template, rule, second):
    from exportkit import load_scenario, replay

    text = (
        SCENARIO
        if template is None
        else SCENARIO.replace("  - id: s3\n", f"  - id: s3\n    file_name: '{template}'\n")
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    files = replay(load_scenario(path)).files()
    renamed = files[2]
    assert renamed.name == second
    why = [r for r in renamed.reasons if "already named" in r.text]
    assert [r.rule for r in why] == [rule]
    assert len({f.name for f in files}) == len(files)
