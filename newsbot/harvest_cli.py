"""`newsbot harvest [SOURCE …]`: the cron job, the same as `python -m schedules harvest` (its logging and
signal handling included)."""

from __future__ import annotations

from schedules.__main__ import main as schedules_main


def main(argv: list[str]) -> int:
    return schedules_main(["harvest", *argv])
