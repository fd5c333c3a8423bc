# halo: `make serve` builds and serves the page (needs only Go); `make test`
# installs what the tests need on a fresh Debian machine and runs every test.

GO      ?= go
GOROOT  := $(shell $(GO) env GOROOT)
# Go's Node launcher plus the memory hand-over that lets core/nn/blas32 run
# its WebAssembly SIMD kernel, as the page's workers do.
WASMEXEC := $(CURDIR)/tools/wasmexec/go_js_wasm_exec
ADDR    ?= :8080
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Packages whose tests also run in js/wasm through Node (same code, same numbers).
WASM_TEST_PKGS := ./core/... ./wasm/ui/...

.PHONY: all build serve test deps vet test-native test-wasm test-fuzz bench clean

all: build

build: build/halo build/worker.wasm build/ui.wasm build/wasm_exec.js

build/halo: FORCE
	@mkdir -p build
	$(GO) build -o build/halo ./cmd/halo

build/worker.wasm: FORCE
	@mkdir -p build
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o build/worker.wasm ./wasm/worker

build/ui.wasm: FORCE
	@mkdir -p build
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o build/ui.wasm ./wasm/ui

build/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	@mkdir -p build
	cp $< $@

serve: build
	./build/halo serve --addr $(ADDR)

# deps installs, once, what a fresh Debian machine lacks for the tests:
# chromium (browser tests), gdal-bin (GeoTIFF checks), nodejs (js/wasm tests).
deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v gdalinfo >/dev/null 2>&1 || missing="$$missing gdal-bin"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./core/... ./wasm/...

test-native: build
	HALO_REQUIRE_TOOLS=1 $(GO) test -count=1 -timeout 20m ./...

# The core tests in js/wasm with the SIMD kernel, then the golden maps once
# more on the pure-Go kernel (HALO_SIMD=0): both must equal the native maps.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -short -timeout 15m -exec=$(WASMEXEC) $(WASM_TEST_PKGS)
	HALO_SIMD=0 GOOS=js GOARCH=wasm $(GO) test -count=1 -short -timeout 10m -exec=$(WASMEXEC) -run 'TestSameMapEverywhere' ./core/pipeline

# A short fuzz run of each parser (samples, deposits, Config / report JSON,
# the detection parts a sub-worker posts) on top of the corpus in testdata
# (which the plain test run replays).
test-fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzRead$$' -fuzztime=15s ./core/survey
	$(GO) test -run='^$$' -fuzz='^FuzzReadDeposits$$' -fuzztime=10s ./core/survey
	$(GO) test -run='^$$' -fuzz='^FuzzParseConfig$$' -fuzztime=10s ./core/pipeline
	$(GO) test -run='^$$' -fuzz='^FuzzPartUnmarshal$$' -fuzztime=10s ./core/detect

test: deps vet test-native test-wasm test-fuzz

# The measuring instrument (README "Performance"): the PyTorch peer when
# python3-torch is installed (skipped with a message otherwise), then the
# named workloads natively, in js/wasm through Node and end to end in
# headless Chromium (skipped with a message without chromium: make deps),
# with halo / peer ratios and the table of issue #6's targets.
bench: build
	rm -f build/bench-peers.json
	sh bench/peers/run.sh --json build/bench-peers.json
	./build/halo bench --workload all --wasm --browser --json build/bench.json $$([ -f build/bench-peers.json ] && echo --peer build/bench-peers.json)

clean:
	rm -rf build out

FORCE:
