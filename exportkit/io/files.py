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
(`OutputError`): a full disk, a file-size limit or a permission taken away while staging, or a
rename refused part-way through the move (the files moved in are taken back out, and the ones
they replaced put back). Two runs aimed at one folder never mix their files: a run holds a lock
on the folder from its first staged file to the last move, and a second run is refused in one
line while it does. A staging folder left by a run that was killed is removed by the next run
that holds the lock. Files are staged in the order of the replay: a static name (B-F5) is written
again, and the last one stays. Names never repeat otherwise (`filenames.NameBook`).
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
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
    staging folder, so nothing of a failed or interrupted run appears in `folder`. The folder is
    locked from here to the end of `commit` or `discard`: a second `StagedFolder` on it is an
    `OutputError` meanwhile."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.names: dict[str, None] = {}  # staged names, in order; a static name once (B-F5)
        self.rewritten = 0  # files that replaced an earlier file of the run (static names, B-F5)
        self._lock: int | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = _lock(self.folder)
            for stale in self.folder.glob(STAGE_PREFIX + "*"):  # a killed run's: we hold the lock
                shutil.rmtree(stale, ignore_errors=True)
            self.stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.folder))
        except OSError as err:
            self._unlock()
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
        """Move every staged file into the folder, all or none.

        Each file an output replaces is first kept as a hard link in the staging folder, so a
        move refused part-way (a permission taken away, a full disk) is undone: the files moved
        in go, the replaced ones come back."""
        for name in self.names:
            target = self.folder / name
            if target.is_dir() and not target.is_symlink():
                raise OutputError(f"{target}: is a folder, so the file {name} cannot be written there")
        kept = self.stage / ".replaced"
        moved: list[str] = []
        try:
            kept.mkdir()
            for name in self.names:
                if os.path.lexists(self.folder / name):
                    os.link(self.folder / name, kept / name, follow_symlinks=False)
            for name in self.names:
                os.replace(self.stage / name, self.folder / name)  # replaces a link, never follows it
                moved.append(name)
        except OSError as err:
            undone = self._undo(moved, kept)
            self.discard()
            said = "" if undone else "; some files could not be put back as they were"
            raise OutputError(
                f"{self.folder}: cannot move the files in ({err.strerror or err}){said}"
            ) from None
        self.discard()
        return [self.folder / name for name in self.names]

    def _undo(self, moved: list[str], kept: Path) -> bool:
        """Take the files moved in back out and put the replaced ones back; False if one failed."""
        ok = True
        for name in reversed(moved):
            try:
                if os.path.lexists(kept / name):
                    os.replace(kept / name, self.folder / name)
                else:
                    os.unlink(self.folder / name)
            except OSError:
                ok = False
        return ok

    def discard(self) -> None:
        """Remove the staging folder and release the folder's lock."""
        if getattr(self, "stage", None) is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None


def _lock(folder: Path) -> int:
    """An exclusive lock on `folder` itself (nothing is written for it); refused at once if
    another run holds it."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputError(
            f"{folder}: another exportkit run is writing files there; run again when it ends "
            "(two runs never mix their files in one folder)"
        ) from None
    except OSError:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise
    return fd


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
