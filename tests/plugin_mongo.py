"""A real MongoDB-wire-protocol server for the tests (FerretDB, SQLite backend), and store backends.

- `mongo_server` (session): NEWSBOT_TEST_MONGO_URI when set (CI starts FerretDB with
  scripts/start-ferretdb.sh), else a FerretDB started here from ~/go/bin/ferretdb (FERRETDB_BIN)
  in a temp dir on a free 127.0.0.1 port, stopped at the end of the session.
- `ferretdb_factory`: private FerretDB instances a test may stop and start again (outage tests).
- `store_backend`: parametrized over "ferretdb" and "embedded"; each test gets its own database.

When no server can be had: with CI=true the tests that need one FAIL; elsewhere they are skipped
with the command that fixes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pymongo
import pytest

from newsbot import settings as project_settings
from newsbot.store import StoreConfig, open_store
from tests.plugin_sites import ROOT

FERRETDB_BIN = Path(os.environ.get("FERRETDB_BIN") or Path.home() / "go" / "bin" / "ferretdb")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Scrapy setting that enables the crawl-run extension next to the project's own extensions.
RUNS_EXTENSIONS = json.dumps({**project_settings.EXTENSIONS, "newsbot.monitor.runs.CrawlRuns": 600})


def no_server(reason: str):
    """Fail in CI (a missing server must never pass unnoticed), skip elsewhere."""
    if IN_CI:
        pytest.fail(f"CI=true but no MongoDB-protocol server: {reason}", pytrace=False)
    pytest.skip(f"{reason} (build it: scripts/install-ferretdb.sh, or set NEWSBOT_TEST_MONGO_URI)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ping(uri: str, timeout_ms: int = 500) -> bool:
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms)
    try:
        client.admin.command("ping")
        return True
    except pymongo.errors.PyMongoError:
        return False
    finally:
        client.close()


class FerretDB:
    """One FerretDB process on 127.0.0.1 over a state/SQLite dir; stop() and start() keep the data."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, wait: float = 30.0) -> FerretDB:
        (self.workdir / "sqlite").mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "ferretdb.log", "ab")  # noqa: SIM115 (kept open for the process)
        self.proc = subprocess.Popen(
            [str(FERRETDB_BIN), "--handler=sqlite", f"--sqlite-url=file:{self.workdir / 'sqlite'}/",
             f"--listen-addr=127.0.0.1:{self.port}", f"--state-dir={self.workdir}", "--telemetry=disable",
             "--debug-addr=-", "--log-level=warn"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + wait
        while not ping(self.uri):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log_text = (self.workdir / "ferretdb.log").read_text(errors="replace")
                raise RuntimeError(f"FerretDB did not start; its log: {log_text[-2000:]}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@dataclass
class MongoServer:
    uri: str
    kind: str  # "external" (NEWSBOT_TEST_MONGO_URI) or "ferretdb" (started by the fixture)


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory):
    uri = os.environ.get("NEWSBOT_TEST_MONGO_URI")
    if uri:
        if not ping(uri, 5000):
            no_server("NEWSBOT_TEST_MONGO_URI is set but the server does not answer ping")
        yield MongoServer(uri, "external")
        return
    if not FERRETDB_BIN.exists():
        no_server(f"no FerretDB binary at {FERRETDB_BIN}")
    server = FerretDB(tmp_path_factory.mktemp("ferretdb")).start()
    try:
        yield MongoServer(server.uri, "ferretdb")
    finally:
        server.stop()


@pytest.fixture
def ferretdb_factory(tmp_path):
    """`make(workdir=None, port=None)` → a started FerretDB the test may stop/start; all stopped at the end."""
    if not FERRETDB_BIN.exists():
        no_server(f"no FerretDB binary at {FERRETDB_BIN}")
    servers: list[FerretDB] = []

    def make(workdir: Path | None = None, port: int | None = None) -> FerretDB:
        server = FerretDB(workdir or tmp_path / f"ferretdb-{len(servers)}", port).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@dataclass
class StoreBackend:
    """Where a test's crawls write: `env` for the crawl process, `config` for reading it back here."""

    name: str
    uri: str | None
    db_name: str
    data_dir: Path

    @property
    def env(self) -> dict[str, str]:
        env = {"NEWSBOT_MONGO_DB": self.db_name}
        if self.uri:
            env["NEWSBOT_MONGO_URI"] = self.uri
        return env

    @property
    def config(self) -> StoreConfig:
        return StoreConfig(self.uri, self.db_name, self.data_dir)

    def store(self):
        """The store (newsbot.store.Store, a context manager), opened in (and only for) the calling thread."""
        return open_store(self.config)

    def drop(self) -> None:
        if self.uri:
            with contextlib.suppress(Exception), pymongo.MongoClient(self.uri) as client:
                client.drop_database(self.db_name)


@pytest.fixture(params=["ferretdb", "embedded"])
def store_backend(request, tmp_path):
    """The same store test against FerretDB (a real server) and the embedded default (sqlite3).

    The data dir is tmp_path/"data", the one `crawl` passes to Scrapy."""
    db_name = f"t_{uuid.uuid4().hex[:12]}"
    uri = request.getfixturevalue("mongo_server").uri if request.param == "ferretdb" else None
    backend = StoreBackend(request.param, uri, db_name, tmp_path / "data")
    yield backend
    backend.drop()


def crawl_command(spider: str, *args: str, tmp: Path, settings: dict | None = None) -> list[str]:
    """The `scrapy crawl` command line used by `popen_crawl` (a crawl a test can watch or kill)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, *args, "-s", f"NEWSBOT_DATA_DIR={tmp / 'data'}",
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"EXTENSIONS={RUNS_EXTENSIONS}"]
    for key, value in (settings or {}).items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def popen_crawl(spider: str, *args: str, tmp: Path, env: dict, settings: dict | None = None,
                log: Path | None = None) -> subprocess.Popen:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    full_env.update(env)
    out = open(log or tmp / f"crawl-{uuid.uuid4().hex[:6]}.log", "wb")  # noqa: SIM115 (the child owns it)
    try:
        return subprocess.Popen(crawl_command(spider, *args, tmp=tmp, settings=settings), cwd=ROOT, env=full_env,
                                stdout=out, stderr=subprocess.STDOUT)
    finally:
        out.close()


def run_newsbot(*args: str, env: dict, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m newsbot …` in a subprocess with `env` on top of a URI-free environment."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-m", "newsbot", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=120)


def wait_for(predicate, what: str, timeout: float = 60.0, every: float = 0.1):
    """Poll until predicate() is truthy (returns it); a generous deadline only turns a hang into a failure."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)

