#!/usr/bin/env bash
# `make demo`: start the Express example (examples/express/server.mjs, the
# npm package's adapter) on loopback with a fresh secret, send it every event
# of the spec, a test.ping and one tampered delivery with the command-line
# tool, show the deliveries and what the server verified, and stop the
# server, also when something fails. `make demo` builds pkg/ and installs the
# example first.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building the command-line tool"
cargo build --quiet --features cli --bin geckoguard-webhooks
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
cli="$target_dir/debug/geckoguard-webhooks"

# A fresh secret, as the dashboard makes for a new endpoint. The tool reads it
# from the environment, so it never appears on a command line or in output.
GECKOGUARD_WEBHOOK_SECRET="whsec_$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export GECKOGUARD_WEBHOOK_SECRET

log=$(mktemp)
server=
stop() {
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap stop EXIT

# Port 0: the server picks a free port and prints its URL first.
PORT=0 HOST=127.0.0.1 node examples/express/server.mjs >"$log" 2>&1 &
server=$!
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on //p' "$log")
  [[ -n $url ]] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $url ]]; then
  echo "the Express example did not start:" >&2
  cat "$log" >&2
  exit 1
fi
echo "==> the Express example is listening at $url"

failed=0
echo
echo "==> the 15 events of the spec"
"$cli" send --url "$url" --all || failed=1
echo
echo "==> test.ping, as the dashboard's \"Send a Test Event\""
"$cli" ping --url "$url" || failed=1
echo
echo "==> license.authorized with its body changed after signing (must be refused)"
tampered=0
"$cli" send --url "$url" --event license.authorized --tamper || tampered=$?

# The server logs one line per verified event and one per refused delivery.
lines() { grep -cE '^event=|delivery refused' "$log" || true; }
for _ in $(seq 50); do
  (($(lines) >= 17)) && break
  sleep 0.1
done
echo
echo "==> what the server verified"
grep -E '^event=|delivery refused' "$log" || true

verified=$(grep -c '^event=' "$log" || true)
refused=$(grep -c 'delivery refused: invalid_signature' "$log" || true)
echo
if ((failed == 0 && tampered == 1 && verified == 16 && refused == 1)); then
  echo "demo passed: 16 deliveries verified (15 events + test.ping), the tampered one refused with 401"
else
  echo "demo FAILED: verified $verified of 16, refused $refused of 1 tampered" \
    "(send/ping exit: $failed, tampered send exit: $tampered, expected 1)" >&2
  exit 1
fi
