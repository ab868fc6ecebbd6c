# The two commands of the README are `make demo` and `make test`; `make build`
# and `make bench` stand beside them. Each installs what it needs first, so
# they work on a fresh machine.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CARGO_TERM_COLOR := never

.PHONY: help setup-rust build demo test test-rust bench
.PHONY: setup-js pkg test-js bench-js
.PHONY: setup-redis test-express example-express bench-express
.PHONY: test-fetch bench-workerd
.PHONY: setup-valgrind setup-fuzz test-security test-ct test-fuzz fuzz
.PHONY: setup-wrk test-js-security test-load load

help:
	@echo "make demo    send every event type to the Express example with the CLI"
	@echo "make test    install what the tests need, then run them all"
	@echo "make build   build the CLI and the npm package (pkg/)"
	@echo "make bench   run the benchmarks (figures go in BENCHMARKS.md)"
	@echo "make fuzz    run every fuzz target for 10 minutes (see fuzz/README.md)"
	@echo "make load    wrk against the Express example (60 s) and the Worker in workerd"

# ---- setup: what a fresh machine lacks --------------------------------------
setup-rust:
	rustup component add rustfmt clippy >/dev/null
	rustup target add wasm32-unknown-unknown thumbv7em-none-eabihf >/dev/null

# The npm packages of development (wasm-opt, TypeScript, publint, the other
# runtimes, the benchmark's peers) and wasm-pack. Install scripts stay off:
# the runtimes' binaries come from their platform packages.
setup-js: node_modules/.installed tests/js/node-versions/node_modules/.installed
	@command -v wasm-pack >/dev/null || cargo install wasm-pack --locked

node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

tests/js/node-versions/node_modules/.installed: tests/js/node-versions/package-lock.json
	cd tests/js/node-versions && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# ---- build -------------------------------------------------------------------
build: setup-rust pkg example-express
	cargo build --release --features cli

# The npm package @geckoguard/webhooks, assembled in pkg/ (one .wasm file).
# wasm-pack installs the wasm-bindgen CLI of the pinned version by itself.
pkg: setup-rust setup-js
	wasm-pack build wasm --target web --profile wasm-release --no-opt --no-pack \
		--out-dir ../target/wasm-pack --out-name geckoguard_webhooks
	node scripts/build-pkg.mjs

# ---- demo --------------------------------------------------------------------
demo: setup-rust example-express
	bash scripts/demo.sh

# ---- test --------------------------------------------------------------------
test: test-rust test-js test-express test-fetch test-security

test-rust: setup-rust
	cargo fmt --all --check
	cargo clippy --all-targets --all-features -- -D warnings
	cargo test --all-features
	cargo build --no-default-features --target wasm32-unknown-unknown
	cargo build --no-default-features --target thumbv7em-none-eabihf

# The npm package, built, in every runtime it supports (see the README's table).
NODE22 := tests/js/node-versions/node_modules/node22/bin/node
NODE24 := tests/js/node-versions/node_modules/node24/bin/node
DENO := node_modules/@deno/linux-x64-glibc/deno
BUN := node_modules/@oven/bun-linux-x64/bin/bun
NODE_TESTS := tests/js/node/*.test.mjs tests/js/node/*.test.cjs

test-js: pkg
	publint --strict pkg
	tsc -p tests/js/types
	node --test $(NODE_TESTS)
	$(NODE22) --test $(NODE_TESTS)
	$(NODE24) --test $(NODE_TESTS)
	$(DENO) run --quiet --no-config --allow-read=tests/vectors tests/js/runtimes/deno.mjs
	$(DENO) run --quiet --no-config --allow-read=tests/vectors,pkg tests/js/runtimes/deno-browser.mjs
	$(BUN) tests/js/runtimes/bun.mjs
	node --test tests/js/workerd/workerd.test.mjs
	node --test tests/js/pack/pack.test.mjs

# The Express adapter: real Express 4 and 5 servers on loopback, real HTTP,
# and a real redis-server (started by the tests on a free port) for dedupe.
test-express: pkg setup-redis example-express
	tsc -p tests/js/express/types
	node --test tests/js/express/*.test.mjs

# The Express example, installed as a user would: @geckoguard/webhooks from pkg/.
example-express: examples/express/node_modules/.installed

examples/express/node_modules/.installed: examples/express/package-lock.json | pkg
	cd examples/express && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# The Fetch adapter (@geckoguard/webhooks/fetch) in real runtimes, over HTTP on
# loopback: in workerd (the example Worker and a test app bundled by wrangler,
# run by miniflare; wrangler needs Node 22), in Deno and Bun, in Hono on Node,
# and the Deno, Bun, Hono and Next.js examples; the command-line sender delivers
# every event to the example Worker. The tests start every server.
test-fetch: pkg
	tsc -p tests/fetch/types
	cargo build --features cli --bin geckoguard-webhooks
	$(NODE22) --test --test-force-exit --test-timeout=300000 tests/fetch/workerd.test.mjs
	node --test --test-force-exit --test-timeout=300000 tests/fetch/node.test.mjs tests/fetch/deno-bun.test.mjs tests/fetch/examples.test.mjs

setup-redis:
	@command -v redis-server >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; }

# ---- reliability and security (SECURITY.md says what each proves) ----------
setup-valgrind:
	@command -v valgrind >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind; }

# cargo-fuzz needs the nightly toolchain (for libFuzzer and the sanitizers).
setup-fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

test-security: test-ct test-fuzz test-js-security test-load

# Instruction counts under valgrind, on the optimized build (tests/constant_time.rs).
test-ct: setup-rust setup-valgrind
	GECKOGUARD_REQUIRE_VALGRIND=1 cargo test --release --test constant_time

# A smoke run of every fuzz target: 20 s each. `make fuzz` runs 10 minutes each.
test-fuzz: setup-fuzz
	scripts/fuzz.sh 20

fuzz: setup-fuzz
	scripts/fuzz.sh 600

setup-wrk:
	@command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }

# The package and the Express adapter under hostile input, slow clients, and
# every error path checked for leaks (tests/js/security/).
test-js-security: pkg
	node --test tests/js/security/*.test.mjs

# Load (tests/load/load.mjs): half valid, half tampered deliveries with wrk on
# loopback; zero wrong decisions, zero 5xx, bounded memory. A 10 s smoke here;
# `make load` runs 60 s against Express and a bounded run against workerd
# (miniflare needs Node 22). Figures in BENCHMARKS.md.
test-load: setup-wrk pkg example-express
	node tests/load/load.mjs express --duration 10 --warmup 3

load: setup-wrk pkg example-express
	node tests/load/load.mjs express --duration 60 --warmup 15
	$(NODE22) tests/load/load.mjs workerd --duration 30 --warmup 5 --max-requests 8000

# ---- bench -------------------------------------------------------------------
bench: setup-rust bench-js bench-express bench-workerd
	cargo bench --bench verify

# The Express adapter against the spec's hand-written handler, same app, with
# wrk (figures in BENCHMARKS.md, "Express adapter").
bench-express: pkg
	@command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
	node benches/express/bench.mjs --rounds=3 --seconds=10

# Verification inside workerd against WebCrypto, timed from Node: a bench
# Worker bundled by wrangler runs N verifications per request (figures in
# BENCHMARKS.md, "Workers (workerd)"). wrangler and miniflare need Node 22.
bench-workerd: pkg
	$(NODE22) benches/workerd/bench.mjs --rounds=9

# The npm package against its peers in Node (figures in BENCHMARKS.md).
bench-js: pkg
	node --expose-gc benches/js/verify.mjs
