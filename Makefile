# Traffic Map — top level. Delegates to the parts; see README.md.
#
#   make deps     install the Debian packages the project needs (idempotent, no prompts)
#   make          build the extension and the loader
#   make install  install both (the extension into PostgreSQL 15, the loader into /usr/local)
#   make check    build and run every test: unit, sanitizer, pg_regress, pgTAP, fuzz inputs,
#                 integration (tests/run prints a summary)
#   make demo     build, start a throwaway PostgreSQL, load the demo data, print a summary
#   make bench    benchmarks against the peers (bench/), printing ratios
#   make fuzz     run every libFuzzer target for SECONDS seconds each (default 60)
#   make clean    remove build outputs

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
export PG_CONFIG
# The private PostgreSQL installation tests run against (tests/pg-root).
TM_PGROOT := $(CURDIR)/build/pgroot
export TM_PGROOT
SECONDS ?= 60

all: deps
	$(MAKE) build

# Without deps, for the targets below that already ran it.
build:
	$(MAKE) -C extension with_llvm=no
	$(MAKE) -C loader

deps:
	@.ci/deps

install: all
	$(MAKE) -C extension install with_llvm=no
	$(MAKE) -C loader install

# A copy of the PostgreSQL installation with this checkout's extension installed into it.
pgroot: build
	tests/pg-root $(TM_PGROOT)
	$(MAKE) -C extension install DESTDIR=$(TM_PGROOT) with_llvm=no

check: deps
	$(MAKE) pgroot
	$(MAKE) -C loader asan
	$(MAKE) -C fuzz
	tests/run

demo: deps
	$(MAKE) pgroot
	tests/demo

bench: deps
	@.ci/deps bench
	$(MAKE) pgroot
	$(MAKE) -C bench

fuzz: deps
	$(MAKE) -C fuzz run SECONDS=$(SECONDS)

clean:
	$(MAKE) -C extension clean with_llvm=no
	$(MAKE) -C loader clean
	$(MAKE) -C fuzz clean
	$(MAKE) -C bench clean
	rm -rf build

.PHONY: all build deps install pgroot check demo bench fuzz clean
