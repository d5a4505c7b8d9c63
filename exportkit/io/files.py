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
bytes. Files are written in the order of the replay: a static name (B-F5) is overwritten.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
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


def write_file(f: ExportFile, folder: str | Path) -> Path:
    """Write `f` into `folder` (created if needed) under its own name; return the path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f.name
    path.write_bytes(file_bytes(f))
    return path


def write_files(files: Iterable[ExportFile], folder: str | Path) -> list[Path]:
    """Write every file, in order; a name written twice keeps the later file (B-F5)."""
    return [write_file(f, folder) for f in files]


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


__all__ = ["file_bytes", "read_back", "write_file", "write_files"]
