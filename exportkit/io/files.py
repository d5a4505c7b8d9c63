"""Write export files to disk, and read them back: the only part of exportkit that touches disk.

Formats (B-F1), for an `ExportFile` whose `columns` and `rows` the core computed:

- **csv**: a header row (the column names), then one line per row; an absent attribute (null) is
  an empty field. An empty file is the header alone (A8).
- **json**: JSON lines: one object per row, keys in column order, `null` for an absent attribute.
  An empty file has no line at all (JSON lines has no header).
- **parquet**: one column per export column, through pyarrow. A column whose values do not share
  one type is written as text; a column with no value at all is typed as text.

With `compression: gzip` a CSV or JSON file is gzip-compressed whole (`.gz`), and a parquet file
uses parquet's own gzip codec inside (so pandas and any parquet reader open it as it is), with a
fixed modification time, so the same replay writes the same
bytes.

Writing is all or nothing (`StagedFolder`): every file of a run is first written into a hidden
staging folder inside the output folder, each through a new file opened without following links,
and only when all are written are they moved into place, one rename each. A rename replaces a
link named like an output file; it never writes through it to a file elsewhere. If anything
fails (a value parquet cannot hold, a name too long, a folder named like a file), the staging
folder is removed and the output folder is left as it was, with one line saying why
(`OutputError`). Files are staged in the order of the replay: a static name (B-F5) is written
again, and the last one stays. Names never repeat otherwise (`filenames.NameBook`).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.exportfile import ExportFile

if TYPE_CHECKING:  # pandas is imported only when a file is read back
    import pandas


def file_bytes(f: ExportFile) -> bytes:
    """The content of `f` in its format and compression."""
    if f.format == "parquet":  # parquet compresses its column chunks itself: readers expect it
        return _parquet(f, "gzip" if f.compression == "gzip" else "none")
    data = _csv(f) if f.format == "csv" else _json_lines(f)
    return gzip.compress(data, mtime=0) if f.compression == "gzip" else data


class OutputError(Exception):
    """The files of a run could not be written; nothing was (the folder is as it was)."""


STAGE_PREFIX = ".exportkit-staging-"


class StagedFolder:
    """A run's files, written to a staging folder inside `folder`, moved in by `commit` only.

    Use it as a context manager: leaving it by an exception (or without `commit`) removes the
    staging folder, so nothing of a failed or interrupted run appears in `folder`."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.names: dict[str, None] = {}  # staged names, in order; a static name once (B-F5)
        self.rewritten = 0  # files that replaced an earlier file of the run (static names, B-F5)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.folder))
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot write files ({err.strerror or err})") from None

    def __enter__(self) -> StagedFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, f: ExportFile) -> None:
        """Write `f` into the staging folder (its content is made here: parquet may refuse it)."""
        try:
            data = file_bytes(f)
        except Exception as err:  # pyarrow refuses values it cannot type; say which file
            raise OutputError(f"{f.name}: cannot be written as {f.format}: {err}") from None
        if f.name in self.names:
            self.rewritten += 1
        try:
            _write_new(self.stage / f.name, data)
        except OSError as err:
            raise OutputError(f"{self.folder / f.name}: cannot be written ({err.strerror or err})") from None
        self.names[f.name] = None

    def commit(self) -> list[Path]:
        """Move every staged file into the folder (after checking that each one can go there)."""
        for name in self.names:
            target = self.folder / name
            if target.is_dir() and not target.is_symlink():
                raise OutputError(f"{target}: is a folder, so the file {name} cannot be written there")
        out = []
        for name in self.names:
            os.replace(self.stage / name, self.folder / name)  # replaces a link, never follows it
            out.append(self.folder / name)
        self.discard()
        return out

    def discard(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


def _write_new(path: Path, data: bytes) -> None:
    """Write `data` to a new file at `path` (replacing a staged one), never through a link."""
    if path.is_symlink() or path.exists():
        path.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)


def write_file(f: ExportFile, folder: str | Path) -> Path:
    """Write `f` into `folder` (created if needed) under its own name, atomically; return the path."""
    return write_files([f], folder)[0]


def write_files(files: Iterable[ExportFile], folder: str | Path) -> list[Path]:
    """Write every file, all or none (`StagedFolder`); a static name written twice keeps the
    later file (B-F5). The paths are those on disk, each once."""
    with StagedFolder(folder) as stage:
        for f in files:
            stage.add(f)
        return stage.commit()


def read_back(path: str | Path) -> pandas.DataFrame:
    """Read an export file with pandas (format and compression from its name); nulls are None."""
    import pandas as pd

    path = Path(path)
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    raw = path.read_bytes()
    data = gzip.decompress(raw) if path.name.endswith(".gz") else raw
    if name.endswith(".csv"):
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        frame = frame.replace("", None)
    elif name.endswith(".json"):
        if not data.strip():
            return pd.DataFrame()
        frame = pd.read_json(io.BytesIO(data), lines=True, dtype=False)
    elif name.endswith(".parquet"):
        frame = pd.read_parquet(io.BytesIO(data), dtype_backend="numpy_nullable")
    else:
        raise ValueError(f"{path.name}: not a .csv, .json or .parquet file")
    return frame.astype(object).where(frame.notna(), None)


def _csv(f: ExportFile) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(f.columns)
    for row in f.rows:
        writer.writerow(["" if row[c] is None else row[c] for c in f.columns])
    return out.getvalue().encode("utf-8")


def _json_lines(f: ExportFile) -> bytes:
    lines = [json.dumps({c: row[c] for c in f.columns}, ensure_ascii=False) for row in f.rows]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _parquet(f: ExportFile, compression: str) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = [_arrow_column(pa, [row[c] for row in f.rows]) for c in f.columns]
    table = pa.Table.from_arrays(arrays, names=list(f.columns))
    sink = io.BytesIO()
    pq.write_table(table, sink, compression=compression)
    return sink.getvalue()


def _arrow_column(pa: Any, values: list[Any]) -> Any:
    kinds = {type(v) for v in values if v is not None}
    if len(kinds) == 1 and kinds <= {str, int, float, bool}:
        return pa.array(values)
    if not kinds:
        return pa.array(values, type=pa.string())
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


__all__ = ["OutputError", "StagedFolder", "file_bytes", "read_back", "write_file", "write_files"]
