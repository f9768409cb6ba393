# Thin wrapper over CMake: the README's two commands, plus the build pieces they use.
#   make run   deps, build, migrate, demo data on a new database, then start the product
#   make test  deps, build, every test (unit, end-to-end, browser, fuzz corpus replay), then all
#              but the browser tests again on a build with AddressSanitizer + UndefinedBehaviorSanitizer
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
VAR ?= var
DB ?= $(VAR)/netreview.db
DEMO_PASSWORD ?= demo-password

.PHONY: all deps build build-asan run test test-unit test-e2e test-asan fuzz bench format clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DNR_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	@./scripts/run.sh $(BUILD)/netreview $(DB) $(DEMO_PASSWORD)

test: build build-asan
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -LE browser

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

test-e2e: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L e2e

bench: build
	@./bench/gate.sh $(BUILD)/netreview
	@./bench/sbom.sh $(BUILD)/netreview
	@./bench/traffic.sh $(BUILD)/netreview

fuzz: deps
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DNR_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
