# civicgrid — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc)
RELEASE := build/release
ASAN := build/asan
DB ?= var/demo.db
LISTEN ?= 127.0.0.1:8080
FUZZ := build/fuzz
BENCH := build/bench
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_json_body fuzz_geojson fuzz_http_request
# The longest input each fuzz target is given, in bytes.
FUZZ_MAX_LEN_fuzz_json_body := 8192
FUZZ_MAX_LEN_fuzz_geojson := 16384
FUZZ_MAX_LEN_fuzz_http_request := 16384

.PHONY: demo test deps deps-test deps-bench build build-asan build-bench web clean fuzz fuzz-build bench

## demo: install what is missing, build (Release), create the demo database if absent, serve on $(LISTEN)
demo: deps build web
	@mkdir -p var
	@if [ ! -f $(DB) ]; then $(RELEASE)/civicgrid demo build --db $(DB); fi
	@if [ -f $(DB).accounts ]; then cat $(DB).accounts; fi
	$(RELEASE)/civicgrid serve --db $(DB) --listen $(LISTEN) --web-root web/dist

## test: install what is missing, build with AddressSanitizer + UBSan, run every test through CTest
test: deps-test build-asan web
	cd $(ASAN) && ctest --output-on-failure -j $(JOBS)

## bench: install the peers (PostgreSQL/PostGIS, GEOS, wrk), build the suite (Release), build the province
## database if absent, run every figure beside its peer and rewrite docs/performance.md
bench: deps-bench build-bench
	@scripts/bench.sh

## fuzz: install clang if missing, build the fuzz targets with libFuzzer in $(FUZZ), run each in turn for $(FUZZ_SECONDS) s
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do $(MAKE) fuzz-run-$$t || exit 1; done

fuzz-build:
	@scripts/install-deps.sh --with-fuzz
	@cmake -S . -B $(FUZZ) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCIVICGRID_FUZZ=ON \
	  -DCIVICGRID_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ) -j $(JOBS) --target $(FUZZ_TARGETS)

# One target over its working corpus $(FUZZ)/corpus-NAME, seeded from fuzz/corpus/NAME (which is never
# written); new inputs land in the working corpus, crashes in $(FUZZ)/artifacts-NAME/. Fails on a crash.
fuzz-run-%:
	@mkdir -p $(FUZZ)/corpus-$* $(FUZZ)/artifacts-$*
	@cp -n fuzz/corpus/$*/* $(FUZZ)/corpus-$*/
	$(FUZZ)/fuzz/$* -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN_$*) -timeout=10 -rss_limit_mb=4096 \
	  -print_final_stats=1 -artifact_prefix=$(FUZZ)/artifacts-$*/ $(FUZZ)/corpus-$*

deps:
	@scripts/install-deps.sh

deps-test:
	@scripts/install-deps.sh --with-browser --with-postgres

deps-bench:
	@scripts/install-deps.sh --with-bench

build-bench:
	@cmake -S . -B $(BENCH) -DCMAKE_BUILD_TYPE=Release -DCIVICGRID_TESTS=OFF -DCIVICGRID_BENCH=ON >/dev/null
	@cmake --build $(BENCH) -j $(JOBS)

build:
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DCIVICGRID_TESTS=OFF >/dev/null
	@cmake --build $(RELEASE) -j $(JOBS)

build-asan:
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCIVICGRID_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)

web:
	@scripts/build-web.sh

clean:
	rm -rf build
