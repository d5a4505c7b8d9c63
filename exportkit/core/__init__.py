"""The pure core: models, rules, the replay and its rendering. No disk, network, clock or widgets.

The replay's modules may also be installed compiled by mypyc from these same sources (see
`setup.py`); `compiled()` says whether they run so. Compiled modules built from sources that have
changed since would run yesterday's rules, so they are refused here, before any module of the core
is imported: the build leaves the digests of its sources beside them (`_compiled.json`).
"""

import hashlib
import json
from pathlib import Path

_HERE = Path(__file__).parent


def compiled() -> bool:
    """True when the replay runs compiled (mypyc), False when it runs as pure Python."""
    from . import engine

    return not engine.__file__.endswith(".py")


def _refuse_changed_sources(folder: Path = _HERE) -> None:
    record = folder / "_compiled.json"
    if not record.exists():
        return  # pure Python, or a build that keeps no record: nothing to hold against the sources
    built_from: dict[str, str] = json.loads(record.read_text(encoding="utf-8"))
    for name, digest in sorted(built_from.items()):
        source = folder / f"{name}.py"
        if not any(folder.glob(f"{name}.*.so")):
            continue  # this module was not compiled (or its compiled file was removed)
        if source.exists() and hashlib.sha256(source.read_bytes()).hexdigest() != digest:
            raise ImportError(
                f"exportkit: {source} changed after it was compiled, so its compiled module would "
                "run the old code; build it again with `make` (or `pip install -e .`), or delete "
                "exportkit/core/*.so to run pure Python"
            )


_refuse_changed_sources()

__all__ = ["compiled"]
