"""The schedule file (schedules/schedule.toml): parse and validate it into jobs, one-line errors."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from newsbot.sources import SourceConfigError, load_sources

DEFAULT_FILE = Path(__file__).parent / "schedule.toml"
DEFAULTS = {"timezone": "Europe/Istanbul", "timeout": 1800.0, "misfire_grace": 300.0, "parallel": 2}
JOB_KEYS = ("name", "source", "harvest", "sources", "cron", "timezone", "timeout", "parallel", "args")
GENERIC_SPIDER = "news"  # the generic spider: needs `args = ["-a", "url=…"]`


class ScheduleError(ValueError):
    """The schedule file is unusable; the message is one line naming the file and the entry."""


@dataclass(frozen=True)
class Job:
    name: str
    sources: tuple[str, ...]  # one source, or several for a harvest job
    trigger: CronTrigger
    cron: str
    timezone: str
    timeout: float  # hard limit per crawl, seconds
    parallel: int = 1
    args: tuple[str, ...] = ()  # extra `scrapy crawl` arguments
    harvest: bool = False


@dataclass(frozen=True)
class Schedule:
    path: Path
    jobs: tuple[Job, ...]
    misfire_grace: float
    timezone: str


def crawlable_names() -> set[str]:
    """Source names a job may name: configured sources with start points, plus the generic spider."""
    return {name for name, cfg in load_sources().items() if cfg.start} | {GENERIC_SPIDER}


def check_sources(names: list[str], known: set[str] | None = None) -> list[str]:
    """Raise ScheduleError for the first name that is not a crawlable source; return the names."""
    known = crawlable_names() if known is None else known
    for name in names:
        if name not in known:
            raise ScheduleError(f"unknown source {name!r}; known: {', '.join(sorted(known))}")
    return names


_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _crontab_weekdays(field: str) -> str:
    """Crontab weekday numbers (0 or 7 = Sunday) as names: APScheduler 3 reads 0 as Monday."""
    parts = []
    for part in field.split(","):
        if "/" in part:
            raise ValueError(f"weekday steps ({part!r}) are not supported: list the days")
        bounds = part.split("-")
        if not all(b.isdigit() for b in bounds):
            parts.append(part)  # '*' or names such as mon-fri
            continue
        nums = [int(b) for b in bounds]
        if any(n > 7 for n in nums) or len(nums) > 2 or nums[0] > nums[-1]:
            raise ValueError(f"bad weekday {part!r} (0-7, 0 and 7 are Sunday)")
        parts += [_DAY_NAMES[n % 7] for n in range(nums[0], nums[-1] + 1)]
    return ",".join(dict.fromkeys(parts))


def parse_cron(expr: str, tz: str) -> CronTrigger:
    """A crontab expression (minute hour day month weekday, crontab weekday numbers), or six fields
    with seconds first (for sub-minute schedules, e.g. in tests), as an APScheduler CronTrigger."""
    fields = expr.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"wrong number of fields: got {len(fields)}, expected 5 (or 6 with seconds first)")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, weekday = fields
    return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_crontab_weekdays(weekday), timezone=tz)


def _number(value, what: str, where: str, kind=float):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ScheduleError(f"{where}: '{what}' must be a positive number, not {value!r}")
    return kind(value)


def _zone(value, where: str) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{where}: unknown time zone {value!r}") from None
    return str(value)


def _job(raw: dict, index: int, defaults: dict, known: set[str], sources) -> Job:
    if not isinstance(raw, dict):
        raise ScheduleError(f"job[{index}]: must be a [[job]] table")
    label = raw.get("name") or raw.get("source") or ("harvest" if raw.get("harvest") else "?")
    where = f"job[{index}] ({label})"
    unknown = set(raw) - set(JOB_KEYS)
    if unknown:
        raise ScheduleError(f"{where}: unknown key(s) {sorted(unknown)}; known: {', '.join(JOB_KEYS)}")
    harvest = bool(raw.get("harvest", False))
    if harvest:
        names = raw.get("sources") or sorted(known - {GENERIC_SPIDER})
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ScheduleError(f"{where}: 'sources' must be a list of source names")
    elif isinstance(raw.get("source"), str):
        names = [raw["source"]]
    else:
        raise ScheduleError(f"{where}: needs 'source = \"<name>\"' or 'harvest = true'")
    try:
        check_sources(names, known)
    except ScheduleError as exc:
        raise ScheduleError(f"{where}: {exc}") from None
    cron = raw.get("cron")
    if cron is None and not harvest:
        cron = sources[names[0]].schedule_hint if names[0] in sources else None
    if not isinstance(cron, str):
        raise ScheduleError(f"{where}: needs 'cron' (the source has no schedule_hint)")
    tz = _zone(raw.get("timezone", defaults["timezone"]), where)
    try:
        trigger = parse_cron(cron, tz)
    except ValueError as exc:
        raise ScheduleError(f"{where}: bad cron expression {cron!r}: {exc}") from None
    args = raw.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ScheduleError(f"{where}: 'args' must be a list of strings")
    if GENERIC_SPIDER in names and not any(a.startswith("url=") for a in args):
        raise ScheduleError(f"{where}: the '{GENERIC_SPIDER}' spider needs args = [\"-a\", \"url=…\"]")
    return Job(
        name=str(raw.get("name") or (f"harvest-{index}" if harvest else names[0])),
        sources=tuple(names),
        trigger=trigger,
        cron=cron,
        timezone=tz,
        timeout=_number(raw.get("timeout", defaults["timeout"]), "timeout", where),
        parallel=_number(raw.get("parallel", defaults["parallel"] if harvest else 1), "parallel", where, int),
        args=tuple(args),
        harvest=harvest,
    )


def load_schedule(path: Path | str = DEFAULT_FILE) -> Schedule:
    """Read and validate the schedule file; raise ScheduleError (one line) on the first problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleError(f"{path}: not valid TOML: {exc}") from None
    try:
        sources = load_sources()
    except SourceConfigError as exc:
        raise ScheduleError(f"{path}: source configs: {exc}") from None
    known = {name for name, cfg in sources.items() if cfg.start} | {GENERIC_SPIDER}
    try:
        unknown = set(raw) - {"defaults", "job"}
        if unknown:
            raise ScheduleError(f"unknown top-level key(s) {sorted(unknown)}; expected [defaults] and [[job]]")
        if not isinstance(raw.get("defaults", {}), dict):
            raise ScheduleError("[defaults] must be a table")
        defaults = {**DEFAULTS, **raw.get("defaults", {})}
        bad = set(defaults) - set(DEFAULTS)
        if bad:
            raise ScheduleError(f"[defaults]: unknown key(s) {sorted(bad)}; known: {', '.join(DEFAULTS)}")
        _zone(defaults["timezone"], "[defaults]")
        misfire = _number(defaults["misfire_grace"], "misfire_grace", "[defaults]")
        entries = raw.get("job", [])
        if not isinstance(entries, list) or not entries:
            raise ScheduleError("no [[job]] entries")
        jobs = [_job(entry, i, defaults, known, sources) for i, entry in enumerate(entries)]
        names = [j.name for j in jobs]
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup:
            raise ScheduleError(f"two jobs are named {dup!r}; give one a 'name'")
    except ScheduleError as exc:
        raise ScheduleError(f"{path}: {exc}") from None
    return Schedule(path=path, jobs=tuple(jobs), misfire_grace=misfire, timezone=defaults["timezone"])
