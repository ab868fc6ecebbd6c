// The Fetch adapter's own rules, called with Request objects in Node: wrong
// options throw at once, every refusal is a WebhookVerificationError with the
// right status, and no message carries the secret. (The runtimes and HTTP
// are covered by workerd.test.mjs, deno-bun.test.mjs and examples.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';

import { geckoguard, verifyRequest, WebhookVerificationError, SECRET_BINDING } from '../../pkg/fetch.js';

const SECRET = 'whsec_node_unit_test_secret';
const URL_ = 'https://example.com/webhooks/geckoguard';
const sign = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');
const body = JSON.stringify({ event: 'license.revoked', data: { licenseId: 'lic_1' }, timestamp: '2025-01-15T10:30:00.000Z' });
const post = (payload, headers = {}) => new Request(URL_, { method: 'POST', headers, body: payload });

async function refusal(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a refusal');
}

test('verifyRequest: a valid delivery, as bytes, with every event field', async () => {
  const event = await verifyRequest(post(body, { 'x-geckoguard-signature': sign(SECRET, body) }), { secret: SECRET });
  assert.equal(event.event, 'license.revoked');
  assert.deepEqual(event.data, { licenseId: 'lic_1' });
  assert.equal(event.idempotencyKey, sign(SECRET, body).slice(0, 32));
});

test('verifyRequest: refusals carry the status to answer and never the secret', async () => {
  const cases = [
    [post(body), { secret: SECRET }, 'missing_signature', 401],
    [post(body, { 'x-geckoguard-signature': sign('whsec_other', body) }), { secret: SECRET }, 'invalid_signature', 401],
    [post('nope', { 'x-geckoguard-signature': sign(SECRET, 'nope') }), { secret: SECRET }, 'invalid_payload', 400],
    [new Request(URL_), { secret: SECRET }, 'method_not_allowed', 405],
    [post('x'.repeat(11), { 'x-geckoguard-signature': sign(SECRET, 'x') }), { secret: SECRET, maxBodyBytes: 10 }, 'payload_too_large', 413],
    [post(body, { 'x-geckoguard-signature': sign(SECRET, body) }), { secret: undefined }, 'invalid_secret', 500],
    [post(body, { 'x-geckoguard-signature': sign(SECRET, body) }), { secret: ` ${SECRET}` }, 'invalid_secret', 500],
  ];
  for (const [request, options, code, status] of cases) {
    const error = await refusal(verifyRequest(request, options));
    assert.ok(error instanceof WebhookVerificationError, `${code}: ${error}`);
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.ok(!error.message.includes(SECRET), `${code}: the message shows the secret`);
  }
});

test('verifyRequest: a chunked body over the limit is refused without reading it all', async () => {
  let pulled = 0;
  const stream = new ReadableStream({
    pull(controller) {
      pulled += 1;
      controller.enqueue(new Uint8Array(1024));
      if (pulled > 10_000) controller.close();
    },
  });
  const request = new Request(URL_, { method: 'POST', body: stream, duplex: 'half' });
  const error = await refusal(verifyRequest(request, { secret: SECRET, maxBodyBytes: 4096 }));
  assert.equal(error.code, 'payload_too_large');
  assert.ok(pulled < 20, `read ${pulled} chunks of 1 KiB for a 4 KiB limit`);
});

test('verifyRequest: a body already read is a clear 500, not "invalid signature"', async () => {
  const request = post(body, { 'x-geckoguard-signature': sign(SECRET, body) });
  await request.text();
  const error = await refusal(verifyRequest(request, { secret: SECRET }));
  assert.equal(error.code, 'body_already_parsed');
  assert.equal(error.status, 500);
  assert.match(error.message, /request\.clone\(\)/);
});

test('verifyRequest: wrong arguments are TypeErrors that name the fix', async () => {
  await assert.rejects(verifyRequest('https://x', { secret: SECRET }), { name: 'TypeError', message: /must be a Fetch Request/ });
  await assert.rejects(verifyRequest(post(body)), { name: 'TypeError', message: /options must be an object/ });
  await assert.rejects(verifyRequest(post(body), { secret: SECRET, tolerence: 5 }), { name: 'TypeError', message: /unknown option "tolerence"/ });
  await assert.rejects(verifyRequest(post(body), { secret: SECRET, maxBodyBytes: -1 }), { name: 'TypeError' });
});

test('geckoguard(): a wrong configuration throws when the factory is called', () => {
  assert.throws(() => geckoguard({ dedupe: 'yes' }), TypeError);
  assert.throws(() => geckoguard({ deadlineMs: 0 }), TypeError);
  assert.throws(() => geckoguard({ background: 1 }), TypeError);
  assert.throws(() => geckoguard({ secretBinding: '' }), TypeError);
  assert.throws(() => geckoguard({ secret: ' whsec_padded' }), { code: 'invalid_secret' });
  assert.throws(() => geckoguard({ secert: SECRET }), { name: 'TypeError', message: /unknown option "secert"/ });
  assert.throws(() => geckoguard().on('license.revoked', 'not a function'), TypeError);
  assert.throws(() => geckoguard({ secret: undefined }), { name: 'TypeError', message: /secret is missing/ });
});

test('geckoguard(): the secret comes from env per request, one verifier per secret, rotation across bindings', async () => {
  const webhooks = geckoguard({ secretBinding: ['NEW_SECRET', 'OLD_SECRET'], log: false });
  const seen = [];
  webhooks.onAny((event) => seen.push(event.idempotencyKey));
  const signedWithOld = post(body, { 'x-geckoguard-signature': sign('whsec_old_one', body) });
  let response = await webhooks(signedWithOld, { NEW_SECRET: 'whsec_new_one', OLD_SECRET: 'whsec_old_one' });
  assert.equal(response.status, 200);
  response = await webhooks(post(body, { 'x-geckoguard-signature': sign('whsec_old_one', body) }), { NEW_SECRET: 'whsec_new_one' });
  assert.equal(response.status, 401);
  assert.equal(seen.length, 1);
});

test('geckoguard(): a missing or invalid binding answers 500, reports to onError, never shows the secret', async () => {
  const errors = [];
  const webhooks = geckoguard({ onError: (error, context) => errors.push([error.code, context.status, error.message]), log: false });
  const original = console.error;
  const lines = [];
  console.error = (line) => lines.push(String(line));
  try {
    let response = await webhooks(post(body, { 'x-geckoguard-signature': sign(SECRET, body) }), {});
    assert.deepEqual([response.status, await response.text()], [500, 'Internal Server Error']);
    response = await webhooks(post(body), { [SECRET_BINDING]: `${SECRET}\n` });
    assert.equal(response.status, 500);
  } finally {
    console.error = original;
  }
  assert.equal(errors.length, 2);
  assert.ok(errors.every(([code, status]) => code === 'invalid_secret' && status === 500));
  assert.match(errors[0][2], /GECKOGUARD_WEBHOOK_SECRET/);
  assert.ok(![...lines, ...errors.map((e) => e[2])].some((text) => text.includes(SECRET)), 'a log line shows the secret');
});

test('geckoguard(): the handler refuses what is not a Request with a TypeError that names the fix', async () => {
  await assert.rejects(geckoguard({ secret: SECRET })({ req: {} }), { name: 'TypeError', message: /c\.req\.raw/ });
});

test('geckoguard(): router answers and headers', async () => {
  const webhooks = geckoguard({ secret: SECRET, log: false });
  webhooks.on('license.revoked', () => {
    throw new Error('boom');
  });
  let response = await webhooks(post(body, { 'x-geckoguard-signature': sign(SECRET, body) }));
  assert.deepEqual([response.status, response.headers.get('content-type')], [500, 'text/plain; charset=utf-8']);
  response = await webhooks(new Request(URL_, { method: 'PUT', body: 'x' }));
  assert.deepEqual([response.status, response.headers.get('allow')], [405, 'POST']);
});

test('the CommonJS build of the subpath works with require', async () => {
  const require = createRequire(import.meta.url);
  const cjs = require('../../pkg/fetch.cjs');
  const event = await cjs.verifyRequest(post(body, { 'x-geckoguard-signature': sign(SECRET, body) }), { secret: SECRET });
  assert.equal(event.event, 'license.revoked');
});
