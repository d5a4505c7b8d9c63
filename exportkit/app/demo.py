"""`exportkit demo`: the course's explorer as a web page, served by Voila on a loopback port.

Voila runs `notebooks/demo.ipynb` with its sources hidden, in a pool of preheated kernels: each
kernel has run the notebook's setup before a visitor arrives, then reads the visitor's link
(`?scenario=delorean&destination=adnet&step=4&profile=marty`, with `voila.utils.get_query_string`)
and shows that view. Closing a tab shuts its kernel down (the page's shutdown call is accepted: no
XSRF token on this loopback-only server); a tab that dies without closing loses its kernel once it
has been idle and unconnected for `CULL_AFTER` seconds; the pool refills `FILL_DELAY` seconds after
a visitor takes a kernel. The page loads only the front-end extensions it uses (`FRONT_END`). This
module only starts and stops the server: what the page shows is `exportkit.ui.app`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path
from typing import TextIO
from urllib.parse import urlencode

from ..io.library import DEFAULT_SCENARIO

# `notebooks/demo.ipynb` in the repository, installed in the package exportkit.notebooks.
NOTEBOOK = Path(str(files("exportkit.notebooks") / "demo.ipynb"))
DEMO_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
START_TIMEOUT = 60.0
POOL_SIZE = 2  # warm kernels waiting for a visitor; each holds about 150 MB
# The page's front-end extensions: the widget manager, Voila's own for ipywidgets 8, anywidget.
FRONT_END = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8", "anywidget")
FILL_DELAY = 10.0  # seconds after a visitor takes a warm kernel before a new one starts
# Seconds a kernel with no page connected may stay idle before it is stopped (the browser test
# shortens it with EXPORTKIT_DEMO_CULL_AFTER to watch a dead tab's kernel go).
# The scenario file `exportkit demo FILE` opens: the demo notebook reads its path from here.
SCENARIO_FILE_ENV = "EXPORTKIT_DEMO_SCENARIO"
CULL_AFTER = int(os.environ.get("EXPORTKIT_DEMO_CULL_AFTER", "300"))


def free_port(host: str = DEMO_HOST) -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def voila_command(
    port: int,
    notebook: Path = NOTEBOOK,
    python: str = sys.executable,
    pool_size: int = POOL_SIZE,
    cull_after: int = CULL_AFTER,
) -> list[str]:
    """The Voila command line. `python -m voila` runs Voila, and so its kernels, in this very
    environment (jupyter_client starts a `python` kernelspec with the server's interpreter)."""
    return [
        python,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={DEMO_HOST}",
        "--Voila.port_retries=0",  # a taken port fails, never moves
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--Voila.log_level=WARN",
        # A page is usable at once: its kernel has already run the notebook's setup.
        "--preheat_kernel=True",
        f"--pool_size={pool_size}",
        # A page that takes a warm kernel is still loading its scripts: refilling the pool at
        # once (Voila's default, 1 s) starts a kernel and runs the notebook beside it, on the
        # same cores. The other warm kernels serve the next visitors meanwhile.
        f"--VoilaKernelManager.fill_delay={FILL_DELAY}",
        # The page's "shut my kernel down" call on closing carries no XSRF token: without this,
        # every closed tab logs a 403 and leaves its kernel running. Loopback only, no login.
        "--Voila.tornado_settings=disable_check_xsrf=True",
        # Only the front-end extensions the page uses (the widget manager and anywidget; Voila adds
        # its widgets-manager8): JupyterLab's others (jupytext, pygments ...) are JavaScript
        # the page would download and compile on every first visit for nothing.
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in FRONT_END),
        # Kernels talk over local sockets (no "running over TCP without encryption" warnings).
        "--KernelManager.transport=ipc",
        # A tab that closes says so (Voila's `beforeunload` beacon to /voila/api/shutdown) and its
        # kernel stops at once. A tab that dies without a word (a killed browser, a lost network)
        # leaves a kernel with no connection: culled once idle that long. Connected tabs are never
        # culled, however idle (a client reading), nor busy kernels; Voila never culls the warm
        # kernels of its pool (VoilaKernelManager.cull_kernel_if_idle skips them).
        f"--MappingKernelManager.cull_idle_timeout={cull_after}",
        f"--MappingKernelManager.cull_interval={max(1, min(60, cull_after // 4))}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
    ]


def port_in_use(port: int, host: str = DEMO_HOST) -> bool:
    """True when something already listens on `port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def address(port: int, scenario: str = DEFAULT_SCENARIO, step: int | None = None) -> str:
    query = {
        k: v
        for k, v in (("scenario", scenario if scenario != DEFAULT_SCENARIO else None), ("step", step))
        if v is not None
    }
    return f"http://{DEMO_HOST}:{port}/" + (f"?{urlencode(query)}" if query else "")


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = START_TIMEOUT) -> bool:
    """True once something accepts connections on `port`; False if `process` ends first or the
    time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            if s.connect_ex((DEMO_HOST, port)) == 0:
                return True
        time.sleep(0.1)
    return False


def serve(
    port: int = DEFAULT_PORT,
    scenario: str = DEFAULT_SCENARIO,
    step: int | None = None,
    out: TextIO = sys.stdout,
    scenario_file: Path | None = None,
) -> int:
    """Run Voila until interrupted (Ctrl-C or SIGTERM); returns the exit status. With
    `scenario_file`, the page opens that file (its kernels read it from `SCENARIO_FILE_ENV`)."""
    if not NOTEBOOK.is_file():
        print(f"exportkit demo: {NOTEBOOK} is missing", file=sys.stderr)
        return 2
    if port and port_in_use(port):
        print(
            f"exportkit demo: port {port} is already in use on {DEMO_HOST}; choose another "
            "(--port 0 picks a free one)",
            file=sys.stderr,
        )
        return 2
    port = port or free_port()
    trust(NOTEBOOK)
    env = dict(os.environ)
    if scenario_file is not None:
        env[SCENARIO_FILE_ENV] = str(Path(scenario_file).resolve())
    process = subprocess.Popen(voila_command(port), cwd=NOTEBOOK.parent, env=env)
    # Ctrl-C and SIGTERM both stop Voila and its kernels cleanly, even when SIGINT was ignored
    # at start (a background job of a non-interactive shell inherits it ignored).
    previous = {s: signal.signal(s, _interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not wait_for_port(port, process):
            print(
                f"exportkit demo: Voila did not start on port {port} (exit status {process.poll()})",
                file=sys.stderr,
            )
            return 1
        print(
            f"exportkit demo: open {address(port, DEFAULT_SCENARIO if scenario_file else scenario, step)}"
            f" (scenario {scenario_file or scenario})",
            file=out,
            flush=True,
        )
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _stop(process)


def trust(notebook: Path) -> None:
    """Sign the demo notebook in this user's trust database, so Voila does not warn that it is
    not trusted on every page (its outputs are ours: we built it)."""
    import nbformat
    from nbformat.sign import NotebookNotary

    nb = nbformat.read(notebook, as_version=4)
    notary = NotebookNotary()
    if not notary.check_signature(nb):
        notary.sign(nb)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


__all__ = [
    "CULL_AFTER",
    "DEFAULT_PORT",
    "FILL_DELAY",
    "FRONT_END",
    "NOTEBOOK",
    "POOL_SIZE",
    "SCENARIO_FILE_ENV",
    "address",
    "free_port",
    "serve",
    "trust",
    "voila_command",
]
