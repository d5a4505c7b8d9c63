"""`exportkit demo`: the Voila command line and the CLI's checks (the server itself is exercised by
tests/test_browser.py)."""

from __future__ import annotations

import socket
import sys

import pytest

from exportkit.app.cli import main
from exportkit.app.demo import NOTEBOOK, address, free_port, voila_command


def test_voila_runs_the_demo_notebook_in_this_environment_on_loopback_only():
    cmd = voila_command(8866)
    assert cmd[:3] == [sys.executable, "-m", "voila"]
    assert cmd[3] == str(NOTEBOOK) and NOTEBOOK.is_file()
    for flag in (
        "--no-browser",
        "--port=8866",
        "--Voila.ip=127.0.0.1",
        "--strip_sources=True",
        "--Voila.port_retries=0",
        "--preheat_kernel=True",
        "--pool_size=2",
        "--Voila.tornado_settings=disable_check_xsrf=True",
        "--VoilaKernelManager.fill_delay=10.0",
        # only the widget manager and anywidget in the page, not JupyterLab's other extensions
        "--VoilaConfiguration.extension_allowlist=@jupyter-widgets/jupyterlab-manager",
        "--VoilaConfiguration.extension_allowlist=@voila-dashboards/widgets-manager8",
        "--VoilaConfiguration.extension_allowlist=anywidget",
        # a dead tab's kernel goes once idle and unconnected; open tabs and the pool stay
        "--MappingKernelManager.cull_idle_timeout=300",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
    ):
        assert flag in cmd
    assert sum("extension_allowlist" in c for c in cmd) == 3
    assert "--MappingKernelManager.cull_interval=2" in voila_command(8866, cull_after=10)


def test_the_page_is_voilas_own_with_nothing_written_ahead_of_the_widgets():
    """One source per step: the widgets, from the kernel (no page template of our own, no view
    written into the HTML before them)."""
    assert not any(c.startswith("--template") for c in voila_command(8866))


def test_the_demo_notebook_reads_the_link_after_its_setup():
    """Preheated kernels run the notebook before the visitor's request: the link must be read with
    voila.utils.get_query_string (which waits for it), after the app is built."""
    import nbformat

    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    setup = next(i for i, c in enumerate(cells) if "App(sync_address=True" in c)
    link = next(i for i, c in enumerate(cells) if "get_query_string()" in c and "follow(" in c)
    assert setup < link
    assert "app.show()" in cells[link]
    assert not any("QUERY_STRING" in c for c in cells)


def test_trust_signs_the_notebook(tmp_path, monkeypatch):
    import nbformat
    from nbformat.sign import NotebookNotary

    from exportkit.app.demo import trust

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    copy = tmp_path / "demo.ipynb"
    copy.write_text(NOTEBOOK.read_text())
    trust(copy)
    assert NotebookNotary().check_signature(nbformat.read(copy, as_version=4))


@pytest.mark.parametrize(
    ("scenario", "step", "expected"),
    [
        pytest.param("delorean", None, "http://127.0.0.1:8866/", id="default"),
        pytest.param("backfill", None, "http://127.0.0.1:8866/?scenario=backfill", id="scenario"),
        pytest.param("backfill", 3, "http://127.0.0.1:8866/?scenario=backfill&step=3", id="step"),
    ],
)
def test_address(scenario, step, expected):
    assert address(8866, scenario, step) == expected


def test_free_port_is_free():
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["demo", "--scenario", "nope"],
            "exportkit: unknown scenario 'nope'; choose one of ",
            id="unknown-scenario",
        ),
        pytest.param(
            ["demo", "--port", "70000"], "exportkit: --port 70000 is not a port number", id="bad-port"
        ),
    ],
)
def test_demo_refuses_bad_options(argv, message, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(message)


def test_demo_refuses_a_broken_scenario_file_with_its_located_problem(tmp_path, capsys):
    broken = tmp_path / "mine.yaml"
    broken.write_text("name: x\nsegments: []\nprofiles: []\ndestinations: []\nevents: 3\n")
    assert main(["demo", str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"exportkit demo: {broken}:5: events: must be a list")


def test_the_demo_notebook_opens_the_file_the_demo_was_started_with():
    """`exportkit demo FILE` hands the file to Voila's kernels in SCENARIO_FILE_ENV."""
    import nbformat

    from exportkit.app.demo import SCENARIO_FILE_ENV

    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    assert any(f'scenario_file=os.environ.get("{SCENARIO_FILE_ENV}")' in c for c in cells)
