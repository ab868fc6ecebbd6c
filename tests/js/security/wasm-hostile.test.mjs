// The Wasm module under hostile input, through the built package: what the
// 100,000 random inputs of tests/js/node/hostile.test.mjs do not cover.
//
// - Every kind of JavaScript value as a body, each with an exact expected
//   answer: every typed array, DataView, ArrayBuffer (also resizable, also
//   detached), Buffer, views with an offset into a larger buffer, values
//   from another realm, and every non-bytes value (refused, never a trap).
// - Headers of every type and of huge sizes, each with an exact answer.
// - Wasm linear memory stays bounded: 1,000 verifications of 1 MiB bodies
//   (through the Node entry, whose large bodies take node:crypto's HMAC, and
//   through the pure-Wasm path that Workers and browsers use), valid and
//   tampered, as bytes and as strings, and repeated huge headers.
// - After all of it the module still answers correctly: no trap poisoned it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';

import { sign, Webhook, WebhookVerificationError } from '../../../pkg/node.js';
import * as glue from '../../../pkg/wasm/geckoguard_webhooks.js';
import { createApi } from '../../../pkg/webhook.js';

const SECRET = 'whsec_wasm_hostile_5be0a9137c';
// The already-initialized instance (initSync returns it) and its memory.
const exports = glue.initSync();
const memoryBytes = () => exports.memory.buffer.byteLength;
// The pure-Wasm API, as in Workers and browsers: no host HMAC.
const wasmOnly = createApi(glue);

/** A valid delivery whose length is a multiple of 8, so every typed array can hold it. */
function deliveryBytes(size = 0) {
  let text = JSON.stringify({
    event: 'license.authorized',
    data: { licenseId: 'lic_types', padding: 'x'.repeat(size) },
    timestamp: '2025-01-15T10:30:00.000Z',
  });
  while (Buffer.byteLength(text) % 8 !== 0) text += ' '; // JSON whitespace, signed like the rest
  return Buffer.from(text, 'utf8');
}

const VALID = deliveryBytes();
const SIGNATURE = sign(SECRET, VALID);

/** A fresh ArrayBuffer holding `bytes`, optionally inside a larger one at an offset. */
function bufferOf(bytes, offset = 0) {
  const buffer = new ArrayBuffer(bytes.length + offset + 8);
  new Uint8Array(buffer, offset, bytes.length).set(bytes);
  return buffer;
}

/** Every way to hold the bytes of a body: all must verify exactly those bytes. */
function byteBodies(bytes) {
  const exact = () => bufferOf(bytes).slice(0, bytes.length);
  const at8 = () => bufferOf(bytes, 8);
  const resizable = () => {
    const buffer = new ArrayBuffer(bytes.length, { maxByteLength: bytes.length * 2 });
    new Uint8Array(buffer).set(bytes);
    return buffer;
  };
  const shared = () => {
    const buffer = new SharedArrayBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    return buffer;
  };
  const n = bytes.length;
  return [
    ['Buffer', Buffer.from(bytes)],
    ['Uint8Array', new Uint8Array(exact())],
    ['Uint8Array at an offset in a larger buffer', new Uint8Array(at8(), 8, n)],
    ['Buffer.subarray of a larger Buffer', Buffer.concat([Buffer.from('junk'), bytes, Buffer.from('junk')]).subarray(4, 4 + n)],
    ['Uint8ClampedArray', new Uint8ClampedArray(exact())],
    ['Int8Array', new Int8Array(exact())],
    ['Uint16Array', new Uint16Array(exact())],
    ['Int16Array', new Int16Array(exact())],
    ['Uint32Array', new Uint32Array(exact())],
    ['Int32Array', new Int32Array(exact())],
    ['Float32Array', new Float32Array(exact())],
    ['Float64Array', new Float64Array(exact())],
    ['BigInt64Array', new BigInt64Array(exact())],
    ['BigUint64Array', new BigUint64Array(exact())],
    ['Float64Array at an offset', new Float64Array(at8(), 8, n / 8)],
    ['DataView', new DataView(exact())],
    ['DataView at an offset', new DataView(at8(), 8, n)],
    ['ArrayBuffer', exact()],
    ['resizable ArrayBuffer', resizable()],
    ['Uint8Array over a resizable ArrayBuffer', new Uint8Array(resizable())],
    ['Uint8Array over a SharedArrayBuffer', new Uint8Array(shared())],
    ['string', bytes.toString('utf8')],
    ['Uint8Array from another realm', runInNewContext('new Uint8Array(b)', { b: [...bytes] })],
    ['ArrayBuffer from another realm', runInNewContext('new Uint8Array(b).buffer', { b: [...bytes] })],
    ['DataView from another realm', runInNewContext('new DataView(new Uint8Array(b).buffer)', { b: [...bytes] })],
  ];
}

/** Values that are not bytes: each refused with a WebhookVerificationError, status 500. */
function nonByteBodies() {
  const detach = (buffer) => structuredClone(buffer, { transfer: [buffer] }) && buffer;
  const detached = detach(new ArrayBuffer(16));
  const viewBuffer = new ArrayBuffer(16);
  const detachedView = new DataView(viewBuffer, 4, 8);
  detach(viewBuffer);
  const bytesBuffer = new ArrayBuffer(16);
  const detachedBytes = new Uint8Array(bytesBuffer);
  detach(bytesBuffer);
  return [
    ['undefined', undefined, 'invalid_argument'],
    ['null', null, 'invalid_argument'],
    ['number', 42, 'invalid_argument'],
    ['NaN', NaN, 'invalid_argument'],
    ['boolean', true, 'invalid_argument'],
    ['bigint', 10n, 'invalid_argument'],
    ['symbol', Symbol('body'), 'invalid_argument'],
    ['function', () => VALID, 'invalid_argument'],
    ['parsed object (express.json)', JSON.parse(VALID.toString()), 'body_already_parsed'],
    ['array', [...VALID], 'body_already_parsed'],
    ['String object', new String(VALID.toString()), 'body_already_parsed'],
    ['Date', new Date(), 'body_already_parsed'],
    ['Map', new Map(), 'body_already_parsed'],
    ['Promise of the body', Promise.resolve(VALID), 'body_already_parsed'],
    ['Blob', new Blob([VALID]), 'body_already_parsed'],
    ['ReadableStream', new ReadableStream(), 'body_already_parsed'],
    ['Proxy', new Proxy({}, {}), 'body_already_parsed'],
    ['null-prototype object', Object.create(null), 'body_already_parsed'],
    ['object with toString', { toString: () => VALID.toString() }, 'body_already_parsed'],
    ['SharedArrayBuffer', new SharedArrayBuffer(8), 'body_already_parsed'],
    // A detached buffer has no bytes left: an argument error, said as one.
    ['detached ArrayBuffer', detached, 'invalid_argument'],
    ['DataView over a detached buffer', detachedView, 'invalid_argument'],
    ['Uint8Array over a detached buffer', detachedBytes, 'invalid_argument'],
  ];
}

function codeOf(fn) {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    assert.ok([400, 401, 500].includes(error.status), `${error.code}: status ${error.status}`);
    return error.code;
  }
}

test('Wasm memory stays bounded: 1,000 verifications of 1 MiB bodies, then huge headers', () => {
  const big = deliveryBytes((1 << 20) - 200);
  assert.ok(big.length >= 1 << 20 - 1 && big.length <= (1 << 20) + 64, `body of ${big.length} bytes`);
  const bigSignature = sign(SECRET, big);
  const bigText = big.toString('utf8');
  const tampered = Buffer.from(big);
  tampered[1000] ^= 0x01;
  const rounds = [
    ['Node entry, bytes, valid', () => new Webhook(SECRET), big, 'ok'],
    ['Node entry, string, valid', () => new Webhook(SECRET), bigText, 'ok'],
    ['Node entry, bytes, tampered', () => new Webhook(SECRET), tampered, 'invalid_signature'],
    ['pure Wasm, bytes, valid', () => new wasmOnly.Webhook(SECRET), big, 'ok'],
    ['pure Wasm, string, valid', () => new wasmOnly.Webhook(SECRET), bigText, 'ok'],
    ['pure Wasm, bytes, tampered', () => new wasmOnly.Webhook(SECRET), tampered, 'invalid_signature'],
  ];
  const PER_KIND = Math.ceil(1000 / rounds.length) + 1; // 1,002 verifications in all
  const WARM_UP = 3;
  const figures = [`before: ${memoryBytes()} bytes`];
  for (const [name, make, body, expected] of rounds) {
    const webhook = make();
    for (let i = 0; i < WARM_UP; i += 1) assert.equal(codeOf(() => webhook.verify(body, bigSignature)), expected, name);
    const after = memoryBytes();
    for (let i = 0; i < PER_KIND; i += 1) {
      // A fresh verifier now and then, as a process that builds one per request would.
      const verifier = i % 50 === 0 ? make() : webhook;
      assert.equal(codeOf(() => verifier.verify(body, bigSignature)), expected, name);
    }
    figures.push(`${name}: ${after} -> ${memoryBytes()} bytes`);
    // Linear memory never shrinks; what matters is that it stops growing:
    // after warm-up, a thousand more 1 MiB bodies add nothing.
    assert.equal(memoryBytes(), after, `${name}: memory grew after warm-up (${figures.join('; ')})`);
  }
  // Repeated huge headers: memory grows once to hold the largest, then stays.
  const webhook = new Webhook(SECRET);
  const huge = 'a'.repeat(8 << 20);
  codeOf(() => webhook.verify(VALID, huge));
  const afterHuge = memoryBytes();
  for (let i = 0; i < 20; i += 1) assert.equal(codeOf(() => webhook.verify(VALID, huge)), 'malformed_signature');
  assert.equal(memoryBytes(), afterHuge, 'repeated huge headers kept growing memory');
  figures.push(`20 more 8 MiB headers: ${afterHuge} -> ${memoryBytes()} bytes`);
  // Bounded in absolute terms too: the largest input plus working space.
  assert.ok(memoryBytes() <= 64 << 20, `Wasm memory is ${memoryBytes()} bytes`);
  // And it still answers correctly.
  assert.equal(new Webhook(SECRET).verify(VALID, SIGNATURE).event, 'license.authorized');
  assert.equal(codeOf(() => new Webhook(SECRET).verify(VALID, sign('whsec_x', VALID))), 'invalid_signature');
  console.log(`# wasm memory: ${figures.join('; ')}`);
});

for (const [api, label] of [
  [{ Webhook, sign }, 'Node entry'],
  [wasmOnly, 'pure Wasm'],
]) {
  test(`${label}: every JavaScript body type gets the exact answer`, () => {
    const webhook = new api.Webhook([SECRET, 'whsec_other_rotated_secret']);
    const tampered = Buffer.from(VALID);
    tampered[tampered.length - 20] ^= 0x01;
    for (const [name, body] of byteBodies(VALID)) {
      const event = webhook.verify(body, SIGNATURE);
      assert.equal(event.data.licenseId, 'lic_types', name);
      assert.equal(webhook.verifySignature(body, SIGNATURE), true, name);
      assert.equal(api.sign(SECRET, body), SIGNATURE, `sign() of a ${name}`);
    }
    for (const [name, body] of byteBodies(tampered)) {
      assert.equal(codeOf(() => webhook.verify(body, SIGNATURE)), 'invalid_signature', name);
      assert.equal(codeOf(() => webhook.verifySignature(body, SIGNATURE)), 'invalid_signature', name);
    }
    for (const [name, body, code] of nonByteBodies()) {
      assert.equal(codeOf(() => webhook.verify(body, SIGNATURE)), code, name);
      assert.equal(codeOf(() => webhook.verifySignature(body, SIGNATURE)), code, name);
    }
    // sign() takes bytes the same ways.
    assert.equal(codeOf(() => api.sign(SECRET, nonByteBodies().at(-1)[1])), 'invalid_argument');
    assert.equal(codeOf(() => api.sign(nonByteBodies().at(-3)[1], VALID)), 'invalid_argument');
    assert.equal(api.sign(SECRET, new Uint8Array(0)), sign(SECRET, ''));
    assert.equal(webhook.verify(VALID, SIGNATURE).event, 'license.authorized');
  });

  test(`${label}: headers of every type and size get the exact answer`, () => {
    const webhook = new api.Webhook(SECRET);
    const cases = [
      ['the signature', SIGNATURE, 'ok'],
      ['uppercase', SIGNATURE.toUpperCase(), 'ok'],
      ['1 MiB of spaces around it', ' '.repeat(1 << 19) + SIGNATURE + ' '.repeat(1 << 19), 'ok'],
      ['an array of just the signature (a header sent once)', [SIGNATURE], 'ok'],
      ['an array of two (a header sent twice)', [SIGNATURE, SIGNATURE], 'malformed_signature'],
      ['an empty array', [], 'missing_signature'],
      ['undefined', undefined, 'missing_signature'],
      ['null', null, 'missing_signature'],
      ['empty', '', 'missing_signature'],
      ['16 MiB of hex', 'a'.repeat(16 << 20), 'malformed_signature'],
      ['16 MiB of spaces', ' '.repeat(16 << 20), 'missing_signature'],
      ['lone surrogates', '\ud800'.repeat(64), 'malformed_signature'],
      ['NUL bytes', '\0'.repeat(64), 'malformed_signature'],
      ['a number', 1234, 'invalid_argument'],
      ['a Buffer of the signature', Buffer.from(SIGNATURE), 'invalid_argument'],
      ['a String object', new String(SIGNATURE), 'invalid_argument'],
      ['an object with toString', { toString: () => SIGNATURE }, 'invalid_argument'],
      ['an array holding a number', [1], 'invalid_argument'],
      ['a symbol', Symbol('sig'), 'invalid_argument'],
    ];
    for (const [name, header, code] of cases) {
      assert.equal(codeOf(() => webhook.verify(VALID, header)), code, name);
    }
    assert.equal(webhook.verify(VALID, SIGNATURE).event, 'license.authorized');
  });
}
