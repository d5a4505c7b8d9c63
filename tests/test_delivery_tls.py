"""HTTPS delivery (issue 25) against a TLS server on loopback, with a certificate made in the
test by the `openssl` command: verified against `--ca-bundle` or the system's store, and each
certificate or handshake failure a failed attempt whose dead-letter line names the cause."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from exportkit import load_scenario, replay
from exportkit.app.cli import main
from exportkit.io.delivery import deliver, read_dead_letters
from exportkit.io.library import dataset_path
from exportkit.io.receiver import Receiver

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


def make_certificate(folder: Path, name: str, san: str) -> tuple[Path, Path]:
    """A self-signed certificate (its own authority) for `san`, and its key."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
            "-addext", f"subjectAltName={san}", "-addext", "basicConstraints=critical,CA:TRUE",
        ],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


class TLSServer:
    """Answers every POST with 200 over TLS, recording the bodies."""

    def __init__(self, cert: Path, key: Path):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.bodies: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, raw: socket.socket) -> None:
        raw.settimeout(5)
        with contextlib.suppress(OSError), self.context.wrap_socket(raw, server_side=True) as conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            self.bodies.append(body)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("certs")
    return {
        "loopback": make_certificate(folder, "loopback", "IP:127.0.0.1"),
        "elsewhere": make_certificate(folder, "elsewhere", "DNS:example.org"),
    }


@pytest.fixture
def tls_server(certificates) -> Iterator[TLSServer]:
    server = TLSServer(*certificates["loopback"])
    yield server
    server.close()


def _message():
    result = replay(load_scenario(dataset_path("microbatching")))
    return next(m for m in result.messages() if m.destination == "http-api")


def test_https_is_delivered_when_the_certificate_is_in_the_bundle(tmp_path, tls_server, certificates):
    url = f"https://127.0.0.1:{tls_server.port}/in"
    (d,) = deliver(
        [_message()], url, timeout=2, ca_bundle=certificates["loopback"][0], dead_letter=tmp_path / "d"
    )
    assert d.delivered, [a.error for a in d.attempts]
    assert len(tls_server.bodies) == 1


@pytest.mark.parametrize(
    ("bundle", "host", "words"),
    [
        pytest.param(None, "127.0.0.1", "certificate was not accepted (self-signed", id="system-store"),
        pytest.param("elsewhere", "127.0.0.1", "certificate was not accepted", id="other-authority"),
        pytest.param("loopback", "localhost", "certificate was not accepted (Hostname mismatch", id="host"),
    ],
)
def test_a_certificate_that_is_not_trusted_is_a_failed_attempt_named_in_the_dead_letter_line(
    tmp_path, tls_server, certificates, bundle, host, words
):
    dead = tmp_path / "dead.jsonl"
    url = f"https://{host}:{tls_server.port}/in"
    ca = certificates[bundle][0] if bundle else None
    (d,) = deliver([_message()], url, timeout=2, attempts=2, backoff=0, ca_bundle=ca, dead_letter=dead)
    assert not d.delivered and tls_server.bodies == []
    (record,) = read_dead_letters(dead)
    assert [words in a["error"] for a in record["attempts"]] == [True, True], record["attempts"]


def test_a_server_that_does_not_speak_tls_is_a_handshake_failure(tmp_path):
    dead = tmp_path / "dead.jsonl"
    with Receiver() as plain:
        url = plain.url.replace("http://", "https://")
        (d,) = deliver([_message()], url, timeout=2, attempts=1, dead_letter=dead)
    assert not d.delivered
    (record,) = read_dead_letters(dead)
    assert "TLS handshake failed" in record["attempts"][0]["error"], record["attempts"]


def test_the_command_delivers_to_https_with_a_ca_bundle(tmp_path, tls_server, certificates):
    url = f"https://127.0.0.1:{tls_server.port}/in"
    process = subprocess.run(
        [
            sys.executable, "-m", "exportkit", "run", "microbatching", "--no-payload", "--no-progress",
            "--deliver", f"http-api={url}", "--ca-bundle", str(certificates["loopback"][0]),
            "--dead-letter", str(tmp_path / "dead.jsonl"),
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    assert tls_server.bodies and not (tmp_path / "dead.jsonl").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(None, "No such file", id="missing"),
        pytest.param("not a certificate\n", "not a usable certificate bundle", id="not-pem"),
    ],
)
def test_an_unusable_ca_bundle_is_refused_before_anything_runs(tmp_path, capsys, content, words):
    bundle = tmp_path / "ca.pem"
    if content is not None:
        bundle.write_text(content)
    code = main(
        ["run", "microbatching", "--deliver", "http-api=https://127.0.0.1:9/", "--ca-bundle", str(bundle)]
    )
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith(f"exportkit: --ca-bundle {bundle}: ") and err.count("\n") == 1, err
    assert words in err
