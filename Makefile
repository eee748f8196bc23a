.PHONY: demo test bench install

# Install movemap and run the main job on the embedded SQLite default: a demo constituency, analysed.
demo:
	scripts/bootstrap
	.venv/bin/movemap demo
	.venv/bin/movemap analyse demo

# Install everything the tests need and run them (lint, types, tests).
test:
	scripts/test

install:
	scripts/bootstrap

# Benchmark at 10k, 100k and 1M people against networkx, igraph and one BFS pass (several
# minutes); prints the table and writes bench/results/latest.json. Smoke run: make bench ARGS=--quick
bench:
	scripts/bootstrap bench
	.venv/bin/python -m bench $(ARGS)
