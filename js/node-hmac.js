// node:crypto's HMAC (OpenSSL) for the Node entry point. It only computes the
// MACs of a body, one per secret; the Rust core still parses the header,
// compares in constant time and checks the payload. node:crypto is loaded on
// the first large body, not at import: it is a good part of the cold start.
import { createRequire } from 'node:module';

let crypto;
const loadCrypto = () =>
  (crypto ??= globalThis.process?.getBuiltinModule?.('node:crypto') ?? createRequire(import.meta.url)('node:crypto'));

/** MACs computed by node:crypto for bodies of `minBytes` and more. */
export function nativeHmac(minBytes) {
  return {
    minBytes,
    keys: (secrets) => secrets.map((secret) => loadCrypto().createSecretKey(Buffer.from(secret, 'utf8'))),
    macs(keys, bytes) {
      const { createHmac } = loadCrypto();
      if (keys.length === 1) return createHmac('sha256', keys[0]).update(bytes).digest();
      return Buffer.concat(keys.map((key) => createHmac('sha256', key).update(bytes).digest()));
    },
  };
}
