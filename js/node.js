// Node.js and Bun entry point: compiles the package's one .wasm file
// synchronously at import, and lends the core node:crypto's HMAC for large
// bodies, where OpenSSL hashes several times faster than Wasm. The core still
// parses the header, compares in constant time and checks the payload.
import { readFileSync } from 'node:fs';
import * as wasm from './wasm/geckoguard_webhooks.js';
import { createApi, WebhookVerificationError } from './webhook.js';
import { nativeHmac } from './node-hmac.js';

wasm.initSync({ module: readFileSync(new URL('./wasm/geckoguard_webhooks_bg.wasm', import.meta.url)) });

/** From this body size on, node:crypto computes the MACs (the crossover measured in BENCHMARKS.md). */
const NATIVE_HMAC_MIN_BYTES = 1280;

const { Webhook, sign } = createApi(wasm, nativeHmac(NATIVE_HMAC_MIN_BYTES));
export { Webhook, sign, WebhookVerificationError };
