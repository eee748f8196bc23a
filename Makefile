.PHONY: demo report test bench bench-stores bench-history bench-limits bench-startup bench-clusters bench-people-pages bench-formats bench-growth bench-purpose install

# Install movemap and run the main job on the embedded SQLite default: the dashboard with the demo
# constituency at http://localhost:8000/ (it prints how to sign in). PORT=8001 make demo to move it.
PORT ?= 8000
demo:
	scripts/bootstrap
	.venv/bin/movemap serve --demo --port $(PORT)

# The same demo as a report in the terminal.
report:
	scripts/bootstrap
	.venv/bin/movemap list | grep -q '^demo ' || .venv/bin/movemap demo
	.venv/bin/movemap analyse demo

# Install everything the tests need (Python packages, Debian's chromium, axe-core) and run them:
# ruff, mypy and pytest, browser tests included.
test:
	scripts/test

install:
	scripts/bootstrap

# Benchmark at 10k, 100k and 1M people against networkx, igraph and one BFS pass (several
# minutes); prints the table and writes bench/results/latest.json. Smoke run: make bench ARGS=--quick
bench:
	scripts/bootstrap bench
	.venv/bin/python -m bench $(ARGS)

# SQLite and Neo4j side by side (import rate, load for analysis) at 10k and 100k people, against
# a Neo4j test server started for the run (6 GB heap, 2 GB page cache); writes bench/results/stores.json.
bench-stores:
	scripts/bootstrap bench
	scripts/install-java
	JAVA_OPTS=-Xmx6g NEO4J_PAGECACHE_MB=2048 scripts/with-neo4j .venv/bin/python -m bench.stores $(ARGS)

# What the history costs: the current map's load with and without history, and the analysis of
# the map as of a year ago against today's, on SQLite and on a Neo4j test server started for the
# run (6 GB heap); writes bench/results/history.json.
bench-history:
	scripts/bootstrap bench
	scripts/install-java
	JAVA_OPTS=-Xmx6g NEO4J_PAGECACHE_MB=2048 scripts/with-neo4j .venv/bin/python -m bench.history $(ARGS)

# The growth series of a 100,000-person map (1,000,000 ties) with two years of history: 24 months
# against one as-of analysis (target ≤ 3×), and the recruitment forest (target ≤ 0.5×), in the
# same run; writes bench/results/growth.json.
bench-growth:
	scripts/bootstrap bench
	.venv/bin/python -m bench.growth $(ARGS)

# What clusters and brokers add to the analysis of a 100,000-person map (1,000,000 ties), as a
# ratio to the rest of the analysis measured in the same run; writes bench/results/clusters.json.
bench-clusters:
	scripts/bootstrap bench
	.venv/bin/python -m bench.clusters $(ARGS)

# The analysis, the pages and the API on a map with every record at its limits (against the same
# map with plain records) and on a map at its size limits (250,000 people, 2.5M ties); prints the
# table and writes bench/results/limits.json.
bench-limits:
	scripts/bootstrap bench
	.venv/bin/python -m bench.limits $(ARGS)

# How fast the command line starts: movemap --help, movemap list, and what movemap analyse of a
# 100,000-person map spends beyond its load and analysis, against the interpreter starting
# (python -c pass) in the same run; prints the table and writes bench/results/startup.json.
bench-startup:
	scripts/bootstrap bench
	.venv/bin/python -m bench.startup $(ARGS)

# The search index, the gap cards and the people list on 100,000 people and a million ties, each
# as a ratio of the analysis in the same run; writes bench/results/people_pages.json.
bench-people-pages:
	scripts/bootstrap bench
	.venv/bin/python -m bench.people_pages $(ARGS)

# Excel workbook import of 100,000 people and 1,000,000 ties against the CSV pair import of the
# same map in the same run (target: at most 3x); writes bench/results/formats.json.
bench-formats:
	scripts/bootstrap bench
	.venv/bin/python -m bench.formats $(ARGS)

# The board of our shared purpose (10,000 people, 5,000 contributions): building it and
# rendering it to JSON against the analysis in the same run; writes bench/results/purpose.json.
bench-purpose:
	scripts/bootstrap bench
	.venv/bin/python -m bench.purpose $(ARGS)
