#!/usr/bin/env bash
# Runs every cargo-fuzz target for the given number of seconds each, one at
# a time and at the lowest priority, starting from the committed seeds
# (fuzz/seeds/<target>/) and the corpus libFuzzer grew on earlier runs
# (fuzz/corpus/<target>/, not committed). Stops at the first crash; libFuzzer
# writes the input to fuzz/artifacts/<target>/ and prints how to replay it.
#
#   scripts/fuzz.sh 600        # make fuzz: 10 minutes per target
#   scripts/fuzz.sh 20         # make test: a smoke run
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(signature_header payload verify)
fi

nice -n 19 cargo +nightly fuzz build --release
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "==> fuzz $target for ${seconds}s"
  log=$(mktemp)
  if ! nice -n 19 cargo +nightly fuzz run --release "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    rm -f "$log"
    echo "fuzz $target: crashed (input saved under fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|#[0-9]+ +DONE' "$log" | sed 's/^/    /'
  rm -f "$log"
done
