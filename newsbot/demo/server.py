"""A static fixture-site server on 127.0.0.1 (free port), used by the demo command and the tests.

Files are served from a directory; `{{BASE}}` inside .xml/.html files is replaced with the server's
base URL so that feeds and links point back at it. Extra routes can be added in code for tests.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

# A route returns (status, headers, body); tests use it for hostile or changing responses.
Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


class FixtureSite:
    """Serve `root` on 127.0.0.1; use as a context manager or call start()/stop()."""

    def __init__(self, root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root) if root else None
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = urlsplit(self.path).path
                with site._lock:
                    site.hits[path] = site.hits.get(path, 0) + 1
                route = site.routes.get(path) or site.routes.get(self.path)
                if route is not None:
                    status, headers, body = route(self)
                else:
                    status, headers, body = site._file(path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if not any(k.lower() == "content-length" for k in headers):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self._thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        return self.base + path

    def _file(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if self.root is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.root.resolve() not in target.parents or not target.is_file():
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>yok</body></html>"
        data = target.read_bytes()
        if target.suffix in (".xml", ".html", ".txt"):
            data = data.replace(b"{{BASE}}", self.base.encode())
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".xml":
            ctype = "application/xml"
        return 200, {"Content-Type": ctype}, data

    def start(self) -> FixtureSite:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


DEMO_SITE = Path(__file__).parent / "site"
