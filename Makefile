# Framewise: `make demo` runs both examples on real models and video; `make test` runs the suite.
# Each target installs what is missing first (scripts/setup.sh is idempotent and fast).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup assets fixtures build release demo test bench report-screenshots clean

help:
	@echo "make demo   - install, fetch models and videos, build, run both examples (HTML reports in .build/demo)"
	@echo "make test   - install, fetch, make fixtures, build, run the whole test suite"
	@echo "make bench  - measure decode fps, inference ms per batch, videos/s (bench/RESULTS.md)"
	@echo "make report-screenshots - screenshots of both examples' HTML reports (bench/screenshots/)"

setup:
	@scripts/setup.sh

assets: setup
	@scripts/fetch-assets.sh

fixtures: setup
	@.venv/bin/python scripts/fixtures/make_onnx_fixtures.py .fixtures/onnx
	@scripts/fixtures/make_media_fixtures.sh .fixtures/media

build: setup
	swift build

release: setup
	swift build -c release --product framewise

demo: assets release
	@scripts/demo.sh

test: assets fixtures
	swift test --skip ClusterFaultTests --skip FramewiseServerTests
	# Worker processes under faults, on their own so they do not starve timing-sensitive suites.
	swift test --skip-build --filter ClusterFaultTests
	# The server (server processes, schemathesis), on its own for the same reason.
	swift test --skip-build --filter FramewiseServerTests

bench: assets release
	@scripts/bench.sh

report-screenshots: assets release
	@scripts/report-screenshots.sh

clean:
	rm -rf .build .fixtures
