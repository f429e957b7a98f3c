# The two commands of the README's quick start, and a few for developers.
.PHONY: demo test lint bench data

demo:  ## set everything up, build the demo store from the shipped real data, serve it on 127.0.0.1
	scripts/setup.sh
	.venv/bin/regioatlas demo

test:  ## set everything up and run the whole test suite
	scripts/setup.sh test
	.venv/bin/python -m pytest -q -n 2 --dist loadfile  # two workers: the suite waits on servers and browsers as much as it computes

lint:
	scripts/setup.sh test
	.venv/bin/ruff check src tests bench tools
	.venv/bin/ruff format --check src tests bench tools

bench:  ## run the benchmarks (reads ../shared/data); results go to docs/benchmarks.md
	scripts/setup.sh bench
	.venv/bin/python bench/run_all.py
