"""A deadline for a whole exchange on a socket, whatever the other side does.

A socket timeout bounds each read or write, not the exchange: a peer that sends one byte just
within it (a trickled header, a chunked or close-delimited body that never ends, a reader that
stops reading a large upload) keeps a call alive forever. `Cutoff` shuts the socket down when its
deadline passes, which ends any blocked read, write or TLS handshake at once, in whichever object
(an `http.client` response, an `ssl` socket) holds the socket by then. It holds a duplicate of the
descriptor, so it still finds the socket after `http.client` hands it to a response and forgets
it (`Connection: close`), and after `ssl` wraps it.

Delivery (one call to an endpoint) and the receiver (one request from a client) both use it.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class Cutoff:
    """Shut down every socket given to `watch` once `seconds` have passed (unless `close`d first).

    Use it as a context manager around the exchange; `expired` says whether the deadline cut it,
    so a read that ended because of the shutdown is not mistaken for a complete answer."""

    def __init__(self, seconds: float):
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []
        self._expired = threading.Event()
        self._timer = threading.Timer(max(seconds, 0.0), self.cut)
        self._timer.daemon = True

    @property
    def expired(self) -> bool:
        return self._expired.is_set()

    def __enter__(self) -> Cutoff:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def watch(self, sock: socket.socket) -> None:
        """Cut `sock` at the deadline (at once if it has passed already)."""
        copy = sock.dup()  # the same kernel socket: shutting the copy down ends the original's calls
        with self._lock:
            self._watched.append(copy)
            if self._expired.is_set():
                _shutdown(copy)

    def cut(self) -> None:
        """The deadline passed: end every exchange wherever it is blocked."""
        with self._lock:
            self._expired.set()
            for sock in self._watched:
                _shutdown(sock)

    def close(self) -> None:
        """Stop the timer and let go of the duplicates (the sockets themselves stay open)."""
        self._timer.cancel()
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its owner
        sock.shutdown(socket.SHUT_RDWR)


__all__ = ["Cutoff"]
