"""`exportkit run --out DIR`: real files on disk, only when asked; bad settings exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from exportkit.app.cli import main
from exportkit.io.files import read_back

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = ROOT / "datasets" / "delorean.yaml"


def delorean_as(tmp_path: Path, **settings) -> Path:
    """The DeLorean scenario with the S3 destination's settings changed."""
    data = yaml.safe_load(DELOREAN.read_text())
    s3 = next(d for d in data["destinations"] if d["id"] == "s3")
    s3.update(settings)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_json(capsys, *args) -> dict:
    assert main(["run", *map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("fmt", "compression"),
    [
        pytest.param("csv", "none", id="csv"),
        pytest.param("json", "none", id="json"),
        pytest.param("parquet", "none", id="parquet"),
        pytest.param("csv", "gzip", id="csv-gzip"),
        pytest.param("parquet", "gzip", id="parquet-gzip"),
    ],
)
def test_out_writes_files_pandas_reads_back(tmp_path, capsys, fmt, compression):
    scenario = delorean_as(tmp_path, format=fmt, compression=compression)
    out = tmp_path / "out"
    doc = run_json(capsys, scenario, "--out", out)
    made = [f for entry in doc["steps"] for f in entry["files"]]  # steps and clock entries
    files = {f["name"]: f for f in made}
    assert len(files) == 14  # three days of two scheduled files, two Export file now, two runs
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    for name, f in files.items():
        frame = read_back(out / name)
        rows = f["rows"]
        if fmt == "csv":
            rows = [{k: None if v is None else str(v) for k, v in r.items()} for r in rows]
        if rows or fmt != "json":
            assert list(frame.columns) == f["columns"], name
        assert frame.to_dict("records") == rows, name


def test_without_out_nothing_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_json(capsys, DELOREAN)
    assert list(tmp_path.iterdir()) == []


def test_bad_file_name_is_one_short_message(tmp_path, capsys):
    scenario = delorean_as(tmp_path, file_name="%DESTINATION%_%SEGMENT_ID%_%WHEN%")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(scenario) in err and "destinations[2]" in err and "unknown macro %WHEN%" in err
    assert not (tmp_path / "out").exists()


def test_out_that_is_a_file_is_one_short_message(tmp_path, capsys):
    blocker = tmp_path / "taken"
    blocker.write_text("")
    assert main(["run", str(DELOREAN), "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err
