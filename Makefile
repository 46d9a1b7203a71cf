# mlx: build, test, demo, benchmark, install. See README.md.
PREFIX ?= /usr/local
SWIFT ?= swift

.PHONY: all deps build release test lint demo bench bench-large bench-remote bench-quality install format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test:
	@scripts/install-deps.sh --test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift

format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Package.swift

demo: build
	@examples/demo.sh "$$($(SWIFT) build --show-bin-path)/mlx"

bench: release
	@bench/run.sh "$$($(SWIFT) build -c release --show-bin-path)/mlx"

# Large files (1 GiB add, status, checkout) and the 20,000-file rows beside them, beside DVC.
bench-large: release
	@bench/run.sh "$$($(SWIFT) build -c release --show-bin-path)/mlx" --only large

# Push, pull and the remote check only (directory and S3 remotes), beside DVC.
bench-remote: release
	@bench/run.sh "$$($(SWIFT) build -c release --show-bin-path)/mlx" --only remote

# validate, profile and drift of the 1 GiB CSV beside pandera, Great Expectations and evidently.
bench-quality: release
	@bench/run.sh "$$($(SWIFT) build -c release --show-bin-path)/mlx" --only quality

install: release
	install -d "$(PREFIX)/bin"
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/mlx" "$(PREFIX)/bin/mlx"

clean:
	rm -rf .build
