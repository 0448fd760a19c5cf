"""The scheduler and the harvest command, run as real processes with a fake crawl command.

The fake crawl (written to tmp) is a real process: it records its start and end, and can exit 0,
crash, sleep, or hang (ignoring SIGTERM) with a child of its own that left its process group —
as a browser might. In this process the runner's DEFAULT_CRAWL_CMD is monkeypatched to run it; scheduler
processes are started through tests/fake_schedules.py, which does the same before running `schedules`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schedules.config import ScheduleError, load_schedule
from schedules.runner import CrawlRunner, crawl_command, session_members
from tests.plugin_sites import ROOT

FAKE_CRAWL = r'''
import json, os, signal, subprocess, sys, time
from pathlib import Path
source = sys.argv[1]
out = Path(os.environ["FAKE_DIR"])
plan = json.loads(os.environ.get("FAKE_PLAN", "{}")).get(source, "ok")
(out / f"{source}.{os.getpid()}.start").write_text(plan)
if plan == "crash":
    raise SystemExit("fake crawl crashed")
if plan == "health_fail":  # exits 0, but its run health (written where the runner asked) says fail
    Path(os.environ["NEWSBOT_HEALTH_FILE"]).write_text(json.dumps({"verdict": "fail", "reasons": ["items: 0"]}))
if plan in ("linger", "orphan"):  # a child that exits 0.5 s after the crawl, or never
    child = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({0.5 if plan == 'linger' else 600})"])
    (out / f"{source}.{os.getpid()}.child").write_text(str(child.pid))
if plan in ("sleep", "hang"):
    child = subprocess.Popen([sys.executable, "-c", "import os, time; os.setpgid(0, 0); time.sleep(600)"])
    (out / f"{source}.{os.getpid()}.child").write_text(str(child.pid))
    if plan == "hang":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(600)
(out / f"{source}.{os.getpid()}.end").write_text("")
'''


@pytest.fixture
def fake(tmp_path, monkeypatch):
    from schedules import runner

    """Environment for running schedules with the fake crawl; `fake.env` for subprocesses."""
    script = tmp_path / "fake_crawl.py"
    script.write_text(FAKE_CRAWL)
    runs = tmp_path / "runs"
    runs.mkdir()

    class Fake:
        dir = runs
        env = {**os.environ, "FAKE_DIR": str(runs)}
        cmd = [sys.executable, "-m", "tests.fake_schedules", str(script)]  # then `schedules`' own arguments

        def plan(self, **plans: str) -> None:
            self.env["FAKE_PLAN"] = json.dumps(plans)
            monkeypatch.setenv("FAKE_PLAN", self.env["FAKE_PLAN"])

        def count(self, source: str, kind: str) -> int:
            return len(list(runs.glob(f"{source}.*.{kind}")))

        def pids(self, source: str) -> list[int]:
            return [int(p.name.split(".")[1]) for p in runs.glob(f"{source}.*.start")]

        def child_pids(self) -> list[int]:
            return [int(p.read_text()) for p in runs.glob("*.child")]

    monkeypatch.setenv("FAKE_DIR", Fake.env["FAKE_DIR"])
    monkeypatch.setattr(runner, "DEFAULT_CRAWL_CMD", [sys.executable, str(script), "{source}"])
    return Fake()


def test_the_crawl_command_is_not_taken_from_the_environment(monkeypatch):
    # (it once was: NEWSBOT_CRAWL_CMD, a test hook, let the environment choose what the scheduler runs)
    monkeypatch.setenv("NEWSBOT_CRAWL_CMD", "/bin/sh -c 'echo {source}'")
    assert crawl_command("aa", ("-s", "X=1")) == [sys.executable, "-m", "scrapy", "crawl", "aa", "-s", "X=1"]
    assert crawl_command("aa", template="fake {source}") == ["fake", "aa"]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(cond, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def write_schedule(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "schedule.toml"
    path.write_text(body)
    return path


def start_scheduler(path: Path, fake, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*fake.cmd, "--file", str(path), *extra], cwd=ROOT, env=fake.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop_scheduler(proc: subprocess.Popen, sig: int) -> str:
    """Send `sig` (if it still runs), wait for the exit, return its log; kill it if it hangs."""
    try:
        if proc.poll() is None:
            proc.send_signal(sig)
        return proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()


# -- the schedule file ----------------------------------------------------------------------


def test_shipped_schedule_is_valid():
    out = subprocess.run([sys.executable, "-m", "schedules", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "nightly-harvest" in out.stdout and "Europe/Istanbul" in out.stdout


@pytest.mark.parametrize("entry, expected", [
    ('source = "nosuch"\ncron = "*/15 * * * *"', "job[1] (nosuch): unknown source 'nosuch'"),
    ('source = "iha"\ncron = "*/15 * *"', "job[1] (iha): bad cron expression '*/15 * *'"),
    ('source = "iha"\ncron = "61 * * * *"', "job[1] (iha): bad cron expression '61 * * * *'"),
    ('source = "iha"\ncron = "0 2 * * *"\ntimezone = "Europe/Istanbull"', "job[1] (iha): unknown time zone"),
    ('harvest = true\nsources = ["aa", "xx"]\ncron = "0 2 * * *"', "job[1] (harvest): unknown source 'xx'"),
])
def test_bad_schedule_file_stops_startup_with_one_line(tmp_path, entry, expected):
    path = write_schedule(tmp_path, f'[[job]]\nsource = "aa"\ncron = "*/15 * * * *"\n\n[[job]]\n{entry}\n')
    out = subprocess.run([sys.executable, "-m", "schedules", "--file", str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert expected in lines[0] and str(path) in lines[0]


def test_crontab_weekday_numbers_mean_crontab_days(tmp_path):
    # APScheduler 3 reads weekday 0 as Monday; the schedule file keeps crontab's meaning (0 = Sunday).
    schedule = load_schedule(write_schedule(tmp_path, '[[job]]\nsource = "aa"\ncron = "0 2 * * 0"\n'))
    from datetime import datetime

    trigger = schedule.jobs[0].trigger
    assert trigger.get_next_fire_time(None, datetime(2026, 11, 28, tzinfo=trigger.timezone)).weekday() == 6


def test_source_job_without_cron_uses_the_schedule_hint(tmp_path):
    schedule = load_schedule(write_schedule(tmp_path, '[[job]]\nsource = "aa"\n'))
    assert schedule.jobs[0].cron == "*/15 * * * *"
    with pytest.raises(ScheduleError, match="needs 'cron'"):
        load_schedule(write_schedule(tmp_path, '[[job]]\nharvest = true\n'))


# -- the runner, in process -----------------------------------------------------------------


def test_overlapping_run_of_a_source_is_refused(fake):
    fake.plan(aa="sleep")
    runner = CrawlRunner(term_grace=5)
    import threading

    first = threading.Thread(target=runner.run, args=("aa", 60))
    first.start()
    assert wait_for(lambda: fake.count("aa", "start") == 1)
    second = runner.run("aa", 60)
    assert second.returncode is None and not second.ok  # refused, not started
    assert fake.count("aa", "start") == 1
    runner.shutdown(grace=5)
    first.join(30)
    assert not first.is_alive()


def test_hung_crawl_and_its_children_are_killed_at_the_timeout(fake):
    fake.plan(aa="hang")  # ignores SIGTERM; its child left the process group
    outcome = CrawlRunner(term_grace=1).run("aa", timeout=2)
    assert outcome.timed_out and not outcome.ok
    assert outcome.returncode == -signal.SIGKILL
    children = fake.child_pids()
    assert children and wait_for(lambda: not any(alive(p) for p in children), 10)


def test_crash_is_reported_with_its_exit_code(fake):
    fake.plan(aa="crash")
    outcome = CrawlRunner().run("aa", timeout=60)
    assert outcome.returncode == 1 and not outcome.timed_out and not outcome.ok


def test_children_that_exit_soon_after_the_crawl_are_not_reported_as_left_behind(fake, caplog):
    fake.plan(aa="linger")
    with caplog.at_level("INFO", logger="schedules"):
        outcome = CrawlRunner().run("aa", timeout=60)
    assert outcome.ok
    assert "crawl aa ended: exit code 0" in caplog.text
    assert "left" not in caplog.text
    assert not any(alive(p) for p in fake.child_pids())  # it exited by itself


def test_a_child_that_outlives_the_crawl_is_killed_and_reported(fake, caplog):
    fake.plan(aa="orphan")
    with caplog.at_level("INFO", logger="schedules"):
        outcome = CrawlRunner().run("aa", timeout=60)
    assert outcome.ok
    assert "crawl aa left 1 process(es) behind: killed" in caplog.text
    assert wait_for(lambda: not any(alive(p) for p in fake.child_pids()), 10)


def test_health_verdict_written_by_the_crawl_decides_even_when_it_exits_0(fake, caplog):
    fake.plan(aa="health_fail")
    with caplog.at_level("INFO", logger="schedules"):
        outcome = CrawlRunner().run("aa", timeout=60)
    assert outcome.returncode == 0 and outcome.verdict == "fail" and not outcome.ok
    assert "crawl aa ended: exit code 0, health fail (items: 0)" in caplog.text
    assert not list(Path(__import__("tempfile").gettempdir()).glob("newsbot-health-aa-*"))  # cleaned up


# -- the scheduler process ------------------------------------------------------------------


def test_scheduler_fires_jobs_survives_a_crash_and_stops_cleanly_on_sigterm(tmp_path, fake):
    fake.plan(aa="ok", iha="crash", dha="sleep")
    path = write_schedule(tmp_path, """
[[job]]
source = "aa"
cron = "*/1 * * * * *"
[[job]]
source = "iha"
cron = "*/1 * * * * *"
[[job]]
source = "dha"
cron = "*/1 * * * * *"
""")
    proc = start_scheduler(path, fake, "--stop-grace", "2")
    try:
        # aa runs again and again; iha crashes again and again without stopping the scheduler;
        # dha is still running, so each of its later firings is refused.
        assert wait_for(lambda: fake.count("aa", "end") >= 2 and fake.count("iha", "start") >= 2), \
            proc.stderr.read() if proc.poll() is not None else "no runs"
        assert proc.poll() is None
        assert wait_for(lambda: bool(fake.child_pids()))
        time.sleep(1.5)
        assert fake.count("dha", "start") == 1
    finally:
        err = stop_scheduler(proc, signal.SIGTERM)
    assert proc.returncode == 0, err
    assert "crawl iha ended: exit code 1" in err
    assert "crawl aa ended: exit code 0" in err
    assert "run refused" in err or "maximum number of running instances" in err
    assert "SIGTERM received: stopping" in err and "scheduler stopped" in err
    assert fake.count("dha", "end") == 0  # it was stopped, not left to finish its sleep
    assert not any(alive(p) for p in fake.pids("dha") + fake.child_pids())
    assert all(not session_members(p) for p in fake.pids("dha"))


def test_sigterm_kills_a_crawl_that_ignores_it_after_the_grace(tmp_path, fake):
    fake.plan(aa="hang")
    path = write_schedule(tmp_path, '[[job]]\nsource = "aa"\ncron = "*/1 * * * * *"\n')
    proc = start_scheduler(path, fake, "--stop-grace", "1")
    try:
        assert wait_for(lambda: bool(fake.child_pids()))
    finally:
        err = stop_scheduler(proc, signal.SIGINT)
    assert proc.returncode == 0, err
    assert "did not finish within 1s" in err
    assert not any(alive(p) for p in fake.pids("aa") + fake.child_pids())


# -- harvest --------------------------------------------------------------------------------


def run_harvest(fake, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*fake.cmd, "harvest", *args], cwd=ROOT, env=fake.env,
                          capture_output=True, text=True, timeout=120)


def test_harvest_runs_every_source_once_and_exits_zero(fake):
    fake.plan()
    out = run_harvest(fake, "--parallel", "2")
    assert out.returncode == 0, out.stderr
    assert [fake.count(s, "end") for s in ("aa", "dha", "iha")] == [1, 1, 1]


def test_harvest_exits_non_zero_when_a_crawl_fails(fake):
    fake.plan(dha="crash", iha="hang")
    out = run_harvest(fake, "dha", "iha", "aa", "--timeout", "2")
    assert out.returncode == 1
    assert "2 of 3 crawl(s) failed: dha, iha" in out.stderr
    assert fake.count("aa", "end") == 1


def test_harvest_exits_1_when_a_crawl_health_is_fail(fake):
    fake.plan(aa="health_fail")
    out = run_harvest(fake, "aa", "iha")
    assert out.returncode == 1, out.stderr
    assert "1 of 2 crawl(s) failed: aa (aa: health fail)" in out.stderr
    assert fake.count("iha", "end") == 1


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_harvest_exits_128_plus_the_signal(fake, sig, code):
    fake.plan(aa="sleep")
    proc = subprocess.Popen([*fake.cmd, "harvest", "aa", "--stop-grace", "2"], cwd=ROOT, env=fake.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: bool(fake.child_pids()))
    finally:
        err = stop_scheduler(proc, sig)
    assert proc.returncode == code, err
    assert fake.count("aa", "end") == 0
    assert not any(alive(p) for p in fake.pids("aa") + fake.child_pids())


def test_harvest_rejects_unknown_source(fake):
    out = run_harvest(fake, "aa", "nosuch")
    assert out.returncode == 2 and "unknown source 'nosuch'" in out.stderr
    assert fake.count("aa", "start") == 0
