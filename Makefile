# Sanad top-level Makefile: the two commands of the quick start.
#   make demo   install missing packages, build, create a demo community, show it
#   make test   install missing packages, build with ASan+UBSan, run every test
JOBS ?= $(shell nproc)
GEN := -G Ninja
CCACHE := $(shell command -v ccache 2>/dev/null)
CMAKE_COMMON := $(GEN) $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

.PHONY: all deps build build-test build-fuzz test demo bench fuzz format clean

all: build

deps:
	@scripts/install-deps.sh

build/build.ninja:
	cmake -S . -B build $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps build/build.ninja
	cmake --build build -j $(JOBS) --target sanad

build/test/build.ninja:
	cmake -S . -B build/test $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DSANAD_SANITIZE=ON -DSANAD_TESTS=ON

build-test: deps build/test/build.ninja
	cmake --build build/test -j $(JOBS)

# The fuzz targets are built first (clang) so that ctest's fuzz_smoke test
# can run each of them briefly.
test: build-test build-fuzz
	cd build/test && FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --output-on-failure -j $(JOBS)

# libFuzzer targets, built with clang; FUZZ_SECONDS each (longer by hand).
FUZZ_SECONDS ?= 10
build/fuzz/build.ninja:
	CC=clang CXX=clang++ cmake -S . -B build/fuzz $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANAD_FUZZ=ON

build-fuzz: deps build/fuzz/build.ninja
	cmake --build build/fuzz -j $(JOBS) --target fuzzers

fuzz: build-fuzz
	SECONDS_EACH=$(FUZZ_SECONDS) fuzz/run.sh

demo: build
	scripts/demo.sh

bench: deps
	SANAD_BENCH_DEPS=1 scripts/install-deps.sh
	cmake -S . -B build $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANAD_BENCH=ON
	cmake --build build -j $(JOBS)
	bench/ingest/run.sh
	bench/correlate/run.sh
	bench/match/run.sh
	bench/api/run.sh
	bench/taxii/run.sh
	build/bench/stix_pattern_bench

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
