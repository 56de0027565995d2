"""A local HTTP server for a test, stopped by a signal instead of a poll.

``socketserver``'s ``serve_forever`` looks at its shutdown flag every ``poll_interval`` (0.5 s): each test
using it waited up to half a second in its teardown.  ``serving`` runs the accept loop on a selector that
also watches one end of a socket pair; stopping writes to the other end, so the loop ends at once."""

from __future__ import annotations

import selectors
import socket
import socketserver
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["serving"]

STOP_TIMEOUT = 10.0  # a bound, never a wait: the loop ends as soon as it reads the stop signal


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[str]:
    """Serve ``server`` on a thread until the block ends -> its base URL (``http://127.0.0.1:PORT``); then
    stop the loop (no poll interval) and close the server."""
    stop_read, stop_write = socket.socketpair()

    def loop() -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(server, selectors.EVENT_READ)  # a server has fileno()
            selector.register(stop_read, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if stop_read in ready:
                    return
                server.handle_request()  # a connection is waiting: accepted at once

    thread = threading.Thread(target=loop, name="local-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        stop_write.send(b"\0")
        thread.join(STOP_TIMEOUT)
        stopped = not thread.is_alive()
        server.server_close()
        stop_read.close()
        stop_write.close()
        assert stopped, f"the local server did not stop within {STOP_TIMEOUT} s"
