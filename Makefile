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
