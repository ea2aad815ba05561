# civicgrid — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc)
RELEASE := build/release
ASAN := build/asan
DB ?= var/demo.db
LISTEN ?= 127.0.0.1:8080

.PHONY: demo test deps build build-asan web clean

## demo: install what is missing, build (Release), create the demo database if absent, serve on $(LISTEN)
demo: deps build web
	@mkdir -p var
	@if [ ! -f $(DB) ]; then $(RELEASE)/civicgrid demo build --db $(DB); fi
	@if [ -f $(DB).accounts ]; then cat $(DB).accounts; fi
	$(RELEASE)/civicgrid serve --db $(DB) --listen $(LISTEN) --web-root web/dist

## test: install what is missing, build with AddressSanitizer + UBSan, run every test through CTest
test: deps build-asan web
	cd $(ASAN) && ctest --output-on-failure -j $(JOBS)

deps:
	@scripts/install-deps.sh

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
