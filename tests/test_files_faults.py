"""Files under faults (issue 25): a write that fails part-way (a full disk, a file-size limit, a
rename refused) leaves the folder exactly as it was, says so in one line and exits 2; two runs
aimed at one folder never mix their files."""

from __future__ import annotations

import errno
import fcntl
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from exportkit.app.cli import main
from exportkit.io import files
from exportkit.io.files import OutputError, write_files

from .test_files import make_file

SCENARIO = "newsletter_files"  # nine small JSON files, each a few hundred bytes


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry of `folder`, hidden ones included, with its content."""
    return {p.name: (p.read_bytes() if p.is_file() else b"<folder>") for p in sorted(folder.iterdir())}


def _run(out: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exportkit", "run", SCENARIO, "--no-progress", "--out", str(out)],
        capture_output=True, text=True, timeout=120, **kwargs,
    )  # fmt: skip


def _one_line(process: subprocess.CompletedProcess[str], words: str) -> None:
    assert process.returncode == 2, (process.returncode, process.stderr)
    assert "Traceback" not in process.stderr and process.stderr.count("\n") == 1, process.stderr
    assert words in process.stderr and "no file was written" in process.stderr, process.stderr


def test_a_file_size_limit_reached_part_way_leaves_the_folder_as_it_was(tmp_path):
    """ulimit -f: without care the process is killed by SIGXFSZ and its staging folder stays."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.json").write_text("old")
    before = _snapshot(out)

    def limit() -> None:  # the first file fits, a later one does not
        resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))

    process = _run(out, preexec_fn=limit)
    _one_line(process, "File too large")
    assert _snapshot(out) == before


def _mount_small_disk(folder: Path) -> None:
    folder.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("mounting a small tmpfs needs root")


def test_a_full_disk_part_way_leaves_the_folder_as_it_was(tmp_path):
    disk = tmp_path / "disk"
    _mount_small_disk(disk)
    try:
        out = disk / "out"
        out.mkdir()
        (out / "old.json").write_text("old")
        filler = disk / "filler"
        with filler.open("wb", buffering=0) as f:  # fill the disk, then free three pages
            for _ in range(64):
                try:
                    f.write(b"x" * 4096)
                except OSError as err:
                    assert err.errno == errno.ENOSPC
                    break
        filler.write_bytes(filler.read_bytes()[: -3 * 4096])
        before = _snapshot(out)
        process = _run(out)
        _one_line(process, "No space left on device")
        assert _snapshot(out) == before
    finally:
        subprocess.run(["umount", str(disk)], check=False, capture_output=True)


def test_a_move_refused_part_way_is_undone(tmp_path, monkeypatch):
    """A permission taken away while the files move in: the second rename fails, the first file
    moved in is taken back out and the file it replaced is back."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old a")
    (out / "old.csv").write_text("old")
    before = _snapshot(out)
    real_replace, calls = os.replace, []

    def refuse_second(src, dst) -> None:
        calls.append(dst)
        if len(calls) == 2 and Path(dst).parent == out:
            raise PermissionError(errno.EACCES, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", refuse_second)
    with pytest.raises(OutputError, match=r"cannot move the files in \(Permission denied\)$"):
        write_files([make_file(name="a.csv"), make_file(name="b.csv")], out)
    assert _snapshot(out) == before


def test_a_second_run_aimed_at_a_folder_in_use_is_refused_in_one_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.json").write_text("old")
    before = _snapshot(out)
    touched = out.stat().st_mtime_ns  # any entry made or removed there, even for a moment, moves it
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a first run is writing there
        process = _run(out)
    finally:
        os.close(fd)
    _one_line(process, "another exportkit run is writing files there")
    assert _snapshot(out) == before
    # nothing, not even a probe, before the lock: two runs' probes raced (one removed the other's)
    assert out.stat().st_mtime_ns == touched
    assert _run(out).returncode == 0  # once the first run ends, the next one writes


def test_two_runs_at_once_never_mix_their_files(tmp_path):
    """Each run writes all its files or, refused while the other writes, none."""
    out = tmp_path / "out"
    alone = tmp_path / "alone"
    assert _run(alone).returncode == 0
    expected = _snapshot(alone)
    command = [sys.executable, "-m", "exportkit", "run", SCENARIO, "--no-progress", "--out", str(out)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=120)[1] for p in runs]
    results = [(p.returncode, err) for p, err in zip(runs, errors, strict=True)]
    for code, err in results:
        assert code in (0, 2) and "Traceback" not in err, err
        if code == 2:
            assert "another exportkit run is writing files there" in err
    assert any(code == 0 for code, _ in results)
    assert _snapshot(out) == expected  # the same files whether one run or two wrote them


def test_a_staging_folder_left_by_a_killed_run_is_removed_by_the_next(tmp_path, capsys):
    out = tmp_path / "out"
    (out / (files.STAGE_PREFIX + "killed")).mkdir(parents=True)
    (out / (files.STAGE_PREFIX + "killed") / "half.json").write_text("{")
    assert main(["run", SCENARIO, "--no-progress", "--out", str(out)]) == 0
    capsys.readouterr()
    assert not any(p.name.startswith(files.STAGE_PREFIX) for p in out.iterdir())
