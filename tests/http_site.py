"""A real HTTP site on 127.0.0.1 for the fetching tests: routes set per test, every request recorded."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Site:
    """A local site: `routes` maps a path to (status, headers, body) or to a function of the request's headers
    returning that; a body that is not bytes is an iterable of chunks, sent as they come, without a length (a
    trickle, or more than anyone should read). Every request is recorded as (path, headers, monotonic time)."""

    def __init__(self):
        self.routes: dict = {"/robots.txt": (404, {}, b"")}
        self.requests: list[tuple[str, dict, float]] = []

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.requests]


@contextmanager
def serving(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            site.requests.append((self.path, dict(self.headers), time.monotonic()))
            route = site.routes.get(self.path, (404, {}, b"not here"))
            status, headers, body = route(dict(self.headers)) if callable(route) else route
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(body, bytes):
                self.send_header("Content-Length", str(len(body)))
                body = [body]
            try:
                self.end_headers()
                for chunk in body:
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout, a cap): as it should
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
