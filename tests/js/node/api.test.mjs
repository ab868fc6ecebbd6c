// The JavaScript API around the core: argument types, error codes and
// statuses, what messages may say, and the Node-only paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sign, Webhook, WebhookVerificationError } from '../../../pkg/node.js';

const SECRET = 'whsec_kq8Zt3vN1xWb6PjR0cYh5LmD9sEa-u2G';
const BODY = '{"event":"license.authorized","data":{"licenseId":"lic_1","productId":"prod_1","wasActivated":true,"effectiveExpiresAt":null},"timestamp":"2025-01-15T10:30:00.000Z"}';
const SENT_MS = Date.parse('2025-01-15T10:30:00.000Z');
const webhook = new Webhook(SECRET);

/** Runs fn, expecting a WebhookVerificationError with this code and status; returns it. */
function refused(fn, code, status) {
  let caught;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof WebhookVerificationError, `expected ${code}, got ${caught}`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, 'WebhookVerificationError');
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.status, status);
  assert.ok(!caught.message.includes(SECRET), 'the message shows the secret');
  assert.ok(!caught.message.includes(sign(SECRET, BODY)), 'the message shows the expected MAC');
  return caught;
}

test('verify returns event, data, timestamp and idempotencyKey', () => {
  const event = webhook.verify(Buffer.from(BODY), sign(SECRET, BODY));
  assert.deepEqual(event, {
    event: 'license.authorized',
    data: { licenseId: 'lic_1', productId: 'prod_1', wasActivated: true, effectiveExpiresAt: null },
    timestamp: '2025-01-15T10:30:00.000Z',
    idempotencyKey: sign(SECRET, BODY).slice(0, 32),
  });
});

test('every body type gives the same event', () => {
  const bytes = new TextEncoder().encode(BODY);
  const signature = sign(SECRET, BODY);
  const expected = webhook.verify(BODY, signature);
  const padded = new Uint8Array(bytes.length + 8);
  padded.set(bytes, 4);
  for (const body of [
    bytes,
    Buffer.from(BODY),
    bytes.buffer.slice(0),
    new DataView(padded.buffer, 4, bytes.length),
    padded.subarray(4, 4 + bytes.length),
  ]) {
    assert.deepEqual(webhook.verify(body, signature), expected);
    assert.equal(webhook.verifySignature(body, signature), true);
  }
});

test('a parsed body is refused with how to get the raw one', () => {
  const signature = sign(SECRET, BODY);
  for (const body of [JSON.parse(BODY), [], {}, new Map()]) {
    const error = refused(() => webhook.verify(body, signature), 'body_already_parsed', 500);
    assert.match(error.message, /express\.raw\(\{ type: 'application\/json' \}\)/);
    assert.match(error.message, /await request\.arrayBuffer\(\)/);
    refused(() => webhook.verifySignature(body, signature), 'body_already_parsed', 500);
  }
  for (const body of [undefined, null, 42, true, () => {}, Symbol('x'), 10n]) {
    const error = refused(() => webhook.verify(body, signature), 'invalid_argument', 500);
    assert.match(error.message, /raw request body/);
  }
});

test('headers: absent, repeated, and of the wrong type', () => {
  const body = Buffer.from(BODY);
  const signature = sign(SECRET, BODY);
  refused(() => webhook.verify(body, undefined), 'missing_signature', 401);
  refused(() => webhook.verify(body, null), 'missing_signature', 401);
  refused(() => webhook.verify(body, ''), 'missing_signature', 401);
  // Node gives an array for a repeated header: joined as Node and Fetch join it.
  assert.equal(webhook.verify(body, [signature]).event, 'license.authorized');
  refused(() => webhook.verify(body, [signature, signature]), 'malformed_signature', 401);
  refused(() => webhook.verify(body, []), 'missing_signature', 401);
  for (const header of [42, {}, [1], Buffer.from(signature), Symbol('s')]) {
    const error = refused(() => webhook.verify(body, header), 'invalid_argument', 500);
    assert.match(error.message, /x-geckoguard-signature/);
  }
});

test('secrets: none, empty, whitespace, wrong type, rotation', () => {
  for (const secrets of [undefined, null, '', [], [''], [' whsec_a'], ['whsec_a', 'whsec_b\n']]) {
    refused(() => new Webhook(secrets), 'invalid_secret', 500);
  }
  for (const secrets of [42, [SECRET, 7], Buffer.from(SECRET), { secret: SECRET }]) {
    refused(() => new Webhook(secrets), 'invalid_secret', 500);
  }
  const rotating = new Webhook(['whsec_old', SECRET]);
  assert.equal(rotating.verify(BODY, sign('whsec_old', BODY)).event, 'license.authorized');
  assert.equal(rotating.verify(BODY, sign(SECRET, BODY)).event, 'license.authorized');
  refused(() => rotating.verify(BODY, sign('whsec_other', BODY)), 'invalid_signature', 401);
});

test('tolerance in seconds, now as a Date or epoch milliseconds', () => {
  const strict = new Webhook(SECRET, { tolerance: 300 });
  const signature = sign(SECRET, BODY);
  assert.equal(strict.verify(BODY, signature, { now: SENT_MS + 300_000 }).event, 'license.authorized');
  assert.equal(strict.verify(BODY, signature, { now: new Date(SENT_MS - 300_000) }).event, 'license.authorized');
  refused(() => strict.verify(BODY, signature, { now: SENT_MS + 300_001 }), 'timestamp_out_of_tolerance', 400);
  refused(() => strict.verify(BODY, signature, { now: new Date(SENT_MS - 300_001) }), 'timestamp_out_of_tolerance', 400);
  // Without `now`, the clock is Date.now(): 2025-01-15 is long past.
  refused(() => strict.verify(BODY, signature), 'timestamp_out_of_tolerance', 400);
  // Without a tolerance, the time is not checked at all.
  assert.equal(webhook.verify(BODY, signature, { now: 0 }).event, 'license.authorized');
  for (const now of [NaN, -1, Infinity, '2025-01-15', new Date('nope'), {}]) {
    refused(() => strict.verify(BODY, signature, { now }), 'invalid_argument', 500);
  }
  for (const tolerance of [-1, NaN, Infinity, '300', {}]) {
    refused(() => new Webhook(SECRET, { tolerance }), 'invalid_argument', 500);
  }
  refused(() => new Webhook(SECRET, 300), 'invalid_argument', 500);
  refused(() => webhook.verify(BODY, signature, 'now'), 'invalid_argument', 500);
});

test('the checks are the core\'s: signature before payload', () => {
  const broken = '{"event":"a","data":[],"timestamp":"t"}';
  refused(() => webhook.verify(broken, 'ab'.repeat(32)), 'invalid_signature', 401);
  const error = refused(() => webhook.verify(broken, sign(SECRET, broken)), 'invalid_payload', 400);
  assert.match(error.message, /data/);
  // verifySignature checks only the signature.
  assert.equal(webhook.verifySignature(broken, sign(SECRET, broken)), true);
});

test('a string body is hashed as UTF-8; lone surrogates as U+FFFD', () => {
  const text = '{"event":"café ☕","data":{"s":"\ud800"},"timestamp":"t"}';
  const bytes = new TextEncoder().encode(text);
  const event = webhook.verify(text, sign(SECRET, bytes));
  assert.equal(event.event, 'café ☕');
  assert.equal(event.data.s, '\ufffd');
});

test('sign takes strings and bytes for both arguments', () => {
  const key = new Uint8Array([0x0b, 0x0b, 0xff, 0x00]);
  assert.equal(sign(key, 'x'), sign(key.buffer, new TextEncoder().encode('x')));
  assert.equal(sign(SECRET, BODY), sign(new TextEncoder().encode(SECRET), Buffer.from(BODY)));
  assert.match(sign(SECRET, ''), /^[0-9a-f]{64}$/);
  for (const bad of [undefined, 42, {}]) {
    refused(() => sign(bad, BODY), 'invalid_argument', 500);
    refused(() => sign(SECRET, bad), 'invalid_argument', 500);
  }
});

test('large bodies take node:crypto\'s HMAC and give the same answers', () => {
  const filler = 'x'.repeat(200_000);
  const body = `{"event":"license.created","data":{"note":"${filler}"},"timestamp":"2025-01-15T10:30:00.000Z"}`;
  const signature = sign(SECRET, body);
  for (const input of [body, Buffer.from(body)]) {
    const event = webhook.verify(input, signature);
    assert.equal(event.data.note.length, 200_000);
    assert.equal(event.idempotencyKey, signature.slice(0, 32));
    refused(() => webhook.verify(input, sign('whsec_other', body)), 'invalid_signature', 401);
    refused(() => webhook.verify(input, signature.slice(1)), 'malformed_signature', 401);
    refused(() => webhook.verify(input, ' '), 'missing_signature', 401);
  }
  const rotating = new Webhook(['whsec_old', SECRET, 'whsec_new']);
  assert.equal(rotating.verifySignature(body, signature), true);
  const bad = `${body.slice(0, -1)},}`;
  refused(() => rotating.verify(bad, sign('whsec_new', bad)), 'invalid_payload', 400);
});

test('bodies at every size the paths switch at give the same answers', () => {
  // Small deliveries go through the core's fixed scratch (16 KiB for body,
  // MACs and header), larger ones are copied in; from 1,280 bytes node:crypto
  // computes the MAC; from 64 KiB a body the core found all ASCII is decoded
  // as Latin-1. Around each edge, ASCII and not, as bytes and as a string,
  // with a plain and a non-ASCII header: the same event, key and errors.
  const rotating = new Webhook(['whsec_old', SECRET]);
  for (const size of [1279, 1280, 16_250, 16_284, 16_300, 16_384, 16_400, 65_535, 65_536, 70_000]) {
    for (const fill of ['x', 'é', '€', '😀']) {
      const head = '{"event":"license.created","data":{"note":"';
      const tail = '"},"timestamp":"2025-01-15T10:30:00.000Z"}';
      let note = '';
      while (Buffer.byteLength(head + note + tail) < size) note += note.length % 7 === 0 ? 'a' : fill;
      const body = head + note + tail;
      const signature = sign(SECRET, body);
      for (const input of [body, Buffer.from(body), new Uint8Array(Buffer.from(body))]) {
        const what = `${Buffer.byteLength(body)} bytes of ${fill}, ${typeof input}`;
        for (const verifier of [webhook, rotating]) {
          const event = verifier.verify(input, signature);
          assert.equal(event.data.note, note, what);
          assert.equal(event.idempotencyKey, signature.slice(0, 32), what);
          assert.equal(verifier.verify(input, ` ${signature.toUpperCase()}\t`).idempotencyKey, event.idempotencyKey, what);
        }
        refused(() => webhook.verify(input, sign('whsec_other', body)), 'invalid_signature', 401);
        refused(() => webhook.verify(input, `${signature.slice(1)}é`), 'malformed_signature', 401);
        refused(() => webhook.verify(input, 'é'.repeat(20_000)), 'malformed_signature', 401);
        const bad = `${body.slice(0, -1)},}`;
        refused(() => webhook.verify(typeof input === 'string' ? bad : Buffer.from(bad), sign(SECRET, bad)), 'invalid_payload', 400);
      }
    }
  }
});

test('the verifier never shows its secret', async () => {
  const { inspect } = await import('node:util');
  assert.ok(!inspect(webhook, { showHidden: true, depth: 5 }).includes(SECRET));
  assert.ok(!JSON.stringify(webhook).includes(SECRET));
  assert.ok(!String(webhook).includes(SECRET));
});

test('sizes that would not fit in 32-bit Wasm memory are refused, never a trap', () => {
  // 2 GiB used to be one allocation too large for Wasm: a trap ("unreachable").
  // allocUnsafe leaves the pages untouched, so this costs no real memory.
  for (const size of [256 * 1024 * 1024 + 1, 2 ** 31]) {
    const body = Buffer.allocUnsafe(size);
    const error = refused(() => webhook.verify(body, sign(SECRET, BODY)), 'payload_too_large', 413);
    assert.match(error.message, /256 MiB|268435456/);
    refused(() => webhook.verifySignature(body, sign(SECRET, BODY)), 'payload_too_large', 413);
    refused(() => sign(SECRET, body), 'payload_too_large', 413);
  }
  const hugeHeader = 'a'.repeat(64 * 1024 * 1024 + 1);
  refused(() => webhook.verify(BODY, hugeHeader), 'invalid_argument', 500);
  refused(() => new Webhook(hugeHeader), 'invalid_secret', 500);
  // The module is still whole.
  assert.equal(webhook.verify(BODY, sign(SECRET, BODY)).event, 'license.authorized');
});
