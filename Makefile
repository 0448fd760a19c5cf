.PHONY: bench bench-memory bench-profile

# The project's venv (bash scripts/setup.sh) when there is one.
PY ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)

# Quick benchmarks (2,000 realistic pages; ~10 minutes): quality, extraction speed, crawl throughput and memory. See BENCHMARKS.md.
bench:
	bash bench/run.sh

# Peak RSS at 2,000 vs 20,000 realistic pages (bare Scrapy and the embedded store; ~15 minutes on an idle machine).
bench-memory:
	$(PY) bench/throughput.py --pages 2000 --rounds 1 --modes bare,embedded --json bench/results/memory-2000.json
	$(PY) bench/throughput.py --pages 20000 --rounds 1 --modes bare,embedded --json bench/results/memory-20000.json

# Where a full-pipeline crawl spends its CPU, every process, ms per page by stage (py-spy --subprocesses).
bench-profile:
	$(PY) bench/profile_crawl.py --pages 2000 --mode embedded --stages --raw bench/results/profile-embedded.txt
