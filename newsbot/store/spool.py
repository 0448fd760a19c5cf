"""The outage spool: a JSON Lines file of store ops that could not be written, replayed later.

One line per op: {"c": collection, "p": payload} (newsbot.store.codec). Every op is idempotent, so a replay
twice lands once. The file is bounded (`max_ops`, setting NEWSBOT_SPOOL_MAX_OPS): when it is full the
oldest ops are kept and new ones are refused — counted and logged as an error by the caller. Replay reads
the file line by line (never whole), writes batches, and streams what still fails into the next spool. A
lock file serialises the crawl's writer, other crawls and `python -m newsbot replay-spool`.
Lines of the spool of newsbot < 0.3 ({"c", "q", "u"}: MongoDB updates) are read too.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsbot.store.codec import dumps, loads
from newsbot.store.config import StoreConfig
from newsbot.store.documents import ARTICLES, Op, WriteCounts, article_op

DEFAULT_MAX_OPS = 200_000  # ~1 KB–10 KB each: a bounded file even through a long outage


@dataclass
class Appended:
    spooled: int = 0
    overflow: int = 0  # refused: the spool was full


class Spool:
    def __init__(self, path: Path, rejected_path: Path | None = None, max_ops: int = DEFAULT_MAX_OPS) -> None:
        self.path = Path(path)
        self.rejected_path = rejected_path or self.path.with_suffix(".rejected.jsonl")
        self.max_ops = max(1, int(max_ops))

    @classmethod
    def for_config(cls, config: StoreConfig, max_ops: int = DEFAULT_MAX_OPS) -> Spool:
        return cls(config.spool_path, config.rejected_path, max_ops)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append(self, ops: Iterable[Op]) -> Appended:
        ops = list(ops)
        if not ops:
            return Appended()
        with self._locked():
            room = max(0, self.max_ops - len(self))
            kept = ops[:room]
            if kept:
                _write_lines(self.path, (dumps({"c": c, "p": p}) for c, p in kept))
        return Appended(len(kept), len(ops) - len(kept))

    def reject(self, rejected: Iterable[tuple[Op, str]]) -> int:
        lines = [dumps({"c": c, "p": p, "error": error}) for (c, p), error in rejected]
        if lines:
            with self._locked():
                _write_lines(self.rejected_path, lines)
        return len(lines)

    def __len__(self) -> int:
        """Ops waiting (counted in blocks, not read into memory)."""
        try:
            with open(self.path, "rb") as fh:
                return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
        except FileNotFoundError:
            return 0

    def pending(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def replay(self, write: Callable[[list[Op]], WriteCounts], batch_size: int = 100) -> WriteCounts:
        """Write the spooled ops with `write` (a Store's write) in file order; what still fails stays spooled,
        what is refused (or cannot be read) goes to the rejected file."""
        total = WriteCounts()
        with self._locked():
            if not self.path.exists():
                return total
            tmp = self.path.with_suffix(".tmp")
            with open(self.path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as keep:
                batch: list[Op] = []
                for line in src:
                    if not line.strip():
                        continue
                    if total.failed and not total.written:  # the store is still away: keep the rest as is
                        keep.write(line if line.endswith("\n") else line + "\n")
                        continue
                    try:
                        batch.append(parse_line(line))
                    except (ValueError, KeyError, TypeError) as exc:
                        total.rejected_ops.append((("unreadable", {"line": line.strip()}), f"unreadable: {exc}"))
                    if len(batch) >= batch_size:
                        self._write_batch(write, batch, total, keep)
                        batch = []
                if batch:
                    self._write_batch(write, batch, total, keep)
                keep.flush()
                os.fsync(keep.fileno())
            if tmp.stat().st_size:
                os.replace(tmp, self.path)
            else:
                tmp.unlink()
                self.path.unlink(missing_ok=True)
        self.reject(total.rejected_ops)
        return total

    @staticmethod
    def _write_batch(write: Callable[[list[Op]], WriteCounts], batch: list[Op], total: WriteCounts, keep) -> None:
        counts = write(batch)
        total.add(counts)
        for collection, payload in counts.failed_ops:
            keep.write(dumps({"c": collection, "p": payload}) + "\n")


def parse_line(line: str) -> Op:
    rec = loads(line)
    if "p" in rec:
        return rec["c"], rec["p"]
    # newsbot < 0.3: {"c", "q": filter, "u": {"$set": …, "$setOnInsert": {"first_seen"}, "$max": {"last_seen"}}}
    update = rec["u"]
    if rec["c"] == ARTICLES:
        _, payload = article_op({**update["$set"], "canonical_url": rec["q"]["canonical_url"]},
                                update["$max"]["last_seen"])  # its ISO dates become datetimes
        return ARTICLES, {**payload, "first_seen": update["$setOnInsert"]["first_seen"]}
    return rec["c"], {**update["$set"], "_id": rec["q"]["_id"]}


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
