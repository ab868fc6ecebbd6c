// Node.js and Bun entry point: compiles the package's one .wasm file
// synchronously at import, and lends the core node:crypto's HMAC for large
// bodies, where OpenSSL hashes several times faster than Wasm. The core still
// parses the header, compares in constant time and checks the payload.
import * as wasm from './wasm/geckoguard_webhooks.js';
import { createApi, WebhookVerificationError } from './webhook.js';
import { nativeHmac } from './node-hmac.js';

// process.getBuiltinModule (Node 20.16+, Bun) skips building the ES module
// facade of node:fs, about 1.3 ms of the cold start; older Nodes import it.
const { readFileSync } = globalThis.process.getBuiltinModule?.('node:fs') ?? (await import('node:fs'));

wasm.initSync({ module: readFileSync(new URL('./wasm/geckoguard_webhooks_bg.wasm', import.meta.url)) });

/** From this body size on, node:crypto computes the MACs (the crossover measured in BENCHMARKS.md). */
const NATIVE_HMAC_MIN_BYTES = 1280;

/**
 * From this body size on, a body the core found to be all ASCII is turned
 * into a string by Buffer's Latin-1 decoding, about twice as fast as UTF-8
 * decoding and the same string for ASCII (measured in BENCHMARKS.md).
 */
const asciiText = {
  minBytes: 64 * 1024,
  decode: (bytes) =>
    (bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('latin1'),
};

const { Webhook, sign } = createApi(wasm, nativeHmac(NATIVE_HMAC_MIN_BYTES), asciiText);
export { Webhook, sign, WebhookVerificationError };
