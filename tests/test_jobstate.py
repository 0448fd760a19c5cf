"""NEWSBOT_JOBDIR is cleared only when newsbot created it (its marker file is there)."""

from __future__ import annotations

import json

import pytest

from newsbot.crawl.jobstate import ResumableJob


def _finish(path) -> None:
    job = ResumableJob(str(path))
    job.open()
    job.write("finished")


def test_a_directory_newsbot_did_not_create_is_never_cleared(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.txt").write_text("years of work")
    # Even a job record that says "finished" (copied in, or left by an older newsbot) is not enough.
    (home / ResumableJob.STATE_FILE).write_text(json.dumps({"state": "finished", "started": "x", "pid": 1}))
    with pytest.raises(RuntimeError, match="not created by newsbot"):
        ResumableJob(str(home)).open()
    assert (home / "thesis.txt").read_text() == "years of work"


def test_a_file_is_not_a_jobdir(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(RuntimeError, match="not a directory"):
        ResumableJob(str(target)).open()
    assert target.read_text() == "x"


def test_newsbot_clears_its_own_finished_job_and_keeps_its_marker(tmp_path):
    jobdir = tmp_path / "jobs" / "aa"
    _finish(jobdir)
    assert (jobdir / ResumableJob.MARKER_FILE).is_file()
    (jobdir / "requests.seen").write_text("fingerprints of the finished job")
    (jobdir / "requests.queue").mkdir()
    (jobdir / "requests.queue" / "p0").write_text("queue")
    job = ResumableJob(str(jobdir))
    job.open()
    assert job.resumed == ""
    assert sorted(p.name for p in jobdir.iterdir()) == [ResumableJob.MARKER_FILE, ResumableJob.STATE_FILE]
    assert json.loads((jobdir / ResumableJob.STATE_FILE).read_text())["state"] == "running"


def test_an_empty_existing_directory_is_claimed(tmp_path):
    jobdir = tmp_path / "empty"
    jobdir.mkdir()
    _finish(jobdir)
    (jobdir / "requests.seen").write_text("old")
    ResumableJob(str(jobdir)).open()
    assert not (jobdir / "requests.seen").exists()
