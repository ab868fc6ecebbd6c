// 100,000 random and hostile inputs through verify, verifySignature and sign.
// Every one must end in a WebhookVerificationError with a known code (or, by
// chance, a result): never another exception, a Wasm trap or a hang. A trap
// would poison the module for the whole process, so a valid delivery must
// still verify afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sign, Webhook, WebhookVerificationError } from '../../../pkg/node.js';

const SECRET = 'whsec_hostile_inputs_0123456789';
const VALID = '{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}';
const CODES = new Set([
  'missing_signature',
  'malformed_signature',
  'invalid_signature',
  'invalid_payload',
  'timestamp_out_of_tolerance',
  'invalid_secret',
  'body_already_parsed',
  'invalid_argument',
  'payload_too_large',
]);
const ITERATIONS = 100_000;

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inputs(random) {
  const int = (n) => Math.floor(random() * n);
  const bytes = (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) out[i] = int(256);
    return out;
  };
  const text = (n) => {
    let s = '';
    for (let i = 0; i < n; i += 1) s += String.fromCharCode(int(0x10000));
    return s;
  };
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdefABCDEF'[int(22)]).join('');
  const tampered = () => {
    const b = new TextEncoder().encode(VALID);
    b[int(b.length)] = int(256);
    return b;
  };
  const odd = () =>
    [undefined, null, 0, -1, NaN, Infinity, true, {}, [], [[]], () => {}, Symbol('x'), 10n, new Date(), /re/, new Map(), Object.create(null), new Proxy({}, {}), new Error('x')][
      int(19)
    ];
  const body = () => {
    switch (int(10)) {
      case 0: return bytes(int(2048));
      case 1: return text(int(512));
      case 2: return tampered();
      case 3: return VALID;
      case 4: return `{"event":${JSON.stringify(text(int(8)))},"data":{"x":"${'['.repeat(int(300))}"},"timestamp":1}`;
      case 5: return `{"event":"a","data":${'['.repeat(int(5000))}`;
      case 6: return bytes(int(8)).buffer;
      case 7: return new DataView(bytes(int(64)).buffer);
      case 8: return int(50) === 0 ? bytes(1 << 20) : bytes(int(9000)); // crosses the native-HMAC size
      default: return odd();
    }
  };
  const header = () => {
    switch (int(9)) {
      case 0: return hex(64);
      case 1: return hex(int(130));
      case 2: return text(int(80));
      case 3: return int(200) === 0 ? 'a'.repeat(4 << 20) : ' '.repeat(int(1000)) + hex(64);
      case 4: return [hex(64), hex(64)].slice(0, int(3));
      case 5: return sign(SECRET, VALID);
      case 6: return `\ud800${hex(63)}`;
      case 7: return String(int(1e9));
      default: return odd();
    }
  };
  const options = () => {
    switch (int(6)) {
      case 0: return { now: odd() };
      case 1: return { now: random() * 1e15 * (int(2) ? 1 : -1) };
      case 2: return odd();
      case 3: return { now: new Date(int(2) ? NaN : random() * 8.64e15) };
      default: return undefined;
    }
  };
  return { body, header, options, odd, int, text };
}

function expectKnownOutcome(fn, describe) {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError && CODES.has(error.code) && [400, 401, 413, 500].includes(error.status)) return;
    assert.fail(`${describe()} threw ${error && error.name}: ${error && error.message}`);
  }
}

test(`${ITERATIONS} hostile inputs, then a valid delivery still verifies`, () => {
  const seed = Number(process.env.HOSTILE_SEED ?? 20250115);
  const random = prng(seed);
  const gen = inputs(random);
  const verifiers = [
    new Webhook(SECRET),
    new Webhook([SECRET, 'whsec_other'], { tolerance: 300 }),
    new Webhook(SECRET, { tolerance: 0 }),
  ];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const describe = () => `seed ${seed}, iteration ${i}`;
    const verifier = verifiers[gen.int(verifiers.length)];
    const body = gen.body();
    const header = gen.header();
    switch (gen.int(10)) {
      case 0:
        expectKnownOutcome(() => verifier.verifySignature(body, header), describe);
        break;
      case 1:
        expectKnownOutcome(() => sign(gen.int(2) ? gen.odd() : gen.text(gen.int(40)), body), describe);
        break;
      case 2:
        expectKnownOutcome(() => new Webhook(gen.int(2) ? gen.odd() : [gen.text(gen.int(10))], gen.int(2) ? gen.odd() : { tolerance: gen.odd() }), describe);
        break;
      default:
        expectKnownOutcome(() => verifier.verify(body, header, gen.options()), describe);
    }
  }
  for (const verifier of verifiers) {
    const event = verifier.verify(VALID, sign(SECRET, VALID), { now: Date.parse('2025-01-15T10:30:00.000Z') });
    assert.equal(event.event, 'test.ping');
  }
  assert.throws(() => verifiers[0].verify(VALID, sign('whsec_x', VALID)), { code: 'invalid_signature' });
});
