# The two commands of the README are `make demo` and `make test`; `make build`
# and `make bench` stand beside them. Each installs what it needs first, so
# they work on a fresh machine.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CARGO_TERM_COLOR := never

.PHONY: help setup-rust build demo test test-rust bench

help:
	@echo "make demo    send every event type to a verifying receiver with the CLI"
	@echo "make test    install what the tests need, then run them all"
	@echo "make build   build the CLI"
	@echo "make bench   run the benchmarks (figures go in BENCHMARKS.md)"

# ---- setup: what a fresh machine lacks --------------------------------------
setup-rust:
	rustup component add rustfmt clippy >/dev/null
	rustup target add wasm32-unknown-unknown thumbv7em-none-eabihf >/dev/null

# ---- build -------------------------------------------------------------------
build: setup-rust
	cargo build --release --features cli

# ---- demo --------------------------------------------------------------------
demo: setup-rust
	bash scripts/demo.sh

# ---- test --------------------------------------------------------------------
test: test-rust

test-rust: setup-rust
	cargo fmt --all --check
	cargo clippy --all-targets --all-features -- -D warnings
	cargo test --all-features
	cargo build --no-default-features --target wasm32-unknown-unknown
	cargo build --no-default-features --target thumbv7em-none-eabihf

# ---- bench -------------------------------------------------------------------
bench: setup-rust
	cargo bench --bench verify
