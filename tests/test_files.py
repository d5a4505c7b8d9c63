"""Writing export files (B-F1, B-F5) and reading them back with pandas."""

from __future__ import annotations

import gzip
import io

import pytest

from exportkit.core.exportfile import ExportFile
from exportkit.core.rules import reason
from exportkit.io.files import file_bytes, read_back, write_file, write_files

from .factories import T0

COLUMNS = ("email", "person_name_firstName", "loyalty_points", "segmentMembership_status")
ROWS = (
    {
        "email": "e1",
        "person_name_firstName": "Marty",
        "loyalty_points": 120,
        "segmentMembership_status": "realized",
    },
    {"email": "e2", "person_name_firstName": None, "loyalty_points": 7, "segmentMembership_status": "exited"},
)


def make_file(fmt="csv", compression="none", rows=ROWS, name=None) -> ExportFile:
    ext = f".{fmt}" + (".gz" if compression == "gzip" and fmt != "parquet" else "")
    return ExportFile(
        destination="s3",
        segment="s1",
        mode="incremental",
        trigger="run",
        name=name or f"Amazon_S3_segments1_20250303090000{ext}",
        at=T0,
        columns=COLUMNS,
        rows=rows,
        profiles=tuple(f"p{i}" for i in range(len(rows))),
        reasons=(reason("B-T3", "test"),),
        why=(),
        format=fmt,
        compression=compression,
    )


FORMATS = [pytest.param(f, c, id=f"{f}-{c}") for f in ("csv", "json", "parquet") for c in ("none", "gzip")]


@pytest.mark.parametrize(("fmt", "compression"), FORMATS)
def test_round_trip(tmp_path, fmt, compression):
    """B-F1: pandas reads every format back to the same rows, columns in order."""
    path = write_file(make_file(fmt, compression), tmp_path)
    frame = read_back(path)
    assert list(frame.columns) == list(COLUMNS)
    expected = [dict(r) for r in ROWS]
    if fmt == "csv":  # CSV has no types: every value comes back as text
        expected = [{k: None if v is None else str(v) for k, v in r.items()} for r in expected]
    assert frame.to_dict("records") == expected


@pytest.mark.parametrize(("fmt", "compression"), FORMATS)
def test_empty_file(tmp_path, fmt, compression):
    """A8: an empty file is written; CSV and parquet keep the header, JSON lines has none."""
    frame = read_back(write_file(make_file(fmt, compression, rows=()), tmp_path))
    assert len(frame) == 0
    if fmt != "json":
        assert list(frame.columns) == list(COLUMNS)


def test_csv_text(tmp_path):
    """6.3: a header row, then one line per row; null is an empty field."""
    text = write_file(make_file(), tmp_path).read_text()
    assert text == (
        "email,person_name_firstName,loyalty_points,segmentMembership_status\n"
        "e1,Marty,120,realized\ne2,,7,exited\n"
    )


def test_json_lines(tmp_path):
    text = write_file(make_file("json"), tmp_path).read_text()
    assert text.splitlines()[1] == (
        '{"email": "e2", "person_name_firstName": null, '
        '"loyalty_points": 7, "segmentMembership_status": "exited"}'
    )


def test_parquet_gzip_compresses_inside_the_file():
    import pyarrow.parquet as pq

    data = file_bytes(make_file("parquet", "gzip"))
    assert data[:4] == b"PAR1"  # a plain parquet file: any reader opens it
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    assert meta.row_group(0).column(0).compression == "GZIP"


def test_gzip_is_gzip_and_deterministic():
    data = file_bytes(make_file("csv", "gzip"))
    assert data == file_bytes(make_file("csv", "gzip"))
    assert gzip.decompress(data).startswith(b"email,")


def test_parquet_mixed_types_become_text(tmp_path):
    rows = ({**ROWS[0], "loyalty_points": "many"}, ROWS[1])
    frame = read_back(write_file(make_file("parquet", rows=rows), tmp_path))
    assert frame["loyalty_points"].tolist() == ["many", "7"]


def test_static_name_is_overwritten(tmp_path):
    """B-F5: the same name twice keeps the later file."""
    first = make_file(name="static.csv")
    second = make_file(name="static.csv", rows=ROWS[:1])
    (path,) = write_files([first, second], tmp_path)  # the files on disk, each once
    assert len(read_back(path)) == 1 and sorted(tmp_path.iterdir()) == [path]


def test_read_back_refuses_unknown_extensions(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("x")
    with pytest.raises(ValueError, match=r"not a \.csv"):
        read_back(path)
