"""bench/stages.py: py-spy raw stacks of a whole crawl → CPU ms per page by process and stage. The raw lines
below are shaped as py-spy 0.4 writes them with --subprocesses (seen in a real profile of a crawl)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from stages import stage_report  # noqa: E402

CRAWL = 'process 100:"python3 -m scrapy crawl benchsite"'
FORKSERVER = ('process 101:"python3 -B -c from multiprocessing.forkserver import main; main(3, 5, '
              "['__main__'], **{'sys_path': ['/x']})\"")
TRACKER = 'process 102:"python3 -B -c from multiprocessing.resource_tracker import main;main(3)"'
WORKER = 'process 103:"python3 -B -c from multiprocessing.forkserver import main; main(3, 5)"'
BOOT = "_main (multiprocessing/spawn.py:135);BaseProcess._bootstrap (multiprocessing/process.py:314)"

RAW = "\n".join([
    f"{CRAWL};crawl (scrapy/commands/crawl.py:30);_read (twisted/internet/tcp.py:200) 30",
    f"{CRAWL};run (twisted/internet/base.py:1);_PollLikeSelector.select (selectors.py:415) 500",  # blocked
    f"{CRAWL};process_item (pipelines/strip_chrome.py:80);fold (newsbot/text.py:12) 10",
    f"{CRAWL};{TRACKER};main (multiprocessing/resource_tracker.py:1);"
    "_find_and_load (<frozen importlib._bootstrap>:1) 5",
    f"{CRAWL};{FORKSERVER} 400",  # the fork server waiting in C: no Python frame
    f"{CRAWL};{FORKSERVER};{WORKER};{BOOT};extract_page (newsbot/runtime/extract_pool.py:52);"
    "main_text (newsbot/extract/main_text.py:130);document_fromstring (lxml/html/__init__.py:740) 80",
    f"{CRAWL};{FORKSERVER};{WORKER};{BOOT};extract_page (newsbot/runtime/extract_pool.py:52);"
    "_ForkingPickler.dumps (multiprocessing/reduction.py:51) 20",
    f"{CRAWL};{FORKSERVER};{WORKER};{BOOT};Connection._recv (multiprocessing/connection.py:395) 300",  # blocked
    "",
])


def test_stages_and_processes_from_samples(tmp_path, capsys):
    raw = tmp_path / "raw.txt"
    raw.write_text(RAW)
    out = stage_report(raw, rate=100, pages=10)  # one sample = 1/100 s over 10 pages = 1 ms/page
    assert out["waiting_samples"] == 1200
    assert out["by_stage"] == {"extraction": 80.0, "Scrapy, Twisted (fetch, schedule, parse)": 30.0,
                               "hand-off between processes (pickle, pipes, pools)": 20.0,
                               "chrome stripping": 10.0, "start-up imports": 5.0}
    assert out["by_process"]["forked child 103 (extraction)"]["ms_per_page"] == 100.0
    assert out["by_process"]["crawl"]["ms_per_page"] == 40.0
    assert out["by_process"]["resource tracker"]["ms_per_page"] == 5.0
    assert "fork server" not in out["by_process"]  # it only waited
    assert "ms/page in all" in capsys.readouterr().out


def test_samples_scaled_to_measured_cpu(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(RAW)
    # The worker's 100 busy samples were really 0.5 s of CPU (a loaded machine: runnable, not running).
    out = stage_report(raw, rate=100, pages=10, cpu_by_pid={103: 0.5, 100: 0.4})
    worker = out["by_process"]["forked child 103 (extraction)"]
    assert worker["ms_per_page"] == 50.0 and worker["stages"]["extraction"] == 40.0
    assert out["by_process"]["crawl"]["ms_per_page"] == 40.0
    assert out["by_stage"]["extraction"] == 40.0
