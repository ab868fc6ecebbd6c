// No leaks, in JavaScript: every error path of the npm package and of the
// Express and Fetch adapters is run, and everything a user or an attacker could see is
// collected: error messages, stacks and util.inspect output, response
// bodies and headers, the adapter's log entries and onError errors, and
// what the default log prints on the console. None of it may contain the
// secret or the expected MAC (the signature the received body should have),
// in full or in any 16-digit run, in either case.
//
// The Rust side has the same test in tests/no_leaks.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { inspect } from 'node:util';
import { connect } from 'node:net';

import express5 from 'express5';
import { sign, Webhook } from '../../../pkg/node.js';
import * as glue from '../../../pkg/wasm/geckoguard_webhooks.js';
import { createApi } from '../../../pkg/webhook.js';
import { geckoguard } from '../../../pkg/express.js';

const SECRET = 'whsec_noleak_js_8d2f6a0c4e19b73';
const OLD_SECRET = 'whsec_noleak_js_rotated_out_5c5c';
const BODY = JSON.stringify({ event: 'license.revoked', data: { licenseId: 'lic_leak' }, timestamp: '2025-01-15T10:30:00.000Z' });
/** The one body the Express test lets through (to a handler that throws). */
const ACCEPTED = JSON.stringify({ event: 'license.revoked', data: { licenseId: 'lic_accepted' }, timestamp: '2025-01-15T10:30:00.000Z' });
const SENT_MS = Date.parse('2025-01-15T10:30:00.000Z');

/**
 * The strings that must never show, for a given received body. For a body
 * that was accepted, the idempotency key (the MAC's first 32 digits, logged
 * by design to trace duplicates) may show; the rest of the MAC may not. A
 * forger needs all 64 digits, and an accepted body's MAC came in its own
 * request anyway.
 */
function forbidden(body, { accepted = false } = {}) {
  const words = [SECRET, OLD_SECRET, SECRET.slice(6), OLD_SECRET.slice(6)];
  for (const secret of [SECRET, OLD_SECRET]) {
    const mac = sign(secret, body);
    for (let i = accepted ? 17 : 0; i + 16 <= mac.length; i += 1) {
      words.push(mac.slice(i, i + 16), mac.slice(i, i + 16).toUpperCase());
    }
  }
  return words;
}

function assertClean(what, body, texts, options) {
  const words = forbidden(body, options);
  for (const text of texts) {
    for (const word of words) assert.ok(!String(text).includes(word), `${what}: ${JSON.stringify(word)} appears in ${JSON.stringify(String(text).slice(0, 300))}`);
  }
}

/** Everything an error shows: message, stack, inspect, JSON, own properties. */
function renderings(error) {
  return [String(error), error?.message, error?.stack, inspect(error, { depth: 5, showHidden: true }), JSON.stringify(error), JSON.stringify(Object.entries(error ?? {}))];
}

function flip(text, at) {
  const bytes = Buffer.from(text);
  bytes[at] ^= 0x01;
  return bytes;
}

/** [name, body, header, options, code]: one per error the package can raise. */
function apiCases() {
  const mac = sign(SECRET, BODY);
  const bad = (body) => sign(SECRET, body);
  return [
    ['missing', BODY, undefined, undefined, 'missing_signature'],
    ['blank', BODY, '  ', undefined, 'missing_signature'],
    ['63 digits', BODY, mac.slice(1), undefined, 'malformed_signature'],
    ['twice', BODY, `${mac},${mac}`, undefined, 'malformed_signature'],
    ['last digit wrong', BODY, mac.slice(0, 63) + (mac.endsWith('0') ? '1' : '0'), undefined, 'invalid_signature'],
    ['first digit wrong', BODY, (mac.startsWith('0') ? '1' : '0') + mac.slice(1), undefined, 'invalid_signature'],
    ['tampered body', flip(BODY, 30), mac, undefined, 'invalid_signature'],
    ['another secret', BODY, sign('whsec_someone_else_entirely', BODY), undefined, 'invalid_signature'],
    ['large tampered body (host HMAC path)', Buffer.concat([Buffer.from(BODY), Buffer.alloc(4096, 32)]), mac, undefined, 'invalid_signature'],
    ['not JSON', '{"event":', bad('{"event":'), undefined, 'invalid_payload'],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), bad(Buffer.from([0x7b, 0xff, 0x7d])), undefined, 'invalid_payload'],
    ['missing data', '{"event":"e","timestamp":"t"}', bad('{"event":"e","timestamp":"t"}'), undefined, 'invalid_payload'],
    ['duplicate event', '{"event":"e","event":"e","data":{},"timestamp":"t"}', bad('{"event":"e","event":"e","data":{},"timestamp":"t"}'), undefined, 'invalid_payload'],
    ['too old', BODY, mac, { now: SENT_MS + 301_000 }, 'timestamp_out_of_tolerance'],
    ['in the future', BODY, mac, { now: SENT_MS - 301_000 }, 'timestamp_out_of_tolerance'],
    ['bad timestamp', '{"event":"e","data":{},"timestamp":"yesterday"}', bad('{"event":"e","data":{},"timestamp":"yesterday"}'), { now: SENT_MS }, 'invalid_payload'],
    ['parsed body', JSON.parse(BODY), mac, undefined, 'body_already_parsed'],
    ['bad header type', BODY, 42, undefined, 'invalid_argument'],
    ['bad now', BODY, mac, { now: -1 }, 'invalid_argument'],
  ];
}

for (const [label, api] of [
  ['Node entry', { Webhook, sign }],
  ['pure Wasm', createApi(glue)],
]) {
  test(`${label}: no error of the package shows a secret or the expected MAC`, () => {
    const seen = new Set();
    for (const [name, body, header, options, code] of apiCases()) {
      const webhook = new api.Webhook([OLD_SECRET, SECRET], { tolerance: 300 });
      for (const call of [() => webhook.verify(body, header, options ?? { now: SENT_MS }), () => webhook.verifySignature(body, header)]) {
        try {
          call();
        } catch (error) {
          assertClean(`${label}, ${name}`, typeof body === 'object' && !(body instanceof Uint8Array) ? BODY : body, renderings(error));
          seen.add(error.code);
        }
      }
      assert.ok(seen.has(code), `${name}: never raised ${code}`);
      // The verifier itself, however it is printed.
      assertClean(`${label}, the verifier`, BODY, [inspect(webhook, { showHidden: true, depth: 9 }), JSON.stringify(webhook), String(webhook)]);
    }
    // Secrets refused at construction: near misses of SECRET, so quoting them quotes it.
    for (const secrets of [[` ${SECRET}`], [`${SECRET}\n`], [SECRET, ''], [SECRET, 42], [], [`\u00a0${SECRET}`]]) {
      assert.throws(
        () => new api.Webhook(secrets),
        (error) => {
          assertClean(`${label}, invalid secret`, BODY, renderings(error));
          return error.code === 'invalid_secret';
        },
      );
    }
    assert.throws(() => new api.Webhook(SECRET, { tolerance: -1 }), (error) => (assertClean(label, BODY, renderings(error)), true));
  });
}

/** Captures console output while `fn` runs (the adapter's default log writes there). */
async function capturingConsole(fn) {
  const lines = [];
  const saved = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    saved[level] = console[level];
    console[level] = (...args) => lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 5 }))).join(' '));
  }
  try {
    await fn();
  } finally {
    Object.assign(console, saved);
  }
  return lines;
}

/** Sends raw bytes; resolves to the whole response as text. */
function raw(port, bytes, { halfCloseAfterMs } = {}) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('connect', () => {
      socket.write(bytes);
      if (halfCloseAfterMs === undefined) socket.end();
    });
  });
}

function request(path, body, headers) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', 'Content-Type: application/json', ...headers, `Content-Length: ${bytes.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

test('Express adapter: no answer, log line, console line or onError error shows a secret or the expected MAC', async () => {
  const collected = [];
  const errors = [];
  const app = express5();
  const options = (extra) => ({
    secrets: [OLD_SECRET, SECRET],
    tolerance: 300,
    now: () => SENT_MS,
    maxBodyBytes: 8192,
    bodyTimeoutMs: 300,
    onError: (error, context) => errors.push(error, context),
    ...extra,
  });
  // Router mode with a handler that fails, the default console log, dedupe.
  app.use(
    '/router',
    geckoguard(options({ dedupe: true }))
      .on('license.revoked', () => {
        throw new Error('handler failed on purpose');
      })
      .onAny(() => {}),
  );
  // Middleware mode, structured log captured.
  app.post('/middleware', geckoguard(options({ log: (entry) => collected.push(JSON.stringify(entry)) })), (req, res) => res.sendStatus(200));
  // A body parser before the adapter: the raw bytes are lost.
  app.post('/parsed', express5.json(), geckoguard(options()), (req, res) => res.sendStatus(200));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();

  const mac = sign(SECRET, BODY);
  const sent = [
    ['/router', BODY, []],
    ['/router', BODY, ['X-GeckoGuard-Signature: ']],
    ['/router', BODY, [`X-GeckoGuard-Signature: ${mac.slice(2)}`]],
    ['/router', BODY, [`X-GeckoGuard-Signature: ${mac.slice(0, 63)}0`, `X-GeckoGuard-Signature: ${mac}`]],
    ['/router', flip(BODY, 30), [`X-GeckoGuard-Signature: ${mac}`]],
    ['/router', ACCEPTED, [`X-GeckoGuard-Signature: ${sign(SECRET, ACCEPTED)}`]], // handler throws: 500
    ['/middleware', flip(BODY, 30), [`X-GeckoGuard-Signature: ${mac}`]],
    ['/middleware', '{"event":', [`X-GeckoGuard-Signature: ${sign(SECRET, '{"event":')}`]],
    ['/middleware', Buffer.alloc(9000, 32), [`X-GeckoGuard-Signature: ${mac}`]],
    ['/parsed', BODY, [`X-GeckoGuard-Signature: ${mac}`]],
  ];
  let answers = [];
  const consoleLines = await capturingConsole(async () => {
    answers = await Promise.all(sent.map(([path, body, headers]) => raw(port, request(path, body, headers))));
    // A GET in router mode (405), and a body that stops halfway (408).
    answers.push(await raw(port, Buffer.from(`GET /router HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)));
    const partial = request('/middleware', BODY, [`X-GeckoGuard-Signature: ${mac}`]);
    answers.push(await raw(port, partial.subarray(0, partial.length - 20), { halfCloseAfterMs: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  server.closeAllConnections?.();
  server.close();

  const statuses = answers.map((a) => Number(/^HTTP\/1\.1 (\d{3})/.exec(a)?.[1]));
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 500, 401, 400, 413, 500, 405, 408]);
  const codes = errors.filter((e) => !(e instanceof Error)).map((context) => context.code);
  for (const code of ['missing_signature', 'malformed_signature', 'invalid_signature', 'handler_failed', 'invalid_payload', 'payload_too_large', 'body_already_parsed', 'method_not_allowed', 'body_timeout']) {
    assert.ok(codes.includes(code), `no ${code} reported: ${codes}`);
  }
  assert.ok(consoleLines.length > 0 && collected.length > 0, 'the logs were not captured');
  for (const body of [BODY, flip(BODY, 30), '{"event":']) {
    assertClean('responses', body, answers);
    assertClean('console', body, consoleLines);
    assertClean('log entries', body, collected);
    for (const item of errors) assertClean('onError', body, item instanceof Error ? renderings(item) : [inspect(item, { depth: 2 })]);
  }
  const everything = [...answers, ...consoleLines, ...collected, ...errors.flatMap((e) => (e instanceof Error ? renderings(e) : [inspect(e, { depth: 2 })]))];
  assertClean('the accepted delivery', ACCEPTED, everything, { accepted: true });
});

test('Adapter configuration errors never quote a secret', () => {
  const attempts = [
    { secret: ` ${SECRET}` },
    { secret: `${SECRET}\n` },
    { secrets: [SECRET, ` ${OLD_SECRET}`] },
    { secrets: [SECRET, 42] },
    { secret: SECRET, secrets: [OLD_SECRET] },
    { secret: SECRET, maxBodyBytes: SECRET },
    { secret: SECRET, bodyTimeoutMs: SECRET },
    { secret: SECRET, log: SECRET },
    { secret: SECRET, onError: SECRET },
    { secret: SECRET, dedupe: SECRET },
    { secret: SECRET, tolerance: SECRET },
  ];
  for (const options of attempts) {
    assert.throws(
      () => geckoguard(options),
      (error) => {
        assertClean('configuration', BODY, renderings(error));
        return true;
      },
      inspect(Object.keys(options)),
    );
  }
});

test('Fetch adapter: no Response, log line, console line or onError error shows a secret or the expected MAC', async () => {
  const { geckoguard: fetchAdapter, verifyRequest } = await import('../../../pkg/fetch.js');
  const errors = [];
  const entries = [];
  const texts = [];
  const mac = sign(SECRET, BODY);
  const post = (body, signature, method = 'POST') =>
    new Request('http://127.0.0.1/webhooks/geckoguard', {
      method,
      headers: signature === undefined ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'x-geckoguard-signature': signature },
      body: method === 'GET' ? undefined : body,
    });
  const requests = () => [
    post(BODY, undefined),
    post(BODY, mac.slice(3)),
    post(BODY, `${mac.slice(0, 63)}${mac.endsWith('0') ? '1' : '0'}`),
    post(flip(BODY, 30), mac),
    post(Buffer.concat([flip(BODY, 30), Buffer.alloc(9000, 32)]), mac), // WebCrypto path
    post('{"event":', sign(SECRET, '{"event":')),
    post(Buffer.alloc(5000, 32), mac), // over maxBodyBytes
    post(BODY, mac, 'GET'),
  ];
  const consoleLines = await capturingConsole(async () => {
    // The secret from options, the structured log and onError captured.
    const withOptions = fetchAdapter({
      secrets: [OLD_SECRET, SECRET],
      maxBodyBytes: 4096,
      log: (entry) => entries.push(JSON.stringify(entry)),
      onError: (error, context) => errors.push(error, context),
    }).onAny(() => {});
    // The secret from an env binding, the default console log.
    const fromEnv = fetchAdapter({ maxBodyBytes: 4096 }).onAny(() => {});
    for (const handler of [withOptions, fromEnv]) {
      for (const request of requests()) {
        const response = await handler(request, { GECKOGUARD_WEBHOOK_SECRET: SECRET }, { waitUntil() {} });
        texts.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
      }
    }
    // A binding holding a secret the core refuses (pasted with a newline): 500, and not quoted.
    const badBinding = await fromEnv(post(BODY, mac), { GECKOGUARD_WEBHOOK_SECRET: `${SECRET}\n` }, { waitUntil() {} });
    texts.push(`${badBinding.status} ${await badBinding.text()}`);
    assert.equal(badBinding.status, 500);
    // verifyRequest's errors.
    for (const request of requests()) {
      try {
        await verifyRequest(request, { secrets: [OLD_SECRET, SECRET], maxBodyBytes: 4096 });
      } catch (error) {
        texts.push(...renderings(error));
      }
    }
  });
  assert.ok(texts.some((t) => t.startsWith('401')) && texts.some((t) => t.startsWith('413')) && texts.some((t) => t.startsWith('405')), texts.join('\n'));
  assert.ok(entries.length > 0 && consoleLines.length > 0 && errors.length > 0, 'nothing was captured');
  for (const body of [BODY, flip(BODY, 30), '{"event":', Buffer.concat([flip(BODY, 30), Buffer.alloc(9000, 32)])]) {
    assertClean('fetch responses', body, texts);
    assertClean('fetch console', body, consoleLines);
    assertClean('fetch log entries', body, entries);
    for (const item of errors) assertClean('fetch onError', body, item instanceof Error ? renderings(item) : [inspect(item, { depth: 2 })]);
  }
});
