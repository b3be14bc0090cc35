# aspire — developer entry points. Quick start: `make run`, `make test`.
#
#   make deps     install what is missing (apt packages, Python modules, podman config); idempotent and quiet
#   make build    swift build
#   make test     deps + build + swift test + the JSON Schema check
#   make run      deps + build + run the starter example (Ctrl-C stops everything)
#   make bench    release build + every harness in BENCH_SCRIPTS (bench/NAME.py), then bench/otel.py; BENCH_FLAGS=--quick
#   make sanitize the test suite under AddressSanitizer, then ThreadSanitizer (sanitize-address, sanitize-thread)
#   make install  release build (Swift runtime linked in), stripped, copied to $(PREFIX)/bin (PREFIX ?= /usr/local)
#   make fuzz     libFuzzer on the C shim, the whole load path, then the OTLP decoders, FUZZ_SECONDS each (default 60; FUZZ_JOBS workers)
#   make clean    remove build products

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PREFIX ?= /usr/local
SWIFT ?= swift
PYTHON ?= python3
# Debian packages the build and the tests need (libyaml for the parser, servers for the examples, chromium for the dashboard test,
# podman + runc + slirp4netns + busybox-static for the container tests; docker.io too unless a docker engine is installed).
APT_PACKAGES ?= libyaml-dev pkg-config redis-server postgresql memcached mariadb-server nats-server rabbitmq-server podman runc slirp4netns busybox-static chromium
# Written only when missing: podman with runc and explicit ulimits (docs/containers.md).
CONTAINERS_CONF_FILE ?= /etc/containers/containers.conf
PY_MODULES ?= jsonschema pyyaml opentelemetry-sdk opentelemetry-exporter-otlp-proto-http opentelemetry-exporter-otlp-proto-grpc pymysql nats-py
# The AWS emulator `type: aws` runs natively (moto_server on PATH) and the boto3 its jobs and tests use.
AWS_PY_MODULES ?= moto[server] boto3
MANIFEST ?= manifests/starter/apphost.yaml
FUZZ_SECONDS ?= 60
# e.g. BENCH_FLAGS=--quick for a 30-second smoke run
BENCH_FLAGS ?=
# SwiftPM's build folder; another one (SCRATCH=.build-mine) lets two checkouts build side by side.
SCRATCH ?= .build
# Release builds link the Swift runtime and Foundation statically: `aspire` then runs on a machine
# without a Swift toolchain, and starts in half the time (no symbol binding across a dozen shared
# libraries). `install` strips it. It stays a position-independent executable, so the program
# that serves the dashboard keeps ASLR for its own image.
RELEASE := -c release --static-swift-stdlib
ASPIRE := $(SCRATCH)/debug/aspire
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help deps podman-conf build test run bench bench-peers sanitize sanitize-address sanitize-thread install fuzz clean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

deps:
	@command -v $(SWIFT) >/dev/null || { echo "deps: '$(SWIFT)' not found; install Swift 6 (https://swift.org/install)" >&2; exit 2; }
	@missing=""; \
	if command -v dpkg >/dev/null; then \
	    for p in $(APT_PACKAGES); do \
	        dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	    done; \
	    command -v dockerd >/dev/null || missing="$$missing docker.io"; \
	    if [ -n "$$missing" ]; then \
	        echo "deps: installing$$missing"; \
	        $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	        $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	    fi; \
	elif ! pkg-config --exists yaml-0.1 2>/dev/null; then \
	    echo "deps: no apt here; install libyaml and redis yourself (macOS: brew install libyaml redis pkg-config)" >&2; \
	fi
	@if ! $(PYTHON) -c 'import jsonschema, yaml, opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http, opentelemetry.exporter.otlp.proto.grpc, pymysql, nats' 2>/dev/null; then \
	    echo "deps: installing Python modules: $(PY_MODULES)"; \
	    $(PYTHON) -m pip install --quiet --disable-pip-version-check $(PY_MODULES) 2>/dev/null \
	    || $(PYTHON) -m pip install --quiet --disable-pip-version-check --break-system-packages $(PY_MODULES) 2>/dev/null \
	    || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jsonschema python3-yaml >/dev/null; \
	    $(PYTHON) -c 'import jsonschema, yaml' || { echo "deps: could not install $(PY_MODULES) for $(PYTHON)" >&2; exit 2; }; \
	fi
	@if ! { $(PYTHON) -c 'import moto.server, boto3' 2>/dev/null && command -v moto_server >/dev/null; }; then \
	    echo "deps: installing Python modules: $(AWS_PY_MODULES)"; \
	    $(PYTHON) -m pip install --quiet --disable-pip-version-check '$(firstword $(AWS_PY_MODULES))' $(wordlist 2,9,$(AWS_PY_MODULES)) 2>/dev/null \
	    || $(PYTHON) -m pip install --quiet --disable-pip-version-check --break-system-packages '$(firstword $(AWS_PY_MODULES))' $(wordlist 2,9,$(AWS_PY_MODULES)) >/dev/null \
	    || echo "deps: could not install $(AWS_PY_MODULES); type: aws runs natively only with moto_server on PATH" >&2; \
	fi
	@# As root, moto runs as nobody, which cannot reach a Python under /root (pyenv's): Debian's gets moto too.
	@# requests < 2.32 there: a newer one breaks Debian's python3-docker 5, and docker-compose 1.29 with it.
	@if [ "$$(id -u)" = 0 ] && [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import moto.server, boto3' 2>/dev/null; then \
	    echo "deps: installing $(AWS_PY_MODULES) for /usr/bin/python3 (moto runs as nobody when aspire is root)"; \
	    /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --break-system-packages '$(firstword $(AWS_PY_MODULES))' $(wordlist 2,9,$(AWS_PY_MODULES)) 'requests<2.32' >/dev/null \
	    || echo "deps: could not install $(AWS_PY_MODULES) for /usr/bin/python3; type: aws cannot run natively as root" >&2; \
	fi
	@$(MAKE) --no-print-directory podman-conf

# crun and raised rlimits fail in some sandboxes (CI): runc and modest ulimits work everywhere.
podman-conf:
	@if command -v podman >/dev/null && [ ! -e $(CONTAINERS_CONF_FILE) ]; then \
	    echo "deps: writing $(CONTAINERS_CONF_FILE) (podman: runc, nofile/nproc ulimits)"; \
	    $(SUDO) mkdir -p "$$(dirname $(CONTAINERS_CONF_FILE))"; \
	    printf '[engine]\nruntime = "runc"\n[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' \
	        | $(SUDO) tee $(CONTAINERS_CONF_FILE) >/dev/null; \
	fi

build: deps
	$(SWIFT) build --scratch-path $(SCRATCH)

# Three test processes, one after the other. Swift Testing runs every test on Swift's cooperative
# pool, one thread per core; a synchronous test holds its thread until it ends. The end-to-end
# tests (aspireTests) block theirs while they wait on child processes, the model's tests
# (MODEL_TESTS: parsing 20,000 resources, property tests) compute for seconds; in one process with
# the async tests (sockets, dashboards, gRPC, the supervisor) they starved those for minutes on
# 2 cores, under AddressSanitizer past their time limits. The first process builds; the others
# reuse the build.
MODEL_TESTS := ^(AppModelTests|ParallelLoadTests|YAMLSourceTests|PublishingTests|ManifestAuthoringTests|AppStatusTests)\.
SWIFT_TEST_GROUPS = \
	$(1) --filter '$(MODEL_TESTS)' && \
	$(1) --skip-build --skip aspireTests --skip '$(MODEL_TESTS)' && \
	{ [ "$(2)" = 0 ] || $(1) --skip-build --filter aspireTests; }

test: build
	$(call SWIFT_TEST_GROUPS,$(SWIFT) test --scratch-path $(SCRATCH),1)
	$(PYTHON) Tests/SchemaTests/check_schema.py

run: build
	$(ASPIRE) up -f $(MANIFEST)

BENCH_SCRIPTS ?= run supervise ready pslatency tricks render watch publishrun servers persistent

bench: deps bench-peers
	$(SWIFT) build $(RELEASE) --scratch-path $(SCRATCH) --product aspire
	bin="$$($(SWIFT) build $(RELEASE) --scratch-path $(SCRATCH) --show-bin-path)/aspire"; \
	for script in $(BENCH_SCRIPTS); do $(PYTHON) bench/$$script.py --aspire "$$bin" $(BENCH_FLAGS) || exit 1; done
	$(SWIFT) build $(RELEASE) --scratch-path $(SCRATCH) --product otelbench
	$(PYTHON) bench/otel.py --otelbench "$$($(SWIFT) build $(RELEASE) --scratch-path $(SCRATCH) --show-bin-path)/otelbench" $(BENCH_FLAGS)

# The peers bench/supervise.py compares against (each is skipped with a note when missing).
bench-peers:
	@$(PYTHON) -c 'import honcho, supervisor' 2>/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check honcho supervisor \
	    || $(PYTHON) -m pip install --quiet --disable-pip-version-check --break-system-packages honcho supervisor \
	    || echo "note: honcho/supervisor not installed; bench/supervise.py skips them"

# Sanitizer builds keep their own build folders (a full rebuild each the first time).
sanitize: sanitize-address sanitize-thread

# Leak reports are off here: every one left is in Foundation's `Process` internals, NIO's
# embedded test channels, or the test helpers' own objects (see docs/architecture.md); leaks in
# our C are the fuzzers' job (`make fuzz` keeps LeakSanitizer on). Memory errors are still fatal.
# ASAN_E2E=0 (CI) leaves out the end-to-end suite: the in-process suites cover the supervisor's
# spawn shim, the control plane, the dashboard and the OTLP decoders, and the fuzzers (ASan too)
# cover the C shim, the whole load path and up's planning.
ASAN_E2E ?= 1
sanitize-address: deps
	$(call SWIFT_TEST_GROUPS,ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan,$(ASAN_E2E))

# die_after_fork=0: the test process forks children (Foundation's Process) while it has threads.
sanitize-thread: deps
	$(call SWIFT_TEST_GROUPS,TSAN_OPTIONS=die_after_fork=0 $(SWIFT) test --sanitize=thread --scratch-path .build-tsan,1)

install:
	$(SWIFT) build $(RELEASE) --scratch-path $(SCRATCH) --product aspire
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -s -m 0755 "$$($(SWIFT) build $(RELEASE) --scratch-path $(SCRATCH) --show-bin-path)/aspire" "$(DESTDIR)$(PREFIX)/bin/aspire"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/aspire"

fuzz: deps
	FUZZ_JOBS=$(FUZZ_JOBS) FUZZ_TARGETS="$(or $(FUZZ_TARGETS),shim full otlp)" bash fuzz/run.sh $(FUZZ_SECONDS)

clean:
	$(SWIFT) package clean --scratch-path $(SCRATCH)
	find . \( -path './.build*' -o -path './.git' \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
