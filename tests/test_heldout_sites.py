"""The held-out sites (tests/fixtures/heldout) as bench/heldout.py serves them: query URLs map to `%3F` files,
`{BASE}` becomes the site's address, pages go out as text/html without a charset, a missing path is a 404; and each
set's own self-check passes on the committed files."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.heldout import HELDOUT, load_truth, serve


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


def test_query_url_base_and_charset_as_the_format_says() -> None:
    server, base = serve(HELDOUT / "sites" / "ilcegazete")
    try:
        truth = load_truth()
        path = next(k.split("/", 1)[1] for k in truth["articles"] if k.startswith("ilcegazete/"))
        assert "?" in path
        status, ctype, body = fetch(f"{base}/{path}")
        assert (status, ctype) == (200, "text/html")
        assert b"{BASE}" not in body and truth["articles"][f"ilcegazete/{path}"]["title"].encode("iso-8859-9") in body
        status, _, robots = fetch(f"{base}/robots.txt")
        assert status == 200 and f"Sitemap: {base}/sitemap.xml".encode() in robots
        assert fetch(f"{base}/haber_detay.asp?id=999999")[0] == 404
        assert fetch(f"{base}/../truth-a.json")[0] == 404
    finally:
        server.shutdown()


@pytest.mark.parametrize("check", sorted(p.name for p in HELDOUT.glob("check_*.py")))
def test_set_self_check_passes(check: str) -> None:
    run = subprocess.run([sys.executable, str(Path(HELDOUT, check))], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
