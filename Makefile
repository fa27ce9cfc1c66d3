# khabar — the README's commands.  CMake does the building; this file only strings steps
# together.  make (build) · make demo · make check · make bench · make fuzz · make format
JOBS ?= 2
BUILD := build
ASAN := build-asan
FUZZ := build-fuzz
CMAKE_FLAGS ?=

.PHONY: all build deps demo check test unit e2e browser asan bench bench-search bench-search-scale bench-related bench-extract fuzz format clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

deps:
	scripts/install-deps.sh build

# Install, build, create demo.db with our demo articles and photos, serve on :8080.
demo: deps build
	scripts/demo.sh demo.db

# Every suite: unit + fuzz corpora (ctest), end-to-end, browser, then all of it again
# with the program and tests built with AddressSanitizer + UndefinedBehaviorSanitizer.
check:
	scripts/install-deps.sh check
	$(MAKE) build
	$(MAKE) test
	$(MAKE) asan

test: unit e2e browser

unit:
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

e2e:
	KHABAR_BIN=$(CURDIR)/$(BUILD)/khabar node --test --test-concurrency=1 tests/e2e/

browser:
	KHABAR_BIN=$(CURDIR)/$(BUILD)/khabar node --test --test-concurrency=1 tests/browser/

asan:
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DKB_SANITIZE=ON >/dev/null
	cmake --build $(ASAN) -j$(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 KHABAR_BIN=$(CURDIR)/$(ASAN)/khabar \
	  node --test --test-concurrency=1 tests/e2e/ tests/browser/

bench: build
	scripts/install-deps.sh bench
	bench/run.sh

# Search relevance on ARCD: MRR@10, R@1, R@5 against plain FTS5 unicode61 (bench/search.sh).
bench-search: build
	bench/search.sh

# Search at 30,000, 300,000 and 1,000,000 articles (an archive generated from ANT by
# bench/corpus-scale.mjs): import, sizes, the in-memory ranker's build and memory, latency and
# server CPU per query beside plain FTS5 (bench/search-scale.mjs).  Not in `make bench`: about
# an hour and 15 GB of /tmp at 1M; KB_SCALE_SIZES=30000,300000 for ~20 minutes.
bench-search-scale: build
	node bench/search-scale.mjs $(CURDIR)/$(BUILD)/khabar

# Related lists and near-duplicates on ANT: time, same-category share, examples (bench/related.sh).
bench-related: build
	bench/related.sh

# HTML article extraction against ../shared/data/html ground truth: headline, date, body
# token F1 per set and language, pages/s (bench/extract.sh, docs/extract.md).
bench-extract: build
	bench/extract.sh

fuzz:
	cmake -S . -B $(FUZZ) -DCMAKE_C_COMPILER=clang -DKB_LIBFUZZER=ON >/dev/null
	cmake --build $(FUZZ) -j$(JOBS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
