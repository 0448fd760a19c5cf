"""A Redis server for the tests (Debian's redis-server, on 127.0.0.1).

- `redis_server` (session): NEWSBOT_TEST_REDIS_URL when set (CI starts Redis with scripts/start-redis.sh),
  else a `redis-server` started here on a free 127.0.0.1 port in a temp dir (no persistence), stopped at
  the end of the session.
- `redis_url`: the server's URL plus a fresh key prefix (NEWSBOT_REDIS_PREFIX) for one test, whose keys
  are deleted afterwards.

When no server can be had: with CI=true the tests that need one FAIL; elsewhere they are skipped with the
command that fixes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass

import pytest
import redis

from tests.plugin_mongo import IN_CI, free_port

REDIS_BIN = os.environ.get("REDIS_SERVER_BIN") or shutil.which("redis-server") or "/usr/bin/redis-server"


def no_redis(reason: str):
    """Fail in CI (a missing server must never pass unnoticed), skip elsewhere."""
    if IN_CI:
        pytest.fail(f"CI=true but no Redis server: {reason}", pytrace=False)
    pytest.skip(f"{reason} (apt-get install redis-server, or set NEWSBOT_TEST_REDIS_URL)")


def redis_ping(url: str, timeout: float = 0.5) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@dataclass
class RedisServer:
    url: str
    kind: str  # "external" (NEWSBOT_TEST_REDIS_URL) or "local" (started by the fixture)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    url = os.environ.get("NEWSBOT_TEST_REDIS_URL")
    if url:
        if not redis_ping(url, 5):
            no_redis(f"NEWSBOT_TEST_REDIS_URL={url} is set but the server does not answer PING")
        yield RedisServer(url, "external")
        return
    if not os.path.exists(REDIS_BIN):
        no_redis(f"no redis-server at {REDIS_BIN}")
    workdir = tmp_path_factory.mktemp("redis")
    port = free_port()
    log = open(workdir / "redis.log", "wb")  # noqa: SIM115 (kept open for the process)
    proc = subprocess.Popen([REDIS_BIN, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                             "no", "--dir", str(workdir)], stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    log.close()
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 20
    while not redis_ping(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            no_redis(f"redis-server did not start: {(workdir / 'redis.log').read_text(errors='replace')[-1000:]}")
        time.sleep(0.05)
    try:
        yield RedisServer(url, "local")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class RedisForTest:
    url: str
    prefix: str  # NEWSBOT_REDIS_PREFIX for this test's crawls
    client: redis.Redis

    @property
    def env(self) -> dict[str, str]:
        return {"REDIS_URL": self.url, "NEWSBOT_REDIS_PREFIX": self.prefix}

    def keys(self) -> list[str]:
        return sorted(k.decode() for k in self.client.scan_iter(match=self.prefix + ":*"))


@pytest.fixture
def redis_url(redis_server):
    """A per-test key prefix on the session's Redis; the test's keys are deleted afterwards."""
    client = redis.Redis.from_url(redis_server.url)
    setup = RedisForTest(redis_server.url, f"t{uuid.uuid4().hex[:10]}", client)
    try:
        yield setup
    finally:
        keys = list(client.scan_iter(match=setup.prefix + ":*"))
        if keys:
            client.delete(*keys)
        client.close()
