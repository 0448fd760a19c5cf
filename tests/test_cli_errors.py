"""User mistakes and site failures: exit codes and one line on stderr, never a traceback.

Every case runs the real command as a subprocess (against a fixture site on 127.0.0.1 where it
crawls). Exit codes of `scrapy crawl`: 0 health ok/warn, 1 health fail, 2 usage or configuration error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugin_mongo import free_port
from tests.plugin_sites import ROOT


def run(*cmd: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", *cmd], cwd=ROOT, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(("args", "expected"), [
    ((), "spider 'news' needs a start URL: scrapy crawl news -a url="),
    (("-a", "url=ftp://x"), "-a url must be an http(s) URL with a host, got 'ftp://x'"),
    (("-a", "url=not a url"), "-a url must be an http(s) URL with a host, got 'not a url'"),
    (("-a", "url=http://"), "-a url must be an http(s) URL with a host, got 'http://'"),
    (("-a", "url=https:///haber/1.html"), "-a url must be an http(s) URL with a host"),
    (("-a", "url=http://127.0.0.1:8080/rss.xml", "-a", "render=flash"), "'render' must be \"js\" or absent"),
])
def test_bad_crawl_arguments_are_one_line_and_exit_2(args, expected, tmp_path):
    out = run("scrapy", "crawl", "news", *args, "-s", f"NEWSBOT_DATA_DIR={tmp_path}")
    assert out.returncode == 2
    assert expected in one_line(out.stderr)
    assert not any(tmp_path.iterdir())  # refused before anything started


def test_unknown_spider_is_one_line_and_exit_2():
    out = run("scrapy", "crawl", "nosuch")
    assert out.returncode == 2
    assert one_line(out.stderr) == "scrapy crawl: unknown spider 'nosuch'; known: aa, dha, iha, news"


@pytest.fixture
def broken_sources(tmp_path) -> dict:
    """A source config without its `url` in a start point, in an extra config directory."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "kirik.toml").write_text('name = "kirik"\ndomains = ["kirik.test"]\n[[start]]\nkind = "feed"\n',
                                        encoding="utf-8")
    return {"NEWSBOT_SOURCES_DIRS": str(sources)}


@pytest.mark.parametrize("command", [("list",), ("crawl", "aa")])
def test_invalid_source_config_is_one_line_naming_file_and_key(broken_sources, command):
    out = run("scrapy", *command, env=broken_sources)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert line.startswith(f"scrapy {command[0]}: ") and "kirik.toml: start[0] needs a 'url' string" in line


@pytest.mark.slow
def test_unreachable_site_fails_the_crawl_and_its_robots_txt_is_one_warning(tmp_path):
    """Every fetch fails (nothing listens on the port): health fail, exit 1; robots.txt is one WARNING."""
    url = f"http://127.0.0.1:{free_port()}/rss.xml"
    out = run("scrapy", "crawl", "news", "-a", f"url={url}", "-s", f"NEWSBOT_DATA_DIR={tmp_path}",
              "-s", "NEWSBOT_RETRY_BACKOFF_BASE=0.05", "-s", "NEWSBOT_EXTRACT_WORKERS=0")
    assert out.returncode == 1, out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    robots = [line for line in out.stderr.splitlines() if "robots.txt" in line]
    assert len(robots) == 1, robots
    assert "WARNING: robots.txt of http://127.0.0.1:" in robots[0] and "could not be fetched" in robots[0]
    assert "ERROR: RUN HEALTH FAIL" in out.stderr


# -- python -m newsbot extract ----------------------------------------------------------------------

BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
}


@pytest.mark.parametrize("kind", [*BINARIES, "elf"])
def test_extract_refuses_binary_input_with_one_line_and_exit_2(tmp_path, kind):
    if kind == "elf":
        page = Path("/bin/ls")
    else:
        page = tmp_path / f"page.{kind}"
        page.write_bytes(BINARIES[kind])
    out = run("newsbot", "extract", str(page), "--url", "https://haber.test/a-1.html")
    assert out.returncode == 2
    assert out.stdout == ""
    assert one_line(out.stderr).startswith(f"newsbot extract: {page} is not a page (binary content")


def test_extract_into_a_closed_pipe_ends_quietly(tmp_path):
    """`extract PAGE | head -1`: the reader leaves after one line; output larger than a pipe's buffer
    (64 KiB) makes sure the write really meets the closed pipe."""
    paragraphs = "".join(f"<p>Paragraf {i}: valilik kuvvetli yağış uyarısında bulundu, vatandaşlar "
                         "dikkatli olmaya çağrıldı.</p>" for i in range(3000))
    page = tmp_path / "buyuk.html"
    page.write_text(f"<html><head><title>Büyük haber</title></head><body><article><h1>Büyük haber</h1>{paragraphs}"
                    "</article></body></html>", encoding="utf-8")
    cmd = f"{sys.executable} -m newsbot extract {page} --url https://haber.test/buyuk-1.html | head -1"
    out = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout == "{\n"
    assert out.stderr == ""
    assert out.returncode == 0
